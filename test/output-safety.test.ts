import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AtomicFile, pendingOutputCount, SameFileGuard, writeFileAtomic } from '../src/output/index.js';
import { pcmFormat, WavWriter } from '../src/wav/index.js';
import { writeTestWav } from './support/audio-files.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'wavert.js');
const format = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
let dir = '';

function wavert(args: string[], options: { stdin?: number | 'pipe'; cwd?: string } = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: options.cwd ?? dir, encoding: 'utf8', timeout: 60_000, stdio: [options.stdin ?? 'pipe', 'pipe', 'pipe'] });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const bytesOf = (path: string): Buffer => readFileSync(path);
/** No temporary output left in a folder. */
const temporaries = (folder: string): string[] => readdirSync(folder).filter((name) => name.endsWith('.tmp'));

before(() => { dir = mkdtempSync(join(tmpdir(), 'wavert-output-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

describe('outputs that would destroy an input are refused before anything is written', () => {
  test('when -o is a hard link, a symlink, or a /proc/self/fd path to the input then exit 2 and the input is untouched', () => {
    const input = writeTestWav(dir, 'in.wav', 4800, format);
    const original = bytesOf(input);
    linkSync(input, join(dir, 'hard.wav'));
    symlinkSync('in.wav', join(dir, 'sym.wav'));
    for (const output of ['hard.wav', 'sym.wav', 'in.wav', './in.wav']) {
      const result = wavert(['render', 'in.wav', '-o', output]);
      assert.equal(result.status, 2, output);
      assert.match(result.stderr, new RegExp(`^wavert: the output "${output.replace('.', '\\.')}" is the same file as the input "in\\.wav"`), output);
      assert.ok(bytesOf(input).equals(original), `${output}: input changed`);
    }
    const fd = openSync(input, 'r');
    try {
      const result = wavert(['render', 'in.wav', '-o', '/proc/self/fd/0'], { stdin: fd });
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /is the same file as the input/);
    } finally {
      closeSync(fd);
    }
    assert.ok(bytesOf(input).equals(original));
    assert.deepEqual(temporaries(dir), []);
  });

  test('when stdin is redirected from the file named by -o then exit 2 and the input is untouched', () => {
    const input = writeTestWav(dir, 'stdin.wav', 4800, format);
    const original = bytesOf(input);
    const fd = openSync(input, 'r');
    try {
      const result = wavert(['render', '-', '-o', 'stdin.wav'], { stdin: fd });
      assert.equal(result.status, 2);
      assert.match(result.stderr, /^wavert: the output "stdin\.wav" is the same file as the input "stdin"/);
    } finally {
      closeSync(fd);
    }
    assert.ok(bytesOf(input).equals(original));
  });

  test('when --trace is the input or the output, or play records or sinks into the input, then exit 2 and nothing is written', () => {
    const input = writeTestWav(dir, 'tr.wav', 4800, format);
    const original = bytesOf(input);
    const cases: Array<[string[], RegExp]> = [
      [['render', 'tr.wav', '-o', 'tr-out.wav', '--trace', 'tr.wav'], /the trace "tr\.wav" is the same file as the input "tr\.wav"/],
      [['render', 'tr.wav', '-o', 'tr-out.wav', '--trace', 'tr-out.wav'], /the trace "tr-out\.wav" is the same file as the output "tr-out\.wav"/],
      [['render', 'tr.wav', '-o', 'tr-out.wav', '--report', 'tr.wav.svg', '--trace', './tr.wav'], /the trace "\.\/tr\.wav" is the same file as the input/],
      [['play', 'tr.wav', '--sink', 'null', '--record', 'tr.wav', '-q'], /the recording "tr\.wav" is the same file as the input "tr\.wav"/],
      [['play', 'tr.wav', '--sink', 'file:tr.wav', '-q'], /the sink file "tr\.wav" is the same file as the input "tr\.wav"/],
    ];
    for (const [args, message] of cases) {
      const result = wavert(args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, message);
      assert.ok(bytesOf(input).equals(original), args.join(' '));
      assert.equal(existsSync(join(dir, 'tr-out.wav')), false, args.join(' '));
    }
  });

  test('when two outputs are /dev/null then both are written there (a device may be shared)', () => {
    writeTestWav(dir, 'null.wav', 4800, format);
    const result = wavert(['render', 'null.wav', '-o', '/dev/null', '--trace', '/dev/null']);
    assert.equal(result.status, 0, result.stderr);
  });

  test('when the guard sees an output that does not exist yet twice under different spellings then it is refused', () => {
    const guard = new SameFileGuard().claimOutput(join(dir, 'new', '..', 'fresh.ndjson'), 'trace');
    assert.throws(() => guard.claimOutput(join(dir, 'fresh.ndjson'), 'output'), /is the same file as the trace/);
  });
});

describe('atomic outputs: written whole or not at all', () => {
  test('when a render fails part way then the earlier file at -o is kept byte for byte and no temporary file is left', () => {
    const previous = join(dir, 'keep.wav');
    writeFileSync(previous, 'the earlier output');
    const bad = join(dir, 'bad.wav');
    writeFileSync(bad, Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'), Buffer.alloc(4)]));
    const result = wavert(['render', 'bad.wav', '-o', 'keep.wav', '--trace', 'keep.ndjson']);
    assert.equal(result.status, 2);
    assert.equal(readFileSync(previous, 'utf8'), 'the earlier output');
    assert.equal(existsSync(join(dir, 'keep.ndjson')), false);
    assert.deepEqual(temporaries(dir), []);
  });

  test('when an AtomicFile is discarded then the target is untouched; when committed then it replaces the target with its permissions', () => {
    const target = join(dir, 'atomic.txt');
    writeFileSync(target, 'old');
    chmodSync(target, 0o640);
    const discarded = AtomicFile.open(target);
    assert.equal(pendingOutputCount(), 1);
    discarded.discard();
    assert.equal(readFileSync(target, 'utf8'), 'old');
    assert.equal(pendingOutputCount(), 0);
    writeFileAtomic(target, 'new');
    assert.equal(readFileSync(target, 'utf8'), 'new');
    assert.equal(statSync(target).mode & 0o777, 0o640);
    assert.deepEqual(temporaries(dir), []);
  });

  test('when the target is a symlink and links are not followed then the link itself is replaced and what it named is untouched', () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(dir, 'planted.txt'));
    writeFileAtomic(join(dir, 'planted.txt'), 'output', { followSymlinks: false });
    assert.equal(readFileSync(victim, 'utf8'), 'precious');
    assert.equal(lstatSync(join(dir, 'planted.txt')).isSymbolicLink(), false);
    assert.equal(readFileSync(join(dir, 'planted.txt'), 'utf8'), 'output');
  });

  test('when -o is /dev/full then one sentence, exit 2, and /dev/full is still a character device', () => {
    writeTestWav(dir, 'full.wav', 48000, format);
    for (const args of [['-o', '/dev/full'], ['-o', 'full-out.wav', '--trace', '/dev/full']]) {
      const result = wavert(['render', 'full.wav', ...args]);
      assert.equal(result.status, 2, args.join(' '));
      assert.equal(result.stderr, 'wavert: cannot write /dev/full: no space left on device\n');
      assert.ok(statSync('/dev/full').isCharacterDevice(), '/dev/full must never be unlinked');
    }
    assert.equal(existsSync(join(dir, 'full-out.wav')), false);
  });

  test('when WavWriter aborts on a device then the device is left in place', () => {
    const writer = WavWriter.create('/dev/null', format);
    writer.write(Buffer.alloc(400));
    writer.abort();
    assert.ok(statSync('/dev/null').isCharacterDevice());
  });

  test('when the output folder is not writable then the message is a plain sentence with exit 2, not an internal error', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    writeTestWav(dir, 'lock.wav', 4800, format);
    for (const args of [['-o', '/proc/wavert-nowhere/out.wav'], ['-o', 'lock-out.wav', '--trace', '/proc/wavert-nowhere/sub/trace.ndjson'], ['-o', join(locked, 'x.wav', 'y.wav')]]) {
      if (args.includes(join(locked, 'x.wav', 'y.wav'))) writeFileSync(join(locked, 'x.wav'), '');
      const result = wavert(['render', 'lock.wav', ...args]);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^wavert: cannot create \S+: (no such file|a part of the path is not a directory|permission denied|operation not permitted)\n$/, result.stderr);
    }
  });
});

