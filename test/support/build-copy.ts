// A copy of this checkout's build (bin/, dist/src/, package.json, node_modules linked) that a test may break on
// purpose, e.g. a scenario worker that cannot start or never answers, without touching the real dist/.
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Copies the build into `dir` (no bundle: the copy runs its modules); `prependToWorker` goes before worker.js's code. */
export function copyBuild(dir: string, prependToWorker = ''): { bin: string } {
  cpSync(join(repoRoot, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(repoRoot, 'dist', 'src'), join(dir, 'dist', 'src'), { recursive: true });
  cpSync(join(repoRoot, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  const workerPath = join(dir, 'dist', 'src', 'scenario', 'worker.js');
  writeFileSync(workerPath, prependToWorker + readFileSync(workerPath, 'utf8'));
  return { bin: join(dir, 'bin', 'wavert.js') };
}
