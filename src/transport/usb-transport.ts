import { EventPriority, type Scheduler } from '../clock/scheduler.js';
import { silenceValueFor, type AudioFormat, type DmaOutput } from '../engine/index.js';
import { framesDueIn, type ResolvedUsbConfig } from './usb-config.js';
import { IsochOutPipe, type IsochTransfer } from './usb-pipe.js';
import { ERROR_GEN_FAILURE, win32ErrorName } from './win32-errors.js';
import type { GlitchInput } from '../report/glitches.js';

/** Where the transport reports submissions, failures and gaps for the run's trace (`usb` events). */
export type UsbTrace = (timeNs: number, fields: Record<string, unknown>) => void;

export interface UsbTransportOptions {
  /** Largest piece the DMA hands over at once (a packet): the start threshold covers it. */
  burstFrames: number;
  trace?: UsbTrace | null;
  /** Where the transport reports what it makes the listener hear (gaps, lost transfers), in device frames. */
  glitch?: ((glitch: GlitchInput) => void) | null;
}

const MAX_FRAME_MAP_POINTS = 100_000;

/** What the `usb` summary section shows. */
export interface UsbSummary {
  speed: string;
  interval: number;
  periodNs: number;
  maxBytesPerInterval: number;
  transferBytes: number;
  transfersInFlight: number;
  /** Services of the endpoint while streaming (gaps included, the idle tail after the last audio not). */
  frames: number;
  /** Audio bytes carried per service, over the services that carried a full due amount (the file's last, short one aside). */
  bytesPerFrame: { min: number | null; max: number | null };
  /** Services that carried no audio while streaming: gaps, dropped transfers, a dry accumulator. */
  emptyFrames: number;
  discontinuities: number;
  transfers: number;
  droppedTransfers: number;
  /** Failed WinUsb_WriteIsochPipeAsap calls by GetLastError name. */
  failures: Record<string, number>;
  audioFrames: number;
  /** Frames of silence the device played: gaps, drops and underruns. */
  silenceFrames: number;
  /** Audio frames the device played as silence because the transport had none ready (a USB-level underrun). */
  underrunFrames: number;
  /** Audio the accumulator could not hold (it is dropped). */
  overflowFrames: number;
}

/** Explicit transport states; `transition` is the only way between them. */
export type UsbTransportState = 'filling' | 'streaming' | 'draining' | 'drained';

/**
 * A USB audio device's isochronous OUT path between the DMA and the sink (DESIGN §9). The DMA output is
 * accumulated; once enough is there, transfers of `transferBytes` are submitted ASAP from a registered buffer
 * (ContinueStream after the first), `transfersInFlight` kept pending. Each service carries the audio frames
 * due in it by exact rational accumulation. A ContinueStream refusal is a discontinuity: the stream is
 * restarted without ContinueStream and the services skipped are a gap, which the device plays as silence —
 * so the output is what the DAC played, and its length always matches the elapsed service time exactly.
 */
export class UsbIsochTransport implements DmaOutput {
  readonly pipe: IsochOutPipe;
  readonly config: ResolvedUsbConfig;
  private readonly scheduler: Scheduler;
  private readonly output: DmaOutput | null;
  private readonly blockAlign: number;
  private readonly sampleRate: number;
  private readonly trace: UsbTrace | null;
  private readonly glitch: ((glitch: GlitchInput) => void) | null;
  /** DMA frames taken from the accumulator (played or lost); device frames = DMA frames + the offset from here on. */
  private dmaFramesPlayed = 0;
  private dmaFramesIn = 0;
  private readonly mapDmaFrame: number[] = [0];
  private readonly mapOffset: number[] = [0];
  private firstServiceInterval: number | null = null;
  private transportState: UsbTransportState = 'filling';

