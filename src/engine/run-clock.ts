// The stream in RUN: when packets begin and end, when the count goes up and the event is signalled
// (choice packetClock), where the EOS point is and when the stream ends. One scheduler, integer frames.
import { EventPriority, type Scheduler } from '../clock/scheduler.js';
import { framesToNs, nsToFrames } from '../clock/time.js';
import type { Dma } from './dma.js';
import { NotificationTimer } from './notification-timer.js';
import type { StreamObserver } from './observer.js';
import type { ProfileChoices } from './profile.js';
import type { AudioFormat } from './types.js';
import { eosPoint, modUlong } from './write-packet.js';


export type NotificationListener = (packetCount: number, timeNs: number) => void;

/** Why a stream that was run did not end, or null when it did (or was never asked to). */
export type NeverEndedReason = 'eos-at-buffer-end' | 'no-timer' | 'no-eos' | null;

/** One sentence on why a stream never ended, for the summary and the report. */
export function describeNeverEnded(reason: NeverEndedReason, intervalMs: number | null): string | null {
  switch (reason) {
    case 'eos-at-buffer-end':
      return 'the EOS is a full-length packet on the last slot: its end offset equals the buffer size, which the read position (modulo the buffer) never reaches, so the DMA loops over the buffer and the last event never comes (eosAtBufferEnd: never-ends; sysvad UpdatePosition)';
    case 'no-timer':
      return `the notification interval truncates to ${intervalMs ?? 0} ms (buffer ms / N in whole ms), so the driver sets no timer: no notification event, no packet count, no end (packetClock: timer-1ms; sysvad SetState)`;
    case 'no-eos':
      return 'no EOS was accepted before the run stopped';
    default:
      return null;
  }
}

export interface RunClockOptions {
  eosSilenceFill: boolean;
  fifoSizeInBytes: number;
}

export class RunClock {
  /** The reference's timer when packetClock is timer-1ms; null when the DMA clocks count and events. */
  readonly timer: NotificationTimer | null;
  readonly notificationListeners: NotificationListener[] = [];
  readonly endListeners: Array<(timeNs: number) => void> = [];
  /** Told when an accepted EOS is one the driver never reaches (eosAtBufferEnd: never-ends). */
  readonly neverEndingListeners: Array<(timeNs: number) => void> = [];
  private readonly scheduler: Scheduler;
  private readonly dma: Dma;
  private readonly observers: StreamObserver[];
  private readonly choices: ProfileChoices;
  private readonly options: RunClockOptions;
  private sampleRate = 1;
  private blockAlign = 1;

  private running = false;
  private runStartNs = 0;
  private framesAtRunStart = 0;
  /** Frames of time spent in RUN since STOP before this RUN: the clock the presentation position runs on. */
  private runFramesBeforeRun = 0;
  /** When RUN was last left, and the RUN clock before that: a PAUSE that takes no model time (paced playback holding the model) resumes the same clock. */
  private leftRunAtNs = -1;
  private runFramesBeforePause = 0;
  eosReceived = false;
  private eosPacket = -1;
  private eosLengthInBytes = 0;
  /** The linear frame where the stream ends (+Infinity: no EOS, or one that is never reached). */
  eosFrame = Number.POSITIVE_INFINITY;
  private eosNeverEnds = false;
  /** Where the EOS packet's audio has all been heard (in the slot's pass that first plays it after the write). */
  private eosPacketEndFrame = Number.POSITIVE_INFINITY;
  /** The count frozen when an EOS is received (countAfterEos: stops, exact clock); -1 otherwise. */
  private frozenCount = -1;
  finished = false;
  private lastNotificationFrame = -1;
  /** Bumped whenever the pending DMA event is no longer valid (PAUSE, STOP, a new EOS point). */
  private dmaGeneration = 0;
  private pendingTimerTick = -1;
  /** One-entry memos of frameAt and timeOfFrame (the same instants come back several times per packet); -1: empty. */
  private memoAtNs = -1;
  private memoAtFrame = 0;
  private memoOfFrame = -1;
  private memoOfFrameNs = 0;
  private memoMarginFrames = -1;
  private memoMarginNs = 0;
  /** The last `advance` that had nothing to transfer: asked again with the same time, position and EOS point, it has none. */
  private idleAtNs = -1;
  private idleAtFrame = -1;
  private idleEosFrame = 0;
  private readonly onDmaEvent = (timeNs: number, generation: number): void => {
    if (generation !== this.dmaGeneration || !this.running || this.finished) return;
    this.runDmaTo(timeNs);
  };
  private readonly onTimerEvent = (timeNs: number, tick: number): void => this.handleTimerTick(timeNs, tick);

