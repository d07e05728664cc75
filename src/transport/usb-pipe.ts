import { EventPriority, type Scheduler } from '../clock/scheduler.js';
import type { ResolvedUsbConfig } from './usb-config.js';
import { ERROR_GEN_FAILURE, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_SUCCESS } from './win32-errors.js';

/** One accepted WinUsb_WriteIsochPipeAsap request, as the host scheduled it. Records are pooled. */
export interface IsochTransfer {
  sequence: number;
  handle: number;
  offsetInBytes: number;
  lengthInBytes: number;
  /** First service (bus interval index from model time 0) and how many services it occupies. */
  startInterval: number;
  intervalCount: number;
  /** Services left empty between the previous transfer and this one (a discontinuity's gap). */
  gapIntervalsBefore: number;
  /** Whether the device heard that gap as silence inside a stream (false: the host had stopped streaming on purpose); set by the submitter. */
  gapAudible: boolean;
  /** Per service: audio bytes in the packet (the iso packet descriptor's Length); set by the submitter. */
  packetLengths: Uint32Array;
  /** Per service: frames the device plays as silence because the submitter had no audio for them. */
  silentFrames: Uint32Array;
  /** Lost on the bus (a scripted drop): the device plays silence for all of it. */
  dropped: boolean;
  /** The service where the audio ends short because the input ended (-1: none); set by the submitter. */
  endOfAudioIndex: number;
}

export type TransferCompletion = (transfer: IsochTransfer, timeNs: number) => void;

/**
 * The host side of an isochronous OUT pipe driven with WinUsb_WriteIsochPipeAsap (seed 003): registered
 * buffers, size rules, ASAP scheduling right after the last pending transfer, ContinueStream, and a
 * completion when a transfer's last service has passed. Calls answer TRUE/FALSE with GetLastError.
 */
export class IsochOutPipe {
  readonly config: ResolvedUsbConfig;
  private readonly scheduler: Scheduler;
  private readonly buffers = new Map<number, Buffer>();
  private nextHandle = 1;
  private lastError = ERROR_SUCCESS;
  private readonly pool: IsochTransfer[] = [];
  private readonly pending: IsochTransfer[] = [];
  /** The service after the last accepted transfer (-1: the pipe has not streamed yet). */
  private nextFreeInterval = -1;
  private sequence = 0;
  private lastAccepted: IsochTransfer | null = null;
  private readonly onCompletion: TransferCompletion;
  private readonly onDue = (timeNs: number): void => this.complete(timeNs);

  transfersAccepted = 0;
  discontinuities = 0;
  gapIntervals = 0;
  readonly failures = new Map<number, number>();

  constructor(scheduler: Scheduler, config: ResolvedUsbConfig, onCompletion: TransferCompletion) {
    this.scheduler = scheduler;
    this.config = config;
    this.onCompletion = onCompletion;
  }

  /** WinUsb_RegisterIsochBuffer: the caller's buffer, kept by reference (the host reads it at service time). */
  registerIsochBuffer(buffer: Buffer): number {
    const handle = this.nextHandle++;
    this.buffers.set(handle, buffer);
    return handle;
  }

  /** WinUsb_UnregisterIsochBuffer */
  unregisterIsochBuffer(handle: number): boolean {
    if (!this.buffers.delete(handle)) return this.fail(ERROR_INVALID_HANDLE);
    return true;
  }

  buffer(handle: number): Buffer | undefined {
    return this.buffers.get(handle);
  }

  /** GetLastError after a call that returned FALSE. */
  getLastError(): number {
    return this.lastError;
  }

  /** The service in progress now. */
  currentInterval(): number {
    return Math.floor(this.scheduler.timeNs / this.config.periodNs);
  }

  get pendingTransfers(): number {
    return this.pending.length;
  }

  /** The transfer the last successful call scheduled. */
  get lastTransfer(): IsochTransfer | null {
    return this.lastAccepted;
  }

