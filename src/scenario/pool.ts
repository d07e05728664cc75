// Runs scenarios in parallel on worker threads. A scenario that crashes its worker, exhausts its memory or
// runs past the time limit (loading included) becomes that scenario's error; the pool replaces the worker and
// goes on, and removes what the stopped scenario had begun to write. One pool serves both phases of `run`
// (load every file, then run the valid ones): its threads start once, and the phases overlap — one thread loads
// the files while the others already run the scenarios loaded so far.
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Scenario } from './model.js';
import { clearScenarioOutputs, scenarioFolderPath } from './output-folder.js';
import type { ScenarioResult } from './runner.js';
import type { WorkerData, WorkerJob, WorkerMessage } from './worker.js';
import { scenarioWorkerUrl } from './worker-entry.js';

export { scenarioWorkerUrl };

export interface PoolOptions {
  jobs?: number;
  /** Wall-clock limit per scenario. */
  timeoutMs: number;
  /** Heap limit of each worker, so a runaway scenario cannot take the whole process down. */
  maxHeapMb?: number;
  onResult?(result: ScenarioResult): void;
}

/**
 * What `check` finds: the scenario (its name names the output folder) and an estimate of its run's cost, or why
 * it cannot run.
 */
export type CheckOutcome = { name: string; result: null; scenario: Scenario; cost: number } | { name: null; result: ScenarioResult };

/** A scenario file (`path`, named `file` in messages), already loaded by `check` when `scenario` is given. */
export interface PoolEntry {
  path: string;
  file: string;
  scenario?: Scenario;
  /** Runs with a higher cost start first (results still come back in the entries' order). */
  cost?: number;
}

export interface CheckOptions {
  /** Told each outcome as it comes (files are loaded in order), before the whole check ends. */
  onOutcome?(index: number, outcome: CheckOutcome): void;
  /** Threads that load files at the same time (default all): 1 leaves the others free to run what is loaded. */
  threads?: number;
}


/**
 * Tasks sent to a worker ahead of its current one, so that it goes on without waiting for this thread to wake up
 * and answer (a check takes a few ms; a round trip on a busy machine can take as long).
 */
const TASKS_IN_FLIGHT = 2;
/**
 * Files one check job loads: a few ms each, so that the loading thread does not wake this one for every file;
 * the first job has one file, so that the first run can start as soon as possible.
 */
const CHECK_BATCH = 4;

export function defaultJobCount(): number {
  return availableParallelism();
}

/** Pools still running; `stopAllWorkers` ends their workers and cleans their scenarios' folders (Ctrl-C). */
const running = new Set<ScenarioPool>();

export function stopAllWorkers(): void {
  for (const pool of [...running]) pool.stop();
}

type Kind = WorkerJob['kind'];

interface Task {
  kind: Kind;
  job: Omit<WorkerJob, 'id'>;
  cost: number;
  /** A check of several files sent as one job: its outcome is theirs, in order; if it fails, they are sent again one by one. */
  members?: Task[];
  /** A file of a batch that failed: loaded alone from now on. */
  alone?: boolean;
  /** Where the run writes, when its loaded scenario says so (else the worker tells): cleaned if it is stopped. */
  folder?: string;
  settle(outcome: unknown): void;
  crashed(message: string, wallMs: number): unknown;
}

interface Slot {
  worker: Worker;
  /** What the thread loads before it says ready, and so prefers to do. */
  role: Kind;
  ready: boolean;
  /** Sent to the worker, in order: the first is running (and timed), the next waits in the worker's queue. */
  tasks: Task[];
  /** Where the running task writes. */
  folder: string | null;
  startedAt: number;
  timer: NodeJS.Timeout | undefined;
  startUpTimer: undefined | NodeJS.Timeout;
  retired: boolean;
}

/** The order tasks start in: highest cost first, ties in the order given (a stable sort). */
export function startOrder(costs: readonly number[]): number[] {
  return costs.map((_, index) => index).sort((a, b) => costs[b]! - costs[a]! || a - b);
}

/**
 * Worker threads that load (`check`) and run scenarios. The threads start at construction, so they load while
 * the caller still prepares; `close` ends them. At most `jobs` threads, never more than `expectedTasks`.
 */
