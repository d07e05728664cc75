import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { copyBuild } from './support/build-copy.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

test('when a scenario worker cannot start (a broken install) then every scenario is an error at once with the reason, exit 4, no restart loop', () => {
  const install = mkdtempSync(join(tmpdir(), 'wavert-broken-install-'));
  try {
    const { bin } = copyBuild(install, "import './missing-module.js';\n");
    const scenarios = ['clean-playback.yaml', 'client-jitter.yaml', 'late-write.yaml'].map((name) => join(repoRoot, 'fixtures', 'scenarios', name));
    const run = spawnSync(process.execPath, [bin, 'run', ...scenarios, '--out', join(install, 'out')], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, WAVERT_ENTRY: 'modules' },
    });
    assert.equal(run.signal, null, 'the run ended by itself');
    assert.equal(run.status, 4, run.stdout + run.stderr);
    assert.match(run.stdout, /3 scenarios: 0 passed, 0 failed, 0 invalid, 3 errors/);
    assert.match(run.stdout, /was not run: a scenario worker could not start \(Cannot find module '[^']*missing-module\.js'/);
  } finally {
    rmSync(install, { recursive: true, force: true });
  }
});
