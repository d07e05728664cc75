import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GainSink, parseVolume, describeFactor, TeeSink, emptySinkStats, type Sink, type SinkStats } from '../src/sinks/index.js';
import { pcmFormat, type WavFormat } from '../src/wav/index.js';

// The --volume gain stage as a library: exact scaled samples in every format, clipping counted, the model's bytes untouched.

/** A sink that keeps a copy of every byte it was given. */
class KeepingSink implements Sink {
  readonly kind = 'null' as const;
  readonly label = 'keeping';
  readonly notes: readonly string[] = [];
  readonly chunks: Buffer[] = [];
  write(bytes: Uint8Array, byteOffset: number, byteLength: number): boolean {
    this.chunks.push(Buffer.from(bytes.subarray(byteOffset, byteOffset + byteLength)));
    return true;
  }
  bytes(): Buffer { return Buffer.concat(this.chunks); }
  flush(): void {}
  roomFrames(): number { return Number.MAX_SAFE_INTEGER; }
  playedFrames(): number { return 0; }
  failure() { return undefined; }
  state() { return 'open' as const; }
  stats(): SinkStats { return emptySinkStats(); }
  finish() { return Promise.resolve(undefined); }
  abort(): void {}
}

function format(encoding: 'pcm' | 'float', bitsPerSample: number): WavFormat {
  return pcmFormat({ channels: 1, sampleRate: 48_000, bitsPerSample, encoding });
}

test('when --volume is written as dB, percent or a factor then it is that gain; anything else is not a volume', () => {
  assert.equal(parseVolume('-6dB'), 10 ** (-6 / 20));
  assert.equal(parseVolume('+6 dB'), 10 ** (6 / 20));
  assert.equal(parseVolume('0dB'), 1);
  assert.equal(parseVolume('50%'), 0.5);
  assert.equal(parseVolume('0.5'), 0.5);
  assert.equal(parseVolume('.25'), 0.25);
  assert.equal(parseVolume('2'), 2);
  for (const bad of ['loud', '-0.5', '', '6 d', '%', '1e3']) assert.equal(parseVolume(bad), undefined, bad);
  assert.equal(describeFactor(10 ** (-6 / 20)), '-6.0 dB (×0.501)');
  assert.equal(describeFactor(1), '0 dB (×1)');
  assert.equal(describeFactor(0), 'muted (×0)');
});

const cases: Array<{ name: string; format: WavFormat; write: (b: Buffer, v: number, i: number) => void; read: (b: Buffer, i: number) => number; size: number; full: number; low: number; silence: number }> = [
  { name: 'u8', format: format('pcm', 8), write: (b, v, i) => b.writeUInt8(v + 128, i), read: (b, i) => b.readUInt8(i) - 128, size: 1, full: 127, low: -128, silence: 0 },
  { name: 's16', format: format('pcm', 16), write: (b, v, i) => b.writeInt16LE(v, i), read: (b, i) => b.readInt16LE(i), size: 2, full: 32767, low: -32768, silence: 0 },
  { name: 's24', format: format('pcm', 24), write: (b, v, i) => b.writeIntLE(v, i, 3), read: (b, i) => b.readIntLE(i, 3), size: 3, full: 0x7fffff, low: -0x800000, silence: 0 },
  { name: 's32', format: format('pcm', 32), write: (b, v, i) => b.writeInt32LE(v, i), read: (b, i) => b.readInt32LE(i), size: 4, full: 0x7fffffff, low: -0x80000000, silence: 0 },
  { name: 'f32', format: format('float', 32), write: (b, v, i) => b.writeFloatLE(v, i), read: (b, i) => b.readFloatLE(i), size: 4, full: 1, low: -1, silence: 0 },
  { name: 'f64', format: format('float', 64), write: (b, v, i) => b.writeDoubleLE(v, i), read: (b, i) => b.readDoubleLE(i), size: 8, full: 1, low: -1, silence: 0 },
];

for (const c of cases) {
  test(`when ${c.name} samples pass a gain of 0.5 then each is halved exactly and the model's buffer is unchanged`, () => {
    const values = c.format.encoding === 'float' ? [0, 0.5, -0.5, 1, -1] : [0, 100, -100, c.full, c.low];
    const input = Buffer.alloc(values.length * c.size + 2 * c.size);
    values.forEach((value, index) => c.write(input, value, (index + 2) * c.size));
    const before = Buffer.from(input);
    const kept = new KeepingSink();
    const gain = new GainSink(kept, c.format, 0.5);
    assert.equal(gain.write(input, 2 * c.size, values.length * c.size), true);
    assert.deepEqual(input, before, 'the source bytes are not touched');
    const out = kept.bytes();
    assert.equal(out.length, values.length * c.size);
    const expected = values.map((value) => (c.format.encoding === 'float' ? value * 0.5 : Math.round(value * 0.5)));
    assert.deepEqual(values.map((_, index) => c.read(out, index * c.size)), expected);
    assert.deepEqual(gain.report(), { factor: 0.5, decibels: 20 * Math.log10(0.5), clippedSamples: 0, samplesScaled: values.length });
  });

  test(`when ${c.name} samples pass a gain of 2 then those past full scale are clipped to it and counted`, () => {
    const half = c.format.encoding === 'float' ? 0.5 : Math.floor(c.full / 2);
    const values = c.format.encoding === 'float' ? [0.25, 0.75, -0.75, half] : [10, c.full, c.low, half];
    const input = Buffer.alloc(values.length * c.size);
    values.forEach((value, index) => c.write(input, value, index * c.size));
    const kept = new KeepingSink();
    const gain = new GainSink(kept, c.format, 2);
    gain.write(input, 0, input.length);
    const out = kept.bytes();
    const expected = c.format.encoding === 'float' ? [0.5, 1, -1, 1] : [20, c.full, c.low, half * 2];
    assert.deepEqual(values.map((_, index) => c.read(out, index * c.size)), expected);
    assert.equal(gain.report().clippedSamples, 2);
  });
}

test('when the gain is 1 then the sink gets the very same bytes without a copy', () => {
  const kept = new KeepingSink();
  const gain = new GainSink(kept, format('pcm', 16), 1);
  const input = Buffer.from([1, 2, 3, 4]);
  gain.write(input, 0, 4);
  assert.deepEqual(kept.bytes(), input);
  assert.equal(gain.report().samplesScaled, 0);
});

test('when --record is teed beside the gain then the recording keeps the model bytes and only the player hears the gain', () => {
  const player = new KeepingSink();
  const recording = new KeepingSink();
  const sink = new TeeSink(new GainSink(player, format('pcm', 16), 0.5), recording);
  const input = Buffer.alloc(4);
  input.writeInt16LE(1000, 0);
  input.writeInt16LE(-1000, 2);
  sink.write(input, 0, 4);
  assert.deepEqual([recording.bytes().readInt16LE(0), recording.bytes().readInt16LE(2)], [1000, -1000]);
  assert.deepEqual([player.bytes().readInt16LE(0), player.bytes().readInt16LE(2)], [500, -500]);
});

test('when a write is larger than any before then the scratch buffer grows once and the result is still exact', () => {
  const kept = new KeepingSink();
  const gain = new GainSink(kept, format('pcm', 16), 0.5);
  const input = Buffer.alloc(200_000);
  for (let i = 0; i < input.length; i += 2) input.writeInt16LE(2 * ((i / 2) % 1000), i);
  gain.write(input, 0, input.length);
  const out = kept.bytes();
  for (let i = 0; i < out.length; i += 2) assert.equal(out.readInt16LE(i), (i / 2) % 1000);
});
