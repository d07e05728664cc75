import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureToneWav, writeSineWav } from './inputs.js';
import { runPacketCost } from './packet-cost.js';
import { profileRun } from './profile.js';
import { benchRuns, interleaved, medianRows, ratioTable, table, which, type BenchCommand, type MedianRow } from './support.js';

// `wavert render` side by side with `sox in.wav out.wav`, `cp` and a bare `node -e 0`, runs interleaved:
// a 10-minute file to a file, and a 2 GB file to /dev/null (speed and peak RSS at size).

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'wavert.js');
const TEN_MINUTES_SECONDS = 600;
const HOUR_SECONDS = 3600;
const TWO_GB = 2 * 1024 * 1024 * 1024;

/** `bar`: the bar applies (the 10-minute file to a file, and 2 GB); the other tables are for reference. */
function printRows(title: string, rows: MedianRow[], runs: number, audioSeconds: number, bar = true): void {
  const wavert = rows.find((row) => row.tool.startsWith('wavert'))!;
  console.log(`\n## ${title}, median of ${runs} interleaved runs\n`);
  console.log(ratioTable(rows, wavert, audioSeconds));
  const sox = rows.find((row) => row.tool.startsWith('sox'));
  if (sox) {
    console.log(`\nwavert render is ${(sox.wallSeconds / wavert.wallSeconds).toFixed(2)}× sox's speed on the wall clock${bar ? ' (bar 1.5×, aim 2×)' : ''}, `
      + `${(sox.cpuSeconds / wavert.cpuSeconds).toFixed(2)}× on CPU time`);
  }
}

export function runRenderBench(outDir: string): Record<string, unknown> {
  mkdirSync(outDir, { recursive: true });
  const runs = benchRuns();
  const node = process.execPath;
  const haveSox = which('sox');

  const input = join(outDir, 'ten-minutes.wav');
  writeSineWav(input, TEN_MINUTES_SECONDS);
  // each tool overwrites its own output file every run, as a user re-rendering does
  const out = (name: string) => join(outDir, `ten-minutes-${name}.wav`);
  const tenMinuteCommands: BenchCommand[] = [
    { name: 'wavert render in.wav -o out.wav', file: node, args: [bin, 'render', input, '-o', out('wavert')] },
    ...(haveSox ? [{ name: 'sox in.wav out.wav', file: 'sox', args: [input, out('sox')] }] : []),
    { name: 'cp in.wav out.wav', file: 'cp', args: [input, out('cp')] },
    { name: 'node -e 0', file: node, args: ['-e', '0'] },
  ];
  const tenMinutes = medianRows(interleaved(tenMinuteCommands, runs));
  printRows('render: 10 minutes of 48 kHz stereo 16-bit (115 MB) to a file', tenMinutes, runs, TEN_MINUTES_SECONDS);

  // the same work without the file system's part (replacing a 115 MB file costs every tool tens of milliseconds here)
  const streamCommands: BenchCommand[] = [
    { name: 'wavert render in.wav -o -', file: node, args: [bin, 'render', input, '-o', '-'], stdoutTo: 'null' },
    ...(haveSox ? [{ name: 'sox in.wav -t wav -', file: 'sox', args: [input, '-t', 'wav', '-'], stdoutTo: 'null' as const }] : []),
    { name: 'cat in.wav', file: 'cat', args: [input], stdoutTo: 'null' },
  ];
  const tenMinutesStreamed = medianRows(interleaved(streamCommands, runs));
  printRows('render: 10 minutes of 48 kHz stereo 16-bit (115 MB) to /dev/null', tenMinutesStreamed, runs, TEN_MINUTES_SECONDS, false);
  const packetCost = runPacketCost(outDir, input, runs);

  // where the time goes, and what each copy of the audio costs (a profiled run is slower; read the shares)
  const profile = profileRun([bin, 'render', input, '-o', out('wavert')]);
  for (const name of ['wavert', 'sox', 'cp']) rmSync(out(name), { force: true });
  console.log('\n## render: where a 10-minute render spends its CPU (node --cpu-prof, mean of 3 runs, from the compiled modules: the bundle loads faster)\n');
  console.log(table(profile.map((row) => ({ 'CPU ms': row.ms.toFixed(1), share: `${(100 * row.share).toFixed(1)} %`, 'spent on': row.bucket }))));

  // an hour to a file: where the fixed costs (Node's start, the model's warm-up, replacing the file) stop deciding
  const hour = join(outDir, 'one-hour.wav');
  writeSineWav(hour, HOUR_SECONDS);
  const hourOut = (name: string) => join(outDir, `one-hour-${name}.wav`);
  const hourCommands: BenchCommand[] = [
    { name: 'wavert render hour.wav -o out.wav', file: node, args: [bin, 'render', hour, '-o', hourOut('wavert')] },
    ...(haveSox ? [{ name: 'sox hour.wav out.wav', file: 'sox', args: [hour, hourOut('sox')] }] : []),
    { name: 'cp hour.wav out.wav', file: 'cp', args: [hour, hourOut('cp')] },
  ];
  const hourRuns = Math.min(runs, 5);
  const oneHour = medianRows(interleaved(hourCommands, hourRuns));
  for (const name of ['wavert', 'sox', 'cp']) rmSync(hourOut(name), { force: true });
  rmSync(hour, { force: true });
  printRows('render: 1 hour of 48 kHz stereo 16-bit (691 MB) to a file', oneHour, hourRuns, HOUR_SECONDS, false);

  // real data, kept between runs (regenerating 2 GB each time would dominate the bench)
  const big = join(outDir, 'two-gigabytes.wav');
  ensureToneWav(big, TWO_GB);
  const bigRuns = Math.min(runs, Number(process.env.WAVERT_BENCH_BIG_RUNS ?? 3));
  const bigCommands: BenchCommand[] = [
    { name: 'wavert render big.wav -o -', file: node, args: [bin, 'render', big, '-o', '-'], stdoutTo: 'null' },
    ...(haveSox ? [{ name: 'sox big.wav -t wav -', file: 'sox', args: [big, '-t', 'wav', '-'], stdoutTo: 'null' as const }] : []),
    { name: 'cat big.wav', file: 'cat', args: [big], stdoutTo: 'null' },
  ];
  const twoGigabytes = medianRows(interleaved(bigCommands, bigRuns));
  printRows('render: 2 GB (3.1 hours of 48 kHz stereo 16-bit) to /dev/null', twoGigabytes, bigRuns, TWO_GB / (48_000 * 4));
  return { runs, tenMinutes, tenMinutesStreamed, packetCost, profile, hourRuns, oneHour, bigRuns, twoGigabytes };
}