  private readonly ring: Buffer;
  private ringRead = 0;
  private ringUsed = 0;
  private readonly startThresholdBytes: number;
  /** The most audio one transfer can carry. */
  private readonly transferMaxBytes: number;
  private readonly registered: Buffer;
  private readonly handle: number;
  private nextRegion = 0;
  private readonly silence: Buffer;
  private inputEnded = false;
  private onDrained: ((timeNs: number) => void) | null = null;
  private topUpPending = false;
  private stalledUntilNs = 0;
  private dropNext = 0;
  /** The host ran out of audio and stopped submitting: the next transfer starts a new stream, without ContinueStream. */
  private restarting = false;
  private wrongSizeNext = -1;
  private readonly onTopUp = (timeNs: number): void => this.topUp(timeNs);

  frames = 0;
  emptyFrames = 0;
  audioFrames = 0;
  silenceFrames = 0;
  underrunFrames = 0;
  overflowFrames = 0;
  droppedTransfers = 0;
  minBytesPerFrame = Number.POSITIVE_INFINITY;
  maxBytesPerFrame = 0;

  constructor(scheduler: Scheduler, format: AudioFormat, output: DmaOutput | null, config: ResolvedUsbConfig, options: UsbTransportOptions) {
    this.scheduler = scheduler;
    this.output = output;
    this.config = config;
    this.blockAlign = format.blockAlign;
    this.sampleRate = format.sampleRate;
    this.trace = options.trace ?? null;
    this.glitch = options.glitch ?? null;
    this.pipe = new IsochOutPipe(scheduler, config, (transfer, timeNs) => this.completed(transfer, timeNs));
    this.registered = Buffer.alloc(config.transferBytes * config.transfersInFlight);
    this.handle = this.pipe.registerIsochBuffer(this.registered);
    const transferFrames = config.transferIntervals * config.maxFramesPerInterval;
    this.transferMaxBytes = transferFrames * format.blockAlign;
    // the transfers in flight, one more as margin, and the DMA's largest burst must be buffered before starting
    const startFrames = (config.transfersInFlight + 1) * transferFrames + options.burstFrames;
    this.startThresholdBytes = startFrames * format.blockAlign;
    this.ring = Buffer.alloc(Math.max(4 * startFrames, format.sampleRate) * format.blockAlign);
    this.silence = Buffer.alloc(config.maxFramesPerInterval * format.blockAlign, silenceValueFor(format));
  }

  get state(): UsbTransportState {
    return this.transportState;
  }

  private transition(next: UsbTransportState): void {
    this.transportState = next;
  }

  /** DmaOutput: the DMA's bytes join the accumulator (copied; `source` is not kept). */
  writeFrom(source: Buffer, offsetInBytes: number, lengthInBytes: number): void {
    const free = this.ring.length - this.ringUsed;
    const accepted = Math.min(lengthInBytes, free - (free % this.blockAlign));
    if (accepted < lengthInBytes) {
      const lost = (lengthInBytes - accepted) / this.blockAlign;
      this.overflowFrames += lost;
      this.shiftMap(this.dmaFramesIn + accepted / this.blockAlign, -lost);
      this.glitch?.({ kind: 'usb-gap', startFrame: this.deviceFrameOf(this.dmaFramesIn + accepted / this.blockAlign), frameCount: 0, timeNs: this.scheduler.timeNs, cause: 'the USB accumulator was full: DMA audio was dropped before the bus' });
    }
    this.dmaFramesIn += lengthInBytes / this.blockAlign;
    let writePos = (this.ringRead + this.ringUsed) % this.ring.length;
    let from = offsetInBytes;
    let remaining = accepted;
    while (remaining > 0) {
      const size = Math.min(remaining, this.ring.length - writePos);
      source.copy(this.ring, writePos, from, from + size);
      from += size;
      remaining -= size;
      writePos = 0;
    }
    this.ringUsed += accepted;
    if (this.transportState === 'filling' && this.ringUsed >= this.startThresholdBytes) this.requestTopUp(this.scheduler.timeNs);
  }

  /** The DMA has ended: play out what is accumulated, then call `onDrained` when the last transfer completed. */
  endOfInput(onDrained: (timeNs: number) => void): void {
    this.inputEnded = true;
    this.onDrained = onDrained;
    if (this.ringUsed === 0 && this.pipe.pendingTransfers === 0) {
      this.finishDrain(this.scheduler.timeNs);
      return;
    }
    this.requestTopUp(this.scheduler.timeNs);
  }

