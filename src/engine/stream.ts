import type { Scheduler } from '../clock/scheduler.js';
import { nsToFrames } from '../clock/time.js';
import { checkSetFormat, planAudioBuffer, planNotificationBuffer } from './allocation.js';
import { Dma } from './dma.js';
import type { StreamObserver } from './observer.js';
import { RunClock, type NeverEndedReason, type NotificationListener } from './run-clock.js';
import { presentationFrames, reportedHwLatency, hwLatencyFrames } from './positions.js';
import { builtinProfile, docProfile, type DriverProfile, type ProfileChoices } from './profile.js';
import { STATUS_INVALID_DEVICE_STATE, STATUS_NOT_SUPPORTED, STATUS_SUCCESS, type NtStatus } from './status.js';
import {
  KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM, ksStateOrder,
  type AllocationResult, type AudioFormat, type DmaOutput, type HwLatency, type HwRegister, type KsState,
  type PacketCountResult, type PositionResult, type PresentationPosition, type StreamOptions, type UnderflowPolicy,
} from './types.js';
import { modUlong, packetWindow, writeStatus, type PacketWindow } from './write-packet.js';

export { MAX_NOTIFICATION_COUNT } from './allocation.js';
export type { NeverEndedReason, NotificationListener } from './run-clock.js';


export function resolveProfile(profile: StreamOptions['profile']): DriverProfile {
  if (profile === undefined) return docProfile;
  if (typeof profile === 'string') return builtinProfile(profile) ?? docProfile;
  return profile;
}

/**
 * The render stream of a WaveRT miniport in packet mode (IMiniportWaveRTStream + IMiniportWaveRTOutputStream).
 * Its rules come from the profile's choices: write-packet.ts (SetWritePacket), allocation.ts (buffers and
 * SetFormat), dma.ts (the transfer), run-clock.ts (packets, events and the end in RUN; the reference's
 * 1 ms timer in notification-timer.ts), positions.ts (latency and presentation).
 */
export class WaveRTStream {
  readonly profile: DriverProfile;
  readonly choices: ProfileChoices;
  readonly underflowPolicy: UnderflowPolicy;
  readonly eosSilenceFill: boolean;
  private readonly hwLatency: HwLatency;
  private readonly scheduler: Scheduler;
  private format: AudioFormat;
  private readonly dma: Dma;
  private readonly clock: RunClock;
  /** Packets that split a frame (block-align rounding): allocated as the driver would, but not runnable. */
  private packetsSplitFrames = false;
  private state: KsState = 'STOP';
  private readonly observers: StreamObserver[] = [];
  /** The storable windows of each phase (constant for a buffer): made at allocation, not per call. */
  private runWindow: PacketWindow = { lowest: 1, highest: 1 };
  private prerollWindow: PacketWindow = { lowest: 0, highest: 0 };
  private pausedWindow: PacketWindow = { lowest: 0, highest: 0 };

  constructor(scheduler: Scheduler, format: AudioFormat, options: StreamOptions = {}) {
    this.scheduler = scheduler;
    this.format = format;
    this.profile = resolveProfile(options.profile);
    this.choices = this.profile.choices;
    this.underflowPolicy = options.underflowPolicy ?? this.choices.underflow;
    this.eosSilenceFill = options.eosSilenceFill ?? this.choices.eosSilenceFill;
    this.hwLatency = {
      fifoSizeInBytes: options.hwLatency?.fifoSizeInBytes ?? 0,
      chipsetDelayIn100ns: options.hwLatency?.chipsetDelayIn100ns ?? 0,
      codecDelayIn100ns: options.hwLatency?.codecDelayIn100ns ?? 0,
    };
    this.dma = new Dma(this.observers, this.underflowPolicy);
    this.clock = new RunClock(scheduler, this.dma, this.observers, this.choices, {
      eosSilenceFill: this.eosSilenceFill, fifoSizeInBytes: this.hwLatency.fifoSizeInBytes,
    });
    this.clock.setFormat(format);
  }

  // ---- wiring (not part of the DDI) ----

  attachOutput(output: DmaOutput | null): void {
    this.dma.output = output;
  }

  addObserver(observer: StreamObserver): void {
    this.observers.push(observer);
  }

  /** IMiniportWaveRTStreamNotification::RegisterNotificationEvent */
  registerNotificationEvent(listener: NotificationListener): void {
    this.clock.notificationListeners.push(listener);
  }

  /** IMiniportWaveRTStreamNotification::UnregisterNotificationEvent */
  unregisterNotificationEvent(listener: NotificationListener): void {
    const index = this.clock.notificationListeners.indexOf(listener);
    if (index >= 0) this.clock.notificationListeners.splice(index, 1);
  }

  /** Called when an accepted EOS is one this driver never reaches (eosAtBufferEnd: never-ends). */
  onNeverEnding(listener: (timeNs: number) => void): void {
    this.clock.neverEndingListeners.push(listener);
  }

  /** Called once when the DMA has played the EOS point and the FIFO overshoot. */
  onEnd(listener: (timeNs: number) => void): void {
    this.clock.endListeners.push(listener);
  }

