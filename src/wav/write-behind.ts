// Writes a regular file from a second thread while this one computes: a ring of shared slots, filled here and
// written there at explicit positions, so a render's page-cache copies overlap the model instead of adding to it.
import { Worker } from 'node:worker_threads';

export const CONTROL = { submitted: 0, completed: 1, stop: 2, failed: 3 } as const;

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

  constructor(fd: number, slotBytes: number, slotCount: number) {
    this.slotBytes = slotBytes;
    const slots = new SharedArrayBuffer(slotBytes * slotCount);
    this.shared = {
      fd,
      control: new Int32Array(new SharedArrayBuffer(4 * 4)),
      lengths: new Int32Array(new SharedArrayBuffer(4 * slotCount)),
      positions: new Float64Array(new SharedArrayBuffer(8 * slotCount)),
      slots,
      slotBytes,
      errorCode: new Uint8Array(new SharedArrayBuffer(ERROR_CODE_BYTES)),
    };
    this.slotBuffers = Array.from({ length: slotCount }, (_, index) => Buffer.from(slots, index * slotBytes, slotBytes));
    this.worker = new Worker(new URL('./write-behind-worker.js', import.meta.url), { workerData: this.shared });
    // the process must not wait for the thread: stop() ends it, and a failed run has already reported why
    this.worker.unref();
  }

  /** The slot to fill next; waits while every slot is still being written. */
  nextSlot(): Buffer {
    const { control } = this.shared;
    for (;;) {
      const completed = Atomics.load(control, CONTROL.completed);
      if (this.submittedCount - completed < this.slotBuffers.length) break;
      Atomics.wait(control, CONTROL.completed, completed);
    }
    return this.slotBuffers[this.submittedCount % this.slotBuffers.length]!;
  }

  /** Hands the slot returned by nextSlot() to the writer thread: `lengthInBytes` of it, at `positionInBytes`. */
  submit(lengthInBytes: number, positionInBytes: number): void {
    const slot = this.submittedCount % this.slotBuffers.length;
    this.shared.lengths[slot] = lengthInBytes;
    this.shared.positions[slot] = positionInBytes;
    this.submittedCount++;
    Atomics.store(this.shared.control, CONTROL.submitted, this.submittedCount);
    Atomics.notify(this.shared.control, CONTROL.submitted);
  }

  /** Waits until everything submitted is written; the errno code of the first failed write, or null. */
  drain(): string | null {
    const { control } = this.shared;
    for (;;) {
      const completed = Atomics.load(control, CONTROL.completed);
      if (completed === this.submittedCount) break;
      Atomics.wait(control, CONTROL.completed, completed);
    }
    return this.failure();
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
