// `wavert compare <heard.wav> <reference.wav>`: every place a recording departs from what was sent (DESIGN §15).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CommandRegistration } from './commands.js';
import type { CliIo } from './io.js';
import { addExamples } from './examples.js';
import { addVerbosityOptions, logLevelFromOptions, type VerbosityOptionValues } from './verbosity.js';
import { Diagnostics } from './diagnostics.js';

export interface CompareCliOptions extends VerbosityOptionValues {
  json?: boolean;
  report?: string;
  model?: string;
  searchSeconds?: string;
  historySeconds?: string;
}

function seconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0 || parsed > 3600) throw new UsageError(`${name} must be a number of seconds above 0 and at most 3600, not '${value}'`);
  return parsed;
}

/** 0 when the recording holds the reference exactly, 1 when it departs; bad input throws (exit 2). */
export async function compareCommand(heardPath: string, referencePath: string, options: CompareCliOptions, io: CliIo): Promise<number> {
  const diagnostics = new Diagnostics(io, logLevelFromOptions(options));
  const startedMs = performance.now();
  const { compareFiles, formatCompare, loadModelGlitches, matchModel, writeCompareReport } = await import('../compare/index.js');
  const { reportKindOf } = await import('../report/report-kind.js');
  if (options.report) reportKindOf(options.report);
  const { SameFileGuard } = await import('../output/same-file.js');
  const guard = new SameFileGuard().addInput(resolve(io.cwd, heardPath), 'recording').addInput(resolve(io.cwd, referencePath), 'reference');
  if (options.model !== undefined) guard.addInput(resolve(io.cwd, options.model), 'model trace');
  guard.claimOutput(options.report && resolve(io.cwd, options.report), 'report');
  // the start offset is found in a first pass, so each file is read twice: a pipe cannot be
  if (heardPath === '-' || referencePath === '-') throw new UsageError('compare reads each file twice (a first pass finds the start offset): give WAV files, not - (stdin)');
  const at = (path: string): string => resolve(io.cwd, path);
  const model = options.model ? loadModelGlitches(at(options.model), options.model) : null;
  const { result, snapshots } = compareFiles(at(heardPath), at(referencePath), {
    heardLabel: heardPath, referenceLabel: referencePath, snapshots: options.report !== undefined,
    searchSeconds: seconds(options.searchSeconds, '--search-seconds'), historySeconds: seconds(options.historySeconds, '--history-seconds'),
  });
  if (model) matchModel(result, model);
  diagnostics.debug(`compared ${result.heard.frames} heard with ${result.reference.frames} reference frames in ${(performance.now() - startedMs).toFixed(1)} ms (${result.comparedAs})`);
  if (options.report) writeCompareReport(at(options.report), result, snapshots);
  io.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatCompare(result));
  return result.exact ? 0 : 1;
}

export const registerCompare: CommandRegistration = (program: Command, io, setExitCode) => {
  const command = program
    .command('compare')
    .description('align a recording with its reference and list every departure to the frame (gap, repeat, drop, insert, level); exit 0 exact, 1 departs, 2 bad input')
    .argument('<heard.wav>', 'the recording: a loopback capture, a sound server monitor, a rendered file')
    .argument('<reference.wav>', 'what was sent (same channels and rate; any supported WAV format)')
    .option('--json', 'the result as JSON on stdout (departures: [...])')
    .option('--report <file.html|file.svg>', 'draw the reference and the recording around each departure')
    .option('--model <trace.ndjson|summary.json>', "name each departure with the glitch of the run's model that explains it")
    .option('--search-seconds <s>', 'how far ahead to look for where the recording realigns (default 4)')
    .option('--history-seconds <s>', 'how far back a repeat may reach (default 1)');
  addExamples(addVerbosityOptions(command, 'nothing more (compare prints only its result)'), [
    { commandLine: 'compare heard.wav song.wav', what: 'every departure of the recording from what was sent, to the frame' },
    { commandLine: 'compare monitor.wav song.wav --model run/trace.ndjson --report departures.html', what: "each departure named by the model's glitch, and drawn" },
    { commandLine: 'compare rendered.wav song.wav --json | jq .departures', what: 'the departures, for scripts' },
  ])
    .action(async (heard: string, reference: string, options: CompareCliOptions) => {
      setExitCode(await compareCommand(heard, reference, options, io));
    });
};
