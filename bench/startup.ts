import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchRuns, interleaved, medianOf, table } from './support.js';
import { writeSineWav } from './inputs.js';

// How long a short command takes against a bare `node -e 0`: what wavert loads before and beside its work, from
// the bundle (dist/wavert.cjs + code cache, what bin/wavert.js runs) and from the ES modules.

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'wavert.js');

export function runStartupBench(outDir: string): Record<string, unknown> {
  mkdirSync(outDir, { recursive: true });
  const small = join(outDir, 'small.wav');
  const output = join(outDir, 'small-out.wav');
  writeSineWav(small, 1);
  const runs = benchRuns();
  const node = process.execPath;
  const commands = [
    { name: 'node -e 0', file: node, args: ['-e', '0'] },
    { name: 'wavert --version', file: node, args: [bin, '--version'] },
    { name: 'wavert info small.wav', file: node, args: [bin, 'info', small] },
    { name: 'wavert render small.wav', file: node, args: [bin, 'render', small, '-o', output] },
    // the same commands from the compiled ES modules, as before the bundle (and as after a bare `tsc`)
    { name: 'wavert info small.wav (modules)', file: node, args: [bin, 'info', small], env: { WAVERT_ENTRY: 'modules' } },
    { name: 'wavert render small.wav (modules)', file: node, args: [bin, 'render', small, '-o', output], env: { WAVERT_ENTRY: 'modules' } },
  ];
  const entry = createRequire(import.meta.url)(join(root, 'bin', 'entry.js')) as { pickEntry(force?: string): { kind: string } };
  if (entry.pickEntry(process.env.WAVERT_ENTRY).kind !== 'bundle') console.log('\nnote: dist/wavert.cjs is missing or stale, so the plain rows run the modules too (npm run build makes it)');
  const results = interleaved(commands, runs);
  rmSync(small, { force: true });
  rmSync(output, { force: true });
  const baseline = medianOf(results.get('node -e 0')!, 'wallSeconds');
  const baselineCpu = medianOf(results.get('node -e 0')!, 'cpuSeconds');
  const rows = commands.map(({ name }) => {
    const wall = medianOf(results.get(name)!, 'wallSeconds');
    const cpu = medianOf(results.get(name)!, 'cpuSeconds');
    return {
      command: name,
      [`wall ms (median of ${runs})`]: (wall * 1000).toFixed(1),
      '× node -e 0': (wall / baseline).toFixed(2),
      'CPU ms': (cpu * 1000).toFixed(0),
      'CPU × node -e 0': (cpu / baselineCpu).toFixed(2),
      'peak RSS MiB': medianOf(results.get(name)!, 'peakRssMiB').toFixed(1),
    };
  });
  console.log(`\n## startup: 1 s of 48 kHz stereo 16-bit, ${runs} interleaved runs each (bar: info and render ≤ 1.50× node -e 0)\n`);
  console.log(table(rows));
  return { runs, rows };
}
