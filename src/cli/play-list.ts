// `wavert play a.wav b.wav … [--loop] [--volume]`: the list around the one-stream player, and its one total.
import { UsageError } from '../errors.js';
import { addToTotals, emptyTotals, formatTotals, parseLoop, Playlist } from '../playlist/index.js';
import { describeFactor, MAX_VOLUME_FACTOR, parseVolume } from '../sinks/index.js';
import { EXIT_INTERRUPTED } from './exit-codes.js';
import type { CliIo } from './io.js';
import type { PlayedFile, PlayOptions, PlaySummary, PrintPlayed } from './play.js';

/** Plays one file as its own stream, printing its summary through `print`. */
export type PlayOne = (input: string, gainFactor: number, print: PrintPlayed) => Promise<PlayedFile>;

/** --volume as a gain factor (1 when not given). */
export function volumeFromOption(text: string | undefined): number {
  if (text === undefined) return 1;
  const factor = parseVolume(text);
  if (factor === undefined) throw new UsageError(`--volume '${text}' is not a gain: use decibels (-6dB), a percentage (50%) or a factor (0.5)`);
  if (factor > MAX_VOLUME_FACTOR) throw new UsageError(`--volume ${text} is ${describeFactor(factor)}, more than the +24 dB wavert allows`);
  return factor;
}

export async function playList(inputs: readonly string[], options: PlayOptions, io: CliIo, playOne: PlayOne): Promise<number> {
  const playlist = new Playlist(inputs, parseLoop(options.loop));
  const gainFactor = volumeFromOption(options.volume);
  if (playlist.isList) {
    for (const [name, value] of [['--record', options.record], ['--trace', options.trace], ['--report', options.report]] as const) {
      if (value !== undefined) throw new UsageError(`${name} keeps one stream: give one input file, without --loop`);
    }
    if (options.sink?.startsWith('file:')) throw new UsageError('--sink file:PATH keeps one stream: give one input file, without --loop');
  }
  const streams: PlaySummary[] = [];
  let totals = emptyTotals();
  let exitCode = 0;
  const print: PrintPlayed = (summary, text) => {
    if (!options.json) io.stdout.write(text);
    else if (playlist.isList) streams.push(summary);
    else io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  };
  try {
    for (let entry = playlist.next(); entry !== null; entry = playlist.next()) {
      if (playlist.isList && !options.json) {
        const pass = playlist.passes === 1 ? '' : `, pass ${entry.pass}${playlist.passes === 'forever' ? '' : ` of ${playlist.passes}`}`;
        io.stdout.write(`${totals.streams > 0 ? '\n' : ''}play         ${entry.index + 1} of ${inputs.length}${pass}: ${entry.input}\n`);
      }
      const played = await playOne(entry.input, gainFactor, print);
      totals = addToTotals(totals, played.summary, { clippedSamples: played.summary.volume?.clippedSamples ?? 0, interrupted: played.exitCode === EXIT_INTERRUPTED });
      exitCode = played.exitCode;
      if (played.stopped) playlist.stop();
    }
  } finally {
    // what did play is said even when a later file fails
    if (playlist.isList && totals.streams > 0) {
      if (options.json) io.stdout.write(`${JSON.stringify({ streams, total: totals }, null, 2)}\n`);
      else io.stdout.write(`\n${formatTotals(totals)}`);
    }
  }
  return exitCode;
}