  /** Scenario hook: the submitting thread does nothing until `timeNs` (the host falls behind). */
  delaySubmissionsUntil(timeNs: number): void {
    if (timeNs > this.stalledUntilNs) this.stalledUntilNs = timeNs;
  }

  /** Scenario hook: the next `count` transfers are lost on the bus (their services play silence). */
  dropNextTransfers(count: number): void {
    this.dropNext += count;
  }

  /** Scenario hook: the next submission asks for `lengthInBytes` (ERROR_INVALID_PARAMETER unless valid); then it resubmits properly. */
  submitWrongSizeNext(lengthInBytes: number): void {
    this.wrongSizeNext = lengthInBytes;
  }

  private requestTopUp(timeNs: number): void {
    if (this.topUpPending) return;
    this.topUpPending = true;
    this.scheduler.at(Math.max(timeNs, this.stalledUntilNs), EventPriority.observer, this.onTopUp);
  }

  /** Keeps `transfersInFlight` transfers pending while there is audio (or more may come). */
  private topUp(timeNs: number): void {
    this.topUpPending = false;
    if (this.stalledUntilNs > timeNs) {
      this.requestTopUp(this.stalledUntilNs);
      return;
    }
    if (this.transportState === 'filling') {
      if (this.ringUsed < this.startThresholdBytes && !this.inputEnded) return;
      this.transition('streaming');
    }
    if (this.transportState === 'drained') return;
    while (this.pipe.pendingTransfers < this.config.transfersInFlight && (this.ringUsed > 0 || !this.inputEnded)) {
      // short of a whole transfer (the DMA paused or stalled): stop, let the pending transfers finish, prime again
      if (!this.inputEnded && this.ringUsed < this.transferMaxBytes && this.pipe.transfersAccepted > 0) {
        this.transition('filling');
        this.restarting = true;
        return;
      }
      if (!this.submit(timeNs)) return;
    }
    if (this.inputEnded) this.transition('draining');
    if (this.inputEnded && this.ringUsed === 0 && this.pipe.pendingTransfers === 0) this.finishDrain(timeNs);
  }

  /** One WinUsb_WriteIsochPipeAsap, with ContinueStream once the pipe streams; a refusal restarts the stream. */
  private submit(timeNs: number): boolean {
    const offset = this.nextRegion * this.config.transferBytes;
    const continueStream = this.pipe.transfersAccepted > 0 && !this.restarting;
    if (this.wrongSizeNext >= 0) {
      const length = this.wrongSizeNext;
      this.wrongSizeNext = -1;
      if (this.pipe.writeIsochPipeAsap(this.handle, offset, length, continueStream)) {
        this.accepted(offset, timeNs);
        return true;
      }
      this.traceFailure(timeNs, offset, length, continueStream);
    }
    if (this.pipe.writeIsochPipeAsap(this.handle, offset, this.config.transferBytes, continueStream)) {
      this.accepted(offset, timeNs);
      return true;
    }
    const error = this.pipe.getLastError();
    this.traceFailure(timeNs, offset, this.config.transferBytes, continueStream);
    if (error !== ERROR_GEN_FAILURE || !continueStream) return false;
    // the host fell behind: restart the stream without ContinueStream; the skipped services are a gap
    if (!this.pipe.writeIsochPipeAsap(this.handle, offset, this.config.transferBytes, false)) {
      this.traceFailure(timeNs, offset, this.config.transferBytes, false);
      return false;
    }
    this.accepted(offset, timeNs);
    return true;
  }

  private traceFailure(timeNs: number, offset: number, length: number, continueStream: boolean): void {
    const error = this.pipe.getLastError();
    this.trace?.(timeNs, { kind: 'submit-failed', offsetInBytes: offset, lengthInBytes: length, continueStream, error: win32ErrorName(error), errorCode: error });
  }

