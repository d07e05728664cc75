export { RunRecorder, type UnderrunEvent, type PacketGlitchInput } from './recorder.js';
export { glitchKinds, isGlitchKind, describeGlitch, type Glitch, type GlitchInput, type GlitchKind } from './glitches.js';
export { SampleSet, type SampleStats } from './samples.js';
export { buildSummary, formatSummary, type RunSummary, type SummaryContext } from './summary.js';
export { abortTrace, createTraceWriter, createMemoryTrace, type TraceWriter } from './trace.js';
export {
  buildTimeline, buildTimelineSync, writeReport, writeScenarioReport, writeScenarioReportSync, reportKindOf,
  type TimelineInput, type ReportKind, type ScenarioReportOptions,
} from './timeline-report.js';
export { renderHtmlReport, type ReportExpectation, type ReportScenario } from './html-report.js';
export { scenarioReportHook } from './scenario-report.js';
