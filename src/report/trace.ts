import { dirname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { Logger, pino as Pino } from 'pino';
import { IoError, describeIoFailure } from '../errors.js';
import { AtomicFile, makeFolders, type AtomicFileOptions } from '../output/atomic-file.js';
import { writeFully } from '../wav/fd-io.js';

// The run's event trace: pino NDJSON, one event per line, model time in ns and frames on every line.
// `time` is pino's wall-clock field; everything else is deterministic on the virtual clock.
// pino formats the lines; they go through a bounded buffer written synchronously, so memory stays flat however
// long the run, lines stay in the order they were logged, and a failed write (a full disk) is an IoError at once
// (sonic-boom would buffer without bound on a busy thread, reorder on close, and retry ENOSPC forever).

export interface TraceWriter {
  event(fields: Record<string, unknown>): void;
  /** Flushes and puts the trace in place. */
  close(): void;
  /** Removes what was written (the run failed or was interrupted); a trace that was already closed stays. */
  abort?(): void;
}

const TRACE_BUFFER_BYTES = 64 * 1024;

/** A bounded, synchronous line writer on an atomic output file. */
class TraceFile {
  private readonly buffer = Buffer.alloc(TRACE_BUFFER_BYTES);
  private used = 0;
  private failure: IoError | null = null;
  constructor(private readonly file: AtomicFile) {}

  /** pino's destination interface: one formatted line per call. */
  write(line: string): boolean {
    if (this.failure) return false;
    const length = Buffer.byteLength(line);
    if (this.used + length > this.buffer.length) this.flush();
    if (length > this.buffer.length) {
      this.writeOut(Buffer.from(line, 'utf8'), length);
    } else {
      this.used += this.buffer.write(line, this.used, 'utf8');
    }
    return true;
  }

  flush(): void {
    if (this.used === 0 || this.failure) return;
    const length = this.used;
    this.used = 0;
    this.writeOut(this.buffer, length);
  }

  /** The first write failure, if any. */
  get error(): IoError | null {
    return this.failure;
  }

  commit(): void {
    this.flush();
    if (this.failure) throw this.failure;
    this.file.commit();
  }

  discard(): void {
    this.file.discard();
  }

  private writeOut(bytes: Uint8Array, length: number): void {
    try {
      writeFully(this.file.fd, bytes, 0, length, null);
    } catch (error) {
      this.failure = new IoError(`cannot write ${this.file.label}: ${describeIoFailure(error)}`);
    }
  }
}

/** pino's destination for every trace of this thread: the line goes to the trace being written. */
const destination = {
  target: null as TraceFile | null,
  write(line: string): boolean {
    return this.target?.write(line) ?? false;
  },
};
let logger: Logger | null = null;

/** Loads pino and makes the thread's logger now (a worker waiting for its first scenario), not with the first trace. */
export function prepareTraceWriter(): void {
  sharedLogger();
}

/** One logger per thread (making one costs more than a short scenario's trace): it formats, the destination routes. */
function sharedLogger(): Logger {
  if (logger === null) {
    // pino loads on first use: runs without a trace do not pay for it
    const { pino } = createRequire(import.meta.url)('pino') as { pino: typeof Pino };
    logger = pino({ base: null, level: 'info' }, destination);
  }
  return logger;
}

/** Opens the trace file (creating its folder); throws IoError with a plain sentence when it cannot. */
export function createTraceWriter(path: string, options: AtomicFileOptions = {}): TraceWriter {
  const label = options.label ?? path;
  try {
    makeFolders(dirname(resolve(path)));
  } catch (error) {
    throw new IoError(`cannot create ${label}: ${describeIoFailure(error)}`);
  }
  const file = new TraceFile(AtomicFile.open(path, { ...options, label }));
  const logger = sharedLogger();
  let open = true;
  return {
    event(fields) {
      if (!open) return;
      // pino writes the line synchronously, to the file the destination points at for this call
      destination.target = file;
      try {
        logger.info(fields);
      } finally {
        destination.target = null;
      }
      if (file.error) throw file.error;
    },
    close() {
      if (!open) return;
      open = false;
      try {
        file.commit();
      } catch (error) {
        file.discard();
        throw error;
      }
    },
    abort() {
      open = false;
      file.discard();
    },
  };
}

/** Ends a trace after a failure: removes it when the writer can, else closes it. */
export function abortTrace(trace: TraceWriter | null | undefined): void {
  if (!trace) return;
  if (trace.abort) trace.abort();
  else trace.close();
}

/** A trace kept in memory (for tests and the report). */
export function createMemoryTrace(): TraceWriter & { events: Array<Record<string, unknown>> } {
  const events: Array<Record<string, unknown>> = [];
  return {
    events,
    event(fields) {
      events.push({ ...fields });
    },
    close() {},
    abort() {},
  };
}
