// Writes a regular file from a second thread while this one computes: a ring of shared slots, filled here and
// written there at explicit positions, so a render's page-cache copies overlap the model instead of adding to it.
import { Worker } from 'node:worker_threads';
import { writeFully } from './fd-io.js';

export const CONTROL = { submitted: 0, completed: 1, stop: 2, failed: 3, state: 4 } as const;
/** CONTROL.state: who writes the slots. Exactly one side wins the change away from `starting`. */
export const WRITER_STATE = { starting: 0, running: 1, takenOver: 2 } as const;

/** A thread that has not started by then (it failed to load, or the machine is starved) is replaced by this one. */
const START_TIMEOUT_MS = 5_000;
const WAIT_SLICE_MS = 50;

/** What the worker thread receives (all shared memory, no messages: this thread may be blocked in a sync run). */
export interface WriteBehindShared {
  fd: number;
  control: Int32Array;
  lengths: Int32Array;
  positions: Float64Array;
  slots: SharedArrayBuffer;
  slotBytes: number;
  errorCode: Uint8Array;
}

const ERROR_CODE_BYTES = 64;

export class WriteBehind {
  readonly slotBytes: number;
  private readonly shared: WriteBehindShared;
  private readonly slotBuffers: Buffer[];
  private readonly worker: Worker;
  private submittedCount = 0;
  private stopped = false;
  private readonly startDeadlineMs: number;

  /** `options` are for tests: a thread that never starts, a shorter wait for it. */
  constructor(fd: number, slotBytes: number, slotCount: number, options: { workerUrl?: URL; startTimeoutMs?: number } = {}) {
    this.slotBytes = slotBytes;
    const slots = new SharedArrayBuffer(slotBytes * slotCount);
    this.shared = {
      fd,
      control: new Int32Array(new SharedArrayBuffer(4 * 5)),
      lengths: new Int32Array(new SharedArrayBuffer(4 * slotCount)),
      positions: new Float64Array(new SharedArrayBuffer(8 * slotCount)),
      slots,
      slotBytes,
      errorCode: new Uint8Array(new SharedArrayBuffer(ERROR_CODE_BYTES)),
    };
    this.slotBuffers = Array.from({ length: slotCount }, (_, index) => Buffer.from(slots, index * slotBytes, slotBytes));
    this.startDeadlineMs = Date.now() + (options.startTimeoutMs ?? START_TIMEOUT_MS);
    this.worker = new Worker(options.workerUrl ?? new URL('./write-behind-worker.js', import.meta.url), { workerData: this.shared });
    // a thread that fails to load is taken over (below); its error event must not end the process
    this.worker.on('error', () => {});
    // the process must not wait for the thread: stop() ends it, and a failed run has already reported why
    this.worker.unref();
  }

  /** True once this thread writes the slots itself because the writer thread never started. */
  get takenOver(): boolean {
    return Atomics.load(this.shared.control, CONTROL.state) === WRITER_STATE.takenOver;
  }

  /** The slot to fill next; waits while every slot is still being written. */
  nextSlot(): Buffer {
    this.waitUntilCompleted(this.submittedCount - this.slotBuffers.length + 1);
    return this.slotBuffers[this.submittedCount % this.slotBuffers.length]!;
  }

  /** Hands the slot returned by nextSlot() to the writer thread: `lengthInBytes` of it, at `positionInBytes`. */
  submit(lengthInBytes: number, positionInBytes: number): void {
    const slot = this.submittedCount % this.slotBuffers.length;
    this.shared.lengths[slot] = lengthInBytes;
    this.shared.positions[slot] = positionInBytes;
    this.submittedCount++;
    const { control } = this.shared;
    Atomics.store(control, CONTROL.submitted, this.submittedCount);
    if (this.takenOver) {
      this.writeSlotsHere();
      return;
    }
    Atomics.notify(control, CONTROL.submitted);
  }

  /** Waits until everything submitted is written; the errno code of the first failed write, or null. */
  drain(): string | null {
    this.waitUntilCompleted(this.submittedCount);
    return this.failure();
  }

  private waitUntilCompleted(count: number): void {
    const { control } = this.shared;
    for (;;) {
      const completed = Atomics.load(control, CONTROL.completed);
      if (completed >= count) return;
      if (Atomics.load(control, CONTROL.state) === WRITER_STATE.starting && Date.now() > this.startDeadlineMs
        && Atomics.compareExchange(control, CONTROL.state, WRITER_STATE.starting, WRITER_STATE.takenOver) === WRITER_STATE.starting) {
        this.writeSlotsHere();
        continue;
      }
      Atomics.wait(control, CONTROL.completed, completed, WAIT_SLICE_MS);
    }
  }

  /** The writer thread never started: write what is pending here, in order, as it would have. */
  private writeSlotsHere(): void {
    const { control, lengths, positions, errorCode } = this.shared;
    for (let done = Atomics.load(control, CONTROL.completed); done < this.submittedCount; done++) {
      const slot = done % this.slotBuffers.length;
      if (Atomics.load(control, CONTROL.failed) === 0) {
        try {
          writeFully(this.shared.fd, this.slotBuffers[slot]!, 0, lengths[slot]!, positions[slot]!);
        } catch (error) {
          errorCode.set(new TextEncoder().encode(errorCodeOf(error)).subarray(0, errorCode.length));
          Atomics.store(control, CONTROL.failed, 1);
        }
      }
      Atomics.store(control, CONTROL.completed, done + 1);
    }
  }

  /** The errno code of the first failed write so far, or null. */
  failure(): string | null {
    if (Atomics.load(this.shared.control, CONTROL.failed) === 0) return null;
    const bytes = this.shared.errorCode;
    const end = bytes.indexOf(0);
    return Buffer.from(bytes.buffer, bytes.byteOffset, end < 0 ? bytes.length : end).toString('utf8');
  }

  /** Ends the thread once it has written what was submitted (call drain() first to wait for that). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    Atomics.store(this.shared.control, CONTROL.stop, 1);
    Atomics.notify(this.shared.control, CONTROL.submitted);
  }
}

/** The errno code of a failed write (EFBIG, ENOSPC), or its message. */
export function errorCodeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | null)?.code ?? (error instanceof Error ? error.message : String(error));
}
