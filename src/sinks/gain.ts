// `play --volume`: a software gain between the model and the sink. The model's bytes (what --record keeps, the
// trace, the glitch list) are untouched; only what the player hears is scaled, with every clipped sample counted.
import type { SinkError } from '../errors.js';
import type { WavFormat } from '../wav/index.js';
import type { Sink, SinkKind, SinkState, SinkStats } from './types.js';

export interface GainReport {
  factor: number;
  /** 20·log10(factor); null for 0 (muted). */
  decibels: number | null;
  /** Samples whose scaled value went past full scale and were clipped to it. */
  clippedSamples: number;
  samplesScaled: number;
}

/** Scales samples of one format in place into a target buffer; returns how many it clipped. */
type Scaler = (input: Buffer, offset: number, length: number, target: Buffer, factor: number) => number;

/** The common case, by bytes (no bounds-checked reads): about twice as fast as readInt16LE/writeInt16LE. */
function scaleInt16(input: Buffer, offset: number, length: number, target: Buffer, factor: number): number {
  let clipped = 0;
  for (let i = 0; i + 1 < length; i += 2) {
    const at = offset + i;
    let value = Math.round((((input[at]! | (input[at + 1]! << 8)) << 16) >> 16) * factor);
    if (value > 32767) { value = 32767; clipped++; } else if (value < -32768) { value = -32768; clipped++; }
    target[i] = value & 0xff;
    target[i + 1] = (value >> 8) & 0xff;
  }
  return clipped;
}

function scaleUint8(input: Buffer, offset: number, length: number, target: Buffer, factor: number): number {
  let clipped = 0;
  for (let i = 0; i < length; i++) {
    let value = Math.round((input[offset + i]! - 128) * factor);
    if (value > 127) { value = 127; clipped++; } else if (value < -128) { value = -128; clipped++; }
    target[i] = value + 128;
  }
  return clipped;
}

function scaleInt24(input: Buffer, offset: number, length: number, target: Buffer, factor: number): number {
  let clipped = 0;
  for (let i = 0; i + 2 < length; i += 3) {
    let value = Math.round(input.readIntLE(offset + i, 3) * factor);
    if (value > 0x7fffff) { value = 0x7fffff; clipped++; } else if (value < -0x800000) { value = -0x800000; clipped++; }
    target.writeIntLE(value, i, 3);
  }
  return clipped;
}

function scaleInt32(input: Buffer, offset: number, length: number, target: Buffer, factor: number): number {
  let clipped = 0;
  for (let i = 0; i + 3 < length; i += 4) {
    let value = Math.round(input.readInt32LE(offset + i) * factor);
    if (value > 0x7fffffff) { value = 0x7fffffff; clipped++; } else if (value < -0x80000000) { value = -0x80000000; clipped++; }
    target.writeInt32LE(value, i);
  }
  return clipped;
}

/** Float is clipped at ±1.0, where every player's conversion to the DAC would clip it anyway. */
function floatScaler(bytes: 4 | 8): Scaler {
  return (input, offset, length, target, factor) => {
    let clipped = 0;
    for (let i = 0; i + bytes - 1 < length; i += bytes) {
      let value = (bytes === 4 ? input.readFloatLE(offset + i) : input.readDoubleLE(offset + i)) * factor;
      if (value > 1) { value = 1; clipped++; } else if (value < -1) { value = -1; clipped++; }
      if (bytes === 4) target.writeFloatLE(value, i);
      else target.writeDoubleLE(value, i);
    }
    return clipped;
  };
}

export function scalerFor(format: Pick<WavFormat, 'encoding' | 'bitsPerSample'>): Scaler {
  if (format.encoding === 'float') return floatScaler(format.bitsPerSample === 64 ? 8 : 4);
  switch (format.bitsPerSample) {
    case 8: return scaleUint8;
    case 16: return scaleInt16;
    case 24: return scaleInt24;
    case 32: return scaleInt32;
    default: throw new RangeError(`no gain for ${format.bitsPerSample}-bit PCM`);
  }
}

/** Wraps a sink: every write is scaled by `factor` into a scratch buffer (grown only when a write is larger than any before). */
export class GainSink implements Sink {
  readonly kind: SinkKind;
  readonly label: string;
  readonly notes: readonly string[];
  readonly inner: Sink;
  private readonly factor: number;
  private readonly scale: Scaler;
  private readonly bytesPerSample: number;
  private scratch: Buffer;
  private clippedSamples = 0;
  private samplesScaled = 0;

  constructor(inner: Sink, format: WavFormat, factor: number) {
    this.inner = inner;
    this.factor = factor;
    this.scale = scalerFor(format);
    this.bytesPerSample = format.bitsPerSample / 8;
    this.kind = inner.kind;
    this.label = `${inner.label}, volume ${describeFactor(factor)}`;
    this.notes = inner.notes;
    this.scratch = Buffer.alloc(64 * 1024);
  }

  write(bytes: Uint8Array, byteOffset: number, byteLength: number): boolean {
    if (this.factor === 1) return this.inner.write(bytes, byteOffset, byteLength);
    if (byteLength > this.scratch.length) this.scratch = Buffer.alloc(byteLength);
    // the DMA hands over Buffers; a bare Uint8Array gets one view (not on the model's path)
    const input = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.clippedSamples += this.scale(input, byteOffset, byteLength, this.scratch, this.factor);
    this.samplesScaled += byteLength / this.bytesPerSample;
    return this.inner.write(this.scratch, 0, byteLength);
  }

  report(): GainReport {
    return { factor: this.factor, decibels: this.factor === 0 ? null : 20 * Math.log10(this.factor), clippedSamples: this.clippedSamples, samplesScaled: this.samplesScaled };
  }

  flush(): void { this.inner.flush(); }
  roomFrames(): number { return this.inner.roomFrames(); }
  playedFrames(): number { return this.inner.playedFrames(); }
  failure(): SinkError | undefined { return this.inner.failure(); }
  state(): SinkState { return this.inner.state(); }
  stats(): SinkStats { return this.inner.stats(); }
  finish(): Promise<SinkError | undefined> { return this.inner.finish(); }
  abort(): void { this.inner.abort(); }
}

/** "-6.0 dB (×0.501)", "0 dB (×1)", "muted (×0)". */
export function describeFactor(factor: number): string {
  if (factor === 0) return 'muted (×0)';
  const decibels = 20 * Math.log10(factor);
  const shown = Math.abs(decibels) < 0.05 ? '0 dB' : `${decibels > 0 ? '+' : ''}${decibels.toFixed(1)} dB`;
  return `${shown} (×${Number(factor.toPrecision(3))})`;
}

/** The largest gain --volume accepts: +24 dB. */
export const MAX_VOLUME_FACTOR = 10 ** (24 / 20);

/**
 * `-6dB`, `+3 dB`, `50%`, `0.5`, `1`: a gain factor. Undefined for anything else (the caller names the option).
 * A bare number is a factor, as in sox's `-v` and pacat's `--volume` scale.
 */
export function parseVolume(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  const decibels = /^([+-]?\d+(?:\.\d+)?)\s*db$/.exec(trimmed);
  if (decibels) return 10 ** (Number(decibels[1]) / 20);
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(trimmed);
  if (percent) return Number(percent[1]) / 100;
  const factor = /^(\d+(?:\.\d+)?|\.\d+)$/.exec(trimmed);
  if (factor) return Number(factor[1]);
  return undefined;
}
