// A synchronous, streaming WAV reader: validates the header, then hands out whole frames with bounded memory.
import * as fs from 'node:fs';
import { IoError, WavFormatError } from '../errors.js';
import { describeIoFailure } from '../errors.js';
import { blockingPipeFd, readFully } from './fd-io.js';
import {
  WAVE_FORMAT_EXTENSIBLE, WAVE_FORMAT_IEEE_FLOAT, WAVE_FORMAT_PCM,
  countBits, formatProblem, formatTagName, hex16, hex32,
  type SampleEncoding, type WavFormat,
} from './format.js';

export interface WavChunkInfo {
  id: string;
  /** Offset of the chunk header (its id) from the start of the file. */
  offset: number;
  /** The size the chunk header declares (untrusted). */
  sizeInBytes: number;
}

/** Header fields are untrusted: never read more of a `fmt `/`ds64` chunk than this. */
const MAX_HEADER_CHUNK_READ_BYTES = 64 * 1024;
/** Bound on the scan for chunks after `data`, so a hostile file cannot make opening slow. */
const MAX_TRAILING_CHUNKS = 1024;
/** Chunks before `data` listed in `chunks`; more are skipped unlisted (a hostile file must not cost memory). */
const MAX_LISTED_CHUNKS_BEFORE_DATA = 1024;
/** No real file has this many chunks before its audio: past it, opening stops rather than scan for minutes. */
const MAX_CHUNKS_BEFORE_DATA = 100_000;
const SKIP_PIECE_BYTES = 64 * 1024;
const UNKNOWN_SIZE = 0xffffffff;
const KSDATAFORMAT_GUID_TAIL = Uint8Array.from([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]);

/** Where bytes come from: a regular file (positional reads, seekable) or a pipe/stdin (sequential only). */
class ByteSource {
  position = 0;
  constructor(
    readonly fd: number,
    readonly seekable: boolean,
    readonly ownsFd: boolean,
    private readonly label: string,
    private readonly scratch: Uint8Array,
  ) {}

  read(buffer: Uint8Array, offset: number, length: number): number {
    let got: number;
    try {
      got = readFully(this.fd, buffer, offset, length, this.seekable ? this.position : null);
    } catch (error) {
      throw new IoError(`cannot read ${this.label}: ${describeIoFailure(error)}`);
    }
    this.position += got;
    return got;
  }

  /** Skips up to `length` bytes (seeks when possible, else reads in bounded pieces); returns bytes skipped. */
  skip(length: number): number {
    if (length <= 0) return 0;
    if (this.seekable) {
      const skipped = Math.max(0, Math.min(length, this.sizeInBytes() - this.position));
      this.position += skipped;
      return skipped;
    }
    let skipped = 0;
    while (skipped < length) {
      const piece = Math.min(length - skipped, this.scratch.length);
      const got = this.read(this.scratch, 0, piece);
      skipped += got;
      if (got < piece) break;
    }
    return skipped;
  }

  sizeInBytes(): number {
    try {
      return fs.fstatSync(this.fd).size;
    } catch (error) {
      throw new IoError(`cannot read ${this.label}: ${describeIoFailure(error)}`);
    }
  }

  close(): void {
    if (this.ownsFd) fs.closeSync(this.fd);
  }
}

interface ParsedHeader {
  format: WavFormat;
  chunks: WavChunkInfo[];
  dataOffset: number;
  declaredDataSizeInBytes: number;
  warnings: string[];
}

function isPrintableId(bytes: Uint8Array, offset: number): boolean {
  for (let i = offset; i < offset + 4; i++) {
    const byte = bytes[i] as number;
    if (byte < 0x20 || byte > 0x7e) return false;
  }
  return true;
}

function guidString(bytes: Buffer, offset: number): string {
  const hex = (start: number, end: number) => bytes.subarray(offset + start, offset + end).toString('hex');
  const le = (start: number, length: number) => Buffer.from(bytes.subarray(offset + start, offset + start + length)).reverse().toString('hex');
  return `{${le(0, 4)}-${le(4, 2)}-${le(6, 2)}-${hex(8, 10)}-${hex(10, 16)}}`.toUpperCase();
}

