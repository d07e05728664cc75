import { WavReader, type WavFormat } from '../wav/index.js';

// One WAV read in chunks into a sliding window of integer samples, so that two files of any supported format can
// be compared exactly on one grid, in bounded memory: only `capacityFrames` frames are ever held.

/** The integer grid two formats are compared on: the coarser one's precision (float compares bit for bit with float). */
export interface SampleGrid {
  /** 'bits': float formats compare their exact bit patterns (both sides the same float format). */
  kind: 'integer' | 'bits';
  /** Bits of the integer grid (kind 'integer'). */
  bits: number;
}

export function gridFor(a: WavFormat, b: WavFormat): SampleGrid {
  if (a.encoding === 'float' && b.encoding === 'float' && a.bitsPerSample === b.bitsPerSample && a.bitsPerSample === 32) return { kind: 'bits', bits: 32 };
  const precision = (format: WavFormat): number => (format.encoding === 'float' ? 24 : format.validBitsPerSample || format.bitsPerSample);
  return { kind: 'integer', bits: Math.min(precision(a), precision(b), 24) };
}

type Converter = (bytes: Buffer, frames: number, channels: number, target: Int32Array, targetOffset: number) => void;

function converterFor(format: WavFormat, grid: SampleGrid): Converter {
  const count = (frames: number, channels: number): number => frames * channels;
  if (grid.kind === 'bits') {
    return (bytes, frames, channels, target, offset) => {
      const n = count(frames, channels);
      for (let i = 0; i < n; i++) target[offset + i] = bytes.readInt32LE(i * 4);
    };
  }
  const full = 2 ** (grid.bits - 1);
  if (format.encoding === 'float') {
    const read = format.bitsPerSample === 32 ? (b: Buffer, at: number): number => b.readFloatLE(at) : (b: Buffer, at: number): number => b.readDoubleLE(at);
    const size = format.bitsPerSample / 8;
    return (bytes, frames, channels, target, offset) => {
      const n = count(frames, channels);
      for (let i = 0; i < n; i++) {
        const value = Math.round(read(bytes, i * size) * full);
        target[offset + i] = value >= full ? full - 1 : value < -full ? -full : value;
      }
    };
  }
  const shift = format.bitsPerSample - grid.bits;
  const scale = shift >= 0 ? 2 ** shift : 2 ** -shift;
  const fit = shift >= 0 ? (v: number): number => Math.floor(v / scale) : (v: number): number => v * scale;
  switch (format.bitsPerSample) {
    case 8:
      return (bytes, frames, channels, target, offset) => {
        const n = count(frames, channels);
        for (let i = 0; i < n; i++) target[offset + i] = fit(bytes[i]! - 0x80);
      };
    case 16:
      return (bytes, frames, channels, target, offset) => {
        const n = count(frames, channels);
        const view = new Int16Array(bytes.buffer, bytes.byteOffset, n);
        if (shift === 0) target.set(view, offset);
        else for (let i = 0; i < n; i++) target[offset + i] = fit(view[i]!);
      };
    case 24:
      return (bytes, frames, channels, target, offset) => {
        const n = count(frames, channels);
        for (let i = 0; i < n; i++) target[offset + i] = fit(bytes.readIntLE(i * 3, 3));
      };
    default:
      return (bytes, frames, channels, target, offset) => {
        const n = count(frames, channels);
        const view = new Int32Array(bytes.buffer, bytes.byteOffset, n);
        for (let i = 0; i < n; i++) target[offset + i] = fit(view[i]!);
      };
  }
}

const CHUNK_FRAMES = 16_384;

/**
 * Frames `start … end-1` of the file are held (absolute frame numbers); `ensure` reads ahead, `release` lets frames
 * before a point go. Frames are read in order only; `capacityFrames` bounds the memory.
 */
export class FrameWindow {
  readonly format: WavFormat;
  readonly channels: number;
  readonly label: string;
  private readonly reader: WavReader;
  private readonly convert: Converter;
  private readonly capacityFrames: number;
  private readonly samples: Int32Array;
  private readonly chunk: Buffer;
  /** First frame still held, and one past the last frame read. */
  start = 0;
  end = 0;
  ended = false;
  private releasedBefore = 0;

  constructor(reader: WavReader, label: string, grid: SampleGrid, capacityFrames: number, skipFrames = 0) {
    this.reader = reader;
    this.label = label;
    this.format = reader.format;
    this.channels = reader.format.channels;
    this.convert = converterFor(reader.format, grid);
    this.capacityFrames = capacityFrames + CHUNK_FRAMES;
    this.samples = new Int32Array(this.capacityFrames * this.channels);
    // a buffer of its own, so that typed views over it are aligned
    this.chunk = Buffer.from(new ArrayBuffer(CHUNK_FRAMES * reader.format.blockAlign));
    if (skipFrames > 0) {
      const skipped = reader.skipFrames(skipFrames);
      this.start = skipped;
      this.end = skipped;
      this.releasedBefore = skipped;
      if (skipped < skipFrames) this.ended = true;
    }
  }

  /** Reads until frame `frame` is held or the file ends; false when it does not exist. */
  ensure(frame: number): boolean {
    while (frame >= this.end && !this.ended) this.readChunk();
    return frame < this.end;
  }

  /** Frames before `frame` are no longer needed. */
  release(frame: number): void {
    if (frame > this.releasedBefore) this.releasedBefore = frame;
  }

  /** Sample `channel` of frame `frame` (which must be held). */
  sample(frame: number, channel: number): number {
    return this.samples[(frame % this.capacityFrames) * this.channels + channel]!;
  }

  /** True when every channel of the frame is 0 on the grid. */
  isSilent(frame: number): boolean {
    const base = (frame % this.capacityFrames) * this.channels;
    for (let channel = 0; channel < this.channels; channel++) if (this.samples[base + channel] !== 0) return false;
    return true;
  }

  /** Channel 0 of a frame in [-1, 1], for pictures. */
  level(frame: number, gridBits: number): number {
    return this.sample(frame, 0) / 2 ** (gridBits - 1);
  }

  close(): void {
    this.reader.close();
  }

  private readChunk(): void {
    // keep what has not been released; the window never holds more than its capacity
    const keepFrom = Math.max(this.start, Math.min(this.releasedBefore, this.end));
    const room = this.capacityFrames - (this.end - keepFrom);
    if (room < CHUNK_FRAMES) throw new RangeError(`${this.label}: the comparison window of ${this.capacityFrames} frames is full`);
    this.start = Math.max(keepFrom, this.end + CHUNK_FRAMES - this.capacityFrames);
    const bytes = this.reader.read(this.chunk);
    const frames = bytes / this.format.blockAlign;
    if (frames === 0) {
      this.ended = true;
      return;
    }
    const startSlot = this.end % this.capacityFrames;
    const first = Math.min(frames, this.capacityFrames - startSlot);
    this.convert(this.chunk, first, this.channels, this.samples, startSlot * this.channels);
    if (first < frames) {
      this.convert(this.chunk.subarray(first * this.format.blockAlign), frames - first, this.channels, this.samples, 0);
    }
    this.end += frames;
  }
}
