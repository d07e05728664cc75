// A synchronous, buffered WAV writer: correct headers for PCM, float (with `fact`) and WAVE_FORMAT_EXTENSIBLE.
import * as fs from 'node:fs';
import { IoError } from '../errors.js';
import { describeIoFailure } from '../errors.js';
import { AtomicFile, type AtomicFileOptions } from '../output/atomic-file.js';
import { blockingPipeFd, writeFully } from './fd-io.js';
import { formatProblem, formatTagOf, WAVE_FORMAT_EXTENSIBLE, WAVE_FORMAT_PCM, type WavFormat } from './format.js';

const BUFFER_SIZE_IN_BYTES = 1024 * 1024;
const UNKNOWN_SIZE = 0xffffffff;
const MAX_KEPT_VIEWS = 1024;
const KSDATAFORMAT_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

interface HeaderLayout {
  bytes: Buffer;
  /** Offset of the `fact` chunk's sample count, or -1 when the format has no `fact` chunk. */
  factValueOffset: number;
  dataSizeOffset: number;
}

/** The header up to the start of the audio; sizes are 0xFFFFFFFF until patched. */
export function wavHeader(format: WavFormat): HeaderLayout {
  const formatTag = formatTagOf(format);
  const fmtSize = format.extensible ? 40 : formatTag === WAVE_FORMAT_PCM ? 16 : 18;
  const hasFact = formatTag !== WAVE_FORMAT_PCM;
  const length = 12 + 8 + fmtSize + (hasFact ? 12 : 0) + 8;
  const bytes = Buffer.alloc(length);
  bytes.write('RIFF', 0, 'latin1');
  bytes.writeUInt32LE(UNKNOWN_SIZE, 4);
  bytes.write('WAVE', 8, 'latin1');
  bytes.write('fmt ', 12, 'latin1');
  bytes.writeUInt32LE(fmtSize, 16);
  bytes.writeUInt16LE(formatTag, 20);
  bytes.writeUInt16LE(format.channels, 22);
  bytes.writeUInt32LE(format.sampleRate, 24);
  bytes.writeUInt32LE(format.sampleRate * format.blockAlign, 28);
  bytes.writeUInt16LE(format.blockAlign, 32);
  bytes.writeUInt16LE(format.bitsPerSample, 34);
  if (fmtSize >= 18) bytes.writeUInt16LE(fmtSize - 18, 36);
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    bytes.writeUInt16LE(format.validBitsPerSample, 38);
    bytes.writeUInt32LE(format.channelMask >>> 0, 40);
    bytes.writeUInt16LE(format.encoding === 'float' ? 0x0003 : 0x0001, 44);
    Buffer.from(KSDATAFORMAT_GUID_TAIL).copy(bytes, 46);
  }
  let offset = 20 + fmtSize;
  let factValueOffset = -1;
  if (hasFact) {
    bytes.write('fact', offset, 'latin1');
    bytes.writeUInt32LE(4, offset + 4);
    factValueOffset = offset + 8;
    bytes.writeUInt32LE(UNKNOWN_SIZE, factValueOffset);
    offset += 12;
  }
  bytes.write('data', offset, 'latin1');
  bytes.writeUInt32LE(UNKNOWN_SIZE, offset + 4);
  return { bytes, factValueOffset, dataSizeOffset: offset + 4 };
}

type WriterState = 'open' | 'closed' | 'aborted';

/** Only an open writer can finish; a finished one stays as it ended. */
function nextWriterState(state: WriterState, event: 'close' | 'abort'): WriterState {
  if (state !== 'open') return state;
  return event === 'close' ? 'closed' : 'aborted';
}

export class WavWriter {
  /** Path as given, or 'stdout'. */
  readonly label: string;
  readonly format: WavFormat;
  private readonly fd: number;
  /** Null for stdout, a device or a FIFO: sizes cannot be patched there. */
  private readonly path: string | null;
  private readonly file: AtomicFile | null;
  private readonly header: HeaderLayout;
  private readonly buffer: Buffer;
  private fillInBytes = 0;
  /** Views of the DMA's buffers by (offset, length): see writeFrom. */
  private readonly views = new WeakMap<Buffer, Map<number, Buffer>>();
  private lastViewSource: Buffer | null = null;
  private lastViews: Map<number, Buffer> | undefined = undefined;
  private audioBytesWritten = 0;
  private state: WriterState = 'open';

  private constructor(fd: number, file: AtomicFile | null, format: WavFormat, header: HeaderLayout) {
    this.fd = fd;
    this.file = file;
    this.path = file?.seekable ? file.label : null;
    this.label = file?.label ?? 'stdout';
    this.format = format;
    this.header = header;
    this.buffer = Buffer.alloc(BUFFER_SIZE_IN_BYTES);
  }

  /**
   * Writes to a temporary file renamed over `path` on close (removed on abort); '-', a device or a FIFO
   * stream in place with sizes 0xFFFFFFFF.
   */
  static create(path: string, format: WavFormat, options: AtomicFileOptions = {}): WavWriter {
    const problem = formatProblem(format);
    if (problem !== undefined) throw new RangeError(`WavWriter.create: the format ${problem}`);
    const header = wavHeader(format);
    const toStdout = path === '-';
    const file = toStdout ? null : AtomicFile.open(path, options);
    const writer = new WavWriter(file?.fd ?? blockingPipeFd(1, 'w') ?? 1, file, format, header);
    try {
      writer.writeRaw(header.bytes, 0, header.bytes.length);
    } catch (error) {
      writer.abort();
      throw error;
    }
    return writer;
  }

