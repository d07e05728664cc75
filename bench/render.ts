import { closeSync, ftruncateSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WavWriter, pcmFormat, wavHeader } from '../src/wav/index.js';
import { measure, median, table, which, type Measurement } from './support.js';

// `wavert render` against `sox in.wav out.wav` on the same 10-minute file, and peak RSS on a 2 GB file.

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'wavert.js');
const format = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });

function writeSine(path: string, seconds: number): void {
  const writer = WavWriter.create(path, format);
  const frames = 48000;
  const block = Buffer.alloc(frames * 4);
  for (let f = 0; f < frames; f++) {
    const v = Math.round(Math.sin((2 * Math.PI * 440 * f) / 48000) * 12000);
    block.writeInt16LE(v, f * 4);
    block.writeInt16LE(v, f * 4 + 2);
  }
  for (let s = 0; s < seconds; s++) writer.write(block);
  writer.close();
}

/** A valid WAV with a 2 GB data chunk of silence, written sparse so it costs no disk. */
function writeSparse(path: string, dataBytes: number): void {
  const header = wavHeader(format);
  const bytes = Buffer.from(header.bytes);
  bytes.writeUInt32LE(header.bytes.length - 8 + dataBytes, 4);
  bytes.writeUInt32LE(dataBytes, header.dataSizeOffset);
  const fd = openSync(path, 'w');
  writeSync(fd, bytes);
  ftruncateSync(fd, header.bytes.length + dataBytes);
  closeSync(fd);
}

export function runRenderBench(outDir: string): Record<string, unknown> {
  mkdirSync(outDir, { recursive: true });
  const input = join(outDir, 'ten-minutes.wav');
  const output = join(outDir, 'ten-minutes-out.wav');
  const seconds = 600;
  writeSine(input, seconds);
  const runs = 3;
  const results: Record<string, Measurement[]> = { wavert: [] };
  for (let i = 0; i < runs; i++) results.wavert!.push(measure(process.execPath, [bin, 'render', input, '-o', output]));
  const haveSox = which('sox');
  if (haveSox) {
    results.sox = [];
    for (let i = 0; i < runs; i++) results.sox.push(measure('sox', [input, output]));
  }
  const rows = Object.entries(results).map(([name, list]) => {
    const wall = median(list.map((m) => m.wallSeconds));
    return {
      tool: name,
      'wall s (median of 3)': wall.toFixed(3),
      '× real time': (seconds / wall).toFixed(0),
      'cpu s': median(list.map((m) => m.cpuSeconds ?? Number.NaN)).toFixed(3),
      'peak RSS MiB': median(list.map((m) => m.peakRssMiB ?? Number.NaN)).toFixed(1),
    };
  });
  const wavertWall = median(results.wavert!.map((m) => m.wallSeconds));
  const soxWall = haveSox ? median(results.sox!.map((m) => m.wallSeconds)) : null;

  const big = join(outDir, 'two-gigabytes.wav');
  const bigBytes = 2 * 1024 * 1024 * 1024;
  writeSparse(big, bigBytes);
  const bigWavert = measure(process.execPath, [bin, 'render', big, '-o', '-'], { stdoutTo: 'null' });
  const bigSox = haveSox ? measure('sox', [big, '-t', 'wav', '-'], { stdoutTo: 'null' }) : null;
  rmSync(big, { force: true });
  rmSync(input, { force: true });
  rmSync(output, { force: true });

  console.log('\n## render: 10 minutes of 48 kHz stereo 16-bit (115 MB)\n');
  console.log(table(rows));
  if (soxWall) console.log(`\nwavert/sox speed ratio: ${(soxWall / wavertWall).toFixed(2)} (above 1: wavert is faster)`);
  console.log('\n## render: a 2 GB file to /dev/null (peak RSS)\n');
  console.log(table([
    { tool: 'wavert', 'wall s': bigWavert.wallSeconds.toFixed(2), 'peak RSS MiB': bigWavert.peakRssMiB?.toFixed(1) ?? '–', status: String(bigWavert.status) },
    ...(bigSox ? [{ tool: 'sox', 'wall s': bigSox.wallSeconds.toFixed(2), 'peak RSS MiB': bigSox.peakRssMiB?.toFixed(1) ?? '–', status: String(bigSox.status) }] : []),
  ]));
  return { tenMinutes: rows, soxOverWavertSpeed: soxWall ? soxWall / wavertWall : null, twoGigabytes: { wavert: bigWavert, sox: bigSox } };
}
