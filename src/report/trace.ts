import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import type { Logger, pino as Pino } from 'pino';

// The run's event trace: pino NDJSON, one event per line, model time in ns and frames on every line.
// `time` is pino's wall-clock field; everything else is deterministic on the virtual clock.

export interface TraceWriter {
  event(fields: Record<string, unknown>): void;
  close(): void;
}

export function createTraceWriter(path: string): TraceWriter {
  mkdirSync(dirname(path), { recursive: true });
  // an fd opened here makes the destination ready at once, so a short run can flush synchronously
  // pino loads on first use: runs without a trace do not pay for it
  const { pino } = createRequire(import.meta.url)('pino') as { pino: typeof Pino };
  const destination = pino.destination({ dest: openSync(path, 'w'), sync: false, minLength: 8 * 1024 });
  const logger: Logger = pino({ base: null, level: 'info' }, destination);
  return {
    event(fields) {
      logger.info(fields);
    },
    close() {
      destination.flushSync();
      destination.end();
    },
  };
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
  };
}
