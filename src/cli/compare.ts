// `wavert compare <heard.wav> <reference.wav>`: every place a recording departs from what was sent (DESIGN §15).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CommandRegistration } from './commands.js';
import type { CliIo } from './io.js';

export interface CompareCliOptions {
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
  const { compareFiles, formatCompare, loadModelGlitches, matchModel, writeCompareReport } = await import('../compare/index.js');
  const { reportKindOf } = await import('../report/report-kind.js');
  if (options.report) reportKindOf(options.report);
  // the start offset is found in a first pass, so each file is read twice: a pipe cannot be
  if (heardPath === '-' || referencePath === '-') throw new UsageError('compare reads each file twice (a first pass finds the start offset): give WAV files, not - (stdin)');
  const at = (path: string): string => resolve(io.cwd, path);
  const model = options.model ? loadModelGlitches(at(options.model), options.model) : null;
  const { result, snapshots } = compareFiles(at(heardPath), at(referencePath), {
    heardLabel: heardPath, referenceLabel: referencePath, snapshots: options.report !== undefined,
    searchSeconds: seconds(options.searchSeconds, '--search-seconds'), historySeconds: seconds(options.historySeconds, '--history-seconds'),
  });
  if (model) matchModel(result, model);
  if (options.report) writeCompareReport(at(options.report), result, snapshots);
  io.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatCompare(result));
  return result.exact ? 0 : 1;
}

export const registerCompare: CommandRegistration = (program: Command, io, setExitCode) => {
  program
    .command('compare')
    .description('align a recording with its reference and list every departure to the frame (gap, repeat, drop, insert, level); exit 0 exact, 1 departs, 2 bad input')
    .argument('<heard.wav>', 'the recording: a loopback capture, a sound server monitor, a rendered file')
    .argument('<reference.wav>', 'what was sent (same channels and rate; any supported WAV format)')
    .option('--json', 'the result as JSON on stdout (departures: [...])')
    .option('--report <file.html|file.svg>', 'draw the reference and the recording around each departure')
    .option('--model <trace.ndjson|summary.json>', "name each departure with the glitch of the run's model that explains it")
    .option('--search-seconds <s>', 'how far ahead to look for where the recording realigns (default 4)')
    .option('--history-seconds <s>', 'how far back a repeat may reach (default 1)')
    .addHelpText('after', '\nExamples:\n  wavert compare heard.wav song.wav\n  wavert compare monitor.wav song.wav --model run/trace.ndjson --report departures.html\n  wavert compare rendered.wav song.wav --json | jq .departures')
    .action(async (heard: string, reference: string, options: CompareCliOptions) => {
      setExitCode(await compareCommand(heard, reference, options, io));
    });
};
