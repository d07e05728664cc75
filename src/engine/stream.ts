import { EventPriority, type Scheduler } from '../clock/scheduler.js';
import { framesToNs, nsToFrames } from '../clock/time.js';
import type { StreamObserver } from './observer.js';
import {
  STATUS_DATA_LATE_ERROR, STATUS_DATA_OVERRUN, STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_PARAMETER,
  STATUS_NOT_SUPPORTED, STATUS_SUCCESS, STATUS_UNSUCCESSFUL, type NtStatus,
} from './status.js';
import {
  KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM, ksStateOrder,
  type AllocationResult, type AudioFormat, type AudioPosition, type DmaOutput, type HwLatency, type HwRegister,
  type KsState, type PresentationPosition, type Profile, type StreamOptions, type UnderflowPolicy,
} from './types.js';

/** The documented notification counts are 1 and 2; up to this many is accepted as a model extension. */
export const MAX_NOTIFICATION_COUNT = 8;

const TWO_POW_32 = 0x1_0000_0000;

export type NotificationListener = (packetCount: number, timeNs: number) => void;

/** The render stream of a WaveRT miniport in packet mode (IMiniportWaveRTStream + IMiniportWaveRTOutputStream). */
export class WaveRTStream {
  readonly profile: Profile;
  readonly underflowPolicy: UnderflowPolicy;
  readonly eosSilenceFill: boolean;
  private readonly hwLatency: HwLatency;
  private readonly scheduler: Scheduler;
  private format: AudioFormat;
  private silenceValue: number;

  private buffer: Buffer = Buffer.alloc(0);
  private silence: Buffer = Buffer.alloc(0);
  private notificationCount = 0;
  private packetSizeInBytes = 0;
  private packetFrames = 0;
  private bufferFrames = 0;

  private state: KsState = 'STOP';
  /** Frames the DMA has transferred since STOP (the linear position in frames). */
  private linearFrames = 0;
  private runStartNs = 0;
  /** When the DMA last left RUN: a PAUSE that took no model time (paced playback holding the model) keeps the frame clock. */
  private leftRunAtNs = -1;
  private framesAtRunStart = 0;
  /** The packet whose start has been evaluated for underflow (-1: none since STOP). */
  private startedPacket = -1;
  private currentPacketSilenced = false;
  /** For each slot, the packet number last written into it (-1: none since STOP). */
  private slotPacket: Float64Array = new Float64Array(0);
  private lastWrittenPacket = -1;
  private eosPacket = -1;
  private eosLengthInBytes = 0;
  private eosFrame = Number.POSITIVE_INFINITY;
  private finished = false;
  private lastNotificationFrame = -1;
  /** Bumped whenever the pending DMA event is no longer valid (PAUSE, STOP, a new EOS point). */
  private dmaGeneration = 0;
  private readonly onDmaEvent = (timeNs: number, generation: number): void => this.handleDmaEvent(timeNs, generation);

  private output: DmaOutput | null = null;
  private readonly observers: StreamObserver[] = [];
  private readonly notificationListeners: NotificationListener[] = [];
  private readonly endListeners: Array<(timeNs: number) => void> = [];

  constructor(scheduler: Scheduler, format: AudioFormat, options: StreamOptions = {}) {
    this.scheduler = scheduler;
    this.format = format;
    this.silenceValue = silenceValueFor(format);
    this.profile = options.profile ?? 'doc';
    this.underflowPolicy = options.underflowPolicy ?? 'repeat';
    this.eosSilenceFill = options.eosSilenceFill ?? this.profile === 'doc';
    this.hwLatency = {
      fifoSizeInBytes: options.hwLatency?.fifoSizeInBytes ?? 0,
      chipsetDelayIn100ns: options.hwLatency?.chipsetDelayIn100ns ?? 0,
      codecDelayIn100ns: options.hwLatency?.codecDelayIn100ns ?? 0,
    };
  }

  // ---- wiring (not part of the DDI) ----

  attachOutput(output: DmaOutput | null): void {
    this.output = output;
  }

  addObserver(observer: StreamObserver): void {
    this.observers.push(observer);
  }

  /** IMiniportWaveRTStreamNotification::RegisterNotificationEvent */
  registerNotificationEvent(listener: NotificationListener): void {
    this.notificationListeners.push(listener);
  }

