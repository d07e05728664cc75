import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ReportExpectation } from './html-report.js';
import type { RunSummary } from './summary.js';
import { writeScenarioReportSync } from './timeline-report.js';

// The scenario runner's report hook: what `wavert run --report` draws in each scenario's output folder.
// Typed by shape (not by importing src/scenario) so the report module does not depend on the runner.

/** An expectation as the runner checked it (ExpectationResult in src/scenario/expectations.ts). */
export interface ScenarioExpectationLike {
  name: string;
  line: number;
  expected: string;
  actual: string;
  held: boolean;
}

/** The parts of a loaded scenario the report shows (Scenario in src/scenario/model.ts). */
export interface ScenarioLike {
  name: string;
  file: string;
  directory: string;
}

/**
 * Matches ScenarioReportHook in src/scenario/runner.ts: writes timeline.svg (and report.html with the
 * script and its checked expectations) next to rendered.wav, trace.ndjson and summary.json.
 */
export function scenarioReportHook(
  directory: string,
  traceEvents: ReadonlyArray<Record<string, unknown>>,
  summary: RunSummary & { expectations?: readonly ScenarioExpectationLike[] },
  scenario: ScenarioLike,
): void {
  const expectations: ReportExpectation[] = (summary.expectations ?? []).map((result) => ({
    description: `${result.name}: ${result.expected}`,
    passed: result.held,
    detail: `actual ${result.actual}${result.line > 0 ? ` (line ${result.line})` : ''}`,
  }));
  writeScenarioReportSync(directory, traceEvents, summary, scenarioText(scenario), expectations, { html: true, name: scenario.name, file: scenario.file });
}

function scenarioText(scenario: ScenarioLike): string | undefined {
  try {
    return readFileSync(join(scenario.directory, basename(scenario.file)), 'utf8');
  } catch {
    // the report still has the expectations; the script text is a convenience
    return undefined;
  }
}
