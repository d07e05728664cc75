import { SeededRandom } from '../../src/client/random.js';
import { WavWriter, pcmFormat, type WavFormat } from '../../src/wav/index.js';

// Synthetic "recordings" of a reference with defects at known frames, for `compare`: every edit is a splice of
// 16-bit stereo frames (Int16Array, interleaved), so the expected departures are known to the frame.

export const RATE = 48_000;
export const CHANNELS = 2;

/** Seeded music-like audio: a few sines plus noise, never silent, never repeating. */
export function referenceAudio(frames: number, seed = 7): Int16Array {
  const random = new SeededRandom(seed);
  const samples = new Int16Array(frames * CHANNELS);
  for (let frame = 0; frame < frames; frame++) {
    const t = frame / RATE;
    const tone = 0.3 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 331.7 * t);
    for (let channel = 0; channel < CHANNELS; channel++) {
      const value = tone + 0.1 * (random.next() * 2 - 1);
      samples[frame * CHANNELS + channel] = Math.round(value * 32767) || 1;
    }
  }
  return samples;
}

export const frames = (audio: Int16Array, from: number, to: number): Int16Array => audio.slice(from * CHANNELS, to * CHANNELS);
export const silence = (count: number): Int16Array => new Int16Array(count * CHANNELS);

export function concat(...parts: Int16Array[]): Int16Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const result = new Int16Array(total);
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

export function scaled(audio: Int16Array, gain: number): Int16Array {
  return audio.map((value) => Math.max(-32768, Math.min(32767, Math.round(value * gain))));
}

export const stereo16: WavFormat = pcmFormat({ encoding: 'pcm', bitsPerSample: 16, channels: CHANNELS, sampleRate: RATE });

export function writeWav(path: string, audio: Int16Array, format: WavFormat = stereo16): void {
  const writer = WavWriter.create(path, format);
  if (format.bitsPerSample === 16 && format.encoding === 'pcm') {
    writer.write(Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength));
  } else if (format.encoding === 'float') {
    const out = Buffer.alloc(audio.length * 4);
    audio.forEach((value, index) => out.writeFloatLE(value / 32768, index * 4));
    writer.write(out);
  } else {
    const out = Buffer.alloc(audio.length * 3);
    audio.forEach((value, index) => out.writeIntLE(value * 256, index * 3, 3));
    writer.write(out);
  }
  writer.close();
}