  // ---- buffer allocation ----

  /** IMiniportWaveRTStreamNotification::AllocateBufferWithNotification */
  allocateBufferWithNotification(requestedSizeInBytes: number, notificationCount: number): AllocationResult {
    const plan = planNotificationBuffer(this.choices, this.format, this.state, requestedSizeInBytes, notificationCount);
    if (plan.status !== STATUS_SUCCESS) return plan;
    this.setBuffer(plan.actualSizeInBytes, notificationCount, plan.packetSizeInBytes, plan.packetsSplitFrames);
    if (this.clock.timer) this.clock.timer.intervalMs = plan.notificationIntervalMs;
    return plan;
  }

  /** IMiniportWaveRTStream::AllocateAudioBuffer: a buffer without notifications (no packet mode). */
  allocateAudioBuffer(requestedSizeInBytes: number): AllocationResult {
    const plan = planAudioBuffer(this.format, this.state, requestedSizeInBytes);
    if (plan.status !== STATUS_SUCCESS) return plan;
    this.setBuffer(plan.actualSizeInBytes, 0, plan.actualSizeInBytes, false);
    if (this.clock.timer) this.clock.timer.intervalMs = 0;
    return plan;
  }

  /** IMiniportWaveRTStream::FreeAudioBuffer */
  freeAudioBuffer(): void {
    this.setBuffer(0, 0, 0, false);
  }

  private setBuffer(sizeInBytes: number, notificationCount: number, packetSizeInBytes: number, splitsFrames: boolean): void {
    this.dma.setBuffer(sizeInBytes, notificationCount, packetSizeInBytes, this.format);
    this.runWindow = packetWindow(this.choices, this.dma.notificationCount, 'run');
    this.prerollWindow = packetWindow(this.choices, this.dma.notificationCount, 'preroll');
    this.pausedWindow = packetWindow(this.choices, this.dma.notificationCount, 'paused-after-run');
    this.packetsSplitFrames = splitsFrames;
    this.resetPositions();
  }

  // ---- format and state ----

  /** IMiniportWaveRTStream::SetFormat (choice setFormat); a refused call changes nothing. */
  setFormat(format: AudioFormat): NtStatus {
    const status = checkSetFormat(this.choices, this.state, format, this.dma.buffer.length > 0 ? this.dma.packetSizeInBytes : 0);
    if (status !== STATUS_SUCCESS) return status;
    this.format = format;
    this.clock.setFormat(format);
    this.setBuffer(this.dma.buffer.length, this.dma.notificationCount, this.dma.packetSizeInBytes, false);
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
    // the model moves whole frames; a buffer whose packets split a frame is allocated but cannot be played
    if (from === 'STOP' && this.packetsSplitFrames) return STATUS_NOT_SUPPORTED;
    const timeNs = this.scheduler.timeNs;
    if (from === 'RUN') this.clock.pause(timeNs);
    this.state = target;
    if (target === 'STOP') this.resetPositions();
    for (const observer of this.observers) observer.stateChanged?.(from, target, timeNs, this.dma.linearFrames);
    if (target === 'RUN') this.clock.run(timeNs);
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
    this.dma.reset();
    this.clock.reset();
  }

  // ---- the packet interface ----

  /** IMiniportWaveRTOutputStream::SetWritePacket. Never throws: the status is the answer. */
  setWritePacket(packetNumber: number, flags: number, eosPacketLength: number): NtStatus {
    const timeNs = this.scheduler.timeNs;
    const clock = this.clock;
    const dma = this.dma;
    clock.advance(timeNs);
    const count = clock.packetCount();
    // scalars only: a 10-minute render makes 60,000 of these calls
    const number = packetNumber >>> 0;
    const flagBits = flags >>> 0;
    const eosLength = eosPacketLength >>> 0;
    // storableWindow, inline
    const window = this.state === 'RUN' ? this.runWindow : dma.startedPacket >= 0 ? this.pausedWindow : this.prerollWindow;
    const status = writeStatus(
      this.choices, window, dma.notificationCount, dma.packetSizeInBytes, this.format.blockAlign,
      count, clock.eosReceived, number, flagBits, eosLength,
    );
    // where the DMA will play an accepted write: the written packet itself unless the count runs apart from the DMA
    const linearPacket = count + ((number - modUlong(count)) | 0);
    const dmaPacket = status === STATUS_SUCCESS && clock.timer ? dma.packetPlaying(linearPacket) : linearPacket;
    if (status === STATUS_SUCCESS) {
      dma.markWritten(dmaPacket);
      if ((flagBits & KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM) !== 0) clock.setEndOfStream(dmaPacket, eosLength, dma.passHearing(dmaPacket));
    }
    const observers = this.observers;
    if (observers.length > 0) {
      const marginNs = clock.marginNs(dmaPacket);
      for (let i = 0; i < observers.length; i++) {
        observers[i]!.writePacket?.(number, flagBits, eosLength, status, timeNs, dma.linearFrames, count, marginNs, dmaPacket);
      }
    }
    return status;
  }

