// A sink that feeds raw PCM to a player process over its stdin (pacat, pw-cat, aplay, the speaker worker).
import { spawn, type ChildProcess } from 'node:child_process';
import { SinkError } from '../errors.js';
import { copyBytes, narrowFloat64, planConversion, type PcmConversion, type SinkPcmFormat } from './pcm.js';
import { LinearFit } from '../clock/linear-fit.js';
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

export interface PipeSinkSpec {
  kind: SinkKind;
  label: string;
  command: string;
  args: string[];
  dialect: PlayerDialect;
  format: SinkPcmFormat;
  notes?: string[];
}

const SLOT_MS = 10;
const RING_MS = 1000;
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

  private readonly slotFrames: number;
  private readonly slots: Uint8Array[];
  private readonly slotFloats: Float32Array[];
  private readonly slotLengths: Int32Array;
  private readonly staging: Float64Array | undefined;
  private readonly stagingBytes: Uint8Array | undefined;
  private fillSlot = 0;
  /** Full slots kept back until the start cushion is reached, so the player starts with its buffer full. */
  private heldCount = 0;
  private readonly cushionFrames: number;
  private fillFrames = 0;
  private oldestInFlight = 0;
  private inFlightCount = 0;
  private readonly onSlotWritten: (error?: Error | null) => void;

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
    this.notes = [...(spec.notes ?? []), ...(this.conversion.note ? [this.conversion.note] : [])];

    this.slotFrames = Math.max(1, Math.round((spec.format.sampleRate * SLOT_MS) / 1000));
    const slotCount = Math.ceil(RING_MS / SLOT_MS);
    const slotBytes = this.slotFrames * this.conversion.outputBlockAlign;
    const ring = new ArrayBuffer(slotBytes * slotCount);
    this.slots = [];
    this.slotFloats = [];
    for (let index = 0; index < slotCount; index++) {
      this.slots.push(new Uint8Array(ring, index * slotBytes, slotBytes));
      this.slotFloats.push(this.conversion.sampleKind === 'float32le' && slotBytes % 4 === 0 ? new Float32Array(ring, index * slotBytes, slotBytes / 4) : new Float32Array(0));
    }
    this.slotLengths = new Int32Array(slotCount);
    const cushionMs = Math.min(options.startCushionMs ?? 0, RING_MS / 2);
    this.cushionFrames = Math.round((spec.format.sampleRate * cushionMs) / 1000);
    if (this.conversion.outputBlockAlign !== spec.format.blockAlign) {
      this.staging = new Float64Array(this.slotFrames * spec.format.channels);
      this.stagingBytes = new Uint8Array(this.staging.buffer);
    }
    this.onSlotWritten = (error) => this.slotWritten(error);
    this.watchChild();
  }

  /** Spawns the player (argument array, no shell) and resolves once it is running, or to its failure. */
  static async open(spec: PipeSinkSpec, options: SinkOpenOptions = {}): Promise<PipeSink> {
    const child = spawn(spec.command, spec.args, { stdio: ['pipe', 'ignore', 'pipe'], env: options.env ?? process.env, shell: false });
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

  write(bytes: Uint8Array, byteOffset: number, byteLength: number): boolean {
    if (this.currentState !== 'open') return this.currentState !== 'failed';
    if (this.counters.firstWriteNs === undefined) this.counters.firstWriteNs = this.nowNs();
    const inputBlockAlign = this.conversion.input.blockAlign;
    let frameCount = Math.floor(byteLength / inputBlockAlign);
    let sourceOffset = byteOffset;
    this.counters.bytesWritten += frameCount * inputBlockAlign;
    this.counters.framesWritten += frameCount;
    while (frameCount > 0) {
      if (this.inFlightCount + this.heldCount === this.slots.length) {
        this.counters.droppedFrames += frameCount;
        return true;
      }
      const take = Math.min(frameCount, this.slotFrames - this.fillFrames);
      this.fillInto(bytes, sourceOffset, take);
      sourceOffset += take * inputBlockAlign;
      frameCount -= take;
      this.fillFrames += take;
      if (this.fillFrames === this.slotFrames) this.completeFillSlot();
    }
    if (this.heldCount > 0 && this.counters.framesWritten >= this.cushionFrames) this.releaseHeld();
    return true;
  }

  private fillInto(source: Uint8Array, sourceOffset: number, frameCount: number): void {
    const slot = this.slots[this.fillSlot]!;
    const inputBlockAlign = this.conversion.input.blockAlign;
    if (this.staging === undefined || this.stagingBytes === undefined) {
      copyBytes(source, sourceOffset, sourceOffset + frameCount * inputBlockAlign, slot, this.fillFrames * inputBlockAlign);
      return;
    }
    const channels = this.conversion.input.channels;
    copyBytes(source, sourceOffset, sourceOffset + frameCount * inputBlockAlign, this.stagingBytes, 0);
    narrowFloat64(this.staging, 0, this.slotFloats[this.fillSlot]!, this.fillFrames * channels, frameCount * channels);
  }

  private completeFillSlot(): void {
    const slot = this.slots[this.fillSlot]!;
    this.slotLengths[this.fillSlot] = slot.byteLength;
    this.fillSlot = (this.fillSlot + 1) % this.slots.length;
    this.fillFrames = 0;
    if (this.counters.framesWritten < this.cushionFrames || this.heldCount > 0) this.heldCount++;
    else this.submit(slot);
  }

  private releaseHeld(): void {
    let index = (this.fillSlot - this.heldCount + this.slots.length) % this.slots.length;
    while (this.heldCount > 0) {
      this.heldCount--;
      this.submit(this.slots[index]!);
      index = (index + 1) % this.slots.length;
    }
  }

  private submit(view: Uint8Array): void {
    const stdin = this.child.stdin;
    if (!stdin) return;
    this.inFlightCount++;
    const acceptedMore = stdin.write(view, this.onSlotWritten);
    if (!acceptedMore && !this.pipeFull) this.counters.backpressureEvents++;
    this.pipeFull = !acceptedMore;
    if (stdin.writableLength > this.counters.queuedBytesMax) this.counters.queuedBytesMax = stdin.writableLength;
  }

  private slotWritten(error?: Error | null): void {
    this.inFlightCount--;
    if (!error) this.counters.bytesAccepted += this.slotLengths[this.oldestInFlight]!;
    this.oldestInFlight = (this.oldestInFlight + 1) % this.slots.length;
    if (this.inFlightCount === 0) this.pipeFull = false;
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
      this.releaseHeld();
      if (this.fillFrames > 0) {
        const slot = this.slots[this.fillSlot]!;
        this.slotLengths[this.fillSlot] = this.fillFrames * this.conversion.outputBlockAlign;
        this.fillSlot = (this.fillSlot + 1) % this.slots.length;
        this.fillFrames = 0;
        this.submit(slot.subarray(0, this.slotLengths[(this.fillSlot - 1 + this.slots.length) % this.slots.length]!));
      }
      this.child.stdin?.end();
      const queuedMs = (this.inFlightCount * SLOT_MS);
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
