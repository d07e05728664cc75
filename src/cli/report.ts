// `wavert report <trace.ndjson> -o <file.svg|file.html> [--wav <rendered.wav>]`: a picture of a run from its trace.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { IoError, UsageError, describeIoFailure } from '../errors.js';
import { reportKindOf } from '../report/report-kind.js';
import { count } from '../text/count.js';
import type { CommandRegistration } from './commands.js';
import type { CliIo } from './io.js';
import { SameFileGuard } from '../output/same-file.js';
import { Diagnostics } from './diagnostics.js';
import { addExamples } from './examples.js';
import { addVerbosityOptions, logLevelFromOptions, type VerbosityOptionValues } from './verbosity.js';

export interface ReportOptions extends VerbosityOptionValues {
  output?: string;
  wav?: string;
  scenario?: string;
}

export async function reportCommand(tracePath: string, options: ReportOptions, io: CliIo): Promise<number> {
  const diagnostics = new Diagnostics(io, logLevelFromOptions(options));
  if (!options.output) throw new UsageError('report needs an output file: -o <timeline.svg> or -o <report.html>');
  if (options.output === '-') throw new UsageError('report writes a file: give -o <timeline.svg> or -o <report.html>, not -');
  const kind = reportKindOf(options.output);
  if (options.scenario && kind !== 'html') throw new UsageError('--scenario adds the script to the HTML report; give -o <report.html>');
  const at = (path: string): string => resolve(io.cwd, path);
  const guard = new SameFileGuard().addInput(at(tracePath), 'trace');
  if (options.wav) guard.addInput(at(options.wav), 'WAV');
  if (options.scenario) guard.addInput(at(options.scenario), 'scenario');
  guard.claimOutput(at(options.output), 'report');
  let scenarioText: string | undefined;
  if (options.scenario) {
    try {
      scenarioText = readFileSync(at(options.scenario), 'utf8');
    } catch (error) {
      throw new IoError(`cannot read the scenario ${options.scenario}: ${describeIoFailure(error)}`);
    }
  }
  const { writeReport } = await import('../report/timeline-report.js');
  const startedMs = performance.now();
  const { timeline } = await writeReport(at(options.output), {
    trace: at(tracePath),
    wavPath: options.wav ? at(options.wav) : undefined,
    scenario: options.scenario ? { file: options.scenario, text: scenarioText } : undefined,
  });
  diagnostics.debug(`drew ${count(timeline.panels.length, 'panel')} from ${tracePath} in ${(performance.now() - startedMs).toFixed(1)} ms`);
  const windows = timeline.panels.filter((panel) => panel.kind === 'window').map((panel) => panel.id);
  const shape = windows.length > 0 ? `overview and zoom window${windows.length > 1 ? 's' : ''} ${windows.join(', ')}` : 'the whole run';
  if (!options.quiet) io.stdout.write(`wrote ${options.output}: ${shape}${options.wav ? '' : ', no waveform (no --wav)'}\n`);
  return 0;
}

export const registerReport: CommandRegistration = (program: Command, io, setExitCode) => {
  const command = program
    .command('report')
    .description('draw a run from its trace: a timeline SVG, or a self-contained HTML report (timeline, summary, glitches)')
    .argument('<trace.ndjson>', 'the event trace a run wrote with --trace')
    .requiredOption('-o, --output <file>', 'the report to write: .svg (timeline) or .html (timeline, summary, glitch list)')
    .option('--wav <rendered.wav>', 'the WAV the run rendered, to draw the output waveform under the timeline')
    .option('--scenario <file>', 'a scenario script to include in the HTML report');
  addExamples(addVerbosityOptions(command, "no 'wrote …' line"), [
    { commandLine: 'report trace.ndjson -o timeline.svg --wav played.wav', what: 'the timeline with the output waveform under it' },
    { commandLine: 'report out/client-stall/trace.ndjson -o report.html --scenario stall.yaml', what: 'one printable HTML page: timeline, summary, glitches and the script' },
  ])
    .action(async (trace: string, options: ReportOptions) => {
      setExitCode(await reportCommand(trace, options, io));
    });
};