export class ScenarioPool {
  private readonly slots = new Set<Slot>();
  /** Checks in the order given; runs by cost (highest first), ties in the order submitted. */
  private readonly checks: Task[] = [];
  private readonly runs: Task[] = [];
  private checkThreads = Number.POSITIVE_INFINITY;
  private readonly maxWorkers: number;
  private stopping = false;
  private closed = false;
  /** Why a thread could not start (a broken install): then no thread is started again, and nothing more runs. */
  private startFailure: string | null = null;
  private nextId = 0;
  private checkJobs = 0;

  constructor(private readonly options: PoolOptions, expectedTasks: number) {
    this.maxWorkers = Math.max(1, Math.min(options.jobs ?? defaultJobCount(), Math.max(1, expectedTasks)));
    running.add(this);
    // the first thread loads the scenario loader (files are checked first), the others the runner
    for (let i = 0; i < this.maxWorkers; i++) this.startWorker(i === 0 ? 'check' : 'run');
  }

  /** Loads each scenario file in a worker under the time limit (a FIFO input or a hostile document cannot hang the run). */
  check(files: readonly PoolEntry[], options: CheckOptions = {}): Promise<CheckOutcome[]> {
    this.checkThreads = Math.max(1, options.threads ?? Number.POSITIVE_INFINITY);
    const onOutcome = options.onOutcome;
    return this.submit<CheckOutcome>(files, 'check', { outDir: '' }, (entry, message, wallMs) => ({ name: null, result: crashResult(entry.file, message, wallMs) }),
      onOutcome ? (outcome, index) => onOutcome(index, outcome) : undefined);
  }

  /** Runs each entry (its loaded scenario, else its file); results come back in the order of `entries`. */
  run(entries: readonly PoolEntry[], runOptions: WorkerJob['options'], onResult?: (result: ScenarioResult) => void): Promise<ScenarioResult[]> {
    return this.submit<ScenarioResult>(entries, 'run', runOptions, (entry, message, wallMs) => crashResult(entry.file, message, wallMs), onResult && ((result) => onResult(result)));
  }

  /** Ends the workers (idle ones at once; call it once no work is pending). */
  close(): void {
    this.closed = true;
    running.delete(this);
    for (const slot of [...this.slots]) this.retire(slot);
  }

  /** Interrupted: the running scenarios are stopped (their folders cleaned), the queued ones answered as not run. */
  stop(): void {
    this.stopping = true;
    for (const slot of [...this.slots]) this.fail(slot, 'was stopped (interrupted)');
    this.drainQueues();
    this.close();
  }

  private submit<T>(
    entries: readonly PoolEntry[], kind: Kind, options: WorkerJob['options'],
    crashed: (entry: PoolEntry, message: string, wallMs: number) => T, onSettled?: (outcome: T, index: number) => void,
  ): Promise<T[]> {
    const results: T[] = new Array(entries.length);
    if (entries.length === 0) return Promise.resolve(results);
    return new Promise((resolve) => {
      let finished = 0;
      const tasks = entries.map((entry, index): Task => {
        let settled = false;
        return {
          kind,
          job: { kind, path: entry.path, file: entry.file, options, ...(entry.scenario ? { scenario: entry.scenario } : {}) },
          cost: entry.cost ?? 0,
          ...(kind === 'run' && entry.scenario ? { folder: scenarioFolderPath(options.outDir, entry.scenario.name) } : {}),
          settle: (outcome) => {
            if (settled) return;
            settled = true;
            results[index] = outcome as T;
            finished++;
            onSettled?.(outcome as T, index);
            if (finished === entries.length) resolve(results);
          },
          crashed: (message, wallMs) => crashed(entry, message, wallMs),
        };
      });
      if (kind === 'check') {
        this.checks.push(...tasks);
      } else {
        for (const index of startOrder(tasks.map((task) => task.cost))) this.enqueueRun(tasks[index]!);
      }
      if (this.stopping || this.closed) {
        this.drainQueues();
        return;
      }
      if (this.startFailure !== null) {
        this.drainQueues(`was not run: ${this.startFailure}`);
        return;
      }
      this.ensureWorkers();
      for (const slot of this.slots) this.dispatch(slot);
    });
  }

  /** After every queued run of at least its cost: the costliest start first, equal costs in submission order. */
  private enqueueRun(task: Task): void {
    let at = this.runs.length;
    while (at > 0 && this.runs[at - 1]!.cost < task.cost) at--;
    this.runs.splice(at, 0, task);
  }

