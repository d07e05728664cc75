import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blockingPipeFd } from '../src/wav/fd-io.js';
import { pcmFormat } from '../src/wav/index.js';
import { readAudio, writeTestWav } from './support/audio-files.js';

// render in a pipeline: shell pipes (FIFOs, read and written through blocking descriptors) and Node's child
// pipes (sockets, retried with short waits). Several MB each, so the 64 KiB pipe fills many times.

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'wavert.js');
const format = pcmFormat({ channels: 2, sampleRate: 48_000, bitsPerSample: 16 });
let dir = '';
let input = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wavert-pipes-'));
  input = writeTestWav(dir, 'twenty-seconds.wav', 20 * 48_000 + 11, format);
});
after(() => { rmSync(dir, { recursive: true, force: true }); });

const shell = (script: string) => spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
const quote = (path: string) => `'${path.replace(/'/g, "'\\''")}'`;
const wavert = `${quote(process.execPath)} ${quote(bin)}`;

describe('render in a pipeline', () => {
  test('when render writes into a shell pipe then every audio byte arrives and the header streams with unknown sizes', () => {
    const output = join(dir, 'piped-out.wav');
    const run = shell(`${wavert} render ${quote(input)} -o - 2>/dev/null | cat > ${quote(output)}`);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(readAudio(output).equals(readAudio(input)), 'audio differs');
    assert.equal(readFileSync(output).readUInt32LE(4), 0xffffffff);
  });

  test('when render reads a WAV from a shell pipe then the output is the input, header sizes patched', () => {
    const output = join(dir, 'from-pipe.wav');
    const run = shell(`cat ${quote(input)} | ${wavert} render - -o ${quote(output)}`);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(readFileSync(output).equals(readFileSync(input)), 'file differs');
  });

  test('when render runs between two shell pipes then what comes out is what went in', () => {
    const output = join(dir, 'through.wav');
    const run = shell(`cat ${quote(input)} | ${wavert} render - -o - 2>/dev/null | cat > ${quote(output)}`);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(readAudio(output).equals(readAudio(input)), 'audio differs');
  });

  test("when stdin and stdout are Node's child pipes (sockets) then render still moves every byte", () => {
    const run = spawnSync(process.execPath, [bin, 'render', '-', '-o', '-'], { input: readFileSync(input), maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr.toString());
    assert.ok(run.stdout.subarray(44).equals(readFileSync(input).subarray(44)), 'audio differs');
  });

  test('when stdin is a named FIFO whose writer has already finished then render reads what it left and ends', (t) => {
    if (spawnSync('mkfifo', ['--version'], { stdio: 'ignore' }).status !== 0) {
      t.skip('needs mkfifo');
      return;
    }
    // smaller than a pipe's buffer, so the writer is gone before render starts: reopening the FIFO would wait forever
    const tiny = writeTestWav(dir, 'tiny.wav', 1000, format);
    const fifo = join(dir, 'named.fifo');
    const output = join(dir, 'from-fifo.wav');
    const run = shell(`mkfifo ${quote(fifo)}; cat ${quote(tiny)} > ${quote(fifo)} & exec 3< ${quote(fifo)}; wait; ${wavert} render - -o ${quote(output)} <&3`);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(readFileSync(output).equals(readFileSync(tiny)), 'file differs');
  });

  test('when a descriptor is a regular file then no blocking pipe descriptor is opened for it', () => {
    const fd = openSync(input, 'r');
    try {
      assert.equal(blockingPipeFd(fd, 'r'), null);
    } finally {
      closeSync(fd);
    }
  });
});
