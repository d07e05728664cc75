// Reads a regular file's next piece on a worker thread while the render uses the current one: the page-cache copy
// of a long input (tens of ms per 100 MB) leaves the render's thread, which then copies from memory. One request at a
// time, named by position and length; a read that asks for anything else is done the ordinary way.
import { createRequire } from 'node:module';
import type { Worker as WorkerThread } from 'node:worker_threads';

/** Control words: READY, STOP, STATE (0 idle, 1 requested, 2 done), GOT (bytes, or -1 with a code), request. */
const READY = 0;
const STOP = 1;
const STATE = 2;
const GOT = 3;
const POSITION_HIGH = 4;
const POSITION_LOW = 5;
const LENGTH = 6;
const WORDS = 7;
const IDLE = 0;
const REQUESTED = 1;
const DONE = 2;
const CODE_BYTES = 256;
const WAIT_MS = 200;
const TWO_POW_32 = 0x1_0000_0000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const control = new Int32Array(workerData.control);
const code = new Uint8Array(workerData.code);
const memory = new Uint8Array(workerData.memory);
function run() {
  Atomics.store(control, ${READY}, 1);
  Atomics.notify(control, ${READY});
  for (;;) {
    while (Atomics.load(control, ${STATE}) !== ${REQUESTED}) {
      if (Atomics.load(control, ${STOP}) === 1) return;
      Atomics.wait(control, ${STATE}, Atomics.load(control, ${STATE}), ${WAIT_MS});
    }
    const position = (control[${POSITION_HIGH}] >>> 0) * ${TWO_POW_32} + (control[${POSITION_LOW}] >>> 0);
    const length = control[${LENGTH}];
    let got = 0;
    try {
      while (got < length) {
        const n = fs.readSync(workerData.fd, memory, got, length - got, position + got);
        if (n === 0) break;
        got += n;
      }
    } catch (error) {
      const text = Buffer.from(String((error && (error.code || error.message)) || error)).subarray(0, code.length - 1);
      code.fill(0);
      code.set(text);
      got = -1;
    }
    Atomics.store(control, ${GOT}, got);
    Atomics.store(control, ${STATE}, ${DONE});
    Atomics.notify(control, ${STATE});
  }
}
try { run(); } catch (error) { Atomics.store(control, ${GOT}, -1); Atomics.store(control, ${STATE}, ${DONE}); Atomics.notify(control, ${STATE}); }
`;

/** What a finished read gave: the bytes (in `memory`), or the failure's code (ENOENT, EIO, …). */
export type ReadAheadResult = { got: number; code: null } | { got: -1; code: string };

export class ReadAhead {
  /** Where the worker puts what it read. */
  readonly memory: Buffer;
  private readonly control: Int32Array;
  private readonly codeBytes: Uint8Array;
  private readonly worker: WorkerThread;
  private requestPosition = -1;
  private requestLength = 0;
  private stopped = false;

  private constructor(fd: number, capacityInBytes: number) {
    const control = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * WORDS);
    const code = new SharedArrayBuffer(CODE_BYTES);
    const memory = new SharedArrayBuffer(capacityInBytes);
    this.control = new Int32Array(control);
    this.codeBytes = new Uint8Array(code);
    this.memory = Buffer.from(memory);
    // loaded on first use: a short input never starts a worker and does not pay for the module
    const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { fd, control, code, memory } });
    this.worker.unref();
    this.worker.on('error', () => {});
  }

  /** A reader thread for `fd` (a regular file, read by position), or null when one cannot be started. */
  static start(fd: number, capacityInBytes: number): ReadAhead | null {
    try {
      return new ReadAhead(fd, capacityInBytes);
    } catch {
      return null;
    }
  }

  get ready(): boolean {
    return Atomics.load(this.control, READY) === 1 && !this.stopped;
  }

  get capacity(): number {
    return this.memory.length;
  }

  /** True when the request in flight (or done) is for exactly these bytes. */
  holds(position: number, length: number): boolean {
    return this.requestPosition === position && this.requestLength === length;
  }

  /** Starts reading `length` bytes at `position` (at most `capacity`); any earlier request is waited for first. */
  request(position: number, length: number): void {
    this.settle();
    this.requestPosition = position;
    this.requestLength = length;
    this.control[POSITION_HIGH] = Math.floor(position / TWO_POW_32);
    this.control[POSITION_LOW] = position % TWO_POW_32;
    this.control[LENGTH] = length;
    Atomics.store(this.control, STATE, REQUESTED);
    Atomics.notify(this.control, STATE);
  }

  /** Waits for the request in flight; what it read. The request is then used up. */
  take(): ReadAheadResult {
    this.waitDone();
    this.requestPosition = -1;
    const got = Atomics.load(this.control, GOT);
    Atomics.store(this.control, STATE, IDLE);
    if (got >= 0) return { got, code: null };
    const end = this.codeBytes.indexOf(0);
    return { got: -1, code: Buffer.from(this.codeBytes.subarray(0, end < 0 ? this.codeBytes.length : end)).toString() || 'EIO' };
  }

  /** Waits until no read is in flight (the descriptor may then be closed), and ends the worker. */
  stop(): void {
    if (this.stopped) return;
    this.settle();
    this.stopped = true;
    Atomics.store(this.control, STOP, 1);
    Atomics.notify(this.control, STATE);
  }

  /** Forgets a request in flight once it is done (its bytes are not wanted). */
  private settle(): void {
    if (this.requestPosition < 0) return;
    this.take();
  }

  private waitDone(): void {
    for (let state = Atomics.load(this.control, STATE); state === REQUESTED; state = Atomics.load(this.control, STATE)) {
      Atomics.wait(this.control, STATE, REQUESTED, WAIT_MS);
    }
  }
}