  private drainQueues(message = 'was not run (interrupted)'): void {
    for (const task of [...this.checks.splice(0), ...this.runs.splice(0)]) task.settle(task.crashed(message, 0));
  }

  private get queued(): number {
    return this.checks.length + this.runs.length;
  }

  /** Enough threads for the queued work (after a crash retired one), never more than `jobs`. */
  private ensureWorkers(): void {
    let spare = 0;
    let checker = false;
    for (const slot of this.slots) {
      if (slot.tasks.length === 0) spare++;
      if (slot.role === 'check') checker = true;
    }
    while (this.startFailure === null && this.slots.size < this.maxWorkers && spare < this.queued) {
      this.startWorker(!checker && this.checks.length > 0 ? 'check' : 'run');
      checker = true;
      spare++;
    }
  }

  private startWorker(role: Kind): void {
    const workerData: WorkerData = { preload: role };
    const worker = new Worker(scenarioWorkerUrl(), { workerData, resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 2048 } });
    const slot: Slot = { worker, role, ready: false, tasks: [], folder: null, startedAt: 0, timer: undefined, startUpTimer: undefined, retired: false };
    this.slots.add(slot);
    worker.on('message', (message: WorkerMessage) => {
      if (slot.retired) return;
      if (message.ready) {
        clearTimeout(slot.startUpTimer);
        slot.ready = true;
        this.dispatch(slot);
        return;
      }
      if (message.folder !== undefined) {
        slot.folder = message.folder;
        return;
      }
      clearTimeout(slot.timer);
      const task = slot.tasks.shift();
      slot.folder = slot.tasks[0]?.folder ?? null;
      // the worker goes straight on to the next task it holds: its time limit starts now
      if (slot.tasks.length > 0) this.startTimer(slot);
      task?.settle(message.outcome);
      // what the outcome made possible (runs of the scenarios just checked) goes to whichever thread is free
      for (const other of this.slots) this.dispatch(other);
    });
    worker.on('error', (error) => {
      if (slot.ready) this.fail(slot, `the scenario crashed its worker: ${error.message}`);
      else this.failStart(slot, error.message);
    });
    worker.on('exit', (code) => {
      if (slot.retired) return;
      if (slot.ready) this.fail(slot, `the scenario's worker exited with code ${code}`);
      else this.failStart(slot, `it exited with code ${code}`);
    });
    // the time limit is the scenario's, not the thread's start-up: the first job goes once the worker said ready
    const startUpMs = Math.max(this.options.timeoutMs, 30_000);
    slot.startUpTimer = setTimeout(() => this.failStart(slot, `it did not start within ${startUpMs / 1000} s`), startUpMs);
  }

  /**
   * The next task for a thread with nothing to do: its own kind first; checks on at most `checkThreads` threads,
   * and a thread started to run leaves them to one started to check (still starting, it has the loader loaded sooner).
   */
  private nextKind(slot: Slot): Kind | null {
    let busy = 0;
    for (const other of this.slots) {
      if (other !== slot && (other.tasks[0]?.kind === 'check' || (slot.role === 'run' && other.role === 'check'))) busy++;
    }
    const mayCheck = this.checks.length > 0 && busy < this.checkThreads;
    if (slot.role === 'check' && mayCheck) return 'check';
    if (this.runs.length > 0) return 'run';
    return mayCheck ? 'check' : null;
  }

  private dispatch(slot: Slot): void {
    if (slot.retired || !slot.ready) return;
    const kind = slot.tasks[0]?.kind ?? this.nextKind(slot);
    if (kind === null) {
      // nothing more will come once the pool is closed; until then an idle thread waits for the next tasks
      if (this.closed && slot.tasks.length === 0) this.retire(slot);
      return;
    }
    const queue = kind === 'check' ? this.checks : this.runs;
    // a second task only while there is enough for every thread: the last ones go to whichever is free
    while (queue.length > 0 && (slot.tasks.length === 0 || (slot.tasks.length < TASKS_IN_FLIGHT && (kind === 'check' || queue.length >= this.slots.size)))) {
      const task = kind === 'check' ? checkBatch(queue.splice(0, batchLength(queue, this.checkJobs++ === 0 ? 1 : CHECK_BATCH))) : queue.shift()!;
      slot.tasks.push(task);
      if (slot.tasks.length === 1) {
        slot.folder = task.folder ?? null;
        this.startTimer(slot);
      }
      slot.worker.postMessage({ id: this.nextId++, ...task.job } satisfies WorkerJob);
    }
  }

  /** The running task's limit, from now (a batch of checks gets each file's). */
  private startTimer(slot: Slot): void {
    slot.startedAt = performance.now();
    const limitMs = this.options.timeoutMs * (slot.tasks[0]?.members?.length ?? 1);
    slot.timer = setTimeout(() => this.fail(slot, `did not finish within ${this.options.timeoutMs / 1000} s of wall-clock time (stopped)`), limitMs);
  }

  private retire(slot: Slot): void {
    if (slot.retired) return;
    slot.retired = true;
    clearTimeout(slot.startUpTimer);
    clearTimeout(slot.timer);
    this.slots.delete(slot);
    void slot.worker.terminate();
  }

  /**
   * A thread that cannot even start (a module missing from the install) would fail again in a new thread: every
   * scenario not yet run becomes an error saying why, at once, and no thread is started again.
   */
  private failStart(slot: Slot, reason: string): void {
    if (slot.retired) return;
    this.retire(slot);
    this.startFailure ??= `a scenario worker could not start (${reason})`;
    this.drainQueues(`was not run: ${this.startFailure}`);
  }

  /** The slot's scenario becomes an error, its folder is cleaned, and another thread takes over the queue. */
  private fail(slot: Slot, message: string): void {
    if (slot.retired) return;
    this.retire(slot);
    if (slot.folder !== null) clearScenarioOutputs(slot.folder, true);
    const [task, ...waiting] = slot.tasks;
    slot.tasks = [];
    // the tasks that waited behind it go back to the front of their queue, in order; so do the files of a batch,
    // each to be loaded alone, so that only the one at fault fails
    const again = [...(task?.members ?? []), ...waiting].flatMap((next) => next.members ?? [next]);
    for (const member of task?.members ?? []) member.alone = true;
    for (const next of again.reverse()) {
      if (next.kind === 'check') this.checks.unshift(next);
      else this.runs.unshift(next);
    }
    if (task && !task.members) task.settle(task.crashed(message, performance.now() - slot.startedAt));
    if (this.stopping) {
      this.drainQueues();
      return;
    }
    if (this.closed) return;
    this.ensureWorkers();
    for (const other of this.slots) this.dispatch(other);
  }
}

