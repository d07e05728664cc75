import { EventPriority, type Scheduler } from '../clock/scheduler.js';
import { modUlong, type WaveRTStream } from '../engine/index.js';
import type { LatencySampler } from './latency.js';

// The OS side's sense of time, shared by every client of the stream (the packet client, the waveOut driver thread).

const TWO_POW_32 = 0x1_0000_0000;

/**
 * The thread that waits on the notification event: it runs after its wake-up latency, any number of signals before
 * it runs make one wake-up (an auto-reset event), and a stall defers it. Events carry a generation, so `cancel`
 * (pause, reset, teardown) forgets a wake-up already scheduled.
 */
export class ClientWaker {
  private pending = false;
  private stalledUntilNs = 0;
  private generation = 0;
  private readonly scheduler: Scheduler;
  /** Null: no wake-up latency (nothing to sample per wake-up). */
  private readonly latency: LatencySampler | null;
  private readonly processingNs: number;
  /** Asked at each signal and wake-up; null: the owner keeps `active` up to date instead (no call per packet). */
  private readonly isActive: (() => boolean) | null;
  /** Whether the thread reacts, when there is no `isActive` to ask. */
  active = true;
  private readonly onWake: (timeNs: number) => void;
  /** The scheduled wake-up: stale after a cancel, deferred by a stall, else the thread runs. */
  private readonly onEvent = (timeNs: number, generation: number): void => {
    if (generation !== this.generation) return;
    this.pending = false;
    if (!(this.isActive === null ? this.active : this.isActive())) return;
    if (this.stalledUntilNs > timeNs) {
      this.pending = true;
      this.scheduler.at(this.stalledUntilNs, EventPriority.client, this.onEvent, this.generation, true);
      return;
    }
    this.onWake(timeNs);
  };

  constructor(scheduler: Scheduler, latency: LatencySampler | null, processingNs: number, isActive: (() => boolean) | null, onWake: (timeNs: number) => void) {
    this.scheduler = scheduler;
    this.latency = latency;
    this.processingNs = processingNs;
    this.isActive = isActive;
    this.onWake = onWake;
  }

  /** The event was signalled (a notification, or the stream started) at `timeNs`. */
  signal(timeNs: number): void {
    if (this.pending || !(this.isActive === null ? this.active : this.isActive())) return;
    this.pending = true;
    // floating: on a real clock the client acts when it really got to run
    this.scheduler.at(timeNs + (this.latency === null ? 0 : this.latency()) + this.processingNs, EventPriority.client, this.onEvent, this.generation, true);
  }

  /** The thread does nothing until `timeNs`; signals meanwhile collapse into one wake-up then. */
  stallUntil(timeNs: number): void {
    if (timeNs > this.stalledUntilNs) this.stalledUntilNs = timeNs;
  }

  /** Forgets a wake-up already scheduled. */
  cancel(): void {
    this.generation++;
    this.pending = false;
  }
}

/** The stream's packet count (a ULONG that wraps at 2^32) unwrapped to a linear number, as the OS tracks it. */
export class LinearPacketCount {
  value = 0;

  /** Reads the packet count and moves forward by however far it went, modulo 2^32. */
  refresh(stream: WaveRTStream): number {
    const count = stream.packetCountNow();
    this.value += modUlong(count - modUlong(this.value) + TWO_POW_32);
    return this.value;
  }
}
