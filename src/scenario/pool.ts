// Runs scenarios in parallel on worker threads. A scenario that crashes its worker, exhausts its memory or
// runs past the time limit (loading included) becomes that scenario's error; the pool replaces the worker and
// goes on, and removes what the stopped scenario had begun to write. One pool serves both phases of `run`
// (load every file, then run the valid ones): its threads start once and load the module graph once.
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Scenario } from './model.js';
import { clearScenarioOutputs } from './output-folder.js';
import type { ScenarioResult } from './runner.js';
import type { WorkerJob, WorkerMessage } from './worker.js';

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

const WORKER_URL = new URL('./worker.js', import.meta.url);

export function defaultJobCount(): number {
  return availableParallelism();
}

/** Pools still running; `stopAllWorkers` ends their workers and cleans their scenarios' folders (Ctrl-C). */
const running = new Set<ScenarioPool>();

export function stopAllWorkers(): void {
  for (const pool of [...running]) pool.stop();
}

interface Task {
  job: Omit<WorkerJob, 'id'>;
  cost: number;
  settle(outcome: unknown): void;
  crashed(message: string, wallMs: number): unknown;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task: Task | null;
  folder: string | null;
  startedAt: number;
  timer: NodeJS.Timeout | undefined;
  startUpTimer: NodeJS.Timeout | undefined;
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
  private readonly queue: Task[] = [];
  private readonly maxWorkers: number;
  private stopping = false;
  private closed = false;
  private nextId = 0;

  constructor(private readonly options: PoolOptions, expectedTasks: number) {
    this.maxWorkers = Math.max(1, Math.min(options.jobs ?? defaultJobCount(), Math.max(1, expectedTasks)));
    running.add(this);
    for (let i = 0; i < this.maxWorkers; i++) this.startWorker();
  }

  /** Loads each scenario file in a worker under the time limit (a FIFO input or a hostile document cannot hang the run). */
  check(files: readonly PoolEntry[]): Promise<CheckOutcome[]> {
    return this.submit<CheckOutcome>(files, 'check', { outDir: '' }, (entry, message, wallMs) => ({ name: null, result: crashResult(entry.file, message, wallMs) }));
  }

  /** Runs each entry (its loaded scenario, else its file); results come back in the order of `entries`. */
  run(entries: readonly PoolEntry[], runOptions: WorkerJob['options'], onResult?: (result: ScenarioResult) => void): Promise<ScenarioResult[]> {
    return this.submit<ScenarioResult>(entries, 'run', runOptions, (entry, message, wallMs) => crashResult(entry.file, message, wallMs), onResult);
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
    this.drainQueue();
    this.close();
  }

  private submit<T>(
    entries: readonly PoolEntry[], kind: WorkerJob['kind'], options: WorkerJob['options'],
    crashed: (entry: PoolEntry, message: string, wallMs: number) => T, onResult?: (result: T) => void,
  ): Promise<T[]> {
    const results: T[] = new Array(entries.length);
    if (entries.length === 0) return Promise.resolve(results);
    return new Promise((resolve) => {
      let finished = 0;
      const tasks = entries.map((entry, index): Task => {
        let settled = false;
        return {
          job: { kind, path: entry.path, file: entry.file, options, ...(entry.scenario ? { scenario: entry.scenario } : {}) },
          cost: entry.cost ?? 0,
          settle: (outcome) => {
            if (settled) return;
            settled = true;
            results[index] = outcome as T;
            finished++;
            onResult?.(outcome as T);
            if (finished === entries.length) resolve(results);
          },
          crashed: (message, wallMs) => crashed(entry, message, wallMs),
        };
      });
      for (const index of startOrder(tasks.map((task) => task.cost))) this.queue.push(tasks[index]!);
      if (this.stopping || this.closed) {
        this.drainQueue();
        return;
      }
      this.ensureWorkers();
      for (const slot of this.slots) if (slot.ready && slot.task === null) this.dispatch(slot);
    });
  }

  private drainQueue(): void {
    for (const task of this.queue.splice(0)) task.settle(task.crashed('was not run (interrupted)', 0));
  }

  /** Enough threads for the queued work (after a crash retired one), never more than `jobs`. */
  private ensureWorkers(): void {
    let spare = 0;
    for (const slot of this.slots) if (slot.task === null) spare++;
    while (this.slots.size < this.maxWorkers && spare < this.queue.length) {
      this.startWorker();
      spare++;
    }
  }

  private startWorker(): void {
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 2048 } });
    const slot: Slot = { worker, ready: false, task: null, folder: null, startedAt: 0, timer: undefined, startUpTimer: undefined, retired: false };
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
      const task = slot.task;
      clearTimeout(slot.timer);
      slot.task = null;
      slot.folder = null;
      task?.settle(message.outcome);
      this.dispatch(slot);
    });
    worker.on('error', (error) => this.fail(slot, `the scenario crashed its worker: ${error.message}`));
    worker.on('exit', (code) => {
      if (!slot.retired) this.fail(slot, `the scenario's worker exited with code ${code}`);
    });
    // the time limit is the scenario's, not the thread's start-up: the first job goes once the worker said ready
    const timeoutMs = this.options.timeoutMs;
    slot.startUpTimer = setTimeout(() => this.fail(slot, `the scenario's worker did not start within ${timeoutMs / 1000} s`), Math.max(timeoutMs, 30_000));
  }

  private dispatch(slot: Slot): void {
    if (slot.retired || !slot.ready || slot.task !== null) return;
    const task = this.queue.shift();
    if (task === undefined) {
      // nothing more will come once the pool is closed; until then an idle thread waits for the next phase
      if (this.closed) this.retire(slot);
      return;
    }
    const id = this.nextId++;
    slot.task = task;
    slot.folder = null;
    slot.startedAt = performance.now();
    slot.timer = setTimeout(() => this.fail(slot, `did not finish within ${this.options.timeoutMs / 1000} s of wall-clock time (stopped)`), this.options.timeoutMs);
    slot.worker.postMessage({ id, ...task.job } satisfies WorkerJob);
  }

  private retire(slot: Slot): void {
    if (slot.retired) return;
    slot.retired = true;
    clearTimeout(slot.startUpTimer);
    clearTimeout(slot.timer);
    this.slots.delete(slot);
    void slot.worker.terminate();
  }

  /** The slot's scenario becomes an error, its folder is cleaned, and another thread takes over the queue. */
  private fail(slot: Slot, message: string): void {
    if (slot.retired) return;
    this.retire(slot);
    if (slot.folder !== null) clearScenarioOutputs(slot.folder, true);
    const task = slot.task;
    task?.settle(task.crashed(message, performance.now() - slot.startedAt));
    if (this.stopping) {
      this.drainQueue();
      return;
    }
    if (!this.closed) this.ensureWorkers();
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

function crashResult(file: string, message: string, wallMs: number): ScenarioResult {
  return { name: file, file, status: 'error', message, expectations: [], outputDir: null, wallMs, brief: null };
}
