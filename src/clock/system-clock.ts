// The real-time clock: monotonic time since the run's origin, and waits that end at an absolute deadline.
import { performance } from 'node:perf_hooks';
import type { Clock } from './clock.js';
import { LinearFit } from './linear-fit.js';

/**
 * A timer wakes this long before the deadline; the rest is slept precisely with Atomics.wait, which has
 * sub-millisecond resolution (libuv timers have whole milliseconds) and, unlike a spin, costs no CPU.
 */
const PRECISE_MARGIN_NS = 1_500_000;
/**
 * Waits up to this long (a packet or two) are one Atomics.wait and then one turn of the event loop for I/O:
 * a single sleep per event instead of a timer wake-up plus a precise sleep, which halves the CPU of playback.
 * Keys, signals and pipe callbacks wait at most this long, far inside what a listener notices.
 */
const BLOCKING_WAIT_LIMIT_NS = 25_000_000;
const NS_PER_MS = 1_000_000;

export class SystemClock implements Clock {
  readonly realtime = true;
  /** performance.now() (ms) at the origin; performance.now() is monotonic and allocation-free. */
  private originMs: number;
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));
  private pendingTimer: NodeJS.Timeout | undefined;
  private pendingResolve: (() => void) | undefined;
  private readonly onTimer = () => this.timerFired();
  private pendingDeadlineNs = 0;

  constructor(originMs: number = performance.now()) {
    this.originMs = originMs;
  }

  /** Makes this moment time zero: for setup (opening a sink) done after the clock was made but before the run. */
  resetOrigin(): void {
    this.cancelPending();
    this.originMs = performance.now();
  }

  nowNs(): number {
    return Math.round((performance.now() - this.originMs) * NS_PER_MS);
  }

  /** Monotonic nanoseconds (same time base as process.hrtime.bigint) of the run's origin. */
  get originMonotonicNs(): bigint {
    return process.hrtime.bigint() - BigInt(this.nowNs());
  }

  waitUntil(timeNs: number): Promise<void> {
    this.cancelPending();
    const remainingNs = timeNs - this.nowNs();
    if (remainingNs <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.pendingResolve = resolve;
      this.pendingDeadlineNs = timeNs;
      if (remainingNs <= PRECISE_MARGIN_NS) {
        this.timerFired();
        return;
      }
      this.pendingTimer = setTimeout(this.onTimer, Math.floor((remainingNs - PRECISE_MARGIN_NS) / NS_PER_MS));
    });
  }

  sleepUntil(timeNs: number): boolean {
    const remainingNs = timeNs - this.nowNs();
    if (remainingNs > BLOCKING_WAIT_LIMIT_NS) return false;
    if (remainingNs > 0) Atomics.wait(this.sleeper, 0, 0, remainingNs / NS_PER_MS);
    return true;
  }

  /** A newer wait replaces an older one (the scheduler only ever waits for its earliest event). */
  private cancelPending(): void {
    if (this.pendingTimer !== undefined) clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    this.pendingResolve = undefined;
  }

  private timerFired(): void {
    this.pendingTimer = undefined;
    const resolve = this.pendingResolve;
    this.pendingResolve = undefined;
    const remainingNs = this.pendingDeadlineNs - this.nowNs();
    if (remainingNs > 0) Atomics.wait(this.sleeper, 0, 0, remainingNs / NS_PER_MS);
    resolve?.();
  }
}

/**
 * Drift of the model clock against the monotonic clock, in ppm: the least-squares slope of each second's median
 * lateness over time, leaving out the first second (the JIT warms up there). Medians keep single late events
 * (a descheduled process) from tilting the line; with absolute deadlines the true drift is zero.
 */
export class DriftEstimator {
  private readonly fit = new LinearFit();
  /** Lateness of the current second's events (the excess of a very dense second is not kept). */
  private readonly secondSamples = new Float64Array(4096);
  private sampleCount = 0;
  private currentSecond = -1;

  add(dueNs: number, actualNs: number): void {
    const second = Math.floor(dueNs / 1e9);
    if (second !== this.currentSecond) {
      this.closeSecond();
      this.currentSecond = second;
    }
    if (this.sampleCount < this.secondSamples.length) this.secondSamples[this.sampleCount++] = (actualNs - dueNs) / 1e9;
  }

  /** null until there are enough seconds to fit a line (about 11 s of playing). */
  ppm(): number | null {
    const slope = this.fit.slope();
    return slope === null ? null : slope * 1e6;
  }

  /** Call once at the end so the last whole second counts too. */
  finish(): void {
    this.closeSecond();
    this.currentSecond = -1;
  }

  private closeSecond(): void {
    if (this.currentSecond >= 1 && this.sampleCount > 0) {
      const samples = this.secondSamples.subarray(0, this.sampleCount).sort();
      this.fit.add(this.currentSecond, samples[this.sampleCount >> 1]!);
    }
    this.sampleCount = 0;
  }
}
