import { closeSync, createReadStream, openSync, fstatSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { IoError, describeIoFailure } from '../errors.js';

/** One trace line as the report reads it: every line has `event` and `timeNs`; the rest depends on the event. */
export interface TraceRecord {
  event: string;
  timeNs: number;
  [field: string]: unknown;
}

/** Where a report reads its trace from; `records()` may be called more than once (one call per pass). */
export interface TraceSource {
  label: string;
  records(): AsyncIterable<TraceRecord>;
}

/** A trace file read line by line, so a long run's trace never has to fit in memory. */
export function traceFileSource(path: string): TraceSource {
  return {
    label: path,
    records: () => readTraceFile(path),
  };
}

export const MEMORY_TRACE_LABEL = 'the in-memory trace';

/** Events already in memory (a memory trace, or a test's hand-made list). */
export function traceMemorySource(events: ReadonlyArray<Record<string, unknown>>, label = MEMORY_TRACE_LABEL): TraceSource {
  return {
    label,
    async *records() {
      yield* checkedRecords(events, label);
    },
  };
}

/** The same checks as for a file, on events in memory, synchronously. */
export function* checkedRecords(events: ReadonlyArray<Record<string, unknown>>, label = MEMORY_TRACE_LABEL): Iterable<TraceRecord> {
  let lineNumber = 0;
  for (const event of events) {
    lineNumber++;
    yield checkedRecord(event, label, lineNumber);
  }
  if (lineNumber === 0) throw emptyTrace(label);
}

async function* readTraceFile(path: string): AsyncIterable<TraceRecord> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new IoError(`cannot open the trace ${path}: ${describeIoFailure(error)}`);
  }
  if (fstatSync(fd).isDirectory()) {
    closeSync(fd);
    throw new IoError(`cannot read the trace ${path}: it is a directory`);
  }
  const input = createReadStream('', { fd, autoClose: true });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let records = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new IoError(`${path}:${lineNumber}: not a JSON line, so not an NDJSON trace written by wavert --trace`);
      }
      records++;
      yield checkedRecord(parsed, path, lineNumber, records === 1);
    }
  } finally {
    lines.close();
    input.destroy();
  }
  if (records === 0) throw emptyTrace(path);
}

function emptyTrace(label: string): IoError {
  return new IoError(`${label} is empty: a wavert trace starts with a 'stream' event`);
}

function checkedRecord(value: unknown, label: string, lineNumber: number, first = lineNumber === 1): TraceRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new IoError(`${label}:${lineNumber}: expected a JSON object with an 'event' field, found ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  const record = value as Record<string, unknown>;
  if (typeof record.event !== 'string') throw new IoError(`${label}:${lineNumber}: the line has no 'event' field, so it is not a wavert trace event`);
  if (first && record.event !== 'stream') {
    throw new IoError(`${label}:${lineNumber}: the first event is '${record.event}', not the 'stream' event that carries the stream config`);
  }
  if (typeof record.timeNs !== 'number' || !Number.isFinite(record.timeNs)) {
    throw new IoError(`${label}:${lineNumber}: the '${record.event}' event has no numeric 'timeNs'`);
  }
  return record as TraceRecord;
}