  /** IMiniportWaveRTStreamNotification::UnregisterNotificationEvent */
  unregisterNotificationEvent(listener: NotificationListener): void {
    const index = this.notificationListeners.indexOf(listener);
    if (index >= 0) this.notificationListeners.splice(index, 1);
  }

  /** Called once when the DMA has played the EOS point and the FIFO overshoot. */
  onEnd(listener: (timeNs: number) => void): void {
    this.endListeners.push(listener);
  }

  // ---- buffer allocation ----

  /** IMiniportWaveRTStreamNotification::AllocateBufferWithNotification */
  allocateBufferWithNotification(requestedSizeInBytes: number, notificationCount: number): AllocationResult {
    const blockAlign = this.format.blockAlign;
    const refused = (reason: string): AllocationResult => ({
      status: STATUS_UNSUCCESSFUL, requestedSizeInBytes, actualSizeInBytes: 0, notificationCount,
      packetSizeInBytes: 0, extension: false, reason,
    });
    if (this.state !== 'STOP') return { ...refused('the stream is not in STOP'), status: STATUS_INVALID_DEVICE_STATE };
    if (!Number.isInteger(notificationCount) || notificationCount < 1 || notificationCount > MAX_NOTIFICATION_COUNT) {
      return { ...refused(`notification count ${notificationCount} is outside 1…${MAX_NOTIFICATION_COUNT}`), status: STATUS_INVALID_PARAMETER };
    }
    const granule = notificationCount * blockAlign;
    if (!Number.isInteger(requestedSizeInBytes) || requestedSizeInBytes < granule) {
      return refused(`requested size ${requestedSizeInBytes} bytes is smaller than ${notificationCount} packet(s) of one ${blockAlign}-byte frame`);
    }
    // round down so that every packet holds whole frames (the reference driver may split a frame; we do not)
    const actualSizeInBytes = Math.floor(requestedSizeInBytes / granule) * granule;
    this.setBuffer(actualSizeInBytes, notificationCount);
    return {
      status: STATUS_SUCCESS, requestedSizeInBytes, actualSizeInBytes, notificationCount,
      packetSizeInBytes: this.packetSizeInBytes, extension: notificationCount > 2,
    };
  }

  /** IMiniportWaveRTStream::AllocateAudioBuffer: a buffer without notifications (no packet mode). */
  allocateAudioBuffer(requestedSizeInBytes: number): AllocationResult {
    const blockAlign = this.format.blockAlign;
    if (this.state !== 'STOP') {
      return { status: STATUS_INVALID_DEVICE_STATE, requestedSizeInBytes, actualSizeInBytes: 0, notificationCount: 0, packetSizeInBytes: 0, extension: false, reason: 'the stream is not in STOP' };
    }
    if (!Number.isInteger(requestedSizeInBytes) || requestedSizeInBytes < blockAlign) {
      return { status: STATUS_UNSUCCESSFUL, requestedSizeInBytes, actualSizeInBytes: 0, notificationCount: 0, packetSizeInBytes: 0, extension: false, reason: `requested size ${requestedSizeInBytes} bytes is smaller than one ${blockAlign}-byte frame` };
    }
    const actualSizeInBytes = Math.floor(requestedSizeInBytes / blockAlign) * blockAlign;
    this.setBuffer(actualSizeInBytes, 0);
    return { status: STATUS_SUCCESS, requestedSizeInBytes, actualSizeInBytes, notificationCount: 0, packetSizeInBytes: 0, extension: false };
  }

  /** IMiniportWaveRTStream::FreeAudioBuffer */
  freeAudioBuffer(): void {
    this.setBuffer(0, 0);
  }

  private setBuffer(sizeInBytes: number, notificationCount: number): void {
    this.buffer = Buffer.alloc(sizeInBytes, this.silenceValue);
    this.notificationCount = notificationCount;
    this.packetSizeInBytes = notificationCount > 0 ? sizeInBytes / notificationCount : sizeInBytes;
    this.packetFrames = this.packetSizeInBytes / this.format.blockAlign;
    this.bufferFrames = sizeInBytes / this.format.blockAlign;
    this.silence = Buffer.alloc(this.packetSizeInBytes, this.silenceValue);
    this.slotPacket = new Float64Array(Math.max(notificationCount, 1)).fill(-1);
    this.resetPositions();
  }

