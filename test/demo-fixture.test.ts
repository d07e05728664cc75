import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDemo } from './support/make-demo.js';

test('when the demo WAV is regenerated then it is byte-identical to the committed fixtures/demo.wav', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wavert-demo-'));
  try {
    const path = join(dir, 'demo.wav');
    writeDemo(path);
    const committed = readFileSync(fileURLToPath(new URL('../../fixtures/demo.wav', import.meta.url)));
    assert.ok(readFileSync(path).equals(committed), 'run `npm run demo-fixture` and commit fixtures/demo.wav');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
