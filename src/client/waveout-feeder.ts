import { EventPriority, type Scheduler } from '../clock/scheduler.js';
import { framesToNs } from '../clock/time.js';
import {
  KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM, STATUS_DATA_LATE_ERROR, STATUS_DATA_OVERRUN, STATUS_SUCCESS, silenceValueFor,
  type NtStatus, type WaveRTStream,
} from '../engine/index.js';
import type { LatencySampler } from './latency.js';
import { ClientWaker, LinearPacketCount } from './pacing.js';
import type { WaveHeader, WaveHeaderQueue } from './waveout-queue.js';

const TWO_POW_32 = 0x1_0000_0000;

export interface WaveOutFeederOptions {
  /** Delay between a notification (or a start request) and the driver thread running. */
  wakeLatency?: LatencySampler;
  processingNs?: number;
  /** At most this many packets written before RUN (the driver's pre-roll window may allow fewer). Default: N. */
  prerollPackets?: number;
}

export interface WaveOutFeederEvents {
  /** A header's last byte has been played by the DMA. */
  played(header: WaveHeader, timeNs: number): void;
  /** A packet went out with silence because the queue was dry (a waveOut-level starvation). */
  starved(packetNumber: number, silentFrames: number, timeNs: number): void;
}

/** Explicit feeder states; `setFeederState` is the only way between them. */
export type WaveOutFeederState = 'idle' | 'starting' | 'running' | 'paused' | 'eos-sent';

/**
 * The driver side of waveOut: a second kind of OS client for the WaveRT stream. On every notification it
 * copies the head WAVEHDR(s) into the next packet(s) and calls SetWritePacket. A dry queue puts silence in
 * the packet (the WaveRT stream never underflows: the starvation is counted here); once the application
 * has no more data, the packet holding its last byte carries the EOS flag.
 */
export class WaveOutFeeder {
  readonly stream: WaveRTStream;
  private readonly scheduler: Scheduler;
  private readonly queue: WaveHeaderQueue;
  private readonly events: WaveOutFeederEvents;
  private readonly wakeLatency: LatencySampler;
  private readonly processingNs: number;
  private readonly prerollPackets: number;
  private readonly blockAlign: number;

  private feederState: WaveOutFeederState = 'idle';
  /** Bumped on pause and reset, so that events scheduled before them do nothing. */
  private generation = 0;
  private nextPacket = 0;
  private readonly count = new LinearPacketCount();
  private readonly staged: Buffer;
  private stagedLength = -1;
  private stagedValidLength = 0;
  private stagedIsEos = false;
  private endOfData = false;
  private doneCheckPending = false;
  private readonly waker: ClientWaker;
  private readonly onStart = (_timeNs: number, generation: number): void => this.runStart(generation);
  private readonly onDoneCheck = (timeNs: number, generation: number): void => this.doneCheck(timeNs, generation);
  private readonly onNotification = (_count: number, timeNs: number): void => this.waker.signal(timeNs);
  private readonly onStreamEnd = (timeNs: number): void => this.deliverPlayed(timeNs);

  packetsWritten = 0;
  starvedPackets = 0;
  starvedFrames = 0;
  /** Frames of header data that went into accepted packets (loop repeats included). */
  framesFed = 0;
  lastStatus: NtStatus = STATUS_SUCCESS;

  constructor(scheduler: Scheduler, stream: WaveRTStream, queue: WaveHeaderQueue, events: WaveOutFeederEvents, options: WaveOutFeederOptions = {}) {
    this.scheduler = scheduler;
    this.stream = stream;
    this.queue = queue;
    this.events = events;
    this.wakeLatency = options.wakeLatency ?? (() => 0);
    this.processingNs = options.processingNs ?? 0;
    this.prerollPackets = Math.max(1, Math.min(options.prerollPackets ?? stream.notifications, stream.notifications));
    this.blockAlign = stream.getFormat().blockAlign;
    this.staged = Buffer.alloc(stream.packetSize);
    this.waker = new ClientWaker(scheduler, this.wakeLatency, this.processingNs, () => this.feederState === 'running', () => this.wake());
    stream.registerNotificationEvent(this.onNotification);
    stream.onEnd(this.onStreamEnd);
  }

  get state(): WaveOutFeederState {
    return this.feederState;
  }

  private setFeederState(next: WaveOutFeederState): void {
    this.feederState = next;
  }

  /** The application will write nothing more: the packet with the last queued byte carries EOS. */
  markEndOfData(): void {
    this.endOfData = true;
  }

  get endOfDataMarked(): boolean {
    return this.endOfData;
  }

  /** Playback starts at the first write: the driver thread pre-rolls and sets RUN after its wake-up latency. */
  start(): void {
    if (this.feederState !== 'idle') return;
    this.setFeederState('starting');
    this.scheduler.at(this.scheduler.timeNs + this.wakeLatency() + this.processingNs, EventPriority.client, this.onStart, this.generation);
  }

  /** WODM_PAUSE: the stream leaves RUN at once; positions freeze. */
  pause(): void {
    if (this.feederState === 'running' || this.feederState === 'eos-sent') this.stream.stepTo('PAUSE');
    if (this.feederState === 'running') this.setFeederState('paused');
    // a start not yet run is cancelled: WODM_RESTART starts again
    if (this.feederState === 'starting') this.setFeederState('idle');
    this.generation++;
    this.waker.cancel();
    this.doneCheckPending = false;
  }

  /** WODM_RESTART after a pause. */
  restart(): void {
    if (this.feederState !== 'paused' && this.feederState !== 'eos-sent') return;
    this.stream.stepTo('RUN');
    if (this.feederState === 'paused') this.setFeederState('running');
    this.waker.signal(this.scheduler.timeNs);
    this.scheduleDoneCheck();
  }

