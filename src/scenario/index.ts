export { actionDefinitions, actionDefinition, actionNames, type ActionContext, type ActionDefinition } from './actions.js';
export { checkExpectations, readWholeWav, sha256, type ExpectationResult } from './expectations.js';
export { junitXml, escapeXml, failureLines } from './junit.js';
export { loadScenario, scenarioNameFromFile, MAX_PACKETS_PER_RUN, RUN_MARGIN_NS, DEFAULT_SEED } from './load.js';
export type { Scenario, InputSpec, TimelineEntry, Expectations, RangeExpectation, CountExpectation, SignalKind } from './model.js';
export { clearScenarioOutputs, prepareScenarioFolder, scenarioFolderPath, SCENARIO_OUTPUT_FILES } from './output-folder.js';
export { checkInPool, runInPool, stopAllWorkers, defaultJobCount, scenarioWorkerUrl, startOrder, ScenarioPool, type CheckOutcome, type PoolEntry, type PoolOptions } from './pool.js';
export {
  runScenario, runScenarioFile, runLoadedScenario,
  type ScenarioRunOptions, type ScenarioResult, type ScenarioStatus, type ScenarioSummary, type ScenarioReportHook, type ActionRecord,
} from './runner.js';
export { scenarioSpec, scenarioJsonSchema } from './schema.js';
export { deriveSeed } from './seeds.js';
export { renderSignal, MemorySource } from './signals.js';
export { levenshtein, closestName, toJsonSchema, type FieldSpec } from './spec.js';
export { formatProblem, describeFound, type ScenarioProblem, type Position } from './validate.js';
