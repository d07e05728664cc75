// A sink that feeds raw PCM to a player process over its stdin (pacat, pw-cat, aplay, the speaker worker).
import { spawn, type ChildProcess } from 'node:child_process';
import { SinkError } from '../errors.js';
import { copyBytes, narrowFloat64, planConversion, type PcmConversion, type SinkPcmFormat } from './pcm.js';
import { LinearFit } from '../clock/linear-fit.js';
import { NominalPlayhead, ReportedPlayhead } from './playhead.js';
import { emptySinkStats, type Sink, type SinkKind, type SinkOpenOptions, type SinkState, type SinkStats } from './types.js';

/** How each player's stderr is read: a failure sentence, underrun reports, and the sink clock if it prints one. */
export interface PlayerDialect {
  /** A line that reports an underrun in the player. */
  underrunPattern: RegExp | undefined;
  /** A line that gives the sink's playback time in seconds (group 1). */
  sinkTimePattern: RegExp | undefined;
  /** Turns the exit of the player (and its last stderr lines) into one sentence. */
  describeExit(code: number | null, signal: NodeJS.Signals | null, lastLines: string[]): string;
}

/** How the sink learns how far the player has played: its own time reports, its device-write reports, or neither. */
export type PlayerClock = 'reported-time' | 'device-writes' | 'pipe';

export interface PipeSinkSpec {
  kind: SinkKind;
  label: string;
  command: string;
  args: string[];
  dialect: PlayerDialect;
  format: SinkPcmFormat;
  notes?: string[];
  /** Default 'reported-time' when the dialect has a time pattern, else 'pipe'. */
  clock?: PlayerClock;
}

/** The ring holds this much audio: paced mode never fills more than its lookahead; live mode drops past it. */
const RING_MS = 2000;
const MAX_IN_FLIGHT_WRITES = 4096;
/** 64-bit float input is narrowed in pieces of this many frames through one staging buffer. */
const STAGING_FRAMES = 4096;
const STDERR_KEEP_LINES = 6;
const SPAWN_TIMEOUT_MS = 5000;
const DRAIN_GRACE_MS = 3000;
const KILL_GRACE_MS = 500;

/** The sink's own clock against the monotonic clock: seconds it reports played over seconds elapsed. */
class SinkClockFit {
  private readonly fit = new LinearFit();
  private originNs: bigint | undefined;

  add(monotonicNs: bigint, playedSeconds: number): void {
    if (this.originNs === undefined) this.originNs = monotonicNs;
    this.fit.add(Number(monotonicNs - this.originNs) / 1e9, playedSeconds);
  }

  ppm(): number | undefined {
    const slope = this.fit.slope();
    return slope === null ? undefined : (slope - 1) * 1e6;
  }
}

export class PipeSink implements Sink {
  readonly kind: SinkKind;
  readonly label: string;
  readonly notes: readonly string[];

  private readonly child: ChildProcess;
  private readonly dialect: PlayerDialect;
  private readonly conversion: PcmConversion;
  private readonly nowNs: () => bigint;
  private readonly command: string;
  private readonly clock: PlayerClock;

  /** A byte ring in the player's format; positions are running byte counts, the index is position mod size. */
  private readonly ring: Uint8Array;
  private readonly ringFloats: Float32Array;
  private readonly staging: Float64Array | undefined;
  private readonly stagingBytes: Uint8Array | undefined;
  private filledBytes = 0;
  private submittedBytes = 0;
  private releasedBytes = 0;
  private readonly inFlightLengths = new Int32Array(MAX_IN_FLIGHT_WRITES);
  private inFlightHead = 0;
  private inFlightCount = 0;
  private readonly onPieceWritten: (error?: Error | null) => void;
  private readonly reported: ReportedPlayhead;
  private readonly nominal: NominalPlayhead;
  /** Frames the player said it handed to its device (the speaker worker's reports). */
  private deviceFrames = 0;
  private stdoutTail = '';

