export { RunRecorder, type UnderrunEvent } from './recorder.js';
export { SampleSet, type SampleStats } from './samples.js';
export { buildSummary, formatSummary, type RunSummary, type SummaryContext } from './summary.js';
export { createTraceWriter, createMemoryTrace, type TraceWriter } from './trace.js';