  constructor(scheduler: Scheduler, dma: Dma, observers: StreamObserver[], choices: ProfileChoices, options: RunClockOptions) {
    this.scheduler = scheduler;
    this.dma = dma;
    this.observers = observers;
    this.choices = choices;
    this.options = options;
    this.timer = choices.packetClock === 'timer-1ms' ? new NotificationTimer(0) : null;
  }

  setFormat(format: AudioFormat): void {
    this.sampleRate = format.sampleRate;
    this.blockAlign = format.blockAlign;
    this.forgetTimes();
  }

  /** STOP: count, positions and the EOS flag back to nothing. */
  reset(): void {
    this.running = false;
    this.leftRunAtNs = -1;
    this.framesAtRunStart = 0;
    this.forgetTimes();
    this.runFramesBeforeRun = 0;
    this.eosReceived = false;
    this.eosPacket = -1;
    this.eosLengthInBytes = 0;
    this.eosFrame = Number.POSITIVE_INFINITY;
    this.eosNeverEnds = false;
    this.eosPacketEndFrame = Number.POSITIVE_INFINITY;
    this.frozenCount = -1;
    this.finished = false;
    this.lastNotificationFrame = -1;
    this.dmaGeneration++;
    this.timer?.stop();
    this.pendingTimerTick = -1;
  }

  /** RUN: the DMA starts (or resumes) at the nominal rate. */
  run(timeNs: number): void {
    if (this.dma.bufferFrames === 0) return;
    this.running = true;
    if (this.leftRunAtNs === timeNs) {
      // back at the instant it paused: the sub-frame phase stays, the run is the same as one never paused
      this.runFramesBeforeRun = this.runFramesBeforePause;
    } else {
      this.runStartNs = timeNs;
      this.framesAtRunStart = this.dma.linearFrames;
      this.forgetTimes();
    }
    if (this.finished) return;
    this.timer?.run(timeNs);
    this.runDmaTo(timeNs);
    this.scheduleTimer();
  }

  /** PAUSE from RUN: the DMA freezes where it is, keeping the phase inside the current packet. */
  pause(timeNs: number): void {
    this.advance(timeNs);
    this.leftRunAtNs = timeNs;
    this.runFramesBeforePause = this.runFramesBeforeRun;
    this.runFramesBeforeRun = this.runFrames(timeNs);
    this.running = false;
    this.dmaGeneration++;
    this.timer?.pause(timeNs);
    this.pendingTimerTick = -1;
  }

  /** The packet count c, linear: the DMA's completed packets (exact), or the reference timer's counter. */
  packetCount(): number {
    if (this.timer) return this.timer.count;
    if (this.frozenCount >= 0) return this.frozenCount;
    return this.dma.packet();
  }

  /** Frames of time spent in RUN since STOP (the DMA's position until it stops at the EOS point). */
  runFrames(timeNs: number): number {
    if (!this.running) return this.runFramesBeforeRun;
    return this.runFramesBeforeRun + nsToFrames(timeNs - this.runStartNs, this.sampleRate);
  }

  /** Time left before `linearPacket` begins transferring (RUN only, else NaN). */
  marginNs(linearPacket: number): number {
    if (!this.running || this.finished) return Number.NaN;
    const frames = linearPacket * this.dma.packetFrames - this.dma.linearFrames;
    // a steady client writes the same distance ahead every time
    if (frames === this.memoMarginFrames) return this.memoMarginNs;
    const ns = frames >= 0 ? framesToNs(frames, this.sampleRate) : -framesToNs(-frames, this.sampleRate);
    this.memoMarginFrames = frames;
    this.memoMarginNs = ns;
    return ns;
  }

  /** An accepted EOS, in the DMA packet that will play it (choices eosOffset, eosAtBufferEnd, countAfterEos). */
  setEndOfStream(dmaPacket: number, eosPacketLength: number, hearingPass: number = dmaPacket): void {
    this.eosReceived = true;
    this.eosPacket = dmaPacket;
    this.eosLengthInBytes = eosPacketLength;
    const point = eosPoint(this.choices, dmaPacket, eosPacketLength, this.blockAlign, this.dma.packetFrames, this.dma.notificationCount, this.eosSearchFrame());
    this.eosFrame = Math.max(point.frame, this.dma.linearFrames);
    this.eosNeverEnds = point.neverEnds;
    // a pass the DMA is already beyond the end of cannot play the data any more: the slot's next pass would
    const lengthFrames = Math.floor(eosPacketLength / this.blockAlign);
    const dataEnd = hearingPass * this.dma.packetFrames + lengthFrames;
    this.eosPacketEndFrame = lengthFrames === 0 ? 0 : dataEnd <= this.dma.linearFrames ? dataEnd + this.dma.bufferFrames : dataEnd;
    if (this.choices.countAfterEos === 'stops' && !this.timer) this.frozenCount = this.dma.packet();
    if (this.running) {
      this.scheduleDmaEvent();
      this.scheduleTimer();
    }
    if (point.neverEnds) for (const listener of this.neverEndingListeners) listener(this.scheduler.timeNs);
  }

