// Which script a scenario worker thread runs: the bundle `npm run build` makes, or the compiled modules, by the rule
// bin/entry.js applies to the CLI itself (one rule for both).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const WORKER_MODULE_URL = new URL('./worker.js', import.meta.url);
const WORKER_BUNDLE_URL = new URL('../../scenario-worker.cjs', import.meta.url);

interface Entry {
  pickEntry(force: string | undefined, paths: { bundle: string; moduleEntry: string }): { kind: 'bundle' | 'modules' };
}

/** The worker's script: the bundled worker (about half the start-up) when current, else worker.js; WAVERT_ENTRY names one. */
export function scenarioWorkerUrl(env: NodeJS.ProcessEnv = process.env, paths: { bundle: URL; module: URL } = { bundle: WORKER_BUNDLE_URL, module: WORKER_MODULE_URL }): URL {
  const { pickEntry } = createRequire(import.meta.url)('../../../bin/entry.js') as Entry;
  const entry = pickEntry(env.WAVERT_ENTRY, { bundle: fileURLToPath(paths.bundle), moduleEntry: fileURLToPath(paths.module) });
  return entry.kind === 'bundle' ? paths.bundle : paths.module;
}
