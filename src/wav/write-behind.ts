// Writes a regular file's buffers on a worker thread, in order, while the model goes on: on a machine with a
// second core the page-cache copy of a long render (tens of ms per 100 MB) stops being on the render's path.
// Shared memory and Atomics only: the render thread hands over a full buffer and takes the next free one; it waits
// only when every buffer is still being written. A failed write is reported at the next hand-over (or at `drain`).
import { createRequire } from 'node:module';
import type { Worker as WorkerThread } from 'node:worker_threads';

const SLOTS = 3;
/** Control words: READY (the worker runs), STOP (write nothing more), FAILED, then one length per slot (0: free). */
const READY = 0;
const STOP = 1;
const FAILED = 2;
const FIRST_SLOT = 3;
const CODE_BYTES = 256;
const WAIT_MS = 200;

// plain CommonJS evaluated in the worker (the CLI is one bundled file: no worker script on disk to point at)
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const control = new Int32Array(workerData.control);
const code = new Uint8Array(workerData.code);
const slots = workerData.slots.map((memory) => new Uint8Array(memory));
function fail(error) {
  const text = Buffer.from(String((error && (error.code || error.message)) || error)).subarray(0, code.length - 1);
  code.fill(0);
  code.set(text);
  Atomics.store(control, ${FAILED}, 1);
}
function run() {
  Atomics.store(control, ${READY}, 1);
  Atomics.notify(control, ${READY});
  for (let slot = 0; ; slot = (slot + 1) % slots.length) {
    const index = ${FIRST_SLOT} + slot;
    let length = Atomics.load(control, index);
    while (length === 0) {
      if (Atomics.load(control, ${STOP}) === 1) return;
      Atomics.wait(control, index, 0, ${WAIT_MS});
      length = Atomics.load(control, index);
    }
    if (Atomics.load(control, ${STOP}) === 0 && Atomics.load(control, ${FAILED}) === 0) {
      try {
        for (let written = 0; written < length; ) written += fs.writeSync(workerData.fd, slots[slot], written, length - written, null);
      } catch (error) {
        fail(error);
      }
    }
    Atomics.store(control, index, 0);
    Atomics.notify(control, index);
  }
}
try { run(); } catch (error) { fail(error); for (let i = ${FIRST_SLOT}; i < control.length; i++) { Atomics.store(control, i, 0); Atomics.notify(control, i); } }
`;

/** Why the worker's write failed, as a Node error would say it (`code`: ENOSPC, EIO, …). */
export interface WriteBehindFailure {
  code: string;
}

export class WriteBehind {
  private readonly control: Int32Array;
  private readonly codeBytes: Uint8Array;
  private readonly buffers: Buffer[];
  private readonly worker: WorkerThread;
  private slot = 0;
  private stopped = false;

  private constructor(fd: number, bufferSizeInBytes: number) {
    const control = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (FIRST_SLOT + SLOTS));
    const code = new SharedArrayBuffer(CODE_BYTES);
    const slots = Array.from({ length: SLOTS }, () => new SharedArrayBuffer(bufferSizeInBytes));
    this.control = new Int32Array(control);
    this.codeBytes = new Uint8Array(code);
    this.buffers = slots.map((memory) => Buffer.from(memory));
    // loaded on first use: a short render never starts a worker and does not pay for the module
    const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { fd, control, code, slots } });
    // it never keeps the process alive; `stop` ends it. A worker that cannot start never becomes ready: the writer
    // goes on by itself (its own failures are caught inside and reported through FAILED)
    this.worker.unref();
    this.worker.on('error', () => {});
  }

  /** A writer thread for `fd` (a regular file, appended to), or null when one cannot be started. */
  static start(fd: number, bufferSizeInBytes: number): WriteBehind | null {
    try {
      return new WriteBehind(fd, bufferSizeInBytes);
    } catch {
      return null;
    }
  }

  /** True once the worker runs: until then the caller writes by itself. */
  get ready(): boolean {
    return Atomics.load(this.control, READY) === 1;
  }

  /** The buffer to fill next. */
  get buffer(): Buffer {
    return this.buffers[this.slot]!;
  }

  /** Hands the first `length` bytes of `buffer` to the worker and waits for the next buffer to be free. */
  submit(length: number): WriteBehindFailure | null {
    const index = FIRST_SLOT + this.slot;
    Atomics.store(this.control, index, length);
    Atomics.notify(this.control, index);
    this.slot = (this.slot + 1) % SLOTS;
    this.waitFree(FIRST_SLOT + this.slot);
    return this.failure();
  }

  /** Waits until everything handed over is written; the failure, if a write failed. */
  drain(): WriteBehindFailure | null {
    for (let slot = 0; slot < SLOTS; slot++) this.waitFree(FIRST_SLOT + slot);
    return this.failure();
  }

  /** Writes nothing more, waits until the worker is idle (the descriptor may then be closed), and ends it. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    Atomics.store(this.control, STOP, 1);
    for (let slot = 0; slot < SLOTS; slot++) Atomics.notify(this.control, FIRST_SLOT + slot);
    for (let slot = 0; slot < SLOTS; slot++) this.waitFree(FIRST_SLOT + slot);
  }

  private waitFree(index: number): void {
    for (let pending = Atomics.load(this.control, index); pending !== 0; pending = Atomics.load(this.control, index)) {
      Atomics.wait(this.control, index, pending, WAIT_MS);
    }
  }

  private failure(): WriteBehindFailure | null {
    if (Atomics.load(this.control, FAILED) === 0) return null;
    const end = this.codeBytes.indexOf(0);
    return { code: Buffer.from(this.codeBytes.subarray(0, end < 0 ? this.codeBytes.length : end)).toString() };
  }
}
