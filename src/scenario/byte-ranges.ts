// Whole-range byte comparisons for the range expectations: memcmp-speed on the usual (passing) path, and the
// first differing byte when a range does not hold, so messages name the same frame a frame-by-frame scan would.

/** Bytes compared per Buffer.compare when looking for the first difference. */
const CHUNK_BYTES = 4096;

/** Offset (from the start) of the first byte where a[aStart…] and b[bStart…] differ within `lengthInBytes`, or -1. */
export function firstDifference(a: Buffer, aStart: number, b: Buffer, bStart: number, lengthInBytes: number): number {
  for (let done = 0; done < lengthInBytes; done += CHUNK_BYTES) {
    const length = Math.min(CHUNK_BYTES, lengthInBytes - done);
    if (a.compare(b, bStart + done, bStart + done + length, aStart + done, aStart + done + length) === 0) continue;
    for (let offset = done; offset < done + length; offset++) {
      if (a[aStart + offset] !== b[bStart + offset]) return offset;
    }
  }
  return -1;
}

const filledChunks = new Map<number, Buffer>();

/** Offset (from `start`) of the first byte in bytes[start, start + lengthInBytes) that is not `value`, or -1. */
export function firstByteNotEqual(bytes: Buffer, start: number, lengthInBytes: number, value: number): number {
  let filled = filledChunks.get(value);
  if (filled === undefined) {
    filled = Buffer.alloc(CHUNK_BYTES, value);
    filledChunks.set(value, filled);
  }
  for (let done = 0; done < lengthInBytes; done += CHUNK_BYTES) {
    const length = Math.min(CHUNK_BYTES, lengthInBytes - done);
    if (bytes.compare(filled, 0, length, start + done, start + done + length) === 0) continue;
    for (let offset = done; offset < done + length; offset++) {
      if (bytes[start + offset] !== value) return offset;
    }
  }
  return -1;
}