  /** Packs the audio due in each service of the transfer into its maxBytesPerInterval slot of the registered buffer. */
  private accepted(offset: number, timeNs: number): void {
    const transfer = this.pipe.lastTransfer!;
    if (this.firstServiceInterval === null) this.firstServiceInterval = transfer.startInterval;
    this.nextRegion = (this.nextRegion + 1) % this.config.transfersInFlight;
    // after a deliberate stop the device was idle, not glitching: the frames in between are no gap in the output
    if (this.restarting) transfer.gapAudible = false;
    this.restarting = false;
    for (let index = 0; index < transfer.intervalCount; index++) {
      const due = framesDueIn(transfer.startInterval + index, this.sampleRate, this.config.intervalsPerSecond);
      const available = this.ringUsed / this.blockAlign;
      const frames = Math.min(due, available);
      this.readRing(this.registered, offset + index * this.config.maxBytesPerInterval, frames * this.blockAlign);
      transfer.packetLengths[index] = frames * this.blockAlign;
      // once the input has ended, a short service is the end of the audio, not a gap
      transfer.silentFrames[index] = this.inputEnded ? 0 : due - frames;
      if (this.inputEnded && frames > 0 && frames < due) transfer.endOfAudioIndex = index;
    }
    if (this.dropNext > 0) {
      this.dropNext--;
      transfer.dropped = true;
    }
    if (this.trace) {
      this.trace(timeNs, {
        kind: 'submit', sequence: transfer.sequence, offsetInBytes: offset, lengthInBytes: transfer.lengthInBytes,
        startInterval: transfer.startInterval, intervals: transfer.intervalCount, gapIntervals: transfer.gapIntervalsBefore,
        ...(transfer.dropped ? { dropped: true } : {}),
      });
    }
  }

  private readRing(target: Buffer, targetOffset: number, lengthInBytes: number): void {
    let remaining = lengthInBytes;
    let to = targetOffset;
    while (remaining > 0) {
      const size = Math.min(remaining, this.ring.length - this.ringRead);
      this.ring.copy(target, to, this.ringRead, this.ringRead + size);
      to += size;
      remaining -= size;
      this.ringRead = (this.ringRead + size) % this.ring.length;
    }
    this.ringUsed -= lengthInBytes;
  }

  /** When device output frame `frame` was played: the output runs continuously from the first transfer's service. */
  deviceTimeOfFrame(frame: number): number {
    const startNs = this.firstServiceInterval === null ? 0 : this.firstServiceInterval * this.config.periodNs;
    return startNs + Math.round((frame * 1e9) / this.sampleRate);
  }

