// Sinks that live inside this process: `null` (discards, the model's clock is the only clock), `file:PATH`
// (a WAV of exactly what the DAC played) and the tee behind `--record`.
import { SinkError, WavertError } from '../errors.js';
import { WavWriter, type WavFormat } from '../wav/index.js';
import { copyBytes } from './pcm.js';
import { NominalPlayhead } from './playhead.js';
import { emptySinkStats, type Sink, type SinkKind, type SinkState, type SinkStats } from './types.js';

const FILE_BUFFER_BYTES = 64 * 1024;

export class NullSink implements Sink {
  readonly kind: SinkKind = 'null';
  readonly label = 'null (discards the audio, keeps real time)';
  readonly notes: readonly string[];
  private readonly counters = emptySinkStats();
  private readonly blockAlign: number;
  private readonly nowNs: () => bigint;
  private currentState: SinkState = 'open';
  private readonly playhead: NominalPlayhead;

  constructor(blockAlign: number, sampleRate: number, notes: string[] = [], nowNs: () => bigint = process.hrtime.bigint) {
    this.blockAlign = blockAlign;
    this.notes = notes;
    this.nowNs = nowNs;
    this.playhead = new NominalPlayhead(sampleRate);
  }

  flush(): void {}

  /** A device without a buffer limit: it plays at the nominal rate whatever it is given. */
  roomFrames(): number {
    return Number.MAX_SAFE_INTEGER;
  }

  playedFrames(): number {
    return this.playhead.update(this.counters.framesWritten);
  }

  write(_bytes: Uint8Array, _byteOffset: number, byteLength: number): boolean {
    const first = this.counters.firstWriteNs === undefined;
    if (first) this.counters.firstWriteNs = this.nowNs();
    this.counters.bytesWritten += byteLength;
    this.counters.bytesAccepted += byteLength;
    this.counters.framesWritten += Math.floor(byteLength / this.blockAlign);
    // the device starts playing with its first frame
    if (first) this.playhead.update(this.counters.framesWritten);
    return true;
  }

  failure(): SinkError | undefined {
    return undefined;
  }

  state(): SinkState {
    return this.currentState;
  }

  stats(): SinkStats {
    return { ...this.counters };
  }

  finish(): Promise<SinkError | undefined> {
    if (this.currentState === 'open') {
      this.currentState = 'finished';
      this.counters.finishedNs = this.nowNs();
    }
    return Promise.resolve(undefined);
  }

  abort(): void {
    if (this.currentState === 'open') this.currentState = 'aborted';
  }
}

/** Writes through a preallocated buffer so the real-time path hands WavWriter whole buffers, never views. */
export class FileSink implements Sink {
  readonly kind: SinkKind = 'file';
  readonly label: string;
  readonly notes: readonly string[] = [];
  private readonly writer: WavWriter;
  private readonly buffer = new Uint8Array(FILE_BUFFER_BYTES);
  private fillBytes = 0;
  private readonly counters = emptySinkStats();
  private readonly blockAlign: number;
  private readonly nowNs: () => bigint;
  private currentState: SinkState = 'open';
  private error: SinkError | undefined;
  private readonly playhead: NominalPlayhead;

  private constructor(writer: WavWriter, path: string, nowNs: () => bigint) {
    this.writer = writer;
    this.label = `file ${path}`;
    this.blockAlign = writer.format.blockAlign;
    this.nowNs = nowNs;
    this.playhead = new NominalPlayhead(writer.format.sampleRate);
  }

  flush(): void {}

  roomFrames(): number {
    return Number.MAX_SAFE_INTEGER;
  }

  /** Played at the nominal rate, as the DAC would: the file is written at once, the run keeps real time. */
  playedFrames(): number {
    return this.playhead.update(this.counters.framesWritten);
  }

