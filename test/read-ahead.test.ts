import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WavReader, WavWriter, pcmFormat } from '../src/wav/index.js';
import { SeededRandom } from '../src/client/random.js';

// A long input's next piece is read on a worker thread while the current one is used. What the reader hands out
// must be the file's bytes in order, whatever the reads in between (a skip for --start, a short last piece).

const format = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
const PIECE = 256 * 1024;

function noise(length: number, seed: number): Buffer {
  const random = new SeededRandom(seed);
  const bytes = Buffer.alloc(length);
  for (let i = 0; i + 4 <= length; i += 4) bytes.writeUInt32LE(Math.floor(random.next() * 0x1_0000_0000), i);
  return bytes;
}

function withLongFile(run: (file: string, audio: Buffer) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-ahead-'));
  try {
    const audio = noise(48 * 1024 * 1024 + 4 * 321, 9);
    const file = path.join(dir, 'long.wav');
    const writer = WavWriter.create(file, format);
    writer.write(audio);
    writer.close();
    run(file, audio);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads a piece, giving the worker time to start until it has (a slow machine starts it later). */
function readPiece(reader: WavReader, target: Buffer): number {
  const got = reader.read(target);
  if (!reader.readsAhead) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
  return got;
}

describe('reading a long file ahead', () => {
  test('when a long file is read in pieces then every byte comes out once, in order, the short last piece included', () => {
    withLongFile((file, audio) => {
      const reader = WavReader.open(file);
      const piece = Buffer.alloc(PIECE);
      const parts: Buffer[] = [];
      let sawAhead = false;
      for (let got = readPiece(reader, piece); got > 0; got = readPiece(reader, piece)) {
        parts.push(Buffer.from(piece.subarray(0, got)));
        sawAhead ||= reader.readsAhead;
      }
      reader.close();
      assert.ok(sawAhead, 'the worker read ahead');
      assert.ok(Buffer.concat(parts).equals(audio));
      assert.deepEqual(reader.warnings, []);
    });
  });

  test('when the reader skips between pieces then the next piece is the one at the new position', () => {
    withLongFile((file, audio) => {
      const reader = WavReader.open(file);
      const piece = Buffer.alloc(PIECE);
      let position = 0;
      for (let i = 0; i < 60; i++) {
        const got = readPiece(reader, piece);
        assert.ok(piece.subarray(0, got).equals(audio.subarray(position, position + got)), `piece ${i}`);
        position += got;
        if (i % 7 === 3) position += reader.skipFrames(1000 + i) * 4;
      }
      assert.ok(reader.readsAhead, 'the worker read ahead');
      reader.close();
    });
  });

  test('when the reader is closed with a piece in flight then it closes at once and reads nothing more', () => {
    withLongFile((file) => {
      const reader = WavReader.open(file);
      const piece = Buffer.alloc(PIECE);
      for (let i = 0; i < 40 || (!reader.readsAhead && i < 4000); i++) readPiece(reader, piece);
      reader.close();
      assert.throws(() => reader.read(piece));
    });
  });
});
