// Worker-thread entry of the scenario pool: runs the scenarios it is sent, one at a time, and posts results.
import { parentPort } from 'node:worker_threads';
import { scenarioReportHook } from '../report/scenario-report.js';
import { runScenarioFile, type ScenarioRunOptions } from './runner.js';

export interface WorkerJob {
  id: number;
  /** Where the scenario is, and how to name it in messages. */
  path: string;
  file: string;
  options: Pick<ScenarioRunOptions, 'outDir' | 'updateGolden' | 'profile'> & { report?: boolean };
}

parentPort?.on('message', (job: WorkerJob) => {
  void runScenarioFile(job.path, { ...job.options, report: job.options.report ? scenarioReportHook : undefined }, job.file).then((result) => parentPort!.postMessage({ id: job.id, result }));
});