  static open(path: string, format: WavFormat, nowNs: () => bigint = process.hrtime.bigint): FileSink {
    try {
      return new FileSink(WavWriter.create(path, format), path, nowNs);
    } catch (error) {
      throw new SinkError(`file:${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  write(bytes: Uint8Array, byteOffset: number, byteLength: number): boolean {
    if (this.currentState !== 'open') return this.currentState !== 'failed';
    const first = this.counters.firstWriteNs === undefined;
    if (first) this.counters.firstWriteNs = this.nowNs();
    this.counters.bytesWritten += byteLength;
    this.counters.framesWritten += Math.floor(byteLength / this.blockAlign);
    if (first) this.playhead.update(this.counters.framesWritten);
    let offset = byteOffset;
    let remaining = byteLength;
    while (remaining > 0) {
      const take = Math.min(remaining, this.buffer.length - this.fillBytes);
      copyBytes(bytes, offset, offset + take, this.buffer, this.fillBytes);
      this.fillBytes += take;
      offset += take;
      remaining -= take;
      if (this.fillBytes === this.buffer.length && !this.writeOut(this.buffer)) return false;
    }
    return true;
  }

  private writeOut(bytes: Uint8Array): boolean {
    try {
      this.writer.write(bytes);
      this.counters.bytesAccepted += bytes.length;
      this.fillBytes = 0;
      return true;
    } catch (error) {
      this.error = new SinkError(`${this.label}: ${error instanceof WavertError || error instanceof Error ? error.message : String(error)}`);
      this.currentState = 'failed';
      this.writer.abort();
      return false;
    }
  }

  failure(): SinkError | undefined {
    return this.error;
  }

  state(): SinkState {
    return this.currentState;
  }

  stats(): SinkStats {
    return { ...this.counters };
  }

  finish(): Promise<SinkError | undefined> {
    if (this.currentState !== 'open') return Promise.resolve(this.error);
    if (this.fillBytes > 0 && !this.writeOut(this.buffer.subarray(0, this.fillBytes))) return Promise.resolve(this.error);
    try {
      this.writer.close();
      this.currentState = 'finished';
      this.counters.finishedNs = this.nowNs();
    } catch (error) {
      this.error = new SinkError(`${this.label}: ${error instanceof Error ? error.message : String(error)}`);
      this.currentState = 'failed';
    }
    return Promise.resolve(this.error);
  }

  /** An interrupted play still leaves a valid WAV of what was played so far. */
  abort(): void {
    if (this.currentState !== 'open') return;
    if (this.fillBytes > 0) this.writeOut(this.buffer.subarray(0, this.fillBytes));
    try {
      this.writer.close();
    } catch {
      this.writer.abort();
    }
    this.currentState = 'aborted';
  }
}

/** The main sink plus a recording (`--record`): both get every byte; the recording never fails the run silently. */
export class TeeSink implements Sink {
  readonly kind: SinkKind;
  readonly label: string;
  readonly notes: readonly string[];
  readonly primary: Sink;
  readonly recording: Sink;

  constructor(primary: Sink, recording: Sink) {
    this.primary = primary;
    this.recording = recording;
    this.kind = primary.kind;
    this.label = `${primary.label}, recording to ${recording.label.replace(/^file /, '')}`;
    this.notes = primary.notes;
  }

  write(bytes: Uint8Array, byteOffset: number, byteLength: number): boolean {
    const recorded = this.recording.write(bytes, byteOffset, byteLength);
    return this.primary.write(bytes, byteOffset, byteLength) && recorded;
  }

  flush(): void {
    this.primary.flush();
    this.recording.flush();
  }

  roomFrames(): number {
    return this.primary.roomFrames();
  }

  /** The main sink is the clock; the recording keeps up with anything. */
  playedFrames(): number {
    return this.primary.playedFrames();
  }

  failure(): SinkError | undefined {
    return this.primary.failure() ?? this.recording.failure();
  }

  state(): SinkState {
    const recordingFailed = this.recording.state() === 'failed';
    return recordingFailed ? 'failed' : this.primary.state();
  }

  stats(): SinkStats {
    return this.primary.stats();
  }

  async finish(): Promise<SinkError | undefined> {
    const [primaryError, recordingError] = await Promise.all([this.primary.finish(), this.recording.finish()]);
    return primaryError ?? recordingError;
  }

  abort(): void {
    this.primary.abort();
    this.recording.abort();
  }
}