  /** Audio bytes accepted so far (header excluded). */
  get bytesWritten(): number {
    return this.audioBytesWritten;
  }

  write(bytes: Uint8Array): void {
    this.writeFrom(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), 0, bytes.length);
  }

  /**
   * Appends `lengthInBytes` of `source` from `offsetInBytes`: one copy into the write buffer (none for a piece at
   * least as large as the buffer). A WavWriter is a DmaOutput: the DMA's transfers land here directly.
   */
  writeFrom(source: Buffer, offsetInBytes: number, lengthInBytes: number): void {
    if (this.state !== 'open') throw new Error(`WavWriter: ${this.label} is already closed`);
    this.audioBytesWritten += lengthInBytes;
    const buffer = this.buffer;
    // the common piece (a DMA packet) fits in the write buffer: one copy, no view made or looked up when whole
    if (lengthInBytes <= buffer.length - this.fillInBytes && lengthInBytes < buffer.length) {
      buffer.set(offsetInBytes === 0 && lengthInBytes === source.length ? source : this.viewOf(source, offsetInBytes, lengthInBytes), this.fillInBytes);
      this.fillInBytes += lengthInBytes;
      return;
    }
    let from = offsetInBytes;
    let remaining = lengthInBytes;
    while (remaining > 0) {
      if (this.fillInBytes === this.buffer.length) this.flush();
      if (this.fillInBytes === 0 && remaining >= this.buffer.length) {
        this.writeRaw(source, from, remaining);
        return;
      }
      const size = Math.min(remaining, this.buffer.length - this.fillInBytes);
      if (size === lengthInBytes) this.buffer.set(this.viewOf(source, from, size), this.fillInBytes);
      else source.copy(this.buffer, this.fillInBytes, from, from + size);
      this.fillInBytes += size;
      from += size;
      remaining -= size;
    }
  }

  /**
   * Flushes, patches the sizes (files only), puts the file in place; a failure removes it and throws IoError.
   * For stdout the header keeps 0xFFFFFFFF sizes (streaming).
   */
  close(): void {
    if (this.state !== 'open') return;
    try {
      this.flush();
      if (this.path !== null) this.patchSizes();
    } catch (error) {
      this.abort();
      throw error;
    }
    this.state = nextWriterState(this.state, 'close');
    this.closeFd();
    this.file?.commit();
  }

  /** Closes and deletes a partial file so no half-written output is left behind (a device is never removed). */
  abort(): void {
    if (this.state !== 'open') return;
    this.state = nextWriterState(this.state, 'abort');
    this.closeFd();
    this.file?.discard();
  }

  /**
   * A view of `source` (kept): Node 20's Buffer.copy makes a new view for every partial copy, and the DMA hands over
   * the same few pieces of its buffer (offset, length) packet after packet; a bounded number is kept per buffer.
   */
  private viewOf(source: Buffer, offsetInBytes: number, lengthInBytes: number): Buffer {
    if (offsetInBytes === 0 && lengthInBytes === source.length) return source;
    // the DMA hands over the same buffer packet after packet: its map is looked up once, not per packet
    let kept = source === this.lastViewSource ? this.lastViews : this.views.get(source);
    if (kept === undefined) {
      kept = new Map();
      this.views.set(source, kept);
    }
    this.lastViewSource = source;
    this.lastViews = kept;
    // exact below 2^53: offsets and lengths are under 2^26 (64 MiB)
    const key = offsetInBytes * 0x4000000 + lengthInBytes;
    let view = kept.get(key);
    if (view === undefined) {
      view = source.subarray(offsetInBytes, offsetInBytes + lengthInBytes);
      if (kept.size < MAX_KEPT_VIEWS && offsetInBytes < 0x4000000 && lengthInBytes < 0x4000000) kept.set(key, view);
    }
    return view;
  }

  private flush(): void {
    if (this.fillInBytes === 0) return;
    const length = this.fillInBytes;
    this.fillInBytes = 0;
    this.writeRaw(this.buffer, 0, length);
  }

  private patchSizes(): void {
    const dataSize = this.audioBytesWritten;
    const padBytes = dataSize & 1;
    if (padBytes === 1) this.writeRaw(Buffer.alloc(1), 0, 1);
    const riffSize = this.header.bytes.length - 8 + dataSize + padBytes;
    const fits = riffSize <= UNKNOWN_SIZE - 1;
    const patch = Buffer.alloc(4);
    this.writeUint32At(patch, 4, fits ? riffSize : UNKNOWN_SIZE);
    this.writeUint32At(patch, this.header.dataSizeOffset, fits ? dataSize : UNKNOWN_SIZE);
    if (this.header.factValueOffset >= 0) {
      const frames = Math.floor(dataSize / this.format.blockAlign);
      this.writeUint32At(patch, this.header.factValueOffset, Math.min(frames, UNKNOWN_SIZE));
    }
  }

  private writeUint32At(scratch: Buffer, position: number, value: number): void {
    scratch.writeUInt32LE(value, 0);
    try {
      writeFully(this.fd, scratch, 0, 4, position);
    } catch (error) {
      throw new IoError(`cannot write ${this.label}: ${describeIoFailure(error)}`);
    }
  }

  private writeRaw(bytes: Uint8Array, offsetInBytes: number, length: number): void {
    try {
      writeFully(this.fd, bytes, offsetInBytes, length, null);
    } catch (error) {
      throw new IoError(`cannot write ${this.label}: ${describeIoFailure(error)}`);
    }
  }

  private closeFd(): void {
    // stdout itself stays open; a blocking descriptor opened for it is closed; a file's is closed by its AtomicFile
    if (this.file === null && this.fd !== 1) fs.closeSync(this.fd);
  }
}
