import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchRuns, interleaved, medianOf, table } from './support.js';
import { writeSineWav } from './inputs.js';

// The streaming trace: a long render with --trace against the same render without it and against cp of a file
// the trace's size (the disk's own pace). Peak RSS must stay flat whatever the trace's size.

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'wavert.js');

export function runTraceBench(outDir: string): Record<string, unknown> {
  mkdirSync(outDir, { recursive: true });
  const input = join(outDir, 'trace-input.wav');
  const output = join(outDir, 'trace-out.wav');
  const trace = join(outDir, 'trace.ndjson');
  const sameSize = join(outDir, 'trace-sized.bin');
  const copy = join(outDir, 'trace-copy.bin');
  const seconds = 600;
  writeSineWav(input, seconds);
  const node = process.execPath;
  // 1 ms buffers: 2 000 packets a second, so the trace is several times the audio
  const renderArgs = [bin, 'render', input, '-o', output, '--buffer-ms', '1'];
  interleaved([{ name: 'probe', file: node, args: [...renderArgs, '--trace', trace], stdoutTo: 'null' }], 1);
  const traceBytes = statSync(trace).size;
  writeFileSync(sameSize, Buffer.alloc(traceBytes, 0x61));
  const runs = benchRuns();
  const commands = [
    { name: 'wavert render', file: node, args: renderArgs, stdoutTo: 'null' as const },
    { name: 'wavert render --trace', file: node, args: [...renderArgs, '--trace', trace], stdoutTo: 'null' as const },
    { name: 'cp (a file of the trace\'s size)', file: 'cp', args: [sameSize, copy] },
  ];
  const results = interleaved(commands, runs);
  for (const path of [input, output, trace, sameSize, copy]) rmSync(path, { force: true });
  const rows = commands.map(({ name }) => ({
    command: name,
    [`wall s (median of ${runs})`]: medianOf(results.get(name)!, 'wallSeconds').toFixed(2),
    'peak RSS MiB': medianOf(results.get(name)!, 'peakRssMiB').toFixed(1),
  }));
  console.log(`\n## trace: ${seconds} s of 48 kHz stereo 16-bit at 1 ms buffers, a ${(traceBytes / 2 ** 20).toFixed(0)} MiB trace, ${runs} interleaved runs each\n`);
  console.log(table(rows));
  return { runs, traceBytes, rows };
}
