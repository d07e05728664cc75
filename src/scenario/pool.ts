// Runs scenarios in parallel on worker threads. A scenario that crashes its worker, exhausts its memory or
// runs past the time limit (loading included) becomes that scenario's error; the pool replaces the worker and
// goes on, and removes what the stopped scenario had begun to write.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
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

/** What `check` finds: the scenario's name (it names the output folder), or why it cannot run. */
export type CheckOutcome = { name: string; result: null } | { name: null; result: ScenarioResult };

/**
 * The worker thread's script: the bundled worker (`npm run build`, one file, no module graph to load: about half
 * the start-up) when it is as new as the compiled modules, else worker.js; WAVERT_ENTRY=modules forces worker.js.
 */
export function scenarioWorkerUrl(): URL {
  const moduleUrl = new URL('./worker.js', import.meta.url);
  if (process.env.WAVERT_ENTRY === 'modules') return moduleUrl;
  const bundleUrl = new URL('../../scenario-worker.cjs', import.meta.url);
  try {
    if (statSync(bundleUrl).mtimeMs >= statSync(moduleUrl).mtimeMs) return bundleUrl;
  } catch {
    // no bundle (a bare tsc build): the modules
  }
  return moduleUrl;
}

export function defaultJobCount(): number {
  return availableParallelism();
}

/** Workers still running; `stopAllWorkers` ends them and cleans their scenarios' folders (Ctrl-C). */
const running = new Set<{ stop(): void }>();

export function stopAllWorkers(): void {
  for (const worker of [...running]) worker.stop();
}

type Files = ReadonlyArray<{ path: string; file: string }>;

/** Loads each scenario in a worker under the time limit (a FIFO input or a hostile document cannot hang the run). */
export function checkInPool(files: Files, poolOptions: PoolOptions): Promise<CheckOutcome[]> {
  return pooled<CheckOutcome>(files, 'check', { outDir: '' }, poolOptions, (index, message, wallMs) => ({
    name: null, result: crashResult(files[index]!.file, message, wallMs),
  }));
}

/** Runs each scenario file (`path`, named `file` in messages); results come back in the order of `files`. */
export function runInPool(files: Files, runOptions: WorkerJob['options'], poolOptions: PoolOptions): Promise<ScenarioResult[]> {
  return pooled<ScenarioResult>(files, 'run', runOptions, { ...poolOptions }, (index, message, wallMs) => crashResult(files[index]!.file, message, wallMs), poolOptions.onResult);
}

function crashResult(file: string, message: string, wallMs: number): ScenarioResult {
  return { name: file, file, status: 'error', message, expectations: [], outputDir: null, wallMs, brief: null };
}

function pooled<T>(
  files: Files, kind: WorkerJob['kind'], runOptions: WorkerJob['options'], poolOptions: PoolOptions,
  crashed: (index: number, message: string, wallMs: number) => T, onResult?: (result: T) => void,
): Promise<T[]> {
  const results: T[] = new Array(files.length);
  if (files.length === 0) return Promise.resolve(results);
  const workerCount = Math.max(1, Math.min(poolOptions.jobs ?? defaultJobCount(), files.length));
  let nextJob = 0;
  let finished = 0;
  let stopping = false;
  const workerScript = scenarioWorkerUrl();
  return new Promise((resolve) => {
    const complete = (index: number, result: T): void => {
      if (results[index] !== undefined) return;
      results[index] = result;
      finished++;
      onResult?.(result);
      if (finished === files.length) resolve(results);
    };
    const startWorker = (): void => {
      if (nextJob >= files.length || stopping) return;
      const worker = new Worker(workerScript, { resourceLimits: { maxOldGenerationSizeMb: poolOptions.maxHeapMb ?? 2048 } });
      let current = -1;
      let folder: string | null = null;
      let startedAt = 0;
      let timer: NodeJS.Timeout | undefined;
      let startUpTimer: NodeJS.Timeout | undefined;
      let retired = false;
      let ready = false;
      const handle = {
        stop: () => {
          stopping = true;
          fail('was stopped (interrupted)');
        },
      };
      running.add(handle);
      const retire = (): void => {
        retired = true;
        clearTimeout(startUpTimer);
        running.delete(handle);
        if (timer) clearTimeout(timer);
        void worker.terminate();
      };
      const fail = (message: string): void => {
        if (retired) return;
        retire();
        if (folder !== null) clearScenarioOutputs(folder, true);
        if (current >= 0) complete(current, crashed(current, message, performance.now() - startedAt));
        // a worker that cannot even start (a broken install) would fail the same way forever: every waiting
        // scenario gets that answer instead of a restart loop
        if (!ready) stopping = true;
        // the rest of the queue still gets an answer when the pool is being stopped
        if (stopping) {
          const why = ready ? 'was not run (interrupted)' : `was not run: a scenario worker could not start (${message})`;
          while (nextJob < files.length) complete(nextJob, crashed(nextJob++, why, 0));
          return;
        }
        startWorker();
      };
      const dispatch = (): void => {
        if (nextJob >= files.length || stopping) {
          retire();
          return;
        }
        current = nextJob++;
        folder = null;
        startedAt = performance.now();
        timer = setTimeout(() => fail(`did not finish within ${poolOptions.timeoutMs / 1000} s of wall-clock time (stopped)`), poolOptions.timeoutMs);
        const job: WorkerJob = { id: current, kind, path: files[current]!.path, file: files[current]!.file, options: runOptions };
        worker.postMessage(job);
      };
      worker.on('message', (message: WorkerMessage) => {
        if (retired) return;
        if (message.ready) {
          ready = true;
          clearTimeout(startUpTimer);
          dispatch();
          return;
        }
        if (message.folder !== undefined) {
          folder = message.folder;
          return;
        }
        if (timer) clearTimeout(timer);
        complete(message.id, message.outcome as T);
        current = -1;
        dispatch();
      });
      worker.on('error', (error) => fail(ready ? `the scenario crashed its worker: ${error.message}` : error.message));
      worker.on('exit', (code) => {
        if (!retired) fail(ready ? `the scenario's worker exited with code ${code}` : `it exited with code ${code}`);
      });
      // the time limit is the scenario's, not the thread's start-up: the first job goes once the worker said ready
      startUpTimer = setTimeout(() => fail(`the scenario's worker did not start within ${poolOptions.timeoutMs / 1000} s`), Math.max(poolOptions.timeoutMs, 30_000));
    };
    for (let i = 0; i < workerCount; i++) startWorker();
  });
}
