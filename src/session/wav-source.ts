import type { PcmSource } from '../client/packet-client.js';

/** Anything that reads whole frames into a buffer (WavReader, a generated signal). */
export interface FrameReader {
  read(target: Uint8Array): number;
}

const READ_CHUNK_BYTES = 256 * 1024;
/** More packets than this per chunk (tiny packets) are copied without keeping views. */
const MAX_KEPT_VIEWS = 4096;

/**
 * Adapts a frame reader to the client's "fill completely unless the source ends" contract, reading in large
 * chunks so that a packet costs a memory copy, not a system call. Two chunks take turns, so a packet handed out
 * as a view (`view`) stays intact until the read after next: the client keeps at most its staged packet and
 * one lookahead, and copies the staged one into the cyclic buffer straight from the chunk.
 */
export function pcmSourceFrom(reader: FrameReader, chunkSizeInBytes = READ_CHUNK_BYTES): PcmSource {
  // sized at the first read to a whole number of the client's packets, so packets sit at the same offsets in
  // every chunk: their views are made once (Node 20's Buffer.copy makes a new one per partial copy, 5 MiB of
  // garbage for a 10-minute file)
  let chunk: Buffer | null = null;
  let other: Buffer | null = null;
  let start = 0;
  let end = 0;
  let ended = false;
  let views: Buffer[] = [];
  let otherViews: Buffer[] = [];
  let viewBytes = 0;
  const packetView = (size: number): Buffer | null => {
    const whole = chunk!;
    if (start % size !== 0 || whole.length / size > MAX_KEPT_VIEWS) return null;
    if (size !== viewBytes) {
      views.length = 0;
      otherViews.length = 0;
      viewBytes = size;
    }
    return (views[start / size] ??= whole.subarray(start, start + size));
  };
  /** The next chunk from the reader, into the chunk that is not the current one. */
  const refill = (sizeHint: number): void => {
    if (chunk === null) {
      chunk = Buffer.alloc(Math.max(1, Math.floor(chunkSizeInBytes / sizeHint)) * sizeHint);
    } else {
      // the second chunk only once the first is used up: a short file needs one
      const previous = chunk;
      chunk = other ?? Buffer.alloc(previous.length);
      other = previous;
      const previousViews = views;
      views = otherViews;
      otherViews = previousViews;
    }
    start = 0;
    end = reader.read(chunk);
    if (end === 0) ended = true;
  };
  return {
    view(sizeInBytes: number): Buffer | null {
      // the common read: a whole packet whose view is already made
      if (sizeInBytes === viewBytes && end - start >= sizeInBytes) {
        const kept = views[start / sizeInBytes];
        if (kept !== undefined) {
          start += sizeInBytes;
          return kept;
        }
      }
      if (sizeInBytes === 0) return null;
      if (start === end && !ended) refill(sizeInBytes);
      // a packet across two reads (a pipe's short read) or the end: the caller copies it with `read`
      if (end - start < sizeInBytes) return null;
      const view = packetView(sizeInBytes);
      if (view !== null) start += sizeInBytes;
      return view;
    },
    read(target: Buffer): number {
      // the common read: a whole packet whose view is already made
      if (target.length === viewBytes && end - start >= viewBytes) {
        const view = views[start / viewBytes];
        if (view !== undefined) {
          target.set(view);
          start += viewBytes;
          return viewBytes;
        }
      }
      if (target.length === 0) return 0;
      let filled = 0;
      while (filled < target.length) {
        if (start === end) {
          if (ended) break;
          refill(target.length);
          if (ended) break;
        }
        const size = Math.min(target.length - filled, end - start);
        const view = filled === 0 && size === target.length ? packetView(size) : null;
        if (view) target.set(view);
        else chunk!.copy(target, filled, start, start + size);
        start += size;
        filled += size;
      }
      return filled;
    },
  };
}
