import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GainSink, NullSink } from '../src/sinks/index.js';
import { BENCH_FORMAT, writeSineWav } from './inputs.js';
import { benchRuns, interleaved, median, medianOf, table, which, type BenchCommand } from './support.js';

// The user-facing extras of #13 beside their peers: `wavert devices` vs `aplay -L`, help and completion, and the
// --volume gain stage (in-process, 10 ms writes as play makes them) vs `sox -v 0.5` on the same 10 minutes.

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'wavert.js');
const GAIN_SECONDS = 600;

function commandRows(runs: number): Array<Record<string, string>> {
  const node = process.execPath;
  const commands: BenchCommand[] = [
    { name: 'node -e 0', file: node, args: ['-e', '0'] },
    { name: 'wavert --help', file: node, args: [bin, '--help'], stdoutTo: 'null' },
    { name: 'wavert completion bash', file: node, args: [bin, 'completion', 'bash'], stdoutTo: 'null' },
    { name: 'wavert devices --json', file: node, args: [bin, 'devices', '--json'], stdoutTo: 'null' },
  ];
  if (which('aplay')) commands.push({ name: 'aplay -L', file: 'aplay', args: ['-L'], stdoutTo: 'null' });
  const results = interleaved(commands, runs);
  const baseline = medianOf(results.get('node -e 0')!, 'wallSeconds');
  return commands.map(({ name }) => {
    const wall = medianOf(results.get(name)!, 'wallSeconds');
    return { command: name, [`wall ms (median of ${runs})`]: (wall * 1000).toFixed(1), '× node -e 0': (wall / baseline).toFixed(2) };
  });
}

/** Seconds of wall time for the gain sink to scale the file's audio in 10 ms writes. */
function gainSeconds(audio: Buffer, factor: number): number {
  const sink = new GainSink(new NullSink(BENCH_FORMAT.blockAlign, BENCH_FORMAT.sampleRate), BENCH_FORMAT, factor);
  const step = (BENCH_FORMAT.sampleRate / 100) * BENCH_FORMAT.blockAlign;
  const started = process.hrtime.bigint();
  for (let offset = 0; offset < audio.length; offset += step) sink.write(audio, offset, Math.min(step, audio.length - offset));
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export function runCliUxBench(outDir: string): Record<string, unknown> {
  mkdirSync(outDir, { recursive: true });
  const runs = benchRuns();
  const commands = commandRows(runs);
  console.log(`\n## cli: help, completion and devices against aplay -L, ${runs} interleaved runs each\n`);
  console.log(table(commands));

  const input = join(outDir, 'gain-10min.wav');
  const soxOutput = join(outDir, 'gain-sox.wav');
  writeSineWav(input, GAIN_SECONDS);
  const audio = readFileSync(input).subarray(44);
  const gain: number[] = [];
  const sox: number[] = [];
  for (let round = 0; round < runs; round++) {
    gain.push(gainSeconds(audio, 0.5));
    if (which('sox')) sox.push(medianOf(interleaved([{ name: 'sox', file: 'sox', args: ['-q', '-v', '0.5', input, soxOutput] }], 1).get('sox')!, 'wallSeconds'));
  }
  rmSync(input, { force: true });
  rmSync(soxOutput, { force: true });
  const gainWall = median(gain);
  const rows = [{ stage: 'wavert GainSink ×0.5 (10 ms writes)', 'wall s (median)': gainWall.toFixed(3), '× real time': (GAIN_SECONDS / gainWall).toFixed(0), 'CPU per minute of audio (ms)': ((gainWall / (GAIN_SECONDS / 60)) * 1000).toFixed(1) }];
  if (sox.length > 0) {
    const soxWall = median(sox);
    rows.push({ stage: 'sox -v 0.5 in.wav out.wav (whole process, with file I/O)', 'wall s (median)': soxWall.toFixed(3), '× real time': (GAIN_SECONDS / soxWall).toFixed(0), 'CPU per minute of audio (ms)': ((soxWall / (GAIN_SECONDS / 60)) * 1000).toFixed(1) });
  }
  console.log(`\n## --volume: ${GAIN_SECONDS / 60} minutes of 48 kHz stereo 16-bit, ${runs} runs each\n`);
  console.log(table(rows));
  return { runs, commands, gain: rows };
}
