// Synchronous file-descriptor reads and writes that survive non-blocking pipes and describe failures in words.
import * as fs from 'node:fs';

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread briefly; used only while a non-blocking pipe has nothing to give or take. */
function waitForPipe(): void {
  Atomics.wait(sleepCell, 0, 0, 2);
}

function isRetryable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR';
}

/** One read: bytes read (0 = end of file); position null reads sequentially. Retries while a pipe is empty but open. */
export function readOnce(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number {
  for (;;) {
    try {
      return fs.readSync(fd, buffer, offset, length, position);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      waitForPipe();
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
  while (total < length) {
    try {
      total += fs.writeSync(fd, buffer, offset + total, length - total, position === null ? null : position + total);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      waitForPipe();
    }
  }
}
