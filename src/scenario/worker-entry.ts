// Which script a scenario worker thread runs: the bundle `npm run build` makes, or the compiled modules.
import { statSync } from 'node:fs';

const WORKER_MODULE_URL = new URL('./worker.js', import.meta.url);
const WORKER_BUNDLE_URL = new URL('../../scenario-worker.cjs', import.meta.url);

/**
 * The worker thread's script: the bundled worker (`npm run build`, one file, no module graph to load: about half
 * the start-up) when it is as new as the compiled modules, else worker.js; WAVERT_ENTRY=modules forces worker.js.
 */
export function scenarioWorkerUrl(env: NodeJS.ProcessEnv = process.env, paths: { bundle: URL; module: URL } = { bundle: WORKER_BUNDLE_URL, module: WORKER_MODULE_URL }): URL {
  if (env.WAVERT_ENTRY === 'modules') return paths.module;
  try {
    if (statSync(paths.bundle).mtimeMs >= statSync(paths.module).mtimeMs) return paths.bundle;
  } catch {
    // no bundle (a bare tsc build): the modules
  }
  return paths.module;
}
