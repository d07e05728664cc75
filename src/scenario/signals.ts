// Generated inputs for scenarios, rendered whole into memory (scenario inputs are bounded), so that the
// client reads them like a file and the expectations can compare output frames with input frames exactly.
import { SeededRandom } from '../client/random.js';
import { silenceByte, type WavFormat } from '../wav/index.js';
import type { InputSpec } from './model.js';

/** Float samples are quantised to this many steps for the counter, so every value is exact in float32. */
const FLOAT_COUNTER_STEPS = 2 ** 24;

type SignalSpec = Exclude<InputSpec, { type: 'file' }>;

export function renderSignal(spec: SignalSpec): Buffer {
  const { format, frames } = spec;
  const bytes = Buffer.alloc(frames * format.blockAlign, silenceByte(format));
  if (spec.type === 'silence') return bytes;
  if (spec.type === 'counter') {
    writeCounter(bytes, frames, format);
    return bytes;
  }
  const writeFrame = frameWriter(format);
  const random = new SeededRandom(spec.seed);
  const twoPi = 2 * Math.PI;
  const durationSeconds = frames / format.sampleRate;
  for (let frame = 0, offset = 0; frame < frames; frame++, offset += format.blockAlign) {
    const t = frame / format.sampleRate;
    let value: number;
    switch (spec.type) {
      case 'sine':
        value = spec.amplitude * Math.sin(twoPi * spec.frequencyHz * t);
        break;
      case 'chirp': {
        const slope = durationSeconds > 0 ? (spec.toFrequencyHz - spec.frequencyHz) / durationSeconds : 0;
        value = spec.amplitude * Math.sin(twoPi * (spec.frequencyHz * t + (slope * t * t) / 2));
        break;
      }
      case 'noise':
        value = spec.amplitude * (random.next() * 2 - 1);
        break;
    }
    writeFrame(bytes, offset, value);
  }
  return bytes;
}

/** Every sample of frame i holds 1 + (i mod (2^(bits-1) - 1)): never silence, and unique within that period. */
function writeCounter(bytes: Buffer, frames: number, format: WavFormat): void {
  const sampleBytes = format.bitsPerSample / 8;
  const { channels, blockAlign } = format;
  // one loop per sample size: this runs once per input sample, usually before the code is optimised
  if (format.encoding === 'float') {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let frame = 0, offset = 0; frame < frames; frame++, offset += blockAlign) {
      const value = (1 + (frame % (FLOAT_COUNTER_STEPS - 1))) / FLOAT_COUNTER_STEPS;
      for (let channel = 0, at = offset; channel < channels; channel++, at += sampleBytes) {
        if (sampleBytes === 4) view.setFloat32(at, value, true);
        else view.setFloat64(at, value, true);
      }
    }
    return;
  }
  const period = 2 ** (format.bitsPerSample - 1) - 1;
  for (let frame = 0, offset = 0; frame < frames; frame++, offset += blockAlign) {
    const value = 1 + (frame % period);
    // the value is positive and below 2^(bits-1): its little-endian bytes are those of the signed sample
    const low = value & 0xff;
    const second = (value >>> 8) & 0xff;
    const third = (value >>> 16) & 0xff;
    const high = value >>> 24;
    for (let channel = 0, at = offset; channel < channels; channel++, at += sampleBytes) {
      switch (sampleBytes) {
        case 1: bytes[at] = 0x80 + value; break;
        case 2: bytes[at] = low; bytes[at + 1] = second; break;
        case 3: bytes[at] = low; bytes[at + 1] = second; bytes[at + 2] = third; break;
        default: bytes[at] = low; bytes[at + 1] = second; bytes[at + 2] = third; bytes[at + 3] = high; break;
      }
    }
  }
}

/** Writes a value in [-1, 1] into every channel of a frame, in the format's encoding (quantised once per frame). */
function frameWriter(format: WavFormat): (bytes: Buffer, offset: number, value: number) => void {
  const sampleBytes = format.bitsPerSample / 8;
  const { channels } = format;
  if (format.encoding === 'float') {
    return sampleBytes === 4
      ? (bytes, offset, value) => { for (let channel = 0; channel < channels; channel++) bytes.writeFloatLE(value, offset + channel * 4); }
      : (bytes, offset, value) => { for (let channel = 0; channel < channels; channel++) bytes.writeDoubleLE(value, offset + channel * 8); };
  }
  const full = 2 ** (format.bitsPerSample - 1) - 1;
  return (bytes, offset, value) => {
    const sample = Math.round(Math.max(-1, Math.min(1, value)) * full);
    // two's complement, little-endian: the bytes Buffer's writeInt*LE would write
    for (let channel = 0, at = offset; channel < channels; channel++, at += sampleBytes) {
      switch (sampleBytes) {
        case 1: bytes[at] = 0x80 + sample; break;
        case 2: bytes[at] = sample & 0xff; bytes[at + 1] = (sample >> 8) & 0xff; break;
        case 3: bytes[at] = sample & 0xff; bytes[at + 1] = (sample >> 8) & 0xff; bytes[at + 2] = (sample >> 16) & 0xff; break;
        default: bytes[at] = sample & 0xff; bytes[at + 1] = (sample >> 8) & 0xff; bytes[at + 2] = (sample >> 16) & 0xff; bytes[at + 3] = (sample >> 24) & 0xff; break;
      }
    }
  };
}

/** A PcmSource over bytes in memory: fills the target completely unless the audio ends (whole frames). */
export class MemorySource {
  private offset = 0;
  private readonly bytes: Buffer;

  constructor(bytes: Buffer) {
    this.bytes = bytes;
  }

  read(target: Buffer): number {
    const length = Math.min(target.length, this.bytes.length - this.offset);
    this.bytes.copy(target, 0, this.offset, this.offset + length);
    this.offset += length;
    return length;
  }
}