  private currentState: SinkState = 'open';
  private error: SinkError | undefined;
  private exitListeners: (() => void)[] = [];
  private exited = false;
  private stderrTail = '';
  private readonly lastLines: string[] = [];
  private readonly sinkClock = new SinkClockFit();
  private readonly counters: SinkStats = emptySinkStats();
  private pipeFull = false;

  private constructor(spec: PipeSinkSpec, child: ChildProcess, options: SinkOpenOptions) {
    this.kind = spec.kind;
    this.label = spec.label;
    this.command = spec.command;
    this.dialect = spec.dialect;
    this.child = child;
    this.nowNs = options.nowNs ?? process.hrtime.bigint;
    this.conversion = planConversion(spec.format);
    this.clock = spec.clock ?? (spec.dialect.sinkTimePattern ? 'reported-time' : 'pipe');
    this.notes = [...(spec.notes ?? []), ...(this.conversion.note ? [this.conversion.note] : [])];
    const ringFrames = Math.max(64, Math.round((spec.format.sampleRate * RING_MS) / 1000));
    this.ring = new Uint8Array(ringFrames * this.conversion.outputBlockAlign);
    this.ringFloats = this.conversion.outputBlockAlign !== spec.format.blockAlign ? new Float32Array(this.ring.buffer) : new Float32Array(0);
    if (this.conversion.outputBlockAlign !== spec.format.blockAlign) {
      this.staging = new Float64Array(STAGING_FRAMES * spec.format.channels);
      this.stagingBytes = new Uint8Array(this.staging.buffer);
    }
    this.reported = new ReportedPlayhead(spec.format.sampleRate);
    this.nominal = new NominalPlayhead(spec.format.sampleRate);
    this.onPieceWritten = (error) => this.pieceWritten(error);
    this.watchChild();
  }

  /** Spawns the player (argument array, no shell) and resolves once it is running, or to its failure. */
  static async open(spec: PipeSinkSpec, options: SinkOpenOptions = {}): Promise<PipeSink> {
    const stdout = spec.clock === 'device-writes' ? 'pipe' : 'ignore';
    const child = spawn(spec.command, spec.args, { stdio: ['pipe', stdout, 'pipe'], env: options.env ?? process.env, shell: false });
    const sink = new PipeSink(spec, child, options);
    await sink.whenSpawned();
    return sink;
  }

