import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../src/scenario/load.js';
import { safeFolderName } from '../src/output/names.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'wavert.js');
let dir = '';

function wavert(args: string[], cwd = dir) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SILENCE = 'input: { type: silence, format: { bitsPerSample: 16, channels: 1, sampleRate: 8000 }, durationMs: 20 }\n';
const fresh = (name: string): string => {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  return folder;
};
const loadError = (path: string): string => {
  try {
    loadScenario(path);
  } catch (error) {
    return (error as Error).message;
  }
  return 'loaded';
};

before(() => { dir = mkdtempSync(join(tmpdir(), 'wavert-scenario-safety-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

describe('scenario outputs stay inside --out', () => {
  test('when a file named ...yaml has no name then its folder is "__" inside --out and nothing is written next to --out', () => {
    const folder = fresh('dots');
    writeFileSync(join(folder, '...yaml'), SILENCE);
    const result = wavert(['run', '...yaml', '--out', 'out'], folder);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.deepEqual(readdirSync(join(folder, 'out')), ['__']);
    assert.deepEqual(readdirSync(folder).sort(), ['...yaml', 'out']);
    assert.ok(existsSync(join(folder, 'out', '__', 'rendered.wav')));
  });

  test('when names hold separators, dots or control characters then the folder name is one safe component', () => {
    assert.equal(safeFolderName('..'), '__');
    assert.equal(safeFolderName('../../etc'), '.._.._etc'.replace(/^\.\./, '__'));
    assert.equal(safeFolderName('a/b\\c'), 'a_b_c');
    assert.equal(safeFolderName('x\u001b[2Jy'), 'x_[2Jy');
    assert.equal(safeFolderName(''), '_');
    assert.equal(safeFolderName('client-stall-1.5-packets'), 'client-stall-1.5-packets');
  });

  test('when symlinks are planted in --out (the folder and the files) then they are replaced and their targets are untouched', () => {
    const folder = fresh('planted');
    writeFileSync(join(folder, 'a.yaml'), `name: a\n${SILENCE}`);
    writeFileSync(join(folder, 'b.yaml'), `name: b\n${SILENCE}`);
    const victims = fresh('planted-victims');
    writeFileSync(join(victims, 'precious.txt'), 'precious');
    mkdirSync(join(folder, 'out', 'a'), { recursive: true });
    for (const name of ['rendered.wav', 'trace.ndjson', 'summary.json']) symlinkSync(join(victims, 'precious.txt'), join(folder, 'out', 'a', name));
    symlinkSync(victims, join(folder, 'out', 'b'));
    const result = wavert(['run', 'a.yaml', 'b.yaml', '--out', 'out', '--report'], folder);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal(readFileSync(join(victims, 'precious.txt'), 'utf8'), 'precious');
    assert.deepEqual(readdirSync(victims), ['precious.txt']);
    for (const name of ['a', 'b']) {
      assert.ok(lstatSync(join(folder, 'out', name)).isDirectory(), name);
      for (const file of ['rendered.wav', 'trace.ndjson', 'summary.json', 'timeline.svg']) {
        assert.ok(lstatSync(join(folder, 'out', name, file)).isFile(), `${name}/${file}`);
      }
    }
  });

  test('when --update-golden meets a goldenWav outside the scenario folder and the library then it is refused; --golden-dir allows it', () => {
    const folder = fresh('golden/lib');
    const outside = fresh('golden/elsewhere');
    writeFileSync(join(folder, 'g.yaml'), `${SILENCE}expect: { goldenWav: ../elsewhere/g.wav }\n`);
    writeFileSync(join(folder, 'abs.yaml'), `${SILENCE}expect: { goldenWav: ${join(outside, 'abs.wav')} }\n`);
    const refused = wavert(['run', 'g.yaml', 'abs.yaml', '--out', 'out', '--update-golden'], folder);
    assert.equal(refused.status, 2, refused.stdout);
    assert.match(refused.stdout, /g\.yaml: expect\.goldenWav ".*elsewhere\/g\.wav" is outside the scenario's folder and the scenario library/);
    assert.match(refused.stdout, /abs\.yaml: expect\.goldenWav ".*abs\.wav" is outside/);
    assert.deepEqual(readdirSync(outside), []);
    const allowed = wavert(['run', 'g.yaml', 'abs.yaml', '--out', 'out', '--update-golden', '--golden-dir', outside], folder);
    assert.equal(allowed.status, 0, allowed.stdout);
    assert.deepEqual(readdirSync(outside).sort(), ['abs.wav', 'g.wav']);
    // inside the library named on the command line it is allowed without --golden-dir
    writeFileSync(join(folder, 'in.yaml'), `${SILENCE}expect: { goldenWav: goldens/in.wav }\n`);
    const inside = wavert(['run', 'in.yaml', '--out', 'out', '--update-golden'], folder);
    assert.equal(inside.status, 0, inside.stdout);
    assert.ok(existsSync(join(folder, 'goldens', 'in.wav')));
  });

  test('when a golden path goes out of the library through a symlinked folder then it is refused', () => {
    const folder = fresh('golden-link/lib');
    const outside = fresh('golden-link/outside');
    symlinkSync(outside, join(folder, 'escape'));
    writeFileSync(join(folder, 'l.yaml'), `${SILENCE}expect: { goldenWav: escape/l.wav }\n`);
    const result = wavert(['run', 'l.yaml', '--out', 'out', '--update-golden'], folder);
    assert.equal(result.status, 2, result.stdout);
    assert.deepEqual(readdirSync(outside), []);
  });
});

describe('scenario inputs: relative to the scenario, never echoed, never blocking', () => {
  test('when the input is a text file then the message describes it without quoting its bytes', () => {
    const folder = fresh('echo');
    writeFileSync(join(folder, 'p.yaml'), 'input: { type: file, path: /proc/self/status }\n');
    const message = loadError(join(folder, 'p.yaml'));
    assert.match(message, /input\.path: expected a readable WAV file, found .*is not a RIFF\/WAVE file/);
    assert.doesNotMatch(message, /Name|starts with/);
  });

  test('when the input path is a FIFO then the scenario is invalid at once (no hang), exit 2', () => {
    const folder = fresh('fifo');
    execFileSync('mkfifo', [join(folder, 'pipe.wav')]);
    writeFileSync(join(folder, 'f.yaml'), 'input: { type: file, path: pipe.wav }\n');
    const started = Date.now();
    const result = wavert(['run', 'f.yaml', '--out', 'out', '--timeout-s', '5'], folder);
    assert.ok(Date.now() - started < 30_000);
    assert.equal(result.status, 2, result.stdout);
    assert.match(result.stdout, /input\.path: expected a regular WAV file, found "pipe\.wav", which is not a regular file/);
  });

  test('when the scenario itself is a FIFO then it is refused without blocking', () => {
    const folder = fresh('fifo-scenario');
    execFileSync('mkfifo', [join(folder, 's.yaml')]);
    assert.match(loadError(join(folder, 's.yaml')), /s\.yaml: the scenario is not a regular file/);
  });

  test('when keys are named like Object.prototype members then each is an unknown field with a real message', () => {
    const folder = fresh('proto');
    writeFileSync(join(folder, 'p.yaml'), `${SILENCE}constructor: 1\ntoString: 2\n__proto__: 3\nstream: { hasOwnProperty: 1 }\n`);
    const lines = loadError(join(folder, 'p.yaml')).split('\n');
    assert.equal(lines.length, 4);
    for (const [index, key] of ['constructor', 'toString', '__proto__', 'stream.hasOwnProperty'].entries()) {
      assert.match(lines[index]!, new RegExp(`^${join(folder, 'p.yaml').replace(/[.]/g, '\\.')}:\\d+:\\d+: ${key.replace('.', '\\.')}: expected one of the fields .* found an unknown field`));
    }
  });

  test('when a value holds control characters then the printed results escape them', () => {
    const folder = fresh('control');
    writeFileSync(join(folder, 'c.yaml'), 'input: { type: "sil\\e[31mence", format: { bitsPerSample: 16, channels: 1, sampleRate: 8000 }, durationMs: 20 }\n');
    const result = wavert(['run', 'c.yaml', '--out', 'out'], folder);
    assert.equal(result.status, 2);
    assert.ok(!result.stdout.includes('\u001b'), 'no raw escape character');
    assert.match(result.stdout, /'sil\\x1b\[31mence'/);
  });
});

describe('scenario document limits', () => {
  const big = (name: string, text: string): string => {
    const path = join(fresh('limits'), name);
    writeFileSync(path, text);
    return path;
  };

  test('when a document has 10,000 aliases, nests 100,000 levels or passes 1 MiB then one sentence says which limit, quickly', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['aliases.yaml', `a: &x [1]\nb: [${Array.from({ length: 10_000 }, () => '*x').join(',')}]\n`, /uses more than 100 aliases/],
      ['deep.yaml', `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, /nests too deeply \(the limit is 64 levels\)/],
      ['deep-block.yaml', Array.from({ length: 80 }, (_, level) => `${' '.repeat(level)}k${level}:`).join('\n') + ' 1\n', /nests too deeply/],
      ['large.yaml', `${SILENCE}description: "${'x'.repeat(1_100_000)}"\n`, /the scenario file is \d+ bytes; the limit is 1048576/],
    ];
    for (const [name, text, message] of cases) {
      const started = performance.now();
      const error = loadError(big(name, text));
      assert.match(error, message, name);
      assert.equal(error.split('\n').length, 1, name);
      assert.ok(performance.now() - started < 5_000, `${name}: ${performance.now() - started} ms`);
    }
  });

  test('when a document has 40,000 unknown keys then loading is linear and at most 50 problems are listed', () => {
    const keys = (count: number): string => SILENCE + Array.from({ length: count }, (_, i) => `k${i}: ${i}`).join('\n') + '\n';
    const timed = (count: number): { ms: number; lines: string[] } => {
      const path = big(`keys-${count}.yaml`, keys(count));
      const started = performance.now();
      const lines = loadError(path).split('\n');
      return { ms: performance.now() - started, lines };
    };
    timed(2_000);
    const small = timed(10_000);
    const large = timed(40_000);
    assert.equal(large.lines.length, 51);
    assert.match(large.lines[50]!, /… and 39950 more problems$/);
    // four times the keys: well under the sixteen times a quadratic check would take
    assert.ok(large.ms < small.ms * 8 + 200, `10k keys ${small.ms.toFixed(0)} ms, 40k keys ${large.ms.toFixed(0)} ms`);
  });

  test('when a key is given twice then it is one "Map keys must be unique" line at the second key', () => {
    const error = loadError(big('dup.yaml', `${SILENCE}seed: 1\nseed: 2\n`));
    assert.match(error, /dup\.yaml:3:1: not valid YAML: Map keys must be unique$/);
  });

  test('when a 285-byte scenario asks for an hour of model time without notifications then it is refused before running', () => {
    const folder = fresh('budget');
    writeFileSync(join(folder, 'b.yaml'), 'input: { type: silence, format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }, durationMs: 20 }\nstream: { notifications: 0 }\nmaxModelMs: 3600000\n');
    const result = wavert(['run', 'b.yaml', '--out', 'out'], folder);
    assert.equal(result.status, 2, result.stdout);
    assert.match(result.stdout, /b\.yaml: maxModelMs 3600000 could output 691207680 bytes; a scenario's output is limited to 536870912 bytes/);
    assert.equal(existsSync(join(folder, 'out', 'b')), false);
  });
});

describe('run exit codes and interruption', () => {
  test('when a scenario runs past --timeout-s then run exits 4, and 1 for a failed expectation, 2 for an invalid one', () => {
    const folder = fresh('codes');
    writeFileSync(join(folder, 'slow.yaml'), 'input: { type: noise, format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }, durationMs: 600000 }\nstream: { bufferBytes: 48 }\n');
    writeFileSync(join(folder, 'fail.yaml'), `${SILENCE}expect: { notifications: 1 }\n`);
    writeFileSync(join(folder, 'bad.yaml'), 'input: { type: sine }\n');
    const timedOut = wavert(['run', 'slow.yaml', 'fail.yaml', 'bad.yaml', '--out', 'out', '--timeout-s', '1'], folder);
    assert.equal(timedOut.status, 4, timedOut.stdout);
    assert.match(timedOut.stdout, /ERROR slow\.yaml \(slow\.yaml\)\n {2}did not finish within 1 s of wall-clock time \(stopped\)/);
    assert.equal(existsSync(join(folder, 'out', 'slow')), false, 'the stopped scenario leaves no folder');
    assert.equal(wavert(['run', 'fail.yaml', 'bad.yaml', '--out', 'out'], folder).status, 2);
    assert.equal(wavert(['run', 'fail.yaml', '--out', 'out'], folder).status, 1);
  });

  test('when run gets SIGINT, SIGTERM or SIGHUP mid-scenario then it exits 130/143/129 with one line and leaves no scenario folder', async () => {
    const folder = fresh('signals');
    writeFileSync(join(folder, 'long.yaml'), 'input: { type: noise, format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }, durationMs: 600000 }\nstream: { bufferBytes: 48 }\n');
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
      const child = spawn(process.execPath, [bin, 'run', 'long.yaml', '--out', 'out'], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text; });
      // signal once the scenario's folder exists: it is running
      const closed = new Promise<number | null>((resolve) => child.on('close', (value) => resolve(value)));
      await new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          if (existsSync(join(folder, 'out', 'long'))) {
            clearInterval(poll);
            resolve();
          } else if (Date.now() - started > 30_000 || child.exitCode !== null) {
            clearInterval(poll);
            child.kill('SIGKILL');
            reject(new Error(`the scenario never started: ${stderr}`));
          }
        }, 20);
      });
      child.kill(signal);
      const exitCode = await closed;
      assert.equal(exitCode, code, `${signal}: ${stderr}`);
      assert.match(stderr, new RegExp(`^wavert: (interrupted|stopped by ${signal}); partial outputs removed\\n$`));
      assert.equal(existsSync(join(folder, 'out', 'long')), false, `${signal}: the scenario folder is left behind`);
    }
  });
});
