// The reference driver's packet clock (packetClock: timer-1ms): a periodic 1 ms timer whose DPC counts a
// packet and signals the event once the notification interval (whole ms) has elapsed, carrying the rest.
// minwavertstream.cpp: SetState (ExSetTimer 1 ms; on PAUSE m_hnsDPCTimeCarryForward += now - last DPC),
// TimerNotifyRT (TimeElapsedInMS >= m_ulNotificationIntervalMs). Times are in 100 ns units, as there.

const HNS_PER_MS = 10_000;
const NS_PER_MS = 1_000_000;

export class NotificationTimer {
  /** m_ulNotificationIntervalMs; 0 means the reference never sets the timer. */
  intervalMs: number;
  /** m_llPacketCounter. */
  count = 0;
  private lastDpcHns = 0;
  /** m_hnsDPCTimeCarryForward: set only at Init, so it survives STOP as it does in the reference. */
  private carryHns = 0;
  private originNs = 0;
  private originHns = 0;
  private lastTick = 0;
  private running = false;

  constructor(intervalMs: number) {
    this.intervalMs = intervalMs;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** SetState(RUN): m_ullLastDPCTimeStamp = now; the timer fires 1 ms later and every 1 ms after. */
  run(timeNs: number): void {
    if (this.intervalMs <= 0) return;
    this.originNs = timeNs;
    this.originHns = Math.floor(timeNs / 100);
    this.lastDpcHns = this.originHns;
    this.lastTick = 0;
    this.running = true;
  }

  /** SetState(PAUSE) from RUN: cancel the timer, carry the time since the last completion forward. */
  pause(timeNs: number): void {
    if (!this.running) return;
    this.carryHns = Math.floor(timeNs / 100) - this.lastDpcHns + this.carryHns;
    this.running = false;
  }

  /** SetState(STOP): m_llPacketCounter = 0. */
  stop(): void {
    this.count = 0;
    this.running = false;
  }

  /** ExCancelTimer once the last buffer was rendered. */
  cancel(): void {
    this.running = false;
  }

  tickTimeNs(tick: number): number {
    return this.originNs + tick * NS_PER_MS;
  }

  /** The next tick whose DPC finds TimeElapsedInMS >= the interval. */
  nextCompletionTick(): number {
    const needed = this.intervalMs * HNS_PER_MS - this.carryHns + this.lastDpcHns - this.originHns;
    return Math.max(this.lastTick + 1, Math.ceil(needed / HNS_PER_MS));
  }

  /** The first tick at or after `timeNs` (the DPC that sees the DMA at the EOS point). */
  firstTickAtOrAfter(timeNs: number): number {
    return Math.max(this.lastTick + 1, Math.ceil((timeNs - this.originNs) / NS_PER_MS));
  }

  /** The DPC of `tick` ran; returns whether it completed a notification interval (bufferCompleted). */
  runTick(tick: number): boolean {
    this.lastTick = tick;
    const nowHns = this.originHns + tick * HNS_PER_MS;
    const elapsedHns = nowHns - this.lastDpcHns + this.carryHns;
    if (Math.floor(elapsedHns / HNS_PER_MS) < this.intervalMs) return false;
    this.carryHns = elapsedHns - this.intervalMs * HNS_PER_MS;
    this.lastDpcHns = nowHns;
    return true;
  }
}
