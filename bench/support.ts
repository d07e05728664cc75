import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// Shared by the benchmarks: run a command, report wall, CPU and peak RSS (GNU time when present).

export interface Measurement {
  command: string;
  wallSeconds: number;
  cpuSeconds: number | null;
  peakRssMiB: number | null;
  status: number | null;
}

const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

export function measure(file: string, args: string[], options: { stdoutTo?: 'null'; env?: NodeJS.ProcessEnv } = {}): Measurement {
  const started = process.hrtime.bigint();
  const argv = gnuTime ? [gnuTime, '-f', 'BENCH %U %S %M', file, ...args] : [file, ...args];
  const result = spawnSync(argv[0]!, argv.slice(1), {
    stdio: ['ignore', options.stdoutTo === 'null' ? 'ignore' : 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    env: options.env === undefined ? process.env : { ...process.env, ...options.env },
  });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const line = result.stderr?.toString().split('\n').find((l) => l.startsWith('BENCH ')) ?? null;
  const [user, system, rssKiB] = line ? line.slice(6).split(' ').map(Number) : [Number.NaN, Number.NaN, Number.NaN];
  return {
    command: [file, ...args].join(' '),
    wallSeconds,
    cpuSeconds: line ? user! + system! : null,
    peakRssMiB: line ? rssKiB! / 1024 : null,
    status: result.status,
  };
}

export interface BenchCommand {
  name: string;
  file: string;
  args: string[];
  stdoutTo?: 'null';
  env?: NodeJS.ProcessEnv;
}

/** Runs every command `runs` times round-robin (A B C A B C …), so a noisy shared machine slows all of them alike. */
export function interleaved(commands: BenchCommand[], runs: number): Map<string, Measurement[]> {
  const results = new Map<string, Measurement[]>(commands.map((command) => [command.name, []]));
  for (let round = 0; round < runs; round++) {
    for (const command of commands) {
      const measurement = measure(command.file, command.args, { stdoutTo: command.stdoutTo, env: command.env });
      if (measurement.status !== 0) throw new Error(`bench: ${measurement.command} exited with ${measurement.status}`);
      results.get(command.name)!.push(measurement);
    }
  }
  return results;
}

/** Median of one field over a command's runs (NaN when the field was not measured). */
export function medianOf(list: Measurement[], field: 'wallSeconds' | 'cpuSeconds' | 'peakRssMiB'): number {
  return median(list.map((m) => m[field] ?? Number.NaN));
}

/** One command's medians. */
export interface MedianRow {
  tool: string;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
}

export function medianRows(results: Map<string, Measurement[]>): MedianRow[] {
  return [...results].map(([tool, list]) => ({
    tool,
    wallSeconds: medianOf(list, 'wallSeconds'),
    cpuSeconds: medianOf(list, 'cpuSeconds'),
    peakRssMiB: medianOf(list, 'peakRssMiB'),
  }));
}

/** The rows side by side, each as a ratio to `base` (wavert's row) on the wall clock and on CPU time. */
export function ratioTable(rows: MedianRow[], base: MedianRow, audioSeconds: number): string {
  return table(rows.map((row) => ({
    tool: row.tool,
    'wall s': row.wallSeconds.toFixed(3),
    'CPU s': row.cpuSeconds.toFixed(3),
    'peak RSS MiB': row.peakRssMiB.toFixed(1),
    '× real time': (audioSeconds / row.wallSeconds).toFixed(0),
    'wall ÷ wavert': (row.wallSeconds / base.wallSeconds).toFixed(2),
    'CPU ÷ wavert': (row.cpuSeconds / base.cpuSeconds).toFixed(2),
  })));
}

/** Runs per command: WAVERT_BENCH_RUNS, default 7. */
export function benchRuns(): number {
  const runs = Number(process.env.WAVERT_BENCH_RUNS ?? 7);
  return Number.isInteger(runs) && runs > 0 ? runs : 7;
}

export function which(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function table(rows: Array<Record<string, string | number>>): string {
  const keys = Object.keys(rows[0] ?? {});
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(keys), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(keys.map((k) => String(r[k]))))].join('\n');
}
