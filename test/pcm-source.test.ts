import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pcmSourceFrom, type FrameReader } from '../src/session/wav-source.js';
import { SeededRandom } from '../src/client/random.js';

// pcmSourceFrom hands the client whole packets out of large reads; whatever the reader's reads look like,
// the bytes come out in order, none lost, none repeated.

function countingBytes(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 7 + (i >> 8)) & 0xff;
  return bytes;
}

/** A reader over `data` that returns at most `limit(request)` bytes per read (a pipe, a short read). */
function readerOver(data: Buffer, limit: (requested: number) => number = (requested) => requested): FrameReader {
  let position = 0;
  return {
    read(target: Uint8Array): number {
      const size = Math.min(limit(target.length), data.length - position);
      target.set(data.subarray(position, position + size));
      position += size;
      return size;
    },
  };
}

function drain(source: ReturnType<typeof pcmSourceFrom>, sizes: () => number): Buffer {
  const parts: Buffer[] = [];
  for (;;) {
    const target = Buffer.alloc(sizes());
    const got = source.read(target);
    parts.push(Buffer.from(target.subarray(0, got)));
    if (got < target.length) return Buffer.concat(parts);
  }
}

describe('pcmSourceFrom', () => {
  test('when packets do not divide the requested chunk then every byte still comes out once, in order', () => {
    const data = countingBytes(3 * 262_144 + 1_234);
    for (const packet of [1920, 4, 3, 7_777, 300_000]) {
      assert.ok(drain(pcmSourceFrom(readerOver(data)), () => packet).equals(data), `packets of ${packet}`);
    }
  });

  test('when the reader returns short reads then packets are filled across reads and the bytes are intact', () => {
    const data = countingBytes(1_000_000);
    const random = new SeededRandom(14);
    const source = pcmSourceFrom(readerOver(data, (requested) => 1 + Math.floor(random.next() * Math.min(requested, 70_000))));
    assert.ok(drain(source, () => 1920).equals(data));
  });

  test('when the client changes its packet size midway then the bytes are intact', () => {
    const data = countingBytes(2_000_003);
    const random = new SeededRandom(7);
    const sizes = [1920, 1920, 960, 4096, 3, 1920];
    let call = 0;
    const source = pcmSourceFrom(readerOver(data), 64 * 1024);
    assert.ok(drain(source, () => sizes[call++ % sizes.length]! + Math.floor(random.next() * 2)).equals(data));
  });

  test('when a packet has been handed over then a later read does not change it', () => {
    const data = countingBytes(600_000);
    const source = pcmSourceFrom(readerOver(data), 4 * 1920);
    const first = Buffer.alloc(1920);
    source.read(first);
    const kept = Buffer.from(first);
    const later = Buffer.alloc(1920);
    for (let i = 0; i < 20; i++) source.read(later);
    assert.ok(first.equals(kept));
    assert.ok(first.equals(data.subarray(0, 1920)));
  });
});
