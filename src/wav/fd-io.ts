// Synchronous file-descriptor reads and writes that survive non-blocking pipes and describe failures in words.
import * as fs from 'node:fs';

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
const FIRST_WAIT_MS = 0.02;
const LONGEST_WAIT_MS = 2;

/**
 * Blocks the thread while a non-blocking pipe has nothing to give or take: 20 µs, then twice as long each time up to
 * 2 ms, so a fast peer (sox, cat) is not kept waiting whole milliseconds per 64 KiB and a slow one costs few wake-ups.
 */
function waitForPipe(attempt: number): void {
  Atomics.wait(sleepCell, 0, 0, Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** attempt));
}

/**
 * A blocking descriptor for stdin/stdout when it is an anonymous pipe (a shell pipeline), which Node makes
 * non-blocking: on Linux a fresh open of /proc/self/fd/N is a new open file description of the same pipe, so reads
 * and writes wait in the kernel, as cat's do. Named FIFOs are left alone (opening one can wait for a peer that has
 * gone). Null where there is none: the caller keeps `fd` and its retries.
 */
export function blockingPipeFd(fd: number, mode: 'r' | 'w'): number | null {
  if (process.platform !== 'linux') return null;
  try {
    if (!fs.fstatSync(fd).isFIFO()) return null;
    const link = `/proc/self/fd/${fd}`;
    if (!fs.readlinkSync(link).startsWith('pipe:[')) return null;
    return fs.openSync(link, mode);
  } catch {
    return null;
  }
}

function isRetryable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR';
}

/** One read: bytes read (0 = end of file); position null reads sequentially. Retries while a pipe is empty but open. */
export function readOnce(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number {
  for (let attempt = 0; ; attempt++) {
    try {
      return fs.readSync(fd, buffer, offset, length, position);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      waitForPipe(attempt);
    }
  }
}

/** Reads until `length` bytes or end of file; returns the bytes read. */
export function readFully(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number {
  let total = 0;
  while (total < length) {
    const got = readOnce(fd, buffer, offset + total, length - total, position === null ? null : position + total);
    if (got === 0) break;
    total += got;
  }
  return total;
}

/** Writes all of `length` bytes; position null writes sequentially. Retries while a pipe is full. */
export function writeFully(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): void {
  let total = 0;
  let attempt = 0;
  while (total < length) {
    try {
      total += fs.writeSync(fd, buffer, offset + total, length - total, position === null ? null : position + total);
      attempt = 0;
    } catch (error) {
      if (!isRetryable(error)) throw error;
      waitForPipe(attempt++);
    }
  }
}
