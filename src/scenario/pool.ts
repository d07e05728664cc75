// Runs scenarios in parallel on worker threads. A scenario that crashes its worker, exhausts its memory or
// runs past the time limit becomes that scenario's error; the pool replaces the worker and goes on.
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { ScenarioResult } from './runner.js';
import type { WorkerJob } from './worker.js';

export interface PoolOptions {
  jobs?: number;
  /** Wall-clock limit per scenario. */
  timeoutMs: number;
  /** Heap limit of each worker, so a runaway scenario cannot take the whole process down. */
  maxHeapMb?: number;
  onResult?(result: ScenarioResult): void;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

export function defaultJobCount(): number {
  return availableParallelism();
}

/** Runs each scenario file (`path`, named `file` in messages); results come back in the order of `files`. */
export function runInPool(files: ReadonlyArray<{ path: string; file: string }>, runOptions: WorkerJob['options'], poolOptions: PoolOptions): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = new Array(files.length);
  if (files.length === 0) return Promise.resolve(results);
  const workerCount = Math.max(1, Math.min(poolOptions.jobs ?? defaultJobCount(), files.length));
  let nextJob = 0;
  let finished = 0;
  return new Promise((resolve) => {
    const complete = (index: number, result: ScenarioResult): void => {
      if (results[index] !== undefined) return;
      results[index] = result;
      finished++;
      poolOptions.onResult?.(result);
      if (finished === files.length) resolve(results);
    };
    const startWorker = (): void => {
      if (nextJob >= files.length) return;
      const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: poolOptions.maxHeapMb ?? 2048 } });
      let current = -1;
      let startedAt = 0;
      let timer: NodeJS.Timeout | undefined;
      let retired = false;
      const crashed = (message: string): void => {
        if (retired) return;
        retired = true;
        if (timer) clearTimeout(timer);
        if (current >= 0) {
          complete(current, {
            name: files[current]!.file, file: files[current]!.file, status: 'error', message, expectations: [], outputDir: null,
            wallMs: performance.now() - startedAt, brief: null,
          });
        }
        void worker.terminate();
        startWorker();
      };
      const dispatch = (): void => {
        if (nextJob >= files.length) {
          retired = true;
          void worker.terminate();
          return;
        }
        current = nextJob++;
        startedAt = performance.now();
        timer = setTimeout(() => crashed(`did not finish within ${poolOptions.timeoutMs / 1000} s of wall-clock time (stopped)`), poolOptions.timeoutMs);
        const job: WorkerJob = { id: current, path: files[current]!.path, file: files[current]!.file, options: runOptions };
        worker.postMessage(job);
      };
      worker.on('message', (message: { id: number; result: ScenarioResult }) => {
        if (timer) clearTimeout(timer);
        complete(message.id, message.result);
        current = -1;
        dispatch();
      });
      worker.on('error', (error) => crashed(`the scenario crashed its worker: ${error.message}`));
      worker.on('exit', (code) => {
        if (!retired) crashed(`the scenario's worker exited with code ${code}`);
      });
      dispatch();
    };
    for (let i = 0; i < workerCount; i++) startWorker();
  });
}