  /**
   * The OS side writing into the mapped cyclic buffer. The DMA is first brought up to now, so a write into
   * the slot being transferred changes what is heard from this moment on, not retroactively.
   */
  copyToBuffer(offsetInBytes: number, source: Buffer, sourceOffset: number, lengthInBytes: number): void {
    const timeNs = this.scheduler.timeNs;
    this.clock.advance(timeNs);
    this.dma.copyToBuffer(offsetInBytes, source, sourceOffset, lengthInBytes, timeNs);
  }

  /** The packets SetWritePacket would store now, as deltas from the count (not a DDI call: the client's knowledge). */
  storableWindow(): PacketWindow {
    if (this.state === 'RUN') return this.runWindow;
    return this.dma.startedPacket >= 0 ? this.pausedWindow : this.prerollWindow;
  }

  /** Byte offset of packet `packetNumber`'s slot in the cyclic buffer. */
  packetOffsetInBytes(packetNumber: number): number {
    const dma = this.dma;
    return dma.notificationCount === 0 ? 0 : (packetNumber % dma.notificationCount) * dma.packetSizeInBytes;
  }

  // ---- position and properties ----

  /**
   * IMiniportWaveRTOutputStream::GetPacketCount / KSPROPERTY_RTAUDIO_PACKETCOUNT: packets completely
   * transferred since STOP (ULONG, wraps at 2^32). Without a notification buffer STATUS_NOT_SUPPORTED.
   */
  getPacketCount(): PacketCountResult {
    if (this.dma.notificationCount === 0) return { status: STATUS_NOT_SUPPORTED, packetCount: 0 };
    return { status: STATUS_SUCCESS, packetCount: this.packetCountNow() };
  }

  /** GetPacketCount's ULONG without its result object (0 without a notification buffer): the client reads it per packet. */
  packetCountNow(): number {
    if (this.dma.notificationCount === 0) return 0;
    this.clock.advance(this.scheduler.timeNs);
    return modUlong(this.clock.packetCount());
  }

  /** IMiniportWaveRTStream::GetPosition */
  getPosition(): PositionResult {
    this.clock.advance(this.scheduler.timeNs);
    const size = this.dma.buffer.length;
    const blockAlign = this.format.blockAlign;
    const playOffsetInBytes = size === 0 ? 0 : (this.dma.linearFrames * blockAlign) % size;
    const writeEnd = this.clock.eosReceived && Number.isFinite(this.clock.eosFrame)
      ? this.clock.eosFrame * blockAlign
      : (this.dma.lastWrittenPacket + 1) * this.dma.packetSizeInBytes;
    return { status: STATUS_SUCCESS, playOffsetInBytes, writeOffsetInBytes: size === 0 ? 0 : writeEnd % size };
  }

  /** Bytes transferred since STOP (the linear buffer position). */
  getLinearPositionInBytes(): number {
    this.clock.advance(this.scheduler.timeNs);
    return this.dma.linearFrames * this.format.blockAlign;
  }

  /**
   * IMiniportWaveRTOutputStream::GetOutputStreamPresentationPosition: frames that have left the device, at the
   * model time (choice presentationAfterEos). Without a notification buffer STATUS_NOT_SUPPORTED.
   */
  getPresentationPosition(): PresentationPosition {
    const timeNs = this.scheduler.timeNs;
    if (this.dma.notificationCount === 0) return { status: STATUS_NOT_SUPPORTED, positionInBlocks: 0, timeNs };
    this.clock.advance(timeNs);
    const positionInBlocks = presentationFrames(this.choices, this.clock.runFrames(timeNs), this.latencyFrames(), this.clock.eosFrame);
    return { status: STATUS_SUCCESS, positionInBlocks, timeNs };
  }

  /** IMiniportWaveRTStream::GetHWLatency (choice hwLatency). */
  getHWLatency(): HwLatency {
    return reportedHwLatency(this.choices, this.hwLatency);
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
    return this.clock.finished;
  }

  /** Frames up to the end of the EOS packet that the stream ended without playing (an EOS compared modulo the buffer). */
  get eosShortfallFrames(): number {
    return this.clock.eosShortfallFrames;
  }

  /** Why the stream has not ended: an EOS the driver never reaches, no timer, or no EOS accepted at all. */
  get neverEndedReason(): NeverEndedReason {
    return this.clock.neverEndedReason;
  }

  /** The reference's notification interval in whole ms (packetClock timer-1ms), else null. */
  get notificationIntervalMs(): number | null {
    return this.clock.timer ? this.clock.timer.intervalMs : null;
  }

  get bufferSizeInBytes(): number {
    return this.dma.buffer.length;
  }

  get packetSize(): number {
    return this.dma.packetSizeInBytes;
  }

  get packetFrameCount(): number {
    return this.dma.packetFrames;
  }

  get notifications(): number {
    return this.dma.notificationCount;
  }

  /** A copy of the cyclic buffer, for tests and reports. */
  snapshotBuffer(): Buffer {
    return Buffer.from(this.dma.buffer);
  }

  /** Frames of reported hardware latency between the DMA and the listener (FIFO and delays). */
  latencyFrames(): number {
    return hwLatencyFrames(this.getHWLatency(), this.format);
  }
}
