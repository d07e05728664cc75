import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WavReader, WavWriter, pcmFormat } from '../src/wav/index.js';
import { WriteBehind } from '../src/wav/write-behind.js';
import { SeededRandom } from '../src/client/random.js';

// Past 8 MB a file's buffers are written on a worker thread. The file must be the same bytes, in the same order, as
// a writer that does it all itself, and a failed write must still be an error, not a silent loss.

function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-behind-'));
}

function noise(length: number, seed: number): Buffer {
  const random = new SeededRandom(seed);
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 4) bytes.writeUInt32LE(Math.floor(random.next() * 0x1_0000_0000), i);
  return bytes;
}

const format = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });

describe('writing a long file behind the render', () => {
  test('when a long file is written behind then it holds exactly the bytes written, in order, with patched sizes', () => {
    const dir = makeTempDir();
    try {
      const pattern = noise(1920 * 541, 5);
      const file = path.join(dir, 'long.wav');
      const writer = WavWriter.create(file, format);
      // packets until the worker has taken over and written a good deal (a slow machine starts it later)
      const deadline = Date.now() + 20_000;
      let packets = 0;
      while ((packets * 1920 < 40 * 1024 * 1024 || !writer.writesBehind) && Date.now() < deadline) {
        writer.writeFrom(pattern, (packets % 541) * 1920, 1920);
        packets++;
      }
      writer.writeFrom(pattern, 0, 4 * 123);
      assert.ok(writer.writesBehind, 'the worker took over');
      writer.close();
      const reader = WavReader.open(file);
      const length = packets * 1920 + 4 * 123;
      assert.equal(reader.frameCount, length / 4);
      const back = Buffer.alloc(length);
      assert.equal(reader.read(back), length);
      reader.close();
      for (let i = 0; i < packets; i++) {
        const at = (i % 541) * 1920;
        if (!back.subarray(i * 1920, (i + 1) * 1920).equals(pattern.subarray(at, at + 1920))) assert.fail(`packet ${i} differs`);
      }
      assert.ok(back.subarray(packets * 1920).equals(pattern.subarray(0, 4 * 123)));
      assert.deepEqual(fs.readdirSync(dir), ['long.wav'], 'no temporary file left');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('when a long render is aborted midway then no file and no temporary file are left', () => {
    const dir = makeTempDir();
    try {
      const audio = noise(1920 * 64, 6);
      const writer = WavWriter.create(path.join(dir, 'aborted.wav'), format);
      for (let i = 0; i < 12_000; i++) writer.writeFrom(audio, (i % 64) * 1920, 1920);
      writer.abort();
      assert.deepEqual(fs.readdirSync(dir), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('when the worker cannot write then the failure comes back with its code and nothing more is written', () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'read-only.bin');
    fs.writeFileSync(file, '');
    const fd = fs.openSync(file, 'r');
    try {
      const behind = WriteBehind.start(fd, 1024);
      assert.ok(behind);
      const deadline = Date.now() + 10_000;
      while (!behind.ready && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      assert.ok(behind.ready, 'the worker started');
      behind.buffer.fill(1);
      behind.submit(1024);
      assert.deepEqual(behind.drain(), { code: 'EBADF' });
      behind.stop();
      assert.equal(fs.statSync(file).size, 0);
    } finally {
      fs.closeSync(fd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