describe('every command refuses to overwrite its inputs, and says plainly when it cannot write', () => {
  test('when report -o names its trace, or compare --report names a compared file, then exit 2 and the input is untouched', () => {
    writeTestWav(dir, 'rep.wav', 4800, format);
    assert.equal(wavert(['render', 'rep.wav', '-o', 'rep-out.wav', '--trace', 'rep.ndjson']).status, 0);
    const trace = bytesOf(join(dir, 'rep.ndjson'));
    symlinkSync('rep.ndjson', join(dir, 'rep-link.svg'));
    const report = wavert(['report', 'rep.ndjson', '-o', 'rep-link.svg']);
    assert.equal(report.status, 2, report.stderr);
    assert.match(report.stderr, /^wavert: the report ".*rep-link\.svg" is the same file as the trace/);
    assert.ok(bytesOf(join(dir, 'rep.ndjson')).equals(trace));
    linkSync(join(dir, 'rep.wav'), join(dir, 'rep-hard.html'));
    const compare = wavert(['compare', 'rep-out.wav', 'rep.wav', '--report', 'rep-hard.html']);
    assert.equal(compare.status, 2, compare.stderr);
    assert.match(compare.stderr, /^wavert: the report ".*rep-hard\.html" is the same file as the reference/);
  });

  test('when --out is a file or --junit cannot be created then run says so in one plain sentence with exit 2', () => {
    writeFileSync(join(dir, 'ok.yaml'), 'input: { type: silence, format: { bitsPerSample: 16, channels: 1, sampleRate: 8000 }, durationMs: 20 }\n');
    writeFileSync(join(dir, 'not-a-folder'), '');
    const out = wavert(['run', 'ok.yaml', '--out', 'not-a-folder/out']);
    assert.equal(out.status, 2, out.stderr);
    assert.equal(out.stderr, 'wavert: cannot create the output folder not-a-folder/out: a part of the path is not a directory\n');
    const junit = wavert(['run', 'ok.yaml', '--out', 'junit-out', '--junit', 'not-a-folder/junit.xml']);
    assert.equal(junit.status, 2, junit.stderr);
    assert.match(junit.stderr, /^wavert: cannot create not-a-folder\/junit\.xml: a part of the path is not a directory\n$/);
    const proc = wavert(['run', 'ok.yaml', '--out', 'junit-out', '--junit', '/proc/wavert-nowhere/junit.xml']);
    assert.equal(proc.status, 2, proc.stderr);
    assert.doesNotMatch(proc.stderr, /internal error|EEXIST|EACCES|ENOENT/);
  });

  test('when a WAV file name holds control characters then messages show them escaped', () => {
    const name = 'bell\u0007\u001b[31m.wav';
    writeFileSync(join(dir, name), 'not a wav at all');
    const result = wavert(['render', name, '-o', 'ctl-out.wav']);
    assert.equal(result.status, 2);
    assert.ok(!/[\u0000-\u0008\u000b-\u001f]/.test(result.stderr), JSON.stringify(result.stderr));
    assert.match(result.stderr, /bell\\x07\\x1b\[31m\.wav: is not a RIFF\/WAVE file \(it does not start with "RIFF", "RF64" or "BW64"\)/);
  });
});