/** Loads each scenario in its own short-lived pool (see ScenarioPool.check). */
export async function checkInPool(files: readonly PoolEntry[], poolOptions: PoolOptions): Promise<CheckOutcome[]> {
  const pool = new ScenarioPool(poolOptions, files.length);
  try {
    return await pool.check(files);
  } finally {
    pool.close();
  }
}

/** Runs each scenario file in its own short-lived pool; results come back in the order of `files`. */
export async function runInPool(files: readonly PoolEntry[], runOptions: WorkerJob['options'], poolOptions: PoolOptions): Promise<ScenarioResult[]> {
  const pool = new ScenarioPool(poolOptions, files.length);
  try {
    return await pool.run(files, runOptions, poolOptions.onResult);
  } finally {
    pool.close();
  }
}

/** How many checks at the front of the queue go as one job: up to `most`, a file that must be alone by itself. */
function batchLength(queue: readonly Task[], most: number): number {
  let length = 1;
  while (!queue[0]!.alone && length < most && length < queue.length && !queue[length]!.alone) length++;
  return length;
}

/** One check job for several files (or the file's own task when there is one). */
function checkBatch(members: Task[]): Task {
  if (members.length === 1) return members[0]!;
  const first = members[0]!;
  return {
    kind: 'check',
    job: { ...first.job, batch: members.map((member) => ({ path: member.job.path, file: member.job.file })) },
    cost: 0,
    members,
    settle: (outcomes) => members.forEach((member, index) => member.settle((outcomes as unknown[])[index])),
    crashed: () => undefined,
  };
}

function crashResult(file: string, message: string, wallMs: number): ScenarioResult {
  return { name: file, file, status: 'error', message, expectations: [], outputDir: null, wallMs, brief: null };
}