  /** WODM_RESET: the stream goes to STOP (count and positions to 0); the caller completes the headers. */
  reset(): void {
    this.stream.stepTo('STOP');
    this.generation++;
    this.waker.cancel();
    this.doneCheckPending = false;
    this.stagedLength = -1;
    this.endOfData = false;
    // STOP set the packet count to 0: the feeder's unwrapped count starts over with it
    this.count.value = 0;
    this.nextPacket = 0;
    this.setFeederState('idle');
  }

  /** Stops reacting to notifications (the run is being torn down). */
  stop(): void {
    this.generation++;
    this.waker.cancel();
    this.stream.unregisterNotificationEvent(this.onNotification);
  }

  /** Scenario hook: the driver thread does nothing until `timeNs` (the host falls behind). */
  stallUntil(timeNs: number): void {
    this.waker.stallUntil(timeNs);
  }

  /** Bytes the DMA has played since the last STOP (WODM_GETPOS in bytes). */
  playedBytes(): number {
    return this.stream.getLinearPositionInBytes();
  }

  private runStart(generation: number): void {
    if (generation !== this.generation || this.feederState !== 'starting') return;
    this.stream.stepTo('PAUSE');
    this.count.refresh(this.stream);
    this.nextPacket = this.count.value;
    this.fill(Math.min(this.prerollPackets - 1, this.stream.storableWindow().highest));
    this.stream.setState('RUN');
    if (this.feederState === 'starting') this.setFeederState('running');
    this.waker.signal(this.scheduler.timeNs);
    this.scheduleDoneCheck();
  }

  private wake(): void {
    this.count.refresh(this.stream);
    this.fill(this.stream.storableWindow().highest);
    this.scheduleDoneCheck();
  }

  /** Writes packets until `nextPacket` is `highestDelta` past the packet count, or EOS went out. */
  private fill(highestDelta: number): void {
    // bounded: a full window plus one resynchronisation per call
    let attempts = this.stream.notifications + 2;
    while (attempts-- > 0 && (this.feederState === 'running' || this.feederState === 'starting')) {
      if (this.nextPacket - this.count.value > highestDelta) return;
      if (this.stagedLength < 0) this.stage();
      const status = this.writeStaged(this.nextPacket);
      if (status === STATUS_DATA_LATE_ERROR || status === STATUS_DATA_OVERRUN) {
        this.count.refresh(this.stream);
        this.nextPacket = this.count.value + this.stream.storableWindow().lowest;
      } else if (status !== STATUS_SUCCESS) {
        return;
      }
    }
  }

  /** Drains the queue into the staging packet; silence where it runs dry, EOS when the data has ended. */
  private stage(): void {
    const size = this.staged.length;
    const copied = this.queue.drainInto(this.staged, 0, size);
    this.stagedLength = size;
    this.stagedValidLength = copied;
    this.stagedIsEos = this.endOfData && this.queue.isDrained && !this.queue.inLoop;
    if (copied < size && !this.stagedIsEos) this.staged.fill(silenceValueFor(this.stream.getFormat()), copied, size);
  }

  private writeStaged(linearPacketNumber: number): NtStatus {
    const length = this.stagedIsEos ? this.stagedValidLength : this.stagedLength;
    if (length > 0) this.stream.copyToBuffer(this.stream.packetOffsetInBytes(linearPacketNumber), this.staged, 0, length);
    const flags = this.stagedIsEos ? KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM : 0;
    const status = this.stream.setWritePacket(linearPacketNumber % TWO_POW_32, flags, this.stagedIsEos ? this.stagedValidLength : 0);
    this.lastStatus = status;
    if (status !== STATUS_SUCCESS) return status;
    this.packetsWritten++;
    this.framesFed += this.stagedValidLength / this.blockAlign;
    this.queue.commitStaged(linearPacketNumber * this.stream.packetSize);
    if (!this.stagedIsEos && this.stagedValidLength < this.stagedLength) {
      const silentFrames = (this.stagedLength - this.stagedValidLength) / this.blockAlign;
      this.starvedPackets++;
      this.starvedFrames += silentFrames;
      this.events.starved(linearPacketNumber, silentFrames, this.scheduler.timeNs);
    }
    this.stagedLength = -1;
    this.nextPacket = linearPacketNumber + 1;
    if (this.stagedIsEos) this.setFeederState('eos-sent');
    return status;
  }

  /** Completes every header the DMA has played past; called at the exact time the front header ends. */
  private deliverPlayed(timeNs: number): void {
    const played = this.stream.getLinearPositionInBytes();
    for (let header = this.queue.takePlayed(played); header; header = this.queue.takePlayed(played)) {
      this.events.played(header, timeNs);
    }
  }

  private scheduleDoneCheck(): void {
    if (this.doneCheckPending || this.stream.getState() !== 'RUN' || this.stream.isFinished) return;
    const endByte = this.queue.frontEndLinearByte();
    if (endByte < 0) return;
    const remainingFrames = Math.max(0, endByte - this.stream.getLinearPositionInBytes()) / this.blockAlign;
    this.doneCheckPending = true;
    this.scheduler.at(this.scheduler.timeNs + framesToNs(remainingFrames, this.stream.getFormat().sampleRate), EventPriority.observer, this.onDoneCheck, this.generation);
  }

  private doneCheck(timeNs: number, generation: number): void {
    if (generation !== this.generation) return;
    this.doneCheckPending = false;
    this.deliverPlayed(timeNs);
    this.scheduleDoneCheck();
  }
}