  private whenSpawned(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new SinkError(`${this.label}: ${this.command} did not start within ${SPAWN_TIMEOUT_MS} ms.`)), SPAWN_TIMEOUT_MS);
      const settle = () => {
        clearTimeout(timer);
        if (this.error) reject(this.error);
        else resolve();
      };
      this.child.once('spawn', settle);
      this.child.once('error', settle);
    });
  }

  private watchChild(): void {
    this.child.on('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'ENOENT' ? `${this.command} is not installed (not found on PATH)` : `${this.command} could not be started (${error.message})`;
      this.fail(`${this.label}: ${reason}.`);
      this.markExited();
    });
    this.child.stdin?.on('error', (error: NodeJS.ErrnoException) => {
      if (this.currentState === 'aborted') return;
      this.fail(`${this.label}: the pipe to ${this.command} broke (${error.code ?? error.message}); the player stopped reading.`);
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (text: string) => this.readStderr(text));
    this.child.stdout?.setEncoding('latin1');
    this.child.stdout?.on('data', (text: string) => this.readDeviceReports(text));
    this.child.on('exit', (code, signal) => {
      if (this.currentState === 'open' || (this.currentState === 'finishing' && (code !== 0 || signal !== null))) {
        this.fail(`${this.label}: ${this.dialect.describeExit(code, signal, this.lastLines)}`);
      }
    });
    this.child.on('close', () => this.markExited());
  }

  private markExited(): void {
    if (this.exited) return;
    this.exited = true;
    for (const listener of this.exitListeners) listener();
    this.exitListeners = [];
  }

  private readStderr(text: string): void {
    this.stderrTail += text;
    let newline = this.stderrTail.search(/[\r\n]/);
    while (newline >= 0) {
      const line = this.stderrTail.slice(0, newline).replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').trim();
      this.stderrTail = this.stderrTail.slice(newline + 1);
      if (line.length > 0) this.readLine(line);
      newline = this.stderrTail.search(/[\r\n]/);
    }
    if (this.stderrTail.length > 4096) this.stderrTail = this.stderrTail.slice(-4096);
  }

  private readLine(line: string): void {
    const timeMatch = this.dialect.sinkTimePattern?.exec(line);
    if (timeMatch) {
      const seconds = Number(timeMatch[1]);
      this.reported.report(seconds);
      if (seconds > 0) this.sinkClock.add(this.nowNs(), seconds);
      return;
    }
    // the player's underrun after the end of its input is the normal end of a stream, not a glitch
    if (this.currentState === 'open' && this.dialect.underrunPattern?.test(line)) this.counters.playerUnderruns++;
    this.lastLines.push(line);
    if (this.lastLines.length > STDERR_KEEP_LINES) this.lastLines.shift();
  }

  private fail(message: string): void {
    if (this.error || this.currentState === 'aborted' || this.currentState === 'finished') return;
    this.error = new SinkError(message);
    this.currentState = 'failed';
  }

  /** The speaker worker prints the running count of bytes its device has taken, one number a line. */
  private readDeviceReports(text: string): void {
    this.stdoutTail += text;
    const newline = this.stdoutTail.lastIndexOf('\n');
    if (newline < 0) return;
    const lines = this.stdoutTail.slice(0, newline);
    this.stdoutTail = this.stdoutTail.slice(newline + 1);
    const last = lines.slice(lines.lastIndexOf('\n') + 1);
    const bytes = Number(last);
    if (Number.isFinite(bytes)) this.deviceFrames = Math.floor(bytes / this.conversion.outputBlockAlign);
  }

  write(bytes: Uint8Array, byteOffset: number, byteLength: number): boolean {
    if (this.currentState !== 'open') return this.currentState !== 'failed';
    if (this.counters.firstWriteNs === undefined) this.counters.firstWriteNs = this.nowNs();
    const inputBlockAlign = this.conversion.input.blockAlign;
    const frameCount = Math.floor(byteLength / inputBlockAlign);
    const taken = Math.min(frameCount, this.roomFrames());
    this.counters.bytesWritten += taken * inputBlockAlign;
    this.counters.framesWritten += taken;
    this.counters.droppedFrames += frameCount - taken;
    const outputBlockAlign = this.conversion.outputBlockAlign;
    let sourceOffset = byteOffset;
    let remaining = taken;
    while (remaining > 0) {
      // the ring holds whole frames, so a piece ends at the ring's end or at the data's end
      const index = this.filledBytes % this.ring.length;
      const frames = Math.min(remaining, (this.ring.length - index) / outputBlockAlign);
      this.fillAt(bytes, sourceOffset, frames, index);
      this.filledBytes += frames * outputBlockAlign;
      sourceOffset += frames * inputBlockAlign;
      remaining -= frames;
    }
    return true;
  }

  private fillAt(source: Uint8Array, sourceOffset: number, frameCount: number, ringIndex: number): void {
    const inputBlockAlign = this.conversion.input.blockAlign;
    if (this.staging === undefined || this.stagingBytes === undefined) {
      copyBytes(source, sourceOffset, sourceOffset + frameCount * inputBlockAlign, this.ring, ringIndex);
      return;
    }
    const channels = this.conversion.input.channels;
    let done = 0;
    while (done < frameCount) {
      const frames = Math.min(STAGING_FRAMES, frameCount - done);
      const start = sourceOffset + done * inputBlockAlign;
      copyBytes(source, start, start + frames * inputBlockAlign, this.stagingBytes, 0);
      narrowFloat64(this.staging, 0, this.ringFloats, ringIndex / 4 + done * channels, frames * channels);
      done += frames;
    }
  }

  flush(): void {
    if (this.currentState !== 'open' && this.currentState !== 'finishing') return;
    while (this.submittedBytes < this.filledBytes && this.inFlightCount < MAX_IN_FLIGHT_WRITES) {
      const index = this.submittedBytes % this.ring.length;
      const length = Math.min(this.filledBytes - this.submittedBytes, this.ring.length - index);
      this.submit(this.ring.subarray(index, index + length));
      this.submittedBytes += length;
    }
  }

  roomFrames(): number {
    return (this.ring.length - (this.filledBytes - this.releasedBytes)) / this.conversion.outputBlockAlign;
  }

  playedFrames(): number {
    const sentFrames = this.filledBytes / this.conversion.outputBlockAlign;
    switch (this.clock) {
      case 'reported-time': return this.reported.played(sentFrames);
      case 'device-writes': return this.nominal.update(Math.min(sentFrames, this.deviceFrames));
      case 'pipe': return this.nominal.update(this.releasedBytes / this.conversion.outputBlockAlign);
    }
  }

  private submit(view: Uint8Array): void {
    const stdin = this.child.stdin;
    if (!stdin) return;
    this.inFlightLengths[(this.inFlightHead + this.inFlightCount) % MAX_IN_FLIGHT_WRITES] = view.length;
    this.inFlightCount++;
    const acceptedMore = stdin.write(view, this.onPieceWritten);
    if (!acceptedMore && !this.pipeFull) this.counters.backpressureEvents++;
    this.pipeFull = !acceptedMore;
    if (stdin.writableLength > this.counters.queuedBytesMax) this.counters.queuedBytesMax = stdin.writableLength;
  }

  private pieceWritten(error?: Error | null): void {
    const length = this.inFlightLengths[this.inFlightHead]!;
    this.inFlightHead = (this.inFlightHead + 1) % MAX_IN_FLIGHT_WRITES;
    this.inFlightCount--;
    this.releasedBytes += length;
    if (!error) this.counters.bytesAccepted += length;
    if (this.inFlightCount === 0) this.pipeFull = false;
    // pieces held back because too many were in flight go now
    if (this.currentState === 'open' && this.submittedBytes < this.filledBytes) this.flush();
  }

  failure(): SinkError | undefined {
    return this.error;
  }

  state(): SinkState {
    return this.currentState;
  }

  stats(): SinkStats {
    return { ...this.counters, sinkClockDriftPpm: this.sinkClock.ppm() };
  }

  private waitForExit(timeoutMs: number): Promise<boolean> {
    if (this.exited) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.exitListeners.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  async finish(): Promise<SinkError | undefined> {
    if (this.currentState === 'open') {
      this.currentState = 'finishing';
      this.flush();
      this.child.stdin?.end();
      const queuedMs = Math.ceil((((this.filledBytes - this.releasedBytes) / this.conversion.outputBlockAlign) * 1000) / this.conversion.input.sampleRate);
      const exitedInTime = await this.waitForExit(queuedMs + DRAIN_GRACE_MS);
      if (!exitedInTime) {
        this.fail(`${this.label}: ${this.command} did not finish playing within ${queuedMs + DRAIN_GRACE_MS} ms of the end of the stream; it was stopped.`);
        this.kill();
        await this.waitForExit(KILL_GRACE_MS * 2);
      }
      if (this.currentState === 'finishing') {
        this.currentState = 'finished';
        this.counters.finishedNs = this.nowNs();
      }
    } else if (this.currentState === 'failed') {
      this.kill();
      await this.waitForExit(KILL_GRACE_MS * 2);
    }
    return this.error;
  }

  private kill(): void {
    if (this.exited) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!this.exited) this.child.kill('SIGKILL');
    }, KILL_GRACE_MS);
    timer.unref();
  }

  abort(): void {
    if (this.currentState === 'aborted' || this.currentState === 'finished') return;
    if (this.currentState !== 'failed') this.currentState = 'aborted';
    this.child.stdin?.destroy();
    this.kill();
  }

  /** Resolves when the player process is gone (for callers that must not leave it behind). */
  exitedPromise(timeoutMs: number): Promise<boolean> {
    return this.waitForExit(timeoutMs);
  }
}
