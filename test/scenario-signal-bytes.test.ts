import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../src/client/random.js';
import { renderSignal } from '../src/scenario/index.js';
import { pcmFormat, silenceByte, type WavFormat } from '../src/wav/index.js';

/** The counter as first written, one Buffer write per sample: the one-loop-per-size version must give the same bytes. */
function referenceCounter(frames: number, format: WavFormat): Buffer {
  const bytes = Buffer.alloc(frames * format.blockAlign, silenceByte(format));
  const sampleBytes = format.bitsPerSample / 8;
  for (let frame = 0; frame < frames; frame++) {
    for (let channel = 0; channel < format.channels; channel++) {
      const at = frame * format.blockAlign + channel * sampleBytes;
      if (format.encoding === 'float') {
        const value = (1 + (frame % (2 ** 24 - 1))) / 2 ** 24;
        if (format.bitsPerSample === 32) bytes.writeFloatLE(value, at);
        else bytes.writeDoubleLE(value, at);
        continue;
      }
      const value = 1 + (frame % (2 ** (format.bitsPerSample - 1) - 1));
      switch (format.bitsPerSample) {
        case 8: bytes[at] = 0x80 + value; break;
        case 16: bytes.writeInt16LE(value, at); break;
        case 24: bytes.writeIntLE(value, at, 3); break;
        default: bytes.writeInt32LE(value, at); break;
      }
    }
  }
  return bytes;
}

const formats = [
  ...[8, 16, 24, 32].flatMap((bitsPerSample) => [1, 2, 6].map((channels) => pcmFormat({ bitsPerSample, channels, sampleRate: 48000 }))),
  ...[32, 64].flatMap((bitsPerSample) => [1, 2, 8].map((channels) => pcmFormat({ encoding: 'float', bitsPerSample, channels, sampleRate: 44100 }))),
];

test('when the counter is rendered in every sample format and channel count then its bytes equal one write per sample', () => {
  for (const format of formats) {
    // past the 8-bit and 16-bit periods, so the wrap-around is compared too
    const frames = format.bitsPerSample === 8 ? 400 : 33_000;
    const rendered = renderSignal({ type: 'counter', format, frames, frequencyHz: 0, toFrequencyHz: 0, amplitude: 0, seed: 0 });
    assert.ok(rendered.equals(referenceCounter(frames, format)), `${format.encoding} ${format.bitsPerSample}-bit ${format.channels} channels`);
  }
});

/** Sine, chirp and noise as first written: the value quantised and written once per sample. */
function referenceSignal(type: 'sine' | 'chirp' | 'noise', frames: number, format: WavFormat, amplitude: number, seed: number): Buffer {
  const bytes = Buffer.alloc(frames * format.blockAlign, silenceByte(format));
  const sampleBytes = format.bitsPerSample / 8;
  const full = 2 ** (format.bitsPerSample - 1) - 1;
  const quantise = (value: number): number => Math.round(Math.max(-1, Math.min(1, value)) * full);
  const random = new SeededRandom(seed);
  const durationSeconds = frames / format.sampleRate;
  for (let frame = 0; frame < frames; frame++) {
    const t = frame / format.sampleRate;
    const slope = durationSeconds > 0 ? (5000 - 300) / durationSeconds : 0;
    const value = type === 'sine' ? amplitude * Math.sin(2 * Math.PI * 300 * t)
      : type === 'chirp' ? amplitude * Math.sin(2 * Math.PI * (300 * t + (slope * t * t) / 2))
        : amplitude * (random.next() * 2 - 1);
    for (let channel = 0; channel < format.channels; channel++) {
      const at = frame * format.blockAlign + channel * sampleBytes;
      if (format.encoding === 'float') {
        if (format.bitsPerSample === 32) bytes.writeFloatLE(value, at);
        else bytes.writeDoubleLE(value, at);
        continue;
      }
      switch (format.bitsPerSample) {
        case 8: bytes[at] = 0x80 + quantise(value); break;
        case 16: bytes.writeInt16LE(quantise(value), at); break;
        case 24: bytes.writeIntLE(quantise(value), at, 3); break;
        default: bytes.writeInt32LE(quantise(value), at); break;
      }
    }
  }
  return bytes;
}

test('when sine, chirp and noise are rendered in every format, clipped or not, then their bytes equal one write per sample', () => {
  for (const format of formats) {
    for (const type of ['sine', 'chirp', 'noise'] as const) {
      // amplitude 1.5 clips: the quantiser's bounds are compared too
      for (const amplitude of [0.5, 1.5]) {
        const rendered = renderSignal({ type, format, frames: 6000, frequencyHz: 300, toFrequencyHz: 5000, amplitude, seed: 99 });
        assert.ok(rendered.equals(referenceSignal(type, 6000, format, amplitude, 99)), `${type} ${amplitude} ${format.encoding} ${format.bitsPerSample}-bit ${format.channels} channels`);
      }
    }
  }
});
