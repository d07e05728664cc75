import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { IoError, WavertError, describeIoFailure } from '../errors.js';
import { makeFolders, writeFileAtomic } from '../output/atomic-file.js';
import type { RunSummary } from './summary.js';
import { reportKindOf, type ReportKind } from './report-kind.js';

export { reportKindOf, type ReportKind };
import { renderHtmlReport, type ReportExpectation, type ReportScenario } from './html-report.js';
import { collectPanels, createCollector, createScanner, planPanels, scanTrace, type Timeline } from './timeline-model.js';
import { renderTimelineSvg } from './timeline-svg.js';
import { checkedRecords, MEMORY_TRACE_LABEL, traceFileSource, traceMemorySource, type TraceSource } from './timeline-trace.js';
import { addWaveform } from './timeline-waveform.js';

export interface TimelineInput {
  /** A trace file path, a TraceSource, or events held in memory. */
  trace: string | TraceSource | ReadonlyArray<Record<string, unknown>>;
  /** The WAV the run rendered; without it the timeline has no waveform lane (and says so). */
  wavPath?: string;
  /** Replaces the trace's `summary` event (e.g. a real-time run fills drift after the trace is written). */
  summary?: RunSummary | null;
  scenario?: ReportScenario;
}


/** What the picture is of: the scenario when there is one, else the input file (from the summary) or the trace. */
function subjectOf(input: Omit<TimelineInput, 'trace'>): string | null {
  return input.scenario?.name ? `scenario ${input.scenario.name}` : null;
}

function sourceOf(trace: TimelineInput['trace']): TraceSource {
  if (typeof trace === 'string') return traceFileSource(trace);
  if (Array.isArray(trace)) return traceMemorySource(trace);
  return trace as TraceSource;
}

/** Reads the trace (twice, streaming) and the WAV, and returns everything the pictures need. */
export async function buildTimeline(input: TimelineInput): Promise<Timeline> {
  const source = sourceOf(input.trace);
  const scan = await scanTrace(source);
  if (input.summary) scan.summary = input.summary;
  const { panels: plans, unzoomedRegions } = planPanels(scan);
  const panels = await collectPanels(source, scan, plans);
  if (input.wavPath) addWaveform(input.wavPath, scan, panels);
  return { ...scan, panels, unzoomedRegions, waveform: input.wavPath ? { file: input.wavPath } : null, subject: subjectOf(input) };
}

/** As buildTimeline, synchronously, for a trace already in memory (the scenario runner keeps one). */
export function buildTimelineSync(input: Omit<TimelineInput, 'trace'> & { trace: ReadonlyArray<Record<string, unknown>> }): Timeline {
  const scanner = createScanner(MEMORY_TRACE_LABEL);
  for (const record of checkedRecords(input.trace)) scanner.add(record);
  const scan = scanner.finish();
  if (input.summary) scan.summary = input.summary;
  const { panels: plans, unzoomedRegions } = planPanels(scan);
  const collector = createCollector(scan, plans);
  for (const record of checkedRecords(input.trace)) collector.add(record);
  const panels = collector.finish();
  if (input.wavPath) addWaveform(input.wavPath, scan, panels);
  return { ...scan, panels, unzoomedRegions, waveform: input.wavPath ? { file: input.wavPath } : null, subject: subjectOf(input) };
}

/** The report type from the output file's extension: .svg or .html (or .htm). */

/** Builds the report and writes it whole (via a temporary file, so a failure leaves no half report). */
export async function writeReport(outputPath: string, input: TimelineInput): Promise<{ kind: ReportKind; timeline: Timeline }> {
  const kind = reportKindOf(outputPath);
  const timeline = await buildTimeline(input);
  const svg = renderTimelineSvg(timeline);
  writeWhole(outputPath, kind === 'svg' ? svg : renderHtmlReport(timeline, svg, input.scenario));
  return { kind, timeline };
}

function writeWhole(path: string, text: string): void {
  try {
    makeFolders(dirname(path));
    // a symlink planted where the report goes is replaced, never written through
    writeFileAtomic(path, text, { followSymlinks: false });
  } catch (error) {
    if (error instanceof WavertError) throw error;
    throw new IoError(`cannot write the report ${path}: ${describeIoFailure(error)}`);
  }
}

export interface ScenarioReportOptions {
  /** The rendered WAV; default `dir/rendered.wav` when it exists, null for none. */
  wavPath?: string | null;
  /** Also write `report.html` (timeline, summary, the scenario text and its expectations). */
  html?: boolean;
  name?: string;
  /** The scenario file as the user named it. */
  file?: string;
}

function scenarioInput(dir: string, summary: RunSummary | null, scenarioText: string | undefined, expectations: ReadonlyArray<ReportExpectation | string> | undefined, options: ScenarioReportOptions): Omit<TimelineInput, 'trace'> {
  const defaultWav = join(dir, 'rendered.wav');
  const wavPath = options.wavPath === null ? undefined : options.wavPath ?? (existsSync(defaultWav) ? defaultWav : undefined);
  return { wavPath, summary, scenario: { name: options.name, file: options.file, text: scenarioText, expectations } };
}

function writeScenarioFiles(dir: string, timeline: Timeline, input: Omit<TimelineInput, 'trace'>, html: boolean): string[] {
  const svg = renderTimelineSvg(timeline);
  const written = [join(dir, 'timeline.svg')];
  writeWhole(written[0]!, svg);
  if (html) {
    written.push(join(dir, 'report.html'));
    writeWhole(written[1]!, renderHtmlReport(timeline, svg, input.scenario));
  }
  return written;
}

/**
 * For `wavert run --report`: writes `timeline.svg` into a scenario's output directory (and `report.html`
 * with the script and its expectations when `options.html` is set). Returns the files written.
 */
export async function writeScenarioReport(
  dir: string,
  trace: TimelineInput['trace'],
  summary: RunSummary | null,
  scenarioText?: string,
  expectations?: ReadonlyArray<ReportExpectation | string>,
  options: ScenarioReportOptions = {},
): Promise<string[]> {
  const input = scenarioInput(dir, summary, scenarioText, expectations, options);
  const timeline = await buildTimeline({ ...input, trace });
  return writeScenarioFiles(dir, timeline, input, options.html ?? false);
}

/** writeScenarioReport for a trace held in memory, synchronously (for the runner's synchronous report hook). */
export function writeScenarioReportSync(
  dir: string,
  traceEvents: ReadonlyArray<Record<string, unknown>>,
  summary: RunSummary | null,
  scenarioText?: string,
  expectations?: ReadonlyArray<ReportExpectation | string>,
  options: ScenarioReportOptions = {},
): string[] {
  const input = scenarioInput(dir, summary, scenarioText, expectations, options);
  const timeline = buildTimelineSync({ ...input, trace: traceEvents });
  return writeScenarioFiles(dir, timeline, input, options.html ?? false);
}
