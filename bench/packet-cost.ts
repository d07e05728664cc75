import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSineWav } from './inputs.js';
import { interleaved, medianRows, table, type BenchCommand } from './support.js';

// What a packet costs while the code is cold and once V8 has optimised it: renders of 1 s, 1 minute and the
// 10-minute file to /dev/null (10 ms packets: 100, 6,000 and 60,000), and the differences between them.

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'wavert.js');
const PACKETS_PER_SECOND = 100;

export function runPacketCost(outDir: string, tenMinutesInput: string, runs: number): Record<string, unknown> {
  const inputs = [
    { label: '1 s', seconds: 1, path: join(outDir, 'packets-1s.wav') },
    { label: '1 minute', seconds: 60, path: join(outDir, 'packets-1min.wav') },
    { label: '10 minutes', seconds: 600, path: tenMinutesInput },
  ];
  for (const input of inputs.slice(0, 2)) writeSineWav(input.path, input.seconds);
  const commands: BenchCommand[] = inputs.map((input) => ({
    name: `wavert render (${input.label}) -o -`, file: process.execPath, args: [bin, 'render', input.path, '-o', '-'], stdoutTo: 'null',
  }));
  const rows = medianRows(interleaved(commands, runs));
  for (const input of inputs.slice(0, 2)) rmSync(input.path, { force: true });
  const printed = rows.map((row, index) => {
    const packets = inputs[index]!.seconds * PACKETS_PER_SECOND;
    const previous = index === 0 ? null : { row: rows[index - 1]!, packets: inputs[index - 1]!.seconds * PACKETS_PER_SECOND };
    const perPacketUs = (seconds: number, previousSeconds: number) => ((seconds - previousSeconds) * 1e6 / (packets - previous!.packets)).toFixed(2);
    return {
      command: row.tool,
      packets: String(packets),
      'wall s': row.wallSeconds.toFixed(3),
      'CPU s': row.cpuSeconds.toFixed(2),
      'µs per packet added (wall)': previous ? perPacketUs(row.wallSeconds, previous.row.wallSeconds) : '–',
      'µs per packet added (CPU)': previous ? perPacketUs(row.cpuSeconds, previous.row.cpuSeconds) : '–',
    };
  });
  console.log(`\n## render: what a packet costs, cold and warm (to /dev/null, 10 ms packets), median of ${runs} interleaved runs\n`);
  console.log(table(printed));
  return { runs, rows };
}