function parseFmt(fail: (problem: string) => never, warnings: string[], label: string, body: Buffer, sizeInBytes: number): WavFormat {
  const formatTag = body.readUInt16LE(0);
  const channels = body.readUInt16LE(2);
  const sampleRate = body.readUInt32LE(4);
  const byteRate = body.readUInt32LE(8);
  const blockAlign = body.readUInt16LE(12);
  const bitsPerSample = body.readUInt16LE(14);
  let encoding: SampleEncoding;
  let extensible = false;
  let validBitsPerSample = bitsPerSample;
  let channelMask = 0;
  if (formatTag === WAVE_FORMAT_PCM) {
    encoding = 'pcm';
  } else if (formatTag === WAVE_FORMAT_IEEE_FLOAT) {
    encoding = 'float';
  } else if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (sizeInBytes < 40) fail(`has a WAVE_FORMAT_EXTENSIBLE "fmt " chunk of ${sizeInBytes} bytes, shorter than the 40 bytes it needs`);
    extensible = true;
    validBitsPerSample = body.readUInt16LE(18);
    channelMask = body.readUInt32LE(20);
    const subFormatTag = body.readUInt16LE(24);
    const isKsDataFormat = body.subarray(26, 40).equals(KSDATAFORMAT_GUID_TAIL);
    if (isKsDataFormat && subFormatTag === WAVE_FORMAT_PCM) encoding = 'pcm';
    else if (isKsDataFormat && subFormatTag === WAVE_FORMAT_IEEE_FLOAT) encoding = 'float';
    else if (isKsDataFormat) {
      const name = formatTagName(subFormatTag);
      fail(`uses an unsupported WAVE_FORMAT_EXTENSIBLE sub-format (${hex16(subFormatTag)}${name !== undefined ? `, ${name}` : ''}); only PCM and IEEE float can be decoded`);
    } else {
      fail(`uses an unsupported WAVE_FORMAT_EXTENSIBLE sub-format GUID ${guidString(body, 24)}; only PCM and IEEE float can be decoded`);
    }
    if (validBitsPerSample === 0) {
      validBitsPerSample = bitsPerSample;
      warnings.push(`${label}: the extensible format declares 0 valid bits per sample; using the container's ${bitsPerSample} bits`);
    }
    if (countBits(channelMask) > channels) {
      warnings.push(`${label}: the channel mask ${hex32(channelMask)} names ${countBits(channelMask)} speaker${countBits(channelMask) === 1 ? '' : 's'} for ${channels} channel${channels === 1 ? '' : 's'}`);
    }
  } else {
    const name = formatTagName(formatTag);
    fail(`uses an unsupported encoding (format tag ${hex16(formatTag)}${name !== undefined ? `, ${name}` : ''}); only PCM and IEEE float can be decoded`);
  }
  const format: WavFormat = { encoding, channels, sampleRate, bitsPerSample, validBitsPerSample, blockAlign, extensible, channelMask };
  const problem = formatProblem(format);
  if (problem !== undefined) fail(problem);
  const expectedByteRate = sampleRate * blockAlign;
  if (byteRate !== expectedByteRate) {
    warnings.push(`${label}: the header declares ${byteRate} bytes per second but the format needs ${expectedByteRate}; using ${expectedByteRate}`);
  }
  return format;
}

