import { VirtualClock, type Clock } from './clock.js';

// A discrete-event scheduler driving the DMA, the notification events, the client and scripted actions.
// Event records are pooled so that steady-state scheduling does not allocate.

export type EventHandler = (timeNs: number, arg: number) => void;

/** Ordering of events due at the same nanosecond: hardware first, then scripted actions, then the OS client. */
export const EventPriority = {
  dma: 0,
  action: 1,
  client: 2,
  observer: 3,
} as const;
export type EventPriority = (typeof EventPriority)[keyof typeof EventPriority];

interface ScheduledEvent {
  timeNs: number;
  priority: number;
  sequence: number;
  handler: EventHandler;
  arg: number;
  /** In real time, runs at the moment it really got to run (a client wake-up), not at its due time. */
  floating: boolean;
  rekeyed: boolean;
}

export interface LatenessListener {
  (dueNs: number, actualNs: number, priority: number): void;
}

export class Scheduler {
  readonly clock: Clock;
  private heap: ScheduledEvent[] = [];
  private pool: ScheduledEvent[] = [];
  private sequence = 0;
  private stopped = false;
  private wakeWaiter: (() => void) | null = null;
  private readonly resumeAfterIo = (resolve: () => void): void => { setImmediate(resolve); };
  /**
   * Model time: the time of the event being handled (or the last one handled). A field, not a getter: the model
   * reads it several times per packet. Only the scheduler sets it.
   */
  timeNs = 0;
  /** Called for each event run on a real clock with its due and actual time. */
  onLateness: LatenessListener | null = null;

  constructor(clock: Clock = new VirtualClock()) {
    this.clock = clock;
  }

  get pendingEventCount(): number {
    return this.heap.length;
  }

  at(timeNs: number, priority: number, handler: EventHandler, arg = 0, floating = false): void {
    const pool = this.pool;
    const event = pool.length > 0 ? pool.pop()! : {
      timeNs: 0, priority: 0, sequence: 0, handler, arg: 0, floating: false, rekeyed: false,
    };
    event.timeNs = timeNs > this.timeNs ? timeNs : this.timeNs;
    event.priority = priority;
    event.sequence = this.sequence++;
    event.handler = handler;
    event.arg = arg;
    event.floating = floating;
    event.rekeyed = false;
    this.push(event);
    // a real-time run waiting for a later event must wake for an earlier one
    if (this.wakeWaiter) {
      const waiter = this.wakeWaiter;
      this.wakeWaiter = null;
      waiter();
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.wakeWaiter) {
      const waiter = this.wakeWaiter;
      this.wakeWaiter = null;
      waiter();
    }
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Runs every event in order on virtual time until stopped, idle, or past `limitNs`. */
  runVirtual(limitNs = Number.POSITIVE_INFINITY): void {
    const clock = this.clock instanceof VirtualClock ? this.clock : null;
    const heap = this.heap;
    const pool = this.pool;
    while (!this.stopped && heap.length > 0) {
      const event = heap[0]!;
      const timeNs = event.timeNs;
      if (timeNs > limitNs) break;
      this.pop();
      this.timeNs = timeNs;
      if (clock !== null) clock.advanceTo(timeNs);
      // back in the pool before the handler runs: the handler's own `at` reuses it
      pool.push(event);
      event.handler(timeNs, event.arg);
    }
  }

  /** Runs every event due up to `timeNs`, then leaves model time at `timeNs` (for tests and scripted calls). */
  advanceVirtual(timeNs: number): void {
    this.runVirtual(timeNs);
    if (timeNs > this.timeNs) {
      this.timeNs = timeNs;
      if (this.clock instanceof VirtualClock) this.clock.advanceTo(timeNs);
    }
  }

  /** Runs events at their deadlines on the injected clock; returns when stopped or idle. */
  async runRealtime(limitNs = Number.POSITIVE_INFINITY): Promise<void> {
    while (!this.stopped && this.heap.length > 0) {
      const next = this.heap[0]!;
      if (next.timeNs > limitNs) break;
      const dueNs = next.timeNs;
      if (this.clock.nowNs() < dueNs) {
        if (this.clock.sleepUntil?.(dueNs)) {
          // nothing could be scheduled while the thread slept: give I/O (keys, pipes, signals) one turn, then go on
          await new Promise<void>(this.resumeAfterIo);
          continue;
        }
        await Promise.race([this.clock.waitUntil(dueNs), new Promise<void>((resolve) => { this.wakeWaiter = resolve; })]);
        this.wakeWaiter = null;
        continue; // an earlier event may have been scheduled meanwhile
      }
      const event = this.pop();
      const actualNs = this.clock.nowNs();
      if (event.floating && !event.rekeyed && actualNs > event.timeNs) {
        // a late client acts at the time it really ran, after any hardware events due before then
        event.timeNs = actualNs;
        event.rekeyed = true;
        this.push(event);
        continue;
      }
      this.timeNs = Math.max(this.timeNs, event.timeNs);
      this.onLateness?.(dueNs, actualNs, event.priority);
      this.pool.push(event);
      event.handler(event.timeNs, event.arg);
    }
  }

  private push(event: ScheduledEvent): void {
    const heap = this.heap;
    let index = heap.length;
    heap.push(event);
    // sift up: an event later than its parent (the common case, one or two pending events) stops at once
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex]!;
      // before(event, parent), inline: every event is pushed once
      if (event.timeNs !== parent.timeNs ? event.timeNs > parent.timeNs : event.priority !== parent.priority ? event.priority > parent.priority : event.sequence > parent.sequence) break;
      heap[index] = parent;
      index = parentIndex;
    }
    heap[index] = event;
  }

  private pop(): ScheduledEvent {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    const length = heap.length;
    if (length > 0) {
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        if (left >= length) break;
        const right = left + 1;
        let child = left;
        if (right < length && before(heap[right]!, heap[left]!)) child = right;
        if (!before(heap[child]!, last)) break;
        heap[index] = heap[child]!;
        index = child;
      }
      heap[index] = last;
    }
    return top;
  }
}

/** Heap order: time, then priority, then the order of scheduling. */
function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  if (a.timeNs !== b.timeNs) return a.timeNs < b.timeNs;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.sequence < b.sequence;
}
