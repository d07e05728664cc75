import { UsageError } from '../errors.js';
import type { AudioFormat } from '../engine/index.js';

// The isochronous OUT endpoint and the host's view of it (DESIGN §9). Bus intervals: full speed counts 1 ms
// frames, high speed 125 µs microframes; the endpoint is serviced every `interval` of them.

export type UsbSpeed = 'full' | 'high';
export const usbSpeeds: readonly UsbSpeed[] = ['full', 'high'];
/** Service intervals the model accepts, in bus intervals (2^(bInterval-1) for bInterval 1…4). */
export const usbIntervals: readonly number[] = [1, 2, 4, 8];

const BUS_INTERVAL_NS: Record<UsbSpeed, number> = { full: 1_000_000, high: 125_000 };
/** wMaxPacketSize limits: 1023 bytes at full speed, 3 × 1024 per microframe at high speed. */
export const MAX_BYTES_PER_INTERVAL: Record<UsbSpeed, number> = { full: 1023, high: 3072 };

/** The transport as a user describes it (--transport usb options, a scenario's `transport:`). */
export interface UsbConfig {
  speed?: UsbSpeed;
  interval?: number;
  maxBytesPerInterval?: number;
  /** Transfers the host keeps pending (default 4). */
  transfersInFlight?: number;
  /** Size of each transfer in units of maxBytesPerInterval * 8 / interval (default: about 8 ms). */
  unitsPerTransfer?: number;
}

export interface ResolvedUsbConfig {
  speed: UsbSpeed;
  interval: number;
  /** Nanoseconds between two services of the endpoint. */
  periodNs: number;
  /** Services per second (an integer for every accepted speed and interval). */
  intervalsPerSecond: number;
  maxBytesPerInterval: number;
  /** The size every transfer must be a multiple of: maxBytesPerInterval * 8 / interval. */
  unitBytes: number;
  transferIntervals: number;
  transferBytes: number;
  transfersInFlight: number;
  /** Most audio frames one service can be due (ceil of rate / services per second). */
  maxFramesPerInterval: number;
  /** Where an ASAP transfer with nothing pending starts: this many services after the current one (about 1 ms). */
  asapLatencyIntervals: number;
}

export function resolveUsbConfig(config: UsbConfig, format: AudioFormat): ResolvedUsbConfig {
  const speed = config.speed ?? 'full';
  const interval = config.interval ?? 1;
  if (!usbIntervals.includes(interval)) {
    throw new UsageError(`--usb-interval must be one of ${usbIntervals.join(', ')}, got '${interval}'`);
  }
  const periodNs = BUS_INTERVAL_NS[speed] * interval;
  const intervalsPerSecond = 1_000_000_000 / periodNs;
  const maxFramesPerInterval = Math.ceil(format.sampleRate / intervalsPerSecond);
  const neededBytes = maxFramesPerInterval * format.blockAlign;
  const limit = MAX_BYTES_PER_INTERVAL[speed];
  const maxBytesPerInterval = config.maxBytesPerInterval ?? neededBytes;
  if (neededBytes > limit && config.maxBytesPerInterval === undefined) {
    throw new UsageError(`--usb-speed ${speed} with --usb-interval ${interval} cannot carry this format: up to ${maxFramesPerInterval} frames of ${format.blockAlign} bytes are due per interval (${neededBytes} bytes), more than the ${limit}-byte endpoint limit`);
  }
  if (!Number.isInteger(maxBytesPerInterval) || maxBytesPerInterval < 1 || maxBytesPerInterval > limit) {
    throw new UsageError(`--max-bytes-per-interval must be a whole number from 1 to ${limit} at ${speed} speed, got '${maxBytesPerInterval}'`);
  }
  if (maxBytesPerInterval < neededBytes) {
    throw new UsageError(`--max-bytes-per-interval ${maxBytesPerInterval} is too small: up to ${maxFramesPerInterval} frames of ${format.blockAlign} bytes are due per interval, ${neededBytes} bytes`);
  }
  const intervalsPerUnit = 8 / interval;
  const unitBytes = maxBytesPerInterval * intervalsPerUnit;
  const unitNs = intervalsPerUnit * periodNs;
  const unitsPerTransfer = config.unitsPerTransfer ?? Math.max(1, Math.round(8_000_000 / unitNs));
  if (!Number.isInteger(unitsPerTransfer) || unitsPerTransfer < 1 || unitsPerTransfer > 1024) {
    throw new UsageError(`the USB transfer size must be 1 to 1024 units of maxBytesPerInterval * 8 / interval, got '${unitsPerTransfer}'`);
  }
  const transfersInFlight = config.transfersInFlight ?? 4;
  if (!Number.isInteger(transfersInFlight) || transfersInFlight < 1 || transfersInFlight > 64) {
    throw new UsageError(`the USB transfers in flight must be a whole number from 1 to 64, got '${transfersInFlight}'`);
  }
  return {
    speed,
    interval,
    periodNs,
    intervalsPerSecond,
    maxBytesPerInterval,
    unitBytes,
    transferIntervals: unitsPerTransfer * intervalsPerUnit,
    transferBytes: unitsPerTransfer * unitBytes,
    transfersInFlight,
    maxFramesPerInterval,
    asapLatencyIntervals: Math.max(1, Math.ceil(1_000_000 / periodNs)),
  };
}

/**
 * Audio frames due before service `intervalIndex` (counted from model time 0): floor(index × rate / services
 * per second), exact in integers. Service i carries framesDueBefore(i+1) − framesDueBefore(i): at 44.1 kHz and
 * 1 ms that is 44 nine times, then 45 — and never a drift, since the total is always the exact floor.
 */
export function framesDueBefore(intervalIndex: number, sampleRate: number, intervalsPerSecond: number): number {
  const wholeSeconds = Math.floor(intervalIndex / intervalsPerSecond);
  const remainder = intervalIndex - wholeSeconds * intervalsPerSecond;
  return wholeSeconds * sampleRate + Math.floor((remainder * sampleRate) / intervalsPerSecond);
}

export function framesDueIn(intervalIndex: number, sampleRate: number, intervalsPerSecond: number): number {
  return framesDueBefore(intervalIndex + 1, sampleRate, intervalsPerSecond) - framesDueBefore(intervalIndex, sampleRate, intervalsPerSecond);
}
