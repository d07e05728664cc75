// Worker-thread entry of the scenario pool: loads (`check`) or runs the scenarios it is sent, one at a time.
// A thread loads up front only what its role needs (the YAML loader, or the runner); the rest on first use.
import { parentPort, workerData } from 'node:worker_threads';
import { WavertError } from '../errors.js';
import type { Scenario } from './model.js';
import type { CheckOutcome } from './pool.js';
import type { ScenarioRunOptions } from './runner.js';

export interface WorkerJob {
  id: number;
  kind: 'check' | 'run';
  /** Where the scenario is, and how to name it in messages. */
  path: string;
  file: string;
  options: Pick<ScenarioRunOptions, 'outDir' | 'updateGolden' | 'goldenRoots' | 'profile'> & { report?: boolean };
  /** The scenario as `check` loaded it (a run does not load and validate the file again). */
  scenario?: Scenario;
  /** A check of several files (this one first): the outcome is theirs, in order. */
  batch?: Array<{ path: string; file: string }>;
}

/** What the pool tells a thread at its start: the kind of job it will mostly do, whose modules it loads before it says ready. */
export interface WorkerData {
  preload: WorkerJob['kind'];
}

/** `ready` once loaded; `folder` while running (where the scenario writes), then the job's outcome. */
export type WorkerMessage =
  | { ready: true; id?: undefined; folder?: undefined; outcome?: undefined }
  | { ready?: undefined; id: number; folder: string; outcome?: undefined }
  | { ready?: undefined; id: number; folder?: undefined; outcome: unknown };

const loadChecker = async () => ({ ...(await import('./load.js')), ...(await import('./budget.js')) });
const loadRunner = async () => {
  const runner = await import('./runner.js');
  // every run writes a trace: its formatter loads while the thread waits for the first scenario to be loaded
  (await import('../report/trace.js')).prepareTraceWriter();
  return runner;
};

async function check(job: Pick<WorkerJob, 'path' | 'file'>): Promise<CheckOutcome> {
  const { loadScenario, scenarioNameFromFile, estimateRunCost } = await loadChecker();
  try {
    const scenario = loadScenario(job.path, job.file);
    return { name: scenario.name, result: null, scenario, cost: estimateRunCost(scenario) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { name: null, result: { name: scenarioNameFromFile(job.path), file: job.file, status: error instanceof WavertError ? 'invalid' : 'error', message, expectations: [], outputDir: null, wallMs: 0, brief: null } };
  }
}

async function checkAll(files: ReadonlyArray<Pick<WorkerJob, 'path' | 'file'>>): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  for (const file of files) outcomes.push(await check(file));
  return outcomes;
}

async function run(job: WorkerJob, post: (message: WorkerMessage) => void): Promise<unknown> {
  const { runLoadedScenario, runScenarioFile } = await loadRunner();
  const options: ScenarioRunOptions = {
    ...job.options,
    // the timeline and HTML report load only for --report
    report: job.options.report ? (await import('../report/scenario-report.js')).scenarioReportHook : undefined,
    // the pool knows a loaded scenario's folder: only a file's run says where it writes
    ...(job.scenario ? {} : { onFolder: (folder: string) => post({ id: job.id, folder }) }),
  };
  return job.scenario ? runLoadedScenario(job.scenario, options, job.file) : runScenarioFile(job.path, options, job.file);
}

// the pool may send the next job before this one ends: jobs run one after the other, in the order sent
let previous: Promise<void> = Promise.resolve();

if (parentPort) {
  const port = parentPort;
  const post = (message: WorkerMessage): void => port.postMessage(message);
  port.on('message', (job: WorkerJob) => {
    previous = previous.then(async () => {
      const outcome = job.kind === 'run' ? await run(job, post) : job.batch ? await checkAll(job.batch) : await check(job);
      post({ id: job.id, outcome });
    });
    // a module that fails to load crashes the worker: the pool reports it as this scenario's error
    previous.catch((error: unknown) => setImmediate(() => { throw error; }));
  });
  const preload = (workerData as WorkerData | null)?.preload === 'run' ? loadRunner() : loadChecker();
  void preload.then(() => post({ ready: true }), (error: unknown) => setImmediate(() => { throw error; }));
}
