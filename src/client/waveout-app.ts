import { EventPriority, type Scheduler } from '../clock/scheduler.js';
import type { LatencySampler } from './latency.js';
import type { PcmSource } from './packet-client.js';
import { MMSYSERR_NOERROR, WHDR_BEGINLOOP, WHDR_ENDLOOP, WOM_DONE, type MmResult } from './waveout-constants.js';
import { WaveHeader } from './waveout-queue.js';
import type { WaveOutDevice, WaveOutSummary } from './waveout.js';

export interface WaveOutAppOptions {
  /** How many WAVEHDRs the application cycles through (--wavehdrs). */
  headerCount: number;
  /** Size of each header's buffer in bytes, whole frames (--wavehdr-bytes). */
  headerBytes: number;
  /** Delay between a WOM_DONE and the refilled header's WODM_WRITE (seeded in scripted runs). */
  refillLatency?: LatencySampler;
}

/** Explicit application states; `transition` is the only way between them. */
export type WaveOutAppState = 'idle' | 'streaming' | 'ended' | 'stopped';

/**
 * The application side of waveOut: opens the device, prepares `headerCount` headers, fills and writes them in
 * order, and refills each from the file when its WOM_DONE arrives, after its own latency. When the file
 * ends it says so with the last write (the model's EOS), and closes the device after the last WOM_DONE.
 */
export class WaveOutApplication {
  readonly device: WaveOutDevice;
  readonly headers: WaveHeader[];
  private readonly scheduler: Scheduler;
  private readonly source: PcmSource;
  private readonly refillLatency: LatencySampler;
  private appState: WaveOutAppState = 'idle';
  /** One header of lookahead, so the write that carries the file's last byte knows it is the last. */
  private readonly carry: Buffer;
  private carryLength = -1;
  private sourceEnded = false;
  private heldUntilNs = 0;
  /** Writes still to be marked as a loop (scenario hook), and the dwLoops of its first header. */
  private loopWritesLeft = 0;
  private loopHeaders = 0;
  private loopPlays = 0;
  private readonly onRefill = (timeNs: number, index: number): void => this.refill(timeNs, index);

  /** Frames of the file handed to the device in accepted writes. */
  framesWritten = 0;
  lastResult: MmResult = MMSYSERR_NOERROR;

  constructor(scheduler: Scheduler, device: WaveOutDevice, source: PcmSource, options: WaveOutAppOptions) {
    this.scheduler = scheduler;
    this.device = device;
    this.source = source;
    this.refillLatency = options.refillLatency ?? (() => 0);
    this.headers = [];
    for (let index = 0; index < options.headerCount; index++) {
      this.headers.push(new WaveHeader(index, Buffer.alloc(options.headerBytes), 0));
    }
    this.carry = Buffer.alloc(options.headerBytes);
  }

  get state(): WaveOutAppState {
    return this.appState;
  }

  private transition(next: WaveOutAppState): void {
    this.appState = next;
  }

  /** Opens the device, prepares every header, fills and writes them in order. */
  start(): void {
    if (this.appState !== 'idle') return;
    this.device.open((message, header, timeNs) => {
      if (message === WOM_DONE && header) this.done(header, timeNs);
    });
    this.transition('streaming');
    for (const header of this.headers) {
      header.bufferLength = header.data.length;
      this.device.prepareHeader(header);
    }
    for (const header of this.headers) this.fillAndWrite(header);
  }

  /** Stops reacting to WOM_DONE (the run is being torn down). */
  stop(): void {
    this.transition('stopped');
  }

  /** Scenario hook: the application refills nothing until `timeNs`; refills due meanwhile happen then. */
  holdRefillsUntil(timeNs: number): void {
    if (timeNs > this.heldUntilNs) this.heldUntilNs = timeNs;
  }

  /** Scenario hook: the next `headerCount` writes form a loop (BEGINLOOP on the first, ENDLOOP on the last) played `loops` times. */
  loopNextWrites(headerCount: number, loops: number): void {
    this.loopWritesLeft = headerCount;
    this.loopHeaders = headerCount;
    this.loopPlays = loops;
  }

  private done(header: WaveHeader, timeNs: number): void {
    if (this.appState !== 'streaming') return;
    this.scheduler.at(timeNs + this.refillLatency(), EventPriority.client, this.onRefill, header.id);
  }

  private refill(timeNs: number, index: number): void {
    if (this.appState !== 'streaming') return;
    if (this.heldUntilNs > timeNs) {
      this.scheduler.at(this.heldUntilNs, EventPriority.client, this.onRefill, index);
      return;
    }
    const header = this.headers[index]!;
    if (this.sourceEnded && this.carryLength <= 0) {
      this.finishIfIdle();
      return;
    }
    this.fillAndWrite(header);
  }

  private fillAndWrite(header: WaveHeader): void {
    const length = this.fill(header);
    if (length === 0) {
      this.finishIfIdle();
      return;
    }
    header.bufferLength = length;
    header.flags &= ~(WHDR_BEGINLOOP | WHDR_ENDLOOP);
    if (this.loopWritesLeft > 0) {
      if (this.loopWritesLeft === this.loopHeaders) {
        header.flags |= WHDR_BEGINLOOP;
        header.loops = this.loopPlays;
      }
      if (this.loopWritesLeft === 1) header.flags |= WHDR_ENDLOOP;
      this.loopWritesLeft--;
    }
    this.lastResult = this.device.write(header);
    if (this.lastResult === MMSYSERR_NOERROR) this.framesWritten += length / this.blockAlignOf();
    if (this.sourceEnded && this.carryLength === 0) this.device.endOfData();
  }

  /** Copies the next chunk of the file into the header; reads one chunk ahead to know when it is the last. */
  private fill(header: WaveHeader): number {
    if (this.carryLength < 0) this.carryLength = this.read(this.carry);
    if (this.carryLength === 0) return 0;
    const length = this.carryLength;
    this.carry.copy(header.data, 0, 0, length);
    this.carryLength = this.sourceEnded ? 0 : this.read(this.carry);
    return length;
  }

  private read(target: Buffer): number {
    const length = this.source.read(target);
    if (length < target.length) this.sourceEnded = true;
    return length;
  }

  private finishIfIdle(): void {
    if (!this.device.queue.isEmpty) return;
    for (const header of this.headers) this.device.unprepareHeader(header);
    this.device.close();
    this.transition('ended');
  }

  private blockAlignOf(): number {
    return this.device.feeder.stream.getFormat().blockAlign;
  }
}

/** The `waveOut` section of a run's summary. */
export function waveOutSummary(device: WaveOutDevice, app: WaveOutApplication): WaveOutSummary {
  const feeder = device.feeder;
  return {
    headers: app.headers.length,
    headerBytes: app.headers[0]?.data.length ?? 0,
    headersWritten: device.headersWritten,
    headersDone: device.headersDone,
    doneOrder: [...device.doneOrder],
    starvedPackets: feeder.starvedPackets,
    starvedFrames: feeder.starvedFrames,
    packetsWritten: feeder.packetsWritten,
    framesFed: feeder.framesFed,
    loopRepeats: device.queue.loopRepeats,
    resets: device.resets,
    pauses: device.pauses,
    results: device.resultsByName(),
  };
}
