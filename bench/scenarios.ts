import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSpinner } from '../test/support/pulse.js';
import { benchRuns, interleaved, medianOf, table } from './support.js';

// The scenario library on the virtual clock (`wavert run fixtures/scenarios`), from the bundle and from the modules,
// beside a bare `node -e 0`: the bar is the whole library in under 1 s of wall-clock time.

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'wavert.js');

export function runScenariosBench(outDir: string): Record<string, unknown> {
  const library = join(root, 'fixtures', 'scenarios');
  const scenarioCount = readdirSync(library).filter((name) => /\.(ya?ml|json)$/.test(name)).length;
  const out = (name: string) => join(outDir, `scenarios-${name}`);
  const runs = benchRuns();
  const node = process.execPath;
  const commands = [
    { name: 'node -e 0', file: node, args: ['-e', '0'] },
    { name: 'wavert run fixtures/scenarios', file: node, args: [bin, 'run', library, '--out', out('bundle')] },
    { name: 'wavert run fixtures/scenarios (modules)', file: node, args: [bin, 'run', library, '--out', out('modules')], env: { WAVERT_ENTRY: 'modules' } },
    { name: 'wavert run fixtures/scenarios --jobs 1', file: node, args: [bin, 'run', library, '--out', out('one'), '--jobs', '1'] },
  ];
  const results = interleaved(commands, runs);
  // a shared CI runner: another process keeps one of the two cores busy for the whole measurement
  const busyName = 'wavert run fixtures/scenarios, busy core';
  const spinner = startSpinner(600);
  try {
    results.set(busyName, interleaved([{ name: busyName, file: node, args: [bin, 'run', library, '--out', out('busy')] }], runs).get(busyName)!);
  } finally {
    spinner.kill();
  }
  for (const name of ['bundle', 'modules', 'one', 'busy']) rmSync(out(name), { recursive: true, force: true });
  const rows = [...commands.map(({ name }) => name), busyName].map((name) => ({
    command: name,
    [`wall s (median of ${runs})`]: medianOf(results.get(name)!, 'wallSeconds').toFixed(3),
    'CPU s': medianOf(results.get(name)!, 'cpuSeconds').toFixed(2),
    'peak RSS MiB': medianOf(results.get(name)!, 'peakRssMiB').toFixed(1),
  }));
  console.log(`\n## scenarios: the library (${scenarioCount} files) on the virtual clock, ${runs} interleaved runs (bar: < 1 s wall)\n`);
  console.log(table(rows));
  return { runs, scenarioCount, rows };
}