  /**
   * WinUsb_WriteIsochPipeAsap. The length must be a multiple of maxBytesPerInterval * 8 / interval and lie in
   * the registered buffer (else ERROR_INVALID_PARAMETER). The transfer starts in the service after the last
   * pending one; with nothing pending, ASAP after the current one. ContinueStream refuses a start other than
   * right after the previous transfer (its service has passed): FALSE with ERROR_GEN_FAILURE, a discontinuity.
   * ContinueStream on a pipe that has never streamed has nothing to continue, and is ignored.
   */
  writeIsochPipeAsap(handle: number, offsetInBytes: number, lengthInBytes: number, continueStream: boolean): boolean {
    const buffer = this.buffers.get(handle);
    if (!buffer) return this.fail(ERROR_INVALID_HANDLE);
    if (!Number.isInteger(offsetInBytes) || !Number.isInteger(lengthInBytes) || offsetInBytes < 0 || lengthInBytes <= 0
      || lengthInBytes % this.config.unitBytes !== 0 || offsetInBytes + lengthInBytes > buffer.length) {
      return this.fail(ERROR_INVALID_PARAMETER);
    }
    const nowNs = this.scheduler.timeNs;
    const continuing = this.nextFreeInterval >= 0;
    // a service that has begun can no longer take a new transfer
    const continuationPassed = continuing && this.nextFreeInterval * this.config.periodNs <= nowNs;
    if (continueStream && continuationPassed) {
      this.discontinuities++;
      return this.fail(ERROR_GEN_FAILURE);
    }
    const startInterval = continuing && !continuationPassed
      ? this.nextFreeInterval
      : this.currentInterval() + this.config.asapLatencyIntervals;
    const intervalCount = lengthInBytes / this.config.maxBytesPerInterval;
    const transfer = this.take(intervalCount);
    transfer.sequence = this.sequence++;
    transfer.handle = handle;
    transfer.offsetInBytes = offsetInBytes;
    transfer.lengthInBytes = lengthInBytes;
    transfer.startInterval = startInterval;
    transfer.intervalCount = intervalCount;
    transfer.gapIntervalsBefore = continuing ? startInterval - this.nextFreeInterval : 0;
    transfer.dropped = false;
    transfer.gapAudible = true;
    transfer.endOfAudioIndex = -1;
    transfer.packetLengths.fill(0, 0, intervalCount);
    transfer.silentFrames.fill(0, 0, intervalCount);
    this.gapIntervals += transfer.gapIntervalsBefore;
    this.nextFreeInterval = startInterval + intervalCount;
    this.pending.push(transfer);
    this.lastAccepted = transfer;
    this.transfersAccepted++;
    this.lastError = ERROR_SUCCESS;
    this.scheduler.at(this.nextFreeInterval * this.config.periodNs, EventPriority.observer, this.onDue);
    return true;
  }

  private fail(error: number): false {
    this.lastError = error;
    this.failures.set(error, (this.failures.get(error) ?? 0) + 1);
    return false;
  }

  private take(intervalCount: number): IsochTransfer {
    const transfer = this.pool.pop() ?? {
      sequence: 0, handle: 0, offsetInBytes: 0, lengthInBytes: 0, startInterval: 0, intervalCount: 0, gapIntervalsBefore: 0, gapAudible: true,
      packetLengths: new Uint32Array(intervalCount), silentFrames: new Uint32Array(intervalCount), dropped: false, endOfAudioIndex: -1,
    };
    if (transfer.packetLengths.length < intervalCount) {
      transfer.packetLengths = new Uint32Array(intervalCount);
      transfer.silentFrames = new Uint32Array(intervalCount);
    }
    return transfer;
  }

  /** Transfers complete in order, each when its last service has passed. */
  private complete(timeNs: number): void {
    const transfer = this.pending[0];
    if (!transfer || (transfer.startInterval + transfer.intervalCount) * this.config.periodNs > timeNs) return;
    this.pending.shift();
    this.onCompletion(transfer, timeNs);
    this.pool.push(transfer);
  }
}
