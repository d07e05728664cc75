// The one source of time for a run. The same scheduler runs on either clock; only waiting differs.

export interface Clock {
  /** true when waiting really takes time (the system clock). */
  readonly realtime: boolean;
  /** Nanoseconds since the run's origin. */
  nowNs(): number;
  /** Returns once nowNs() >= timeNs. A virtual clock jumps; a real one sleeps. */
  waitUntil(timeNs: number): Promise<void>;
  /**
   * Blocks the thread until timeNs when that is short, and says whether it did; a clock without it always waits
   * with `waitUntil`. Blocking costs one sleep and no allocation, so the real-time path uses it for every packet.
   */
  sleepUntil?(timeNs: number): boolean;
}

/** As fast as possible and deterministic: time is whatever the scheduler says it is. */
export class VirtualClock implements Clock {
  readonly realtime = false;
  private currentNs = 0;

  nowNs(): number {
    return this.currentNs;
  }

  /** Jumps forward; never backward. */
  advanceTo(timeNs: number): void {
    if (timeNs > this.currentNs) this.currentNs = timeNs;
  }

  waitUntil(timeNs: number): Promise<void> {
    this.advanceTo(timeNs);
    return Promise.resolve();
  }
}