function parseHeader(source: ByteSource, label: string, scratch: Buffer): ParsedHeader {
  const fail = (problem: string): never => { throw new WavFormatError(label, problem); };
  const warnings: string[] = [];
  const chunks: WavChunkInfo[] = [];
  const head = scratch;
  const headLength = source.read(head, 0, 12);
  if (headLength === 0) fail('is empty, not a RIFF/WAVE file');
  const riffId = headLength >= 4 ? head.toString('latin1', 0, 4) : '';
  if (riffId === 'RIFX') fail('is a big-endian RIFX file; only little-endian RIFF/WAVE is supported');
  if (riffId !== 'RIFF' && riffId !== 'RF64' && riffId !== 'BW64') fail('is not a RIFF/WAVE file (it does not start with "RIFF", "RF64" or "BW64")');
  if (headLength < 12) fail(`has a truncated header: the file ends at byte ${headLength}, inside the RIFF header`);
  const waveId = head.toString('latin1', 8, 12);
  if (waveId !== 'WAVE') fail('is not a RIFF/WAVE file (the RIFF form type is not "WAVE")');
  const isRf64 = riffId !== 'RIFF';

  let format: WavFormat | undefined;
  let ds64DataSizeInBytes: number | undefined;
  let chunksSeen = 0;
  const record = (chunk: WavChunkInfo): void => {
    chunksSeen++;
    if (chunks.length < MAX_LISTED_CHUNKS_BEFORE_DATA || chunk.id === 'data') chunks.push(chunk);
    if (chunksSeen === MAX_LISTED_CHUNKS_BEFORE_DATA + 1) warnings.push(`${label}: more than ${MAX_LISTED_CHUNKS_BEFORE_DATA} chunks before "data"; only the first ${MAX_LISTED_CHUNKS_BEFORE_DATA} are listed`);
    if (chunksSeen > MAX_CHUNKS_BEFORE_DATA) fail(`has more than ${MAX_CHUNKS_BEFORE_DATA} chunks before its "data" chunk; it is not a usable WAV file`);
  };
  for (;;) {
    const chunkOffset = source.position;
    const headerLength = source.read(head, 0, 8);
    if (headerLength === 0) fail(format === undefined ? 'has no "fmt " chunk (and no "data" chunk)' : 'has no "data" chunk');
    if (headerLength < 8) fail(`has a truncated header: the file ends at byte ${chunkOffset + headerLength}, inside a chunk header`);
    if (!isPrintableId(head, 0)) fail(`has a malformed chunk header at offset ${chunkOffset} (the chunk id is not four ASCII characters)`);
    const id = head.toString('latin1', 0, 4);
    const sizeInBytes = head.readUInt32LE(4);
    record({ id, offset: chunkOffset, sizeInBytes });
    if (id === 'data') {
      if (format === undefined) fail(`has no "fmt " chunk before its "data" chunk at offset ${chunkOffset}`);
      const declared = sizeInBytes === UNKNOWN_SIZE && ds64DataSizeInBytes !== undefined ? ds64DataSizeInBytes : sizeInBytes;
      return { format: format as WavFormat, chunks, dataOffset: source.position, declaredDataSizeInBytes: declared, warnings };
    }
    const truncated = (): never => fail(`has a truncated header: the "${id}" chunk at offset ${chunkOffset} declares ${sizeInBytes} bytes but the file ends at byte ${source.position}, before any "data" chunk`);
    if ((id === 'fmt ' && format === undefined) || (id === 'ds64' && isRf64 && chunksSeen === 1)) {
      const minimum = id === 'fmt ' ? 16 : 28;
      if (sizeInBytes < minimum) fail(`has a "${id}" chunk of ${sizeInBytes} bytes, shorter than the ${minimum} bytes it needs`);
      const bodyLength = Math.min(sizeInBytes, MAX_HEADER_CHUNK_READ_BYTES);
      if (source.read(scratch, 0, bodyLength) < bodyLength) {
        fail(`has a truncated header: the file ends at byte ${source.position}, inside the "${id}" chunk that declares ${sizeInBytes} bytes`);
      }
      if (id === 'fmt ') {
        format = parseFmt(fail, warnings, label, scratch, sizeInBytes);
      } else {
        ds64DataSizeInBytes = Number(scratch.readBigUInt64LE(8));
      }
      const rest = sizeInBytes - bodyLength + (sizeInBytes & 1);
      if (source.skip(rest) < rest - (sizeInBytes & 1)) truncated();
    } else {
      if (id === 'fmt ') warnings.push(`${label}: a second "fmt " chunk at offset ${chunkOffset} is ignored`);
      const rest = sizeInBytes + (sizeInBytes & 1);
      if (source.skip(rest) < sizeInBytes) truncated();
    }
  }
}