  /**
   * Where the driver believes the DMA is when it compares an EOS offset. With the reference's timer its
   * position moves in whole milliseconds since RUN (UpdatePosition: TimeElapsedInMS), so a write within a
   * millisecond of the event is compared against the position at that event.
   */
  private eosSearchFrame(): number {
    if (!this.timer || !this.running) return this.dma.linearFrames;
    const elapsedNs = this.scheduler.timeNs - this.runStartNs;
    const wholeMs = Math.floor(elapsedNs / 1_000_000) * 1_000_000;
    return Math.min(this.dma.linearFrames, this.framesAtRunStart + nsToFrames(wholeMs, this.sampleRate));
  }

  /** Frames of the EOS packet's audio the stream ended without playing (0 when it ended on time, or has not ended). */
  get eosShortfallFrames(): number {
    return this.finished ? Math.max(0, this.eosPacketEndFrame - this.dma.linearFrames) : 0;
  }

  get neverEndedReason(): NeverEndedReason {
    if (this.finished) return null;
    if (this.eosNeverEnds) return 'eos-at-buffer-end';
    if (this.timer && this.timer.intervalMs === 0 && this.dma.notificationCount > 0) return 'no-timer';
    return this.eosReceived ? null : 'no-eos';
  }

  /** Brings the DMA up to `timeNs`, never past the next pending boundary (that is the DMA event's job). */
  advance(timeNs: number): void {
    const dma = this.dma;
    const packetFrames = dma.packetFrames;
    if (!this.running || this.finished || packetFrames === 0) return;
    const linear = dma.linearFrames;
    // the client asks three times per wake-up (count, copy, write) at one instant: the same question, the same no-op
    if (timeNs === this.idleAtNs && linear === this.idleAtFrame && this.eosFrame === this.idleEosFrame) return;
    const packetEnd = (Math.floor(linear / packetFrames) + 1) * packetFrames;
    const boundary = packetEnd < this.eosFrame ? packetEnd : this.eosFrame;
    const frame = this.frameAt(timeNs);
    const target = frame < boundary ? frame : boundary;
    if (target > linear) {
      dma.transferTo(target, timeNs);
      return;
    }
    this.idleAtNs = timeNs;
    this.idleAtFrame = linear;
    this.idleEosFrame = this.eosFrame;
  }

  private frameAt(timeNs: number): number {
    if (timeNs === this.memoAtNs) return this.memoAtFrame;
    const frame = this.framesAtRunStart + nsToFrames(timeNs - this.runStartNs, this.sampleRate);
    this.memoAtNs = timeNs;
    this.memoAtFrame = frame;
    return frame;
  }

  private timeOfFrame(frame: number): number {
    if (frame === this.memoOfFrame) return this.memoOfFrameNs;
    const timeNs = this.runStartNs + framesToNs(frame - this.framesAtRunStart, this.sampleRate);
    this.memoOfFrame = frame;
    this.memoOfFrameNs = timeNs;
    // and the way back: frameAt(timeOfFrame(f)) is f exactly (ceil there, floor here), so the DMA event at that time
    // finds its frame without converting again
    if (frame >= this.framesAtRunStart && frame !== Number.POSITIVE_INFINITY) {
      this.memoAtNs = timeNs;
      this.memoAtFrame = frame;
    }
    return timeNs;
  }

  /** The run's origin or rate changed: the memos of frameAt and timeOfFrame no longer hold. */
  private forgetTimes(): void {
    this.idleAtNs = -1;
    this.memoAtNs = -1;
    this.memoOfFrame = -1;
    this.memoMarginFrames = -1;
  }

  /** The next thing the DMA does by itself: the end of the current packet, or the EOS point before it. */
  private scheduleDmaEvent(): void {
    if (this.finished || !this.running) return;
    const dma = this.dma;
    const linear = dma.linearFrames;
    // with the timer clock, the DMA waits at the EOS point for the DPC that sees it there
    if (linear >= this.eosFrame && this.timer) return;
    const packetEnd = (dma.packetFrames === 0 ? 1 : Math.floor(linear / dma.packetFrames) + 1) * dma.packetFrames;
    const end = packetEnd < this.eosFrame ? packetEnd : this.eosFrame;
    const frame = linear > end ? linear : end;
    this.dmaGeneration++;
    this.scheduler.at(this.timeOfFrame(frame), EventPriority.dma, this.onDmaEvent, this.dmaGeneration);
  }

