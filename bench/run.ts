import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runRenderBench } from './render.js';

// `npm run bench`: every benchmark, each side by side with its peers; results also land in bench/out/*.json.

const outDir = fileURLToPath(new URL('../../bench/out', import.meta.url));
mkdirSync(outDir, { recursive: true });
const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };
const only = process.argv[2];
if (!only || only === 'render') results.render = runRenderBench(outDir);
const playModule = fileURLToPath(new URL('./play.js', import.meta.url));
if ((!only || only === 'play') && existsSync(playModule)) {
  const { runPlayBench } = (await import(playModule)) as { runPlayBench: (dir: string) => Promise<unknown> };
  results.play = await runPlayBench(outDir);
}
writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nresults: ${join(outDir, 'results.json')}`);