type ReaderState = 'reading' | 'ended' | 'closed';

function nextReaderState(state: ReaderState, event: 'end-of-data' | 'close'): ReaderState {
  if (event === 'close') return 'closed';
  return state === 'closed' ? 'closed' : 'ended';
}

export class WavReader {
  /** Path as given, or 'stdin'. */
  readonly label: string;
  readonly format: WavFormat;
  /** Chunks before `data` and `data` itself; for seekable files with a known data size also the chunks after it. */
  readonly chunks: WavChunkInfo[];
  /** Offset of the first audio byte. */
  readonly dataOffset: number;
  /** The data size the header declares (from `ds64` for RF64). */
  readonly declaredDataSizeInBytes: number;
  /** Whole frames the reader will deliver, or null when it streams until end of file. */
  readonly frameCount: number | null;
  /** Human sentences, each naming the file; read() appends when it finds a truncation or a partial frame. */
  readonly warnings: string[];
  /** True for regular files (positional reads, seeking); false for stdin and pipes. */
  readonly seekable: boolean;

  private readonly source: ByteSource;
  /** Absolute offset where audio ends, or null to read until end of file. */
  private readonly dataEndOffset: number | null;
  private readonly skipBuffer: Buffer;
  private state: ReaderState = 'reading';

  private constructor(source: ByteSource, label: string, header: ParsedHeader, skipBuffer: Buffer) {
    this.source = source;
    this.label = label;
    this.seekable = source.seekable;
    this.format = header.format;
    this.chunks = header.chunks;
    this.dataOffset = header.dataOffset;
    this.declaredDataSizeInBytes = header.declaredDataSizeInBytes;
    this.warnings = header.warnings;
    this.skipBuffer = skipBuffer;
    const blockAlign = header.format.blockAlign;
    const declared = header.declaredDataSizeInBytes;
    const available = source.seekable ? source.sizeInBytes() - header.dataOffset : Number.POSITIVE_INFINITY;
    if (declared === UNKNOWN_SIZE) {
      this.dataEndOffset = null;
      this.frameCount = null;
      this.warnings.push(`${label}: the "data" chunk declares size 0xFFFFFFFF (unknown length); reading until the end of the file`);
    } else if (declared > available) {
      this.dataEndOffset = null;
      this.frameCount = null;
      this.warnings.push(`${label}: the "data" chunk declares ${declared} bytes but only ${available} follow it; reading until the end of the file`);
    } else {
      const wholeBytes = declared - (declared % blockAlign);
      this.dataEndOffset = header.dataOffset + wholeBytes;
      this.frameCount = wholeBytes / blockAlign;
      if (wholeBytes !== declared) {
        this.warnings.push(`${label}: the "data" chunk holds ${declared} bytes, not a whole number of ${blockAlign}-byte frames; the partial frame of ${declared - wholeBytes} bytes at the end is dropped`);
      }
      if (source.seekable) this.scanTrailingChunks(header.dataOffset + declared + (declared & 1), header.dataOffset + available);
    }
  }

  /** Opens and validates a WAV file; '-' reads stdin sequentially. Throws IoError or WavFormatError. */
  static open(path: string): WavReader {
    const label = path === '-' ? 'stdin' : path;
    let fd: number;
    if (path === '-') {
      fd = blockingPipeFd(0, 'r') ?? 0;
    } else {
      try {
        fd = fs.openSync(path, 'r');
      } catch (error) {
        throw new IoError(`cannot open ${label}: ${describeIoFailure(error)}`);
      }
    }
    // a blocking descriptor opened for a stdin pipe is ours to close; stdin itself is not
    const ownsFd = fd !== 0;
    try {
      const stat = fs.fstatSync(fd);
      if (stat.isDirectory()) throw new IoError(`cannot open ${label}: is a directory`);
      const scratch = Buffer.alloc(Math.max(MAX_HEADER_CHUNK_READ_BYTES, SKIP_PIECE_BYTES));
      // stdin is always read sequentially: a redirected file may not start at offset 0
      const source = new ByteSource(fd, path !== '-' && stat.isFile(), ownsFd, label, scratch);
      const header = parseHeader(source, label, scratch);
      return new WavReader(source, label, header, scratch);
    } catch (error) {
      if (ownsFd) fs.closeSync(fd);
      if (error instanceof IoError || error instanceof WavFormatError) throw error;
      throw new IoError(`cannot read ${label}: ${describeIoFailure(error)}`);
    }
  }