  /** Runs the DMA to `timeNs` across packet boundaries: packets begin (underflow is judged), and end. */
  private runDmaTo(timeNs: number): void {
    const dma = this.dma;
    const packetFrames = dma.packetFrames;
    const eosFrame = this.eosFrame;
    const frame = this.frameAt(timeNs);
    const target = frame < eosFrame ? frame : eosFrame;
    let atNs = timeNs;
    for (;;) {
      const linear = dma.linearFrames;
      if (linear >= this.eosFrame) {
        // the exact clock ends the stream here; the timer clock waits for its DPC (handleTimerTick)
        if (!this.timer) this.finish(atNs, this.lastNotificationFrame !== linear);
        return;
      }
      const packet = packetFrames === 0 ? 0 : Math.floor(linear / packetFrames);
      if (dma.startedPacket !== packet) dma.startPacket(packet, atNs);
      const packetEnd = (packet + 1) * packetFrames;
      const boundary = packetEnd < this.eosFrame ? packetEnd : this.eosFrame;
      if (boundary > target) {
        if (target > dma.linearFrames) dma.transferTo(target, timeNs);
        break;
      }
      const boundaryNs = this.timeOfFrame(boundary);
      atNs = timeNs < boundaryNs ? timeNs : boundaryNs;
      dma.transferTo(boundary, atNs);
      // the exact clock: the count goes up and the event is signalled at the end of every packet
      if (boundary === packetEnd && !this.timer && dma.notificationCount > 0) this.signalNotification(atNs);
    }
    this.scheduleDmaEvent();
  }

  /** The next DPC of the reference's timer that does something: an interval completed, or the EOS point seen. */
  private scheduleTimer(): void {
    const timer = this.timer;
    if (!timer || !timer.isRunning || this.finished || !this.running) return;
    let tick = timer.nextCompletionTick();
    if (this.eosReceived && Number.isFinite(this.eosFrame)) {
      tick = Math.min(tick, timer.firstTickAtOrAfter(this.timeOfFrame(Math.max(this.eosFrame, this.dma.linearFrames))));
    }
    this.pendingTimerTick = tick;
    this.scheduler.at(timer.tickTimeNs(tick), EventPriority.dma, this.onTimerEvent, tick);
  }

  /** TimerNotifyRT: UpdatePosition, the count, the event, and the end once the DMA is at the EOS point. */
  private handleTimerTick(timeNs: number, tick: number): void {
    const timer = this.timer;
    if (!timer || tick !== this.pendingTimerTick || !this.running || this.finished) return;
    this.pendingTimerTick = -1;
    this.runDmaTo(timeNs);
    const completed = timer.runTick(tick);
    // TimerNotifyRT: if (!m_bEoSReceived) m_llPacketCounter++
    const countStops = this.choices.countAfterEos === 'stops' && this.eosReceived;
    if (completed && !countStops) timer.count++;
    if (this.eosReceived && this.dma.linearFrames >= this.eosFrame) {
      timer.cancel();
      this.finish(timeNs, true);
      return;
    }
    if (completed) this.signalNotification(timeNs);
    this.scheduleTimer();
  }

  private signalNotification(timeNs: number): void {
    const linear = this.dma.linearFrames;
    this.lastNotificationFrame = linear;
    // packetCount, inline: the exact clock signals at the end of every packet
    const linearCount = this.timer ? this.timer.count : this.frozenCount >= 0 ? this.frozenCount : this.dma.packetFrames === 0 ? 0 : Math.floor(linear / this.dma.packetFrames);
    const count = modUlong(linearCount);
    const observers = this.observers;
    for (let i = 0; i < observers.length; i++) observers[i]!.notification?.(count, timeNs, this.dma.linearFrames);
    // index loops: a for-of makes an iterator per call until the code is optimised
    const listeners = this.notificationListeners;
    for (let i = 0; i < listeners.length; i++) listeners[i]!(count, timeNs);
  }

  /** The EOS point was played: silence fill, the FIFO overshoot, the last event, the end. */
  private finish(timeNs: number, finalEvent: boolean): void {
    this.finished = true;
    this.dmaGeneration++;
    this.pendingTimerTick = -1;
    const dma = this.dma;
    for (const observer of this.observers) observer.endOfStream?.(this.eosPacket, this.eosLengthInBytes, timeNs, dma.linearFrames);
    const eosOffset = (this.eosFrame * this.blockAlign) % dma.buffer.length;
    if (this.options.eosSilenceFill) dma.fillSilence();
    const fifo = this.options.fifoSizeInBytes;
    if (fifo > 0) {
      dma.emitCyclic(eosOffset, fifo, timeNs);
      for (const observer of this.observers) observer.fifoOvershoot?.(fifo, this.options.eosSilenceFill, timeNs);
    }
    if (finalEvent) this.signalNotification(timeNs);
    for (const listener of this.endListeners) listener(timeNs);
  }
}