  // ---- format and state ----

  /** IMiniportWaveRTStream::SetFormat: only in STOP. */
  setFormat(format: AudioFormat): NtStatus {
    if (this.state !== 'STOP') return STATUS_INVALID_DEVICE_STATE;
    if (this.buffer.length > 0 && this.buffer.length % format.blockAlign !== 0) return STATUS_INVALID_PARAMETER;
    this.format = format;
    this.silenceValue = silenceValueFor(format);
    if (this.buffer.length > 0) this.setBuffer(this.buffer.length, this.notificationCount);
    return STATUS_SUCCESS;
  }

  getFormat(): AudioFormat {
    return this.format;
  }

  getState(): KsState {
    return this.state;
  }

  /** IMiniportWaveRTStream::SetState: one neighbouring step at a time, as the port driver does. */
  setState(target: KsState): NtStatus {
    const from = this.state;
    if (target === from) return STATUS_SUCCESS;
    if (Math.abs(ksStateOrder.indexOf(target) - ksStateOrder.indexOf(from)) !== 1) return STATUS_INVALID_DEVICE_STATE;
    const timeNs = this.scheduler.timeNs;
    if (from === 'RUN') {
      // freeze the DMA where it is, keeping the phase inside the current packet
      this.advanceDma(timeNs);
      this.dmaGeneration++;
      this.leftRunAtNs = timeNs;
    }
    this.state = target;
    if (target === 'STOP') this.resetPositions();
    for (const observer of this.observers) observer.stateChanged?.(from, target, timeNs, this.linearFrames);
    if (target === 'RUN') this.startDma(timeNs);
    return STATUS_SUCCESS;
  }

  /** Steps through the neighbouring states to reach `target`; returns the first failing status. */
  stepTo(target: KsState): NtStatus {
    while (this.state !== target) {
      const here = ksStateOrder.indexOf(this.state);
      const next = ksStateOrder[here + Math.sign(ksStateOrder.indexOf(target) - here)]!;
      const status = this.setState(next);
      if (status !== STATUS_SUCCESS) return status;
    }
    return STATUS_SUCCESS;
  }

  private resetPositions(): void {
    this.linearFrames = 0;
    this.framesAtRunStart = 0;
    this.leftRunAtNs = -1;
    this.startedPacket = -1;
    this.currentPacketSilenced = false;
    this.slotPacket.fill(-1);
    this.lastWrittenPacket = -1;
    this.eosPacket = -1;
    this.eosLengthInBytes = 0;
    this.eosFrame = Number.POSITIVE_INFINITY;
    this.finished = false;
    this.lastNotificationFrame = -1;
    this.dmaGeneration++;
  }

  // ---- the packet interface ----

  /** IMiniportWaveRTOutputStream::SetWritePacket. Never throws: the status is the answer. */
  setWritePacket(packetNumber: number, flags: number, eosPacketLength: number): NtStatus {
    const timeNs = this.scheduler.timeNs;
    this.advanceDma(timeNs);
    const status = this.checkAndApplyWrite(packetNumber >>> 0, flags >>> 0, eosPacketLength >>> 0);
    if (this.observers.length > 0) {
      const count = this.packetCount();
      const linearPacket = count + ((((packetNumber >>> 0) - (count % TWO_POW_32)) | 0));
      const marginNs = this.state === 'RUN' && !this.finished
        ? framesToNsSigned(linearPacket * this.packetFrames - this.linearFrames, this.format.sampleRate)
        : Number.NaN;
      for (const observer of this.observers) {
        observer.writePacket?.(packetNumber >>> 0, flags >>> 0, eosPacketLength >>> 0, status, timeNs, this.linearFrames, count, marginNs);
      }
    }
    return status;
  }

