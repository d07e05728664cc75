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
  const sampleBytes = format.bitsPerSample / 8;
  const write = sampleWriter(format);
  const random = new SeededRandom(spec.seed);
  const twoPi = 2 * Math.PI;
  const durationSeconds = frames / format.sampleRate;
  for (let frame = 0; frame < frames; frame++) {
    const t = frame / format.sampleRate;
    let value: number;
    switch (spec.type) {
      case 'silence':
        continue;
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
      case 'counter':
        writeCounterFrame(bytes, frame, format);
        continue;
    }
    const offset = frame * format.blockAlign;
    for (let channel = 0; channel < format.channels; channel++) write(bytes, offset + channel * sampleBytes, value);
  }
  return bytes;
}

/** Every sample of frame i holds 1 + (i mod (2^(bits-1) - 1)): never silence, and unique within that period. */
function writeCounterFrame(bytes: Buffer, frame: number, format: WavFormat): void {
  const sampleBytes = format.bitsPerSample / 8;
  const offset = frame * format.blockAlign;
  for (let channel = 0; channel < format.channels; channel++) {
    const at = offset + channel * sampleBytes;
    if (format.encoding === 'float') {
      const value = (1 + (frame % (FLOAT_COUNTER_STEPS - 1))) / FLOAT_COUNTER_STEPS;
      if (format.bitsPerSample === 32) bytes.writeFloatLE(value, at);
      else bytes.writeDoubleLE(value, at);
      continue;
    }
    const period = 2 ** (format.bitsPerSample - 1) - 1;
    const value = 1 + (frame % period);
    switch (format.bitsPerSample) {
      case 8: bytes[at] = 0x80 + value; break;
      case 16: bytes.writeInt16LE(value, at); break;
      case 24: bytes.writeIntLE(value, at, 3); break;
      default: bytes.writeInt32LE(value, at); break;
    }
  }
}

/** Writes a sample in [-1, 1] in the format's encoding. */
function sampleWriter(format: WavFormat): (bytes: Buffer, offset: number, value: number) => void {
  if (format.encoding === 'float') {
    return format.bitsPerSample === 32
      ? (bytes, offset, value) => { bytes.writeFloatLE(value, offset); }
      : (bytes, offset, value) => { bytes.writeDoubleLE(value, offset); };
  }
  const full = 2 ** (format.bitsPerSample - 1) - 1;
  const quantise = (value: number): number => Math.round(Math.max(-1, Math.min(1, value)) * full);
  switch (format.bitsPerSample) {
    case 8: return (bytes, offset, value) => { bytes[offset] = 0x80 + quantise(value); };
    case 16: return (bytes, offset, value) => { bytes.writeInt16LE(quantise(value), offset); };
    case 24: return (bytes, offset, value) => { bytes.writeIntLE(quantise(value), offset, 3); };
    default: return (bytes, offset, value) => { bytes.writeInt32LE(quantise(value), offset); };
  }
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
