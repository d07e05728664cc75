import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../src/session/index.js';
import { pcmSourceFrom, type FrameReader } from '../src/session/wav-source.js';
import type { PcmSource } from '../src/client/index.js';
import { SeededRandom } from '../src/client/random.js';
import { CaptureOutput, stereo16 } from './support/model.js';

// The client copies a packet into the cyclic buffer straight from the source's chunk (a view) instead of copying it
// into its own buffer first. Whatever the reads look like, what the device plays is the input, byte for byte, and
// the run is the same as with a source that can only copy.

/** Every frame carries its own index, so a misplaced or overwritten byte shows. */
function countingFrames(frames: number): Buffer {
  const bytes = Buffer.alloc(frames * 4);
  for (let f = 0; f < frames; f++) bytes.writeUInt32LE(f * 2_654_435_761 >>> 0, f * 4);
  return bytes;
}

/** A reader over `data` returning at most `limit(request)` bytes per read (a pipe's short reads), whole frames. */
function readerOver(data: Buffer, limit: (requested: number) => number = (requested) => requested): FrameReader {
  let position = 0;
  return {
    read(target: Uint8Array): number {
      const size = Math.min(Math.floor(limit(target.length) / 4) * 4, data.length - position);
      target.set(data.subarray(position, position + size));
      position += size;
      return size;
    },
  };
}

/** The same source without `view`: every packet is copied, the path the views must match. */
function copyOnly(source: PcmSource): PcmSource {
  return { read: (target) => source.read(target) };
}

function render(source: PcmSource, stream: ConstructorParameters<typeof Session>[0]['stream'] = {}) {
  const output = new CaptureOutput();
  const session = new Session({ format: stereo16, source, output, stream });
  const summary = session.runVirtual();
  return { bytes: output.bytes(), summary };
}

describe('packets taken as views of the source', () => {
  test('when every read is whole then the device plays the input byte for byte, as with copies', () => {
    const data = countingFrames(480 * 1000 + 77);
    const viewed = render(pcmSourceFrom(readerOver(data), 8 * 1920));
    const copied = render(copyOnly(pcmSourceFrom(readerOver(data), 8 * 1920)));
    assert.ok(viewed.bytes.equals(data));
    assert.ok(copied.bytes.equals(data));
    assert.deepEqual(viewed.summary, copied.summary);
  });

  test('when short reads split packets across chunks then the staged packet is kept intact and the output equals the input', () => {
    const data = countingFrames(480 * 2000 + 5);
    for (const seed of [1, 2, 3]) {
      const random = new SeededRandom(seed);
      const shortReads = (requested: number): number => 4 + Math.floor(random.next() * Math.min(requested, 9_000));
      const viewed = render(pcmSourceFrom(readerOver(data, shortReads), 3 * 1920));
      assert.ok(viewed.bytes.equals(data), `seed ${seed}`);
      assert.equal(viewed.summary.glitchTotal, 0);
    }
  });

  test('when a chunk holds a single packet then views alternate between the two chunks without losing one', () => {
    const data = countingFrames(480 * 300);
    const viewed = render(pcmSourceFrom(readerOver(data), 1920), { notifications: 1 });
    const copied = render(copyOnly(pcmSourceFrom(readerOver(data), 1920)), { notifications: 1 });
    assert.ok(viewed.bytes.equals(copied.bytes));
    assert.deepEqual(viewed.summary, copied.summary);
  });
});