  private checkAndApplyWrite(packetNumber: number, flags: number, eosPacketLength: number): NtStatus {
    if (this.notificationCount === 0) return STATUS_NOT_SUPPORTED;
    const isEos = (flags & KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM) !== 0;
    // the reference driver ignores flags it does not know; the doc makes them invalid
    if (this.profile === 'doc' && (flags & ~KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM) !== 0) return STATUS_INVALID_PARAMETER;
    if (this.eosPacket >= 0) return STATUS_INVALID_DEVICE_STATE;
    const count = this.packetCount();
    const delta = (packetNumber - (count % TWO_POW_32)) | 0;
    const n = this.notificationCount;
    let lowest: number;
    let highest: number;
    if (this.state === 'RUN') {
      // packet c is transferring; N = 1 may still overwrite the rest of its only slot with c+1
      lowest = 1;
      highest = Math.max(1, n - 1);
    } else {
      lowest = 0;
      highest = this.profile === 'sysvad' ? 0 : n - 1;
    }
    if (delta < lowest) return STATUS_DATA_LATE_ERROR;
    if (delta > highest) return STATUS_DATA_OVERRUN;
    if (isEos && (eosPacketLength > this.packetSizeInBytes || eosPacketLength % this.format.blockAlign !== 0)) {
      return STATUS_INVALID_PARAMETER;
    }
    const linearPacket = count + delta;
    this.slotPacket[linearPacket % n] = linearPacket;
    if (linearPacket > this.lastWrittenPacket) this.lastWrittenPacket = linearPacket;
    if (isEos) this.setEndOfStream(linearPacket, eosPacketLength);
    return STATUS_SUCCESS;
  }

  private setEndOfStream(linearPacket: number, eosPacketLength: number): void {
    this.eosPacket = linearPacket;
    this.eosLengthInBytes = eosPacketLength;
    this.eosFrame = linearPacket * this.packetFrames + eosPacketLength / this.format.blockAlign;
    if (this.state === 'RUN') this.scheduleDmaEvent();
  }

  /**
   * The OS side writing into the mapped cyclic buffer. The DMA is first brought up to now, so a write into
   * the slot being transferred changes what is heard from this moment on, not retroactively.
   */
  copyToBuffer(offsetInBytes: number, source: Buffer, sourceOffset: number, lengthInBytes: number): void {
    this.advanceDma(this.scheduler.timeNs);
    const size = this.buffer.length;
    let offset = offsetInBytes % size;
    let remaining = lengthInBytes;
    let from = sourceOffset;
    for (const observer of this.observers) observer.bufferWritten?.(offset, lengthInBytes, this.scheduler.timeNs);
    while (remaining > 0) {
      const chunk = Math.min(remaining, size - offset);
      source.copy(this.buffer, offset, from, from + chunk);
      remaining -= chunk;
      from += chunk;
      offset = 0;
    }
  }

  /** Byte offset of packet `packetNumber`'s slot in the cyclic buffer. */
  packetOffsetInBytes(packetNumber: number): number {
    return this.notificationCount === 0 ? 0 : (packetNumber % this.notificationCount) * this.packetSizeInBytes;
  }

  // ---- position and properties ----

  /** KSPROPERTY_RTAUDIO_PACKETCOUNT: packets completely transferred since STOP (ULONG, wraps at 2^32). */
  getPacketCount(): number {
    this.advanceDma(this.scheduler.timeNs);
    return this.packetCount() % TWO_POW_32;
  }

  /** IMiniportWaveRTStream::GetPosition */
  getPosition(): AudioPosition {
    this.advanceDma(this.scheduler.timeNs);
    const size = this.buffer.length;
    const playOffsetInBytes = size === 0 ? 0 : (this.linearFrames * this.format.blockAlign) % size;
    const writeEnd = this.eosPacket >= 0
      ? this.eosFrame * this.format.blockAlign
      : (this.lastWrittenPacket + 1) * this.packetSizeInBytes;
    return { playOffsetInBytes, writeOffsetInBytes: size === 0 ? 0 : writeEnd % size };
  }

  /** Bytes transferred since STOP (the linear buffer position). */
  getLinearPositionInBytes(): number {
    this.advanceDma(this.scheduler.timeNs);
    return this.linearFrames * this.format.blockAlign;
  }

  /** IMiniportWaveRTStream::GetPresentationPosition: frames that have left the device, at the model time. */
  getPresentationPosition(): PresentationPosition {
    const timeNs = this.scheduler.timeNs;
    this.advanceDma(timeNs);
    const positionInBlocks = Math.max(0, this.linearFrames - this.latencyFrames());
    return { positionInBlocks, timeNs };
  }

