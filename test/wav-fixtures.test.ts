import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wavCases, wavCaseFileName, writeFixtures } from './support/make-fixtures.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtureDir = path.join(repoRoot, 'fixtures', 'wav');

describe('WAV fixtures', () => {
  test('when the fixtures are regenerated into a temp folder then every file is byte-identical to fixtures/wav', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-fixtures-'));
    try {
      const written = writeFixtures(dir);
      assert.equal(written.length, wavCases.length);
      for (const wavCase of wavCases) {
        const fresh = fs.readFileSync(path.join(dir, wavCaseFileName(wavCase)));
        const committed = fs.readFileSync(path.join(fixtureDir, wavCaseFileName(wavCase)));
        assert.ok(fresh.equals(committed), `${wavCaseFileName(wavCase)} differs from the committed fixture; run npm run fixtures`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('when fixtures/wav is listed then it holds exactly the manifest cases, no stale files', () => {
    const onDisk = fs.readdirSync(fixtureDir).filter((name) => name.endsWith('.wav')).sort();
    assert.deepEqual(onDisk, wavCases.map(wavCaseFileName).sort());
  });

  test('when the manifest is checked then names are unique, files are at most 50 KB, good cases carry expectations and bad ones an error', () => {
    assert.equal(new Set(wavCases.map((c) => c.name)).size, wavCases.length);
    for (const wavCase of wavCases) {
      assert.ok(wavCase.bytes.length <= 50 * 1024, `${wavCase.name} is ${wavCase.bytes.length} bytes`);
      if (wavCase.good) {
        assert.ok(wavCase.format !== undefined && wavCase.framesRead !== undefined && wavCase.frameCount !== undefined, wavCase.name);
      } else {
        assert.ok(wavCase.errorIncludes !== undefined && wavCase.errorIncludes.length > 0, wavCase.name);
      }
    }
  });
});
