// Exact integer conversions between frames and nanoseconds. Splitting at whole seconds keeps every
// intermediate product below 2^53, so hours of audio at 768 kHz convert without rounding drift.

export const NS_PER_SECOND = 1_000_000_000;

/** The first nanosecond at which `frameCount` frames have elapsed (ceil). */
export function framesToNs(frameCount: number, sampleRate: number): number {
  const wholeSeconds = Math.floor(frameCount / sampleRate);
  const remainderFrames = frameCount - wholeSeconds * sampleRate;
  return wholeSeconds * NS_PER_SECOND + Math.ceil((remainderFrames * NS_PER_SECOND) / sampleRate);
}

/** Whole frames elapsed after `durationNs` nanoseconds (floor). */
export function nsToFrames(durationNs: number, sampleRate: number): number {
  const wholeSeconds = Math.floor(durationNs / NS_PER_SECOND);
  const remainderNs = durationNs - wholeSeconds * NS_PER_SECOND;
  return wholeSeconds * sampleRate + Math.floor((remainderNs * sampleRate) / NS_PER_SECOND);
}

export function msToNs(ms: number): number {
  return Math.round(ms * 1_000_000);
}

export function nsToMs(ns: number): number {
  return ns / 1_000_000;
}
