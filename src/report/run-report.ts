import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from './summary.js';
import { reportKindOf } from './report-kind.js';

let temporaryCount = 0;

/**
 * `--report <file>` on a command that runs the model: the report needs a trace, so when the user asked for
 * none the run writes one to a temporary file that is removed once the report is drawn.
 */
export class RunReport {
  readonly reportPath: string;
  readonly tracePath: string;
  private readonly temporaryTrace: boolean;

  private constructor(reportPath: string, tracePath: string, temporaryTrace: boolean) {
    this.reportPath = reportPath;
    this.tracePath = tracePath;
    this.temporaryTrace = temporaryTrace;
  }

  /** Null without --report; throws UsageError for an extension other than .svg/.html before anything runs. */
  static plan(reportPath: string | undefined, userTracePath: string | undefined): RunReport | null {
    if (reportPath === undefined) return null;
    reportKindOf(reportPath);
    if (userTracePath !== undefined) return new RunReport(reportPath, userTracePath, false);
    const path = join(tmpdir(), `wavert-report-${process.pid}-${++temporaryCount}.ndjson`);
    return new RunReport(reportPath, path, true);
  }

  /** Draws the report from the finished run's trace; `wavPath` adds the output waveform. */
  async write(wavPath: string | undefined, summary: RunSummary | null = null): Promise<void> {
    try {
      // the drawing code loads only for runs that asked for a report
      const { writeReport } = await import('./timeline-report.js');
      await writeReport(this.reportPath, { trace: this.tracePath, wavPath, summary });
    } finally {
      this.discard();
    }
  }

  /** Removes the temporary trace (a no-op for a trace the user asked for). */
  discard(): void {
    if (this.temporaryTrace) rmSync(this.tracePath, { force: true });
  }
}