  /** Fills up to target.length bytes rounded down to whole frames; returns the bytes read, 0 at the end. */
  read(target: Uint8Array): number {
    return this.readFrames(target, target.length);
  }

  /** Skips up to frameCount frames (seeking when possible); returns the frames skipped. */
  skipFrames(frameCount: number): number {
    this.assertOpen();
    if (frameCount <= 0 || this.state === 'ended') return 0;
    const blockAlign = this.format.blockAlign;
    if (this.source.seekable) {
      const endOffset = this.dataEndOffset ?? this.source.sizeInBytes();
      const availableFrames = Math.max(0, Math.floor((endOffset - this.source.position) / blockAlign));
      const skipped = Math.min(frameCount, availableFrames);
      this.source.position += skipped * blockAlign;
      return skipped;
    }
    const pieceFrames = Math.floor(this.skipBuffer.length / blockAlign);
    let skipped = 0;
    while (skipped < frameCount) {
      const got = this.readFrames(this.skipBuffer, Math.min(frameCount - skipped, pieceFrames) * blockAlign);
      if (got === 0) break;
      skipped += got / blockAlign;
    }
    return skipped;
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = nextReaderState(this.state, 'close');
    this.source.close();
  }

  private readFrames(target: Uint8Array, limitInBytes: number): number {
    this.assertOpen();
    const blockAlign = this.format.blockAlign;
    let wanted = limitInBytes - (limitInBytes % blockAlign);
    if (limitInBytes > 0 && wanted === 0) throw new RangeError(`WavReader.read: a ${limitInBytes}-byte target cannot hold one ${blockAlign}-byte frame`);
    if (this.state === 'ended' || wanted === 0) return 0;
    if (this.dataEndOffset !== null) wanted = Math.min(wanted, this.dataEndOffset - this.source.position);
    if (wanted <= 0) {
      this.state = nextReaderState(this.state, 'end-of-data');
      return 0;
    }
    const got = this.source.read(target, 0, wanted);
    if (got === wanted) return got;
    this.state = nextReaderState(this.state, 'end-of-data');
    const partialBytes = got % blockAlign;
    if (this.dataEndOffset !== null) {
      this.warnings.push(`${this.label}: the data ends at byte ${this.source.position}, ${this.dataEndOffset - this.source.position} bytes before the end the header declares`);
    }
    if (partialBytes !== 0) {
      this.warnings.push(`${this.label}: the data ends with a partial frame of ${partialBytes} bytes (a frame is ${blockAlign}); it is dropped`);
    }
    return got - partialBytes;
  }

  private scanTrailingChunks(firstOffset: number, fileSizeInBytes: number): void {
    const header = Buffer.alloc(8);
    let offset = firstOffset;
    for (let count = 0; count < MAX_TRAILING_CHUNKS && offset + 8 <= fileSizeInBytes; count++) {
      const saved = this.source.position;
      this.source.position = offset;
      const got = this.source.read(header, 0, 8);
      this.source.position = saved;
      if (got < 8 || !isPrintableId(header, 0)) return;
      const sizeInBytes = header.readUInt32LE(4);
      this.chunks.push({ id: header.toString('latin1', 0, 4), offset, sizeInBytes });
      offset += 8 + sizeInBytes + (sizeInBytes & 1);
    }
  }

  private assertOpen(): void {
    if (this.state === 'closed') throw new Error(`WavReader: ${this.label} is already closed`);
  }
}
