import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCounterWav } from './support/pulse.js';
import { scenarioWorkerUrl } from '../src/scenario/pool.js';

// bin/wavert.js runs the single-file bundle (dist/wavert.cjs + V8 code cache) when it is current, else the modules.

interface Entry {
  BUNDLE_PATH: string;
  MODULE_ENTRY_PATH: string;
  pickEntry(force: string | undefined, paths?: { bundle: string; moduleEntry: string }): { kind: 'bundle' | 'modules'; path: string };
  compileBundle(path: string, options?: { useCache?: boolean }): { exports: Record<string, unknown>; cachedDataRejected: boolean | null };
  loadMain(entry: { kind: 'bundle' | 'modules'; path: string }): Promise<{ main: unknown }>;
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const entry = createRequire(import.meta.url)(join(repoRoot, 'bin', 'entry.js')) as Entry;
const bin = join(repoRoot, 'bin', 'wavert.js');

function withFiles(body: (paths: { bundle: string; moduleEntry: string }, dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'wavert-entry-'));
  try {
    body({ bundle: join(dir, 'wavert.cjs'), moduleEntry: join(dir, 'main.js') }, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function setMtime(file: string, seconds: number): void {
  utimesSync(file, seconds, seconds);
}

function runBin(kind: 'bundle' | 'modules', args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, WAVERT_ENTRY: kind } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('which build bin/wavert.js runs', () => {
  test('when the bundle is at least as new as the compiled modules then the bundle runs', () => {
    withFiles((paths) => {
      writeFileSync(paths.moduleEntry, '');
      writeFileSync(paths.bundle, '');
      setMtime(paths.moduleEntry, 1_000);
      setMtime(paths.bundle, 1_000);
      assert.deepEqual(entry.pickEntry(undefined, paths), { kind: 'bundle', path: paths.bundle });
    });
  });

  test('when tsc rewrote the modules after the last bundle then the modules run (a stale bundle is never used)', () => {
    withFiles((paths) => {
      writeFileSync(paths.moduleEntry, '');
      writeFileSync(paths.bundle, '');
      setMtime(paths.bundle, 1_000);
      setMtime(paths.moduleEntry, 1_001);
      assert.deepEqual(entry.pickEntry(undefined, paths), { kind: 'modules', path: paths.moduleEntry });
    });
  });

  test('when there is no bundle then the modules run', () => {
    withFiles((paths) => {
      writeFileSync(paths.moduleEntry, '');
      assert.deepEqual(entry.pickEntry(undefined, paths), { kind: 'modules', path: paths.moduleEntry });
    });
  });

  test('when WAVERT_ENTRY names a build then that build runs, current or not', () => {
    withFiles((paths) => {
      writeFileSync(paths.moduleEntry, '');
      assert.equal(entry.pickEntry('bundle', paths).kind, 'bundle');
      writeFileSync(paths.bundle, '');
      assert.equal(entry.pickEntry('modules', paths).kind, 'modules');
    });
  });

  test('when the build that was picked is missing then loading it fails with ENOENT (bin says to run npm run build)', async () => {
    await assert.rejects(entry.loadMain({ kind: 'bundle', path: join(tmpdir(), 'no-such-wavert.cjs') }), { code: 'ENOENT' });
  });

  test('when npm run build has run then this checkout runs the bundle', () => {
    assert.equal(entry.pickEntry(undefined).kind, 'bundle', 'dist/wavert.cjs is missing or older than dist/src: run npm run build');
  });
});

describe('the bundle and its code cache', () => {
  test('when npm run build has run then scenario workers start from dist/scenario-worker.cjs, and from worker.js with WAVERT_ENTRY=modules', () => {
    assert.equal(fileURLToPath(scenarioWorkerUrl()), join(repoRoot, 'dist', 'scenario-worker.cjs'));
    const saved = process.env.WAVERT_ENTRY;
    process.env.WAVERT_ENTRY = 'modules';
    try {
      assert.equal(fileURLToPath(scenarioWorkerUrl()), join(repoRoot, 'dist', 'src', 'scenario', 'worker.js'));
    } finally {
      if (saved === undefined) delete process.env.WAVERT_ENTRY;
      else process.env.WAVERT_ENTRY = saved;
    }
  });

  test('when this Node loads the bundle then V8 accepts the code cache the build wrote', () => {
    const loaded = spawnSync(process.execPath, ['-e', `
      const entry = require(${JSON.stringify(join(repoRoot, 'bin', 'entry.js'))});
      const { cachedDataRejected, exports } = entry.compileBundle(entry.BUNDLE_PATH);
      console.log(JSON.stringify({ cachedDataRejected, main: typeof exports.main }));`], { encoding: 'utf8' });
    assert.equal(loaded.status, 0, loaded.stderr);
    assert.deepEqual(JSON.parse(loaded.stdout), { cachedDataRejected: false, main: 'function' });
  });

  test('when the code cache is older than the bundle then it is not offered to V8 (V8 checks only the length)', () => {
    withFiles((paths) => {
      copyFileSync(entry.BUNDLE_PATH, paths.bundle);
      copyFileSync(`${entry.BUNDLE_PATH}.cache`, `${paths.bundle}.cache`);
      setMtime(`${paths.bundle}.cache`, 1_000);
      setMtime(paths.bundle, 1_001);
      assert.equal(entry.compileBundle(paths.bundle).cachedDataRejected, null);
    });
  });

  test('when V8 refuses the cache (another Node wrote it, or it is damaged) then the bundle still compiles and runs', () => {
    withFiles((paths, dir) => {
      copyFileSync(entry.BUNDLE_PATH, paths.bundle);
      writeFileSync(`${paths.bundle}.cache`, Buffer.alloc(4096, 0x5a));
      setMtime(paths.bundle, 1_000);
      setMtime(`${paths.bundle}.cache`, 1_001);
      const loaded = spawnSync(process.execPath, ['-e', `
        const entry = require(${JSON.stringify(join(repoRoot, 'bin', 'entry.js'))});
        const { cachedDataRejected, exports } = entry.compileBundle(${JSON.stringify(paths.bundle)});
        console.log(JSON.stringify({ cachedDataRejected, version: exports.VERSION }));`], { encoding: 'utf8', cwd: dir });
      assert.equal(loaded.status, 0, loaded.stderr);
      assert.deepEqual(JSON.parse(loaded.stdout), { cachedDataRejected: true, version: '0.1.0' });
    });
  });

  test('when a command starts from the bundle then node:child_process is not loaded (commander gets it on first use)', () => {
    const loaded = spawnSync(process.execPath, ['-e', `
      const entry = require(${JSON.stringify(join(repoRoot, 'bin', 'entry.js'))});
      entry.compileBundle(entry.BUNDLE_PATH);
      console.log(process.moduleLoadList.filter((name) => name.includes('child_process')).join(','));`], { encoding: 'utf8' });
    assert.equal(loaded.status, 0, loaded.stderr);
    assert.equal(loaded.stdout.trim(), '');
  });

  test('when the same commands run from the bundle and from the modules then output, messages and exit codes are identical', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wavert-entry-same-'));
    try {
      const input = join(dir, 'in.wav');
      await writeCounterWav(input, 48_000);
      const commands: string[][] = [
        ['--version'], ['--help'], ['render', '--help'],
        ['info', input], ['info', input, '--json'], ['info', join(dir, 'missing.wav')],
        ['render', input, '--no-such-option'], ['rendr', input],
        ['profiles'],
      ];
      for (const args of commands) assert.deepEqual(runBin('bundle', args, dir), runBin('modules', args, dir), args.join(' '));
      for (const kind of ['bundle', 'modules'] as const) {
        const rendered = runBin(kind, ['render', input, '-o', `${kind}.wav`, '--notifications', '1', '--trace', `${kind}.ndjson`], dir);
        assert.equal(rendered.status, 0, rendered.stderr);
        assert.equal(runBin(kind, ['render', input, '-o', `${kind}-clean.wav`], dir).status, 0);
        const compared = runBin(kind, ['compare', `${kind}-clean.wav`, input], dir);
        assert.equal(compared.status, 0, compared.stdout + compared.stderr);
        const run = runBin(kind, ['run', join(repoRoot, 'fixtures', 'scenarios', 'clean-playback.yaml'), '--out', `${kind}-out`], dir);
        assert.equal(run.status, 0, run.stdout + run.stderr);
      }
      assert.deepEqual(readFileSync(join(dir, 'bundle.wav')), readFileSync(join(dir, 'modules.wav')));
      // pino stamps each line with the wall clock; everything else in a trace is the model's
      const traceOf = (kind: string) => readFileSync(join(dir, `${kind}.ndjson`), 'utf8').replace(/"time":\d+,/g, '');
      assert.ok(traceOf('bundle').split('\n').length > 50);
      assert.equal(traceOf('bundle'), traceOf('modules'));
      const scenarioOut = (kind: string) => join(dir, `${kind}-out`, readdirSync(join(dir, `${kind}-out`))[0]!);
      assert.ok(statSync(join(scenarioOut('bundle'), 'rendered.wav')).size > 44);
      assert.deepEqual(readFileSync(join(scenarioOut('bundle'), 'rendered.wav')), readFileSync(join(scenarioOut('modules'), 'rendered.wav')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
