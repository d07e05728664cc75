// Parses the time options of `wavert play` (--start, --duration) into exact integer nanoseconds.
import { UsageError } from '../errors.js';

const NS_PER_UNIT: Record<string, bigint> = {
  h: 3_600_000_000_000n,
  m: 60_000_000_000n,
  min: 60_000_000_000n,
  s: 1_000_000_000n,
  ms: 1_000_000n,
  us: 1_000n,
};

const NUMBER_WITH_UNIT = /^(\d+)(?:\.(\d+))?(h|min|m|s|ms|us)?$/;
const CLOCK_FORM = /^(?:(\d+):)?(\d+):(\d{1,2})(?:\.(\d+))?$/;

/** Decimal digits → ns in the given unit, exactly (extra digits below 1 ns are truncated). */
function decimalToNs(integerDigits: string, fractionDigits: string | undefined, nsPerUnit: bigint): bigint {
  const fraction = (fractionDigits ?? '').slice(0, 18);
  const scale = 10n ** BigInt(fraction.length);
  return BigInt(integerDigits) * nsPerUnit + (fraction.length === 0 ? 0n : (BigInt(fraction) * nsPerUnit) / scale);
}

/**
 * Accepts `90`, `90.5`, `10s`, `500ms`, `2m`, `1h`, `1:23.5` (m:ss) and `1:02:03.5` (h:mm:ss).
 * Throws a UsageError naming the option for anything else.
 */
export function parseTimeOption(text: string, optionName: string): bigint {
  const trimmed = text.trim().toLowerCase();
  const clock = CLOCK_FORM.exec(trimmed);
  if (clock) {
    const [, hours, minutes, seconds, fraction] = clock;
    if (Number(seconds) >= 60 || (hours !== undefined && Number(minutes) >= 60)) {
      throw new UsageError(`${optionName} '${text}': seconds and minutes after a ':' must be below 60.`);
    }
    return BigInt(hours ?? '0') * NS_PER_UNIT.h! + BigInt(minutes!) * NS_PER_UNIT.m! + decimalToNs(seconds!, fraction, NS_PER_UNIT.s!);
  }
  const plain = NUMBER_WITH_UNIT.exec(trimmed);
  if (plain) {
    const [, integer, fraction, unit] = plain;
    return decimalToNs(integer!, fraction, NS_PER_UNIT[unit ?? 's']!);
  }
  throw new UsageError(`${optionName} '${text}' is not a time: use seconds (90, 1.5), a unit (10s, 500ms, 2m) or m:ss[.fff] (1:23.5).`);
}

/** The frame at or after a time, exactly: ceil(timeNs × rate / 1e9). */
export function timeNsToFrames(timeNs: bigint, sampleRate: number): bigint {
  const numerator = timeNs * BigInt(sampleRate);
  return (numerator + 999_999_999n) / 1_000_000_000n;
}

/** m:ss.t (or h:mm:ss.t), tenths of a second, for the live view and the summary. */
export function formatClockTime(timeNs: bigint | number): string {
  const totalMs = Number(BigInt(timeNs) / 1_000_000n);
  const hours = Math.floor(totalMs / 3_600_000);
  const minutes = Math.floor((totalMs % 3_600_000) / 60_000);
  const seconds = Math.floor((totalMs % 60_000) / 1000);
  const tenths = Math.floor((totalMs % 1000) / 100);
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}.${tenths}` : `${minutes}:${ss}.${tenths}`;
}