  /** The frame of the device's output (rendered.wav through USB) where DMA output frame `dmaFrame` was played. */
  deviceFrameOf(dmaFrame: number): number {
    let low = 0;
    let high = this.mapDmaFrame.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.mapDmaFrame[middle]! <= dmaFrame) low = middle;
      else high = middle - 1;
    }
    return dmaFrame + this.mapOffset[low]!;
  }

  private shiftMap(dmaFrame: number, byFrames: number): void {
    const last = this.mapDmaFrame.length - 1;
    const offset = this.mapOffset[last]! + byFrames;
    if (this.mapDmaFrame[last] === dmaFrame) this.mapOffset[last] = offset;
    else if (this.mapDmaFrame.length < MAX_FRAME_MAP_POINTS) {
      this.mapDmaFrame.push(dmaFrame);
      this.mapOffset.push(offset);
    }
  }

  /** Silence the device plays where DMA audio should have been: a glitch, and the map shifts by what was inserted. */
  private audibleSilence(frames: number, insertedFrames: number, timeNs: number, cause: string): void {
    if (frames <= 0) return;
    this.glitch?.({ kind: 'usb-gap', startFrame: this.audioFrames + this.silenceFrames, frameCount: frames, timeNs, cause });
    if (insertedFrames > 0) this.shiftMap(this.dmaFramesPlayed, insertedFrames);
    this.emitSilence(frames, timeNs);
  }

  /** The device played the transfer's services: the gap before it, then each packet (and its silence). */
  private completed(transfer: IsochTransfer, timeNs: number): void {
    if (transfer.gapIntervalsBefore > 0 && transfer.gapAudible) {
      const firstGap = transfer.startInterval - transfer.gapIntervalsBefore;
      let gapFrames = 0;
      for (let interval = firstGap; interval < transfer.startInterval; interval++) gapFrames += framesDueIn(interval, this.sampleRate, this.config.intervalsPerSecond);
      const gapStartNs = timeNs - transfer.intervalCount * this.config.periodNs - transfer.gapIntervalsBefore * this.config.periodNs;
      this.audibleSilence(gapFrames, gapFrames, gapStartNs, 'the host fell behind: ContinueStream failed, the stream restarted and the (micro)frames skipped played silence');
      this.frames += transfer.gapIntervalsBefore;
      this.emptyFrames += transfer.gapIntervalsBefore;
      this.trace?.(timeNs, { kind: 'gap', fromInterval: firstGap, intervals: transfer.gapIntervalsBefore });
    }
    const buffer = this.pipe.buffer(transfer.handle)!;
    for (let index = 0; index < transfer.intervalCount; index++) {
      const bytes = transfer.packetLengths[index]!;
      const silent = transfer.silentFrames[index]!;
      if (bytes === 0 && silent === 0) continue;
      this.frames++;
      const serviceNs = timeNs - (transfer.intervalCount - index) * this.config.periodNs;
      if (transfer.dropped) {
        this.audibleSilence(bytes / this.blockAlign + silent, silent, serviceNs, 'a transfer was lost on the bus: its audio never played');
        this.dmaFramesPlayed += bytes / this.blockAlign;
        this.emptyFrames++;
        continue;
      }
      if (bytes > 0) {
        this.output?.writeFrom(buffer, transfer.offsetInBytes + index * this.config.maxBytesPerInterval, bytes, timeNs);
        this.audioFrames += bytes / this.blockAlign;
        this.dmaFramesPlayed += bytes / this.blockAlign;
        // the last, shorter service of the file says nothing about the rate pattern
        if (index !== transfer.endOfAudioIndex) {
          if (bytes < this.minBytesPerFrame) this.minBytesPerFrame = bytes;
          if (bytes > this.maxBytesPerFrame) this.maxBytesPerFrame = bytes;
        }
      } else {
        this.emptyFrames++;
      }
      if (silent > 0) {
        this.underrunFrames += silent;
        this.audibleSilence(silent, silent, serviceNs, 'the USB transport had no audio ready for the service (a USB-level underrun)');
      }
    }
    if (transfer.dropped) this.droppedTransfers++;
    if (this.transportState === 'drained') return;
    this.topUp(timeNs);
  }

  private emitSilence(frames: number, timeNs: number): void {
    let remaining = frames * this.blockAlign;
    this.silenceFrames += frames;
    while (remaining > 0) {
      const size = Math.min(remaining, this.silence.length);
      this.output?.writeFrom(this.silence, 0, size, timeNs);
      remaining -= size;
    }
  }

  private finishDrain(timeNs: number): void {
    if (this.transportState === 'drained') return;
    this.transition('drained');
    const done = this.onDrained;
    this.onDrained = null;
    done?.(timeNs);
  }

  summary(): UsbSummary {
    const failures: Record<string, number> = {};
    for (const [code, count] of [...this.pipe.failures].sort((a, b) => a[0] - b[0])) failures[win32ErrorName(code)] = count;
    return {
      speed: this.config.speed,
      interval: this.config.interval,
      periodNs: this.config.periodNs,
      maxBytesPerInterval: this.config.maxBytesPerInterval,
      transferBytes: this.config.transferBytes,
      transfersInFlight: this.config.transfersInFlight,
      frames: this.frames,
      bytesPerFrame: this.maxBytesPerFrame === 0 ? { min: null, max: null } : { min: this.minBytesPerFrame, max: this.maxBytesPerFrame },
      emptyFrames: this.emptyFrames,
      discontinuities: this.pipe.discontinuities,
      transfers: this.pipe.transfersAccepted,
      droppedTransfers: this.droppedTransfers,
      failures,
      audioFrames: this.audioFrames,
      silenceFrames: this.silenceFrames,
      underrunFrames: this.underrunFrames,
      overflowFrames: this.overflowFrames,
    };
  }
}
