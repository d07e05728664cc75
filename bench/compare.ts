import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WavWriter } from '../src/wav/index.js';
import { pcmFormat } from '../src/wav/format.js';
import { ensureToneWav } from './inputs.js';
import { benchRuns, measure, medianRows, ratioTable, which, type Measurement } from './support.js';

// `wavert compare` on a 10-minute 48 kHz stereo pair, side by side in the same run with `cmp` (byte equality of an
// identical pair: the floor for reading two files) and `sox -n stat` (one pass over one file). The recording holds
// the reference 1234 frames late with a gap, a repeat and a drop in it; a second pair is an exact copy.

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'wavert.js');
const SECONDS = 600;
const RATE = 48_000;
const FRAMES = SECONDS * RATE;
const CHUNK_FRAMES = 1 << 16;
const TWO_GB = 2 * 1024 * 1024 * 1024;

/** A WAV of `frames` frames whose samples `sampleAt` gives, written in chunks. */
function writeAudio(path: string, frames: number, sampleAt: (frame: number, channel: number) => number): void {
  const writer = WavWriter.create(path, pcmFormat({ bitsPerSample: 16, channels: 2, sampleRate: RATE }));
  try {
    const chunk = Buffer.alloc(CHUNK_FRAMES * 4);
    for (let start = 0; start < frames; start += CHUNK_FRAMES) {
      const count = Math.min(CHUNK_FRAMES, frames - start);
      for (let i = 0; i < count; i++) {
        chunk.writeInt16LE(sampleAt(start + i, 0), i * 4);
        chunk.writeInt16LE(sampleAt(start + i, 1), i * 4 + 2);
      }
      writer.write(chunk.subarray(0, count * 4));
    }
  } finally {
    writer.close();
  }
}

/** Deterministic, never-repeating reference sample (a hash of frame and channel, shaped a little). */
function reference(frame: number, channel: number): number {
  let x = Math.imul(frame * 2 + channel + 1, 0x9e3779b1);
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  return ((x & 0x3fff) - 0x2000) + Math.round(8000 * Math.sin(frame / 40)) || 1;
}

const LEAD = 1234;
const GAP_AT = 60 * RATE;
const GAP = 480;
const REPEAT_AT = 180 * RATE;
const REPEAT = 960;
const DROP_AT = 420 * RATE;
const DROP = 300;

/** The recording: silence, then the reference with a gap, a repeat of one buffer and a drop, then silence. */
function heardSample(frame: number, channel: number): number {
  let f = frame - LEAD;
  if (f < 0) return 0;
  if (f >= GAP_AT) {
    if (f < GAP_AT + GAP) return 0;
    f -= GAP;
  }
  if (f >= REPEAT_AT) {
    if (f < REPEAT_AT + REPEAT) return reference(f - REPEAT, channel);
    f -= REPEAT;
  }
  if (f >= DROP_AT) f += DROP;
  return f < FRAMES ? reference(f, channel) : 0;
}

export function runCompareBench(outDir: string): Record<string, unknown> {
  mkdirSync(outDir, { recursive: true });
  const runs = Math.min(benchRuns(), Number(process.env.WAVERT_BENCH_COMPARE_RUNS ?? 5));
  const referencePath = join(outDir, 'compare-reference.wav');
  const heardPath = join(outDir, 'compare-heard.wav');
  const copyPath = join(outDir, 'compare-copy.wav');
  if (!existsSync(referencePath)) writeAudio(referencePath, FRAMES, reference);
  if (!existsSync(heardPath)) writeAudio(heardPath, FRAMES + LEAD + GAP + REPEAT - DROP + 4800, heardSample);
  if (!existsSync(copyPath)) copyFileSync(referencePath, copyPath);
  const node = process.execPath;
  const commands: Array<{ name: string; file: string; args: string[]; statuses: number[] }> = [
    { name: 'wavert compare heard.wav ref.wav (3 departures)', file: node, args: [bin, 'compare', heardPath, referencePath], statuses: [1] },
    { name: 'wavert compare copy.wav ref.wav (exact)', file: node, args: [bin, 'compare', copyPath, referencePath], statuses: [0] },
    { name: 'cmp copy.wav ref.wav', file: 'cmp', args: [copyPath, referencePath], statuses: [0] },
    ...(which('sox') ? [{ name: 'sox heard.wav -n stat', file: 'sox', args: [heardPath, '-n', 'stat'], statuses: [0] }] : []),
  ];
  const results = new Map<string, Measurement[]>(commands.map((command) => [command.name, []]));
  for (let round = 0; round < runs; round++) {
    for (const command of commands) {
      const measurement = measure(command.file, command.args, { stdoutTo: 'null' });
      if (!command.statuses.includes(measurement.status ?? -1)) throw new Error(`bench: ${measurement.command} exited with ${measurement.status}`);
      results.get(command.name)!.push(measurement);
    }
  }
  const rows = medianRows(results);
  const wavert = rows[0]!;
  console.log(`\n## compare: 10 minutes of 48 kHz stereo 16-bit (115 MB each), median of ${runs} interleaved runs\n`);
  console.log(ratioTable(rows, wavert, SECONDS));
  console.log(`\nwavert compare runs at ${(SECONDS / wavert.wallSeconds).toFixed(0)}× real time on the pair with departures (bar: 100×)`);

  // bounded memory: 3.1 hours against itself (the render bench's 2 GB file), peak RSS as for 10 minutes
  const big = join(outDir, 'two-gigabytes.wav');
  ensureToneWav(big, TWO_GB);
  const hours = measure(node, [bin, 'compare', big, big], { stdoutTo: 'null' });
  if (hours.status !== 0) throw new Error(`bench: ${hours.command} exited with ${hours.status}`);
  const bigSeconds = TWO_GB / (RATE * 4);
  console.log(`\ncompare of 2 GB (${(bigSeconds / 3600).toFixed(1)} hours) against itself: ${hours.wallSeconds.toFixed(2)} s wall (${(bigSeconds / hours.wallSeconds).toFixed(0)}× real time), peak RSS ${hours.peakRssMiB?.toFixed(1)} MiB`);
  for (const path of [heardPath, copyPath]) rmSync(path, { force: true });
  return { runs, rows, twoGigabytes: hours };
}
