import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { copyBuild } from './support/build-copy.js';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioWorkerUrl, ScenarioPool, startOrder, type ScenarioResult } from '../src/scenario/index.js';
import { pathToFileURL } from 'node:url';
import { utimesSync } from 'node:fs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(repoRoot, 'bin', 'wavert.js');

function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wavert-scheduling-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A passing scenario of `frames` counter frames (its cost estimate is its input's bytes). */
function scenario(frames: number): string {
  return `input: { type: counter, format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }, frames: ${frames} }\nexpect: { eosReached: true }\n`;
}

describe('scenario scheduling', () => {
  test('when the worker bundle is as new as the compiled worker then threads start from it; when older, missing or WAVERT_ENTRY=modules, from the modules', () => {
    const { dir, cleanup } = tempDir();
    try {
      const paths = { bundle: pathToFileURL(join(dir, 'scenario-worker.cjs')), module: pathToFileURL(join(dir, 'worker.js')) };
      writeFileSync(paths.module, '');
      assert.equal(scenarioWorkerUrl({}, paths), paths.module);
      writeFileSync(paths.bundle, '');
      utimesSync(paths.module, 1000, 1000);
      assert.equal(scenarioWorkerUrl({}, paths), paths.bundle);
      assert.equal(scenarioWorkerUrl({ WAVERT_ENTRY: 'modules' }, paths), paths.module);
      utimesSync(paths.bundle, 500, 500);
      assert.equal(scenarioWorkerUrl({}, paths), paths.module);
    } finally {
      cleanup();
    }
  });

  test('when costs are given then the costliest start first and equal costs keep their order', () => {
    assert.deepEqual(startOrder([1, 5, 5, 3, 0, 5]), [1, 2, 5, 3, 0, 4]);
    assert.deepEqual(startOrder([]), []);
  });

  test('when runs of different costs share one worker then they start costliest first and the results stay in the order given', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const entries = [['small', 960], ['large', 9600], ['middle', 4800]].map(([name, frames]) => {
        const path = join(dir, `${name}.yaml`);
        writeFileSync(path, scenario(frames as number));
        return { path, file: `${name}.yaml`, cost: frames as number };
      });
      const pool = new ScenarioPool({ jobs: 1, timeoutMs: 60_000 }, entries.length);
      const finished: string[] = [];
      try {
        const results = await pool.run(entries, { outDir: join(dir, 'out') }, (result) => finished.push(result.name));
        assert.deepEqual(results.map((result) => [result.name, result.status]), [['small', 'passed'], ['large', 'passed'], ['middle', 'passed']]);
        assert.deepEqual(finished, ['large', 'middle', 'small']);
      } finally {
        pool.close();
      }
    } finally {
      cleanup();
    }
  });

  test('when a pool checks files then each outcome comes as it is loaded, and a run uses the loaded scenario without reading the file again', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'a.yaml'), `name: first\n${scenario(480)}`);
      writeFileSync(join(dir, 'b.yaml'), 'input: { type: counter }\n');
      writeFileSync(join(dir, 'c.yaml'), scenario(4800));
      const files = ['a', 'b', 'c'].map((name) => ({ path: join(dir, `${name}.yaml`), file: `${name}.yaml` }));
      const pool = new ScenarioPool({ jobs: 2, timeoutMs: 60_000 }, files.length);
      try {
        const told: number[] = [];
        const outcomes = await pool.check(files, { threads: 1, onOutcome: (index) => told.push(index) });
        assert.deepEqual([...told].sort(), [0, 1, 2]);
        assert.deepEqual(outcomes.map((outcome) => outcome.name), ['first', null, 'c']);
        assert.equal(outcomes[1]!.result?.status, 'invalid');
        const loaded = outcomes.flatMap((outcome, index) => (outcome.name === null ? [] : [{ ...files[index]!, scenario: outcome.scenario, cost: outcome.cost }]));
        assert.deepEqual(loaded.map((entry) => entry.cost), [480 * 4, 4800 * 4]);
        // the files are gone: only the loaded scenarios can be run
        for (const file of files) rmSync(file.path);
        const results = await pool.run(loaded, { outDir: join(dir, 'out') });
        assert.deepEqual(results.map((result) => [result.name, result.file, result.status]), [['first', 'a.yaml', 'passed'], ['c', 'c.yaml', 'passed']]);
        assert.ok(existsSync(join(dir, 'out', 'first', 'rendered.wav')));
      } finally {
        pool.close();
      }
    } finally {
      cleanup();
    }
  });

  test('when the library mixes long, short, invalid and duplicate scenarios then run prints, exits and writes JUnit in file order', () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'a-short.yaml'), scenario(480));
      writeFileSync(join(dir, 'b-long.yaml'), scenario(48_000));
      writeFileSync(join(dir, 'c-invalid.yaml'), 'input: { type: counter }\n');
      writeFileSync(join(dir, 'd-middle.yaml'), `name: a-short\n${scenario(9600)}`);
      writeFileSync(join(dir, 'e-longest.yaml'), scenario(96_000));
      const result = spawnSync(process.execPath, [cli, 'run', '.', '--out', 'out', '--jobs', '2', '--junit', 'junit.xml'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      assert.equal(result.status, 2, result.stderr);
      const rows = result.stdout.split('\n').filter((line) => /^[a-z-]+ +(PASS|FAIL|INVALID|ERROR) /.test(line)).map((line) => line.split(/ +/).slice(0, 2).join(' '));
      assert.deepEqual(rows, ['a-short PASS', 'b-long PASS', 'c-invalid INVALID', 'a-short INVALID', 'e-longest PASS']);
      assert.match(result.stdout, /d-middle\.yaml: the scenario name 'a-short' is already used by a-short\.yaml/);
      const cases = [...readFileSync(join(dir, 'junit.xml'), 'utf8').matchAll(/<testcase name="([^"]*)"[^>]* file="([^"]*)"/g)].map((match) => `${match[1]} ${match[2]}`);
      assert.deepEqual(cases, ['a-short a-short.yaml', 'b-long b-long.yaml', 'c-invalid c-invalid.yaml', 'a-short d-middle.yaml', 'e-longest e-longest.yaml']);
      // the duplicate never ran: the first file's outputs are its own
      const summary = JSON.parse(readFileSync(join(dir, 'out', 'a-short', 'summary.json'), 'utf8')) as { file: string };
      assert.equal(summary.file, 'a-short.yaml');
    } finally {
      cleanup();
    }
  });

  test('when a worker holds a job behind one that runs past the limit then the held job still runs on a new worker', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const slow = join(dir, 'slow.yaml');
      writeFileSync(slow, 'input: { type: noise, format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }, durationMs: 600000 }\nstream: { bufferBytes: 48 }\n');
      const quick = ['one', 'two', 'three'].map((name) => {
        const path = join(dir, `${name}.yaml`);
        writeFileSync(path, scenario(480));
        return { path, file: `${name}.yaml` };
      });
      const pool = new ScenarioPool({ jobs: 1, timeoutMs: 1000 }, 4);
      let results: ScenarioResult[];
      try {
        results = await pool.run([{ path: slow, file: 'slow.yaml', cost: 10 }, ...quick], { outDir: join(dir, 'out') });
      } finally {
        pool.close();
      }
      assert.deepEqual(results.map((result) => result.status), ['error', 'passed', 'passed', 'passed']);
      assert.equal(results[0]!.message, 'did not finish within 1 s of wall-clock time (stopped)');
    } finally {
      cleanup();
    }
  });
  test('when one file of a batch of checks hangs (its loading thread never answers) then only that scenario is an error and the others run', () => {
    const { dir, cleanup } = tempDir();
    try {
      // a copy of the build whose scenario worker blocks for ever on any job that names hang.yaml
      const install = join(dir, 'install');
      const hang = "import { parentPort as hangPort } from 'node:worker_threads';\n"
        + "hangPort?.on('message', (job) => { if (JSON.stringify(job).includes('hang.yaml')) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); });\n";
      mkdirSync(install);
      const { bin } = copyBuild(install, hang);
      for (const name of ['a', 'c', 'd', 'e', 'hang']) writeFileSync(join(dir, `${name}.yaml`), scenario(480));
      const run = spawnSync(process.execPath, [bin, 'run', 'a.yaml', 'hang.yaml', 'c.yaml', 'd.yaml', 'e.yaml', '--out', 'out', '--timeout-s', '1'], {
        cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, WAVERT_ENTRY: 'modules' },
      });
      assert.equal(run.signal, null, 'the run ended by itself');
      assert.equal(run.status, 4, run.stdout + run.stderr);
      assert.match(run.stdout, /^ERROR hang\.yaml \(hang\.yaml\)\n {2}did not finish within 1 s of wall-clock time \(stopped\)$/m);
      assert.match(run.stdout, /5 scenarios: 4 passed, 0 failed, 0 invalid, 1 error/);
      for (const name of ['a', 'c', 'd', 'e']) assert.ok(existsSync(join(dir, 'out', name, 'summary.json')), name);
    } finally {
      cleanup();
    }
  });
});