  /** IMiniportWaveRTStream::GetHWLatency */
  getHWLatency(): HwLatency {
    return { ...this.hwLatency };
  }

  /** IMiniportWaveRTStream::GetPositionRegister: the play offset in the cyclic buffer, in bytes. */
  getPositionRegister(): HwRegister {
    return { widthInBits: 32, numerator: 1, denominator: 1, accuracy: this.format.blockAlign, read: () => this.getPosition().playOffsetInBytes };
  }

  /** IMiniportWaveRTStream::GetClockRegister: a free-running counter of frames at the sample rate. */
  getClockRegister(): HwRegister {
    return {
      widthInBits: 64, numerator: this.format.sampleRate, denominator: 1, accuracy: 1,
      read: () => nsToFrames(this.scheduler.timeNs, this.format.sampleRate),
    };
  }

  get isFinished(): boolean {
    return this.finished;
  }

  get bufferSizeInBytes(): number {
    return this.buffer.length;
  }

  get packetSize(): number {
    return this.packetSizeInBytes;
  }

  get packetFrameCount(): number {
    return this.packetFrames;
  }

  get notifications(): number {
    return this.notificationCount;
  }

  /** A copy of the cyclic buffer, for tests and reports. */
  snapshotBuffer(): Buffer {
    return Buffer.from(this.buffer);
  }

  /** Frames of hardware latency between the DMA and the listener (FIFO and delays). */
  latencyFrames(): number {
    const delayNs = (this.hwLatency.chipsetDelayIn100ns + this.hwLatency.codecDelayIn100ns) * 100;
    return Math.floor(this.hwLatency.fifoSizeInBytes / this.format.blockAlign) + nsToFrames(delayNs, this.format.sampleRate);
  }

  // ---- the DMA ----

  private packetCount(): number {
    if (this.packetFrames === 0) return 0;
    return Math.floor(this.linearFrames / this.packetFrames);
  }

  private frameAt(timeNs: number): number {
    return this.framesAtRunStart + nsToFrames(timeNs - this.runStartNs, this.format.sampleRate);
  }

  private timeOfFrame(frame: number): number {
    return this.runStartNs + framesToNs(frame - this.framesAtRunStart, this.format.sampleRate);
  }

  private startDma(timeNs: number): void {
    if (this.bufferFrames === 0) return;
    // back in RUN at the instant it left: the sub-frame phase stays, so the run is the same as one never paused
    if (this.leftRunAtNs !== timeNs) {
      this.runStartNs = timeNs;
      this.framesAtRunStart = this.linearFrames;
    }
    if (this.finished) return;
    if (this.linearFrames >= this.eosFrame) {
      this.finish(timeNs);
      return;
    }
    const packet = this.packetCount();
    if (this.startedPacket !== packet) this.startPacket(packet, timeNs);
    this.scheduleDmaEvent();
  }

  /** The next thing the DMA does by itself: the end of the current packet, or the EOS point before it. */
  private scheduleDmaEvent(): void {
    if (this.finished) return;
    const nextBoundary = (this.packetCount() + 1) * this.packetFrames;
    const frame = Math.min(nextBoundary, this.eosFrame);
    this.dmaGeneration++;
    this.scheduler.at(this.timeOfFrame(frame), EventPriority.dma, this.onDmaEvent, this.dmaGeneration);
  }

  private handleDmaEvent(timeNs: number, generation: number): void {
    if (generation !== this.dmaGeneration || this.state !== 'RUN' || this.finished) return;
    const frame = this.frameAt(timeNs);
    this.transferTo(frame, timeNs);
    if (this.notificationCount > 0 && this.linearFrames % this.packetFrames === 0 && this.linearFrames > 0 && this.lastNotificationFrame !== this.linearFrames) {
      this.signalNotification(timeNs);
    }
    if (this.linearFrames >= this.eosFrame) {
      this.finish(timeNs);
      return;
    }
    this.startPacket(this.packetCount(), timeNs);
    this.scheduleDmaEvent();
  }

