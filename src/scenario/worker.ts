// Worker-thread entry of the scenario pool: loads (`check`) or runs the scenarios it is sent, one at a time.
import { parentPort } from 'node:worker_threads';
import { WavertError } from '../errors.js';
import { estimateRunCost } from './budget.js';
import { loadScenario, scenarioNameFromFile } from './load.js';
import type { Scenario } from './model.js';
import type { CheckOutcome } from './pool.js';
import { runLoadedScenario, runScenarioFile, type ScenarioRunOptions } from './runner.js';

export interface WorkerJob {
  id: number;
  kind: 'check' | 'run';
  /** Where the scenario is, and how to name it in messages. */
  path: string;
  file: string;
  options: Pick<ScenarioRunOptions, 'outDir' | 'updateGolden' | 'goldenRoots' | 'profile'> & { report?: boolean };
  /** The scenario as `check` loaded it (a run does not load and validate the file again). */
  scenario?: Scenario;
}

/** `ready` once loaded; `folder` while running (where the scenario writes), then the job's outcome. */
export type WorkerMessage =
  | { ready: true; id?: undefined; folder?: undefined; outcome?: undefined }
  | { ready?: undefined; id: number; folder: string; outcome?: undefined }
  | { ready?: undefined; id: number; folder?: undefined; outcome: unknown };

function check(job: WorkerJob): CheckOutcome {
  try {
    const scenario = loadScenario(job.path, job.file);
    return { name: scenario.name, result: null, scenario, cost: estimateRunCost(scenario) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { name: null, result: { name: scenarioNameFromFile(job.path), file: job.file, status: error instanceof WavertError ? 'invalid' : 'error', message, expectations: [], outputDir: null, wallMs: 0, brief: null } };
  }
}

async function runJob(job: WorkerJob, post: (message: WorkerMessage) => void): Promise<unknown> {
  const options: ScenarioRunOptions = {
    ...job.options,
    // the timeline and HTML report load only for --report
    report: job.options.report ? (await import('../report/scenario-report.js')).scenarioReportHook : undefined,
    onFolder: (folder) => post({ id: job.id, folder }),
  };
  return job.scenario ? runLoadedScenario(job.scenario, options, job.file) : runScenarioFile(job.path, options, job.file);
}

parentPort?.on('message', (job: WorkerJob) => {
  const post = (message: WorkerMessage): void => parentPort!.postMessage(message);
  if (job.kind === 'check') {
    post({ id: job.id, outcome: check(job) });
    return;
  }
  // a module that fails to load crashes the worker: the pool reports it as this scenario's error
  void runJob(job, post).then((outcome) => post({ id: job.id, outcome }), (error: unknown) => setImmediate(() => { throw error; }));
});

parentPort?.postMessage({ ready: true } satisfies WorkerMessage);
