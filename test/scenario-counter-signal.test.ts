import { test } from 'node:test';
import assert from 'node:assert/strict';
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

test('when the counter is rendered in every sample format and channel count then its bytes equal one write per sample', () => {
  const formats = [
    ...[8, 16, 24, 32].flatMap((bitsPerSample) => [1, 2, 6].map((channels) => pcmFormat({ bitsPerSample, channels, sampleRate: 48000 }))),
    ...[32, 64].flatMap((bitsPerSample) => [1, 2, 8].map((channels) => pcmFormat({ encoding: 'float', bitsPerSample, channels, sampleRate: 44100 }))),
  ];
  for (const format of formats) {
    // past the 8-bit and 16-bit periods, so the wrap-around is compared too
    const frames = format.bitsPerSample === 8 ? 400 : 33_000;
    const rendered = renderSignal({ type: 'counter', format, frames, frequencyHz: 0, toFrequencyHz: 0, amplitude: 0, seed: 0 });
    assert.ok(rendered.equals(referenceCounter(frames, format)), `${format.encoding} ${format.bitsPerSample}-bit ${format.channels} channels`);
  }
});
