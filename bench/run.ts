import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm run bench` runs every benchmark; `node dist/bench/run.js render play` runs the ones named.
// Each benchmark is one module exporting one function (outDir) => results; add one line here for a new one.
// Every benchmark runs wavert side by side with its peers in the same run; results also land in bench/out/results.json.

type BenchFunction = (outDir: string) => unknown;

const BENCHES: Array<{ name: string; module: string; run: string }> = [
  { name: 'startup', module: './startup.js', run: 'runStartupBench' },
  { name: 'render', module: './render.js', run: 'runRenderBench' },
  { name: 'scenarios', module: './scenarios.js', run: 'runScenariosBench' },
  { name: 'play', module: './play.js', run: 'runPlayBench' },
  { name: 'compare', module: './compare.js', run: 'runCompareBench' },
  { name: 'trace', module: './trace.js', run: 'runTraceBench' },
  { name: 'cli', module: './cli-ux.js', run: 'runCliUxBench' },
];

const outDir = fileURLToPath(new URL('../../bench/out', import.meta.url));
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !BENCHES.some((bench) => bench.name === name));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; choose from ${BENCHES.map((bench) => bench.name).join(', ')}`);
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };
for (const bench of BENCHES) {
  if (requested.length > 0 && !requested.includes(bench.name)) continue;
  const modulePath = fileURLToPath(new URL(bench.module, import.meta.url));
  if (!existsSync(modulePath)) {
    if (requested.includes(bench.name)) console.log(`${bench.name} bench: ${bench.module} is not built`);
    continue;
  }
  const module = (await import(modulePath)) as Record<string, BenchFunction>;
  results[bench.name] = await module[bench.run]!(outDir);
}
const resultsPath = join(outDir, 'results.json');
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nresults: ${resultsPath}`);