  /** Brings the DMA up to `timeNs`, never past the next pending boundary (that is the DMA event's job). */
  private advanceDma(timeNs: number): void {
    if (this.state !== 'RUN' || this.finished || this.packetFrames === 0) return;
    const boundary = Math.min((this.packetCount() + 1) * this.packetFrames, this.eosFrame);
    const target = Math.min(this.frameAt(timeNs), boundary);
    if (target > this.linearFrames) this.transferTo(target, timeNs);
  }

  private startPacket(packetNumber: number, timeNs: number): void {
    this.startedPacket = packetNumber;
    // without notifications there are no packets to write: the DMA just loops over the buffer
    if (this.notificationCount === 0) {
      this.currentPacketSilenced = false;
      return;
    }
    const written = this.slotPacket[packetNumber % this.notificationCount] === packetNumber;
    this.currentPacketSilenced = !written && this.underflowPolicy === 'silence';
    if (!written) {
      for (const observer of this.observers) {
        observer.underflow?.(packetNumber, packetNumber * this.packetFrames, this.packetFrames, timeNs, this.currentPacketSilenced);
      }
    }
  }

  /** Moves bytes from the cyclic buffer to the output as they are at this moment. */
  private transferTo(targetFrame: number, timeNs: number): void {
    const blockAlign = this.format.blockAlign;
    while (this.linearFrames < targetFrame) {
      const packet = this.packetCount();
      const packetEnd = (packet + 1) * this.packetFrames;
      const frames = Math.min(targetFrame, packetEnd) - this.linearFrames;
      const inPacketFrames = this.linearFrames - packet * this.packetFrames;
      const sizeInBytes = frames * blockAlign;
      const offset = this.currentPacketSilenced ? -1 : this.packetOffsetInBytes(packet) + inPacketFrames * blockAlign;
      if (this.output) {
        if (offset < 0) this.output.writeFrom(this.silence, 0, sizeInBytes, timeNs);
        else this.output.writeFrom(this.buffer, offset, sizeInBytes, timeNs);
      }
      for (const observer of this.observers) observer.output?.(sizeInBytes, timeNs, offset, packet);
      this.linearFrames += frames;
    }
  }

  private signalNotification(timeNs: number): void {
    this.lastNotificationFrame = this.linearFrames;
    const count = this.packetCount() % TWO_POW_32;
    for (const observer of this.observers) observer.notification?.(count, timeNs, this.linearFrames);
    for (const listener of this.notificationListeners) listener(count, timeNs);
  }

  private finish(timeNs: number): void {
    this.finished = true;
    this.dmaGeneration++;
    for (const observer of this.observers) observer.endOfStream?.(this.eosPacket, this.eosLengthInBytes, timeNs, this.linearFrames);
    const eosOffset = (this.eosFrame * this.format.blockAlign) % this.buffer.length;
    // filled when the DMA gets there (everything before it is played), so a fill never lands in a packet still being heard
    if (this.eosSilenceFill) this.buffer.fill(this.silenceValue);
    const fifo = this.hwLatency.fifoSizeInBytes;
    if (fifo > 0) {
      this.emitCyclic(eosOffset, fifo, timeNs);
      for (const observer of this.observers) observer.fifoOvershoot?.(fifo, this.eosSilenceFill, timeNs);
    }
    if (this.lastNotificationFrame !== this.linearFrames) this.signalNotification(timeNs);
    for (const listener of this.endListeners) listener(timeNs);
  }

  private emitCyclic(offsetInBytes: number, lengthInBytes: number, timeNs: number): void {
    let offset = offsetInBytes;
    let remaining = lengthInBytes;
    while (remaining > 0) {
      const chunk = Math.min(remaining, this.buffer.length - offset);
      this.output?.writeFrom(this.buffer, offset, chunk, timeNs);
      for (const observer of this.observers) observer.output?.(chunk, timeNs, offset, -1);
      remaining -= chunk;
      offset = 0;
    }
  }
}

export function silenceValueFor(format: AudioFormat): number {
  return format.encoding === 'pcm' && format.bitsPerSample === 8 ? 0x80 : 0;
}

function framesToNsSigned(frames: number, sampleRate: number): number {
  return frames >= 0 ? framesToNs(frames, sampleRate) : -framesToNs(-frames, sampleRate);
}
