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
 * chunks so that a packet costs a memory copy, not a system call.
 */
export function pcmSourceFrom(reader: FrameReader, chunkSizeInBytes = READ_CHUNK_BYTES): PcmSource {
  // sized at the first read to a whole number of the client's packets, so packets sit at the same offsets in
  // every chunk: their views are made once (Node 20's Buffer.copy makes a new one per partial copy, 5 MiB of
  // garbage for a 10-minute file)
  let chunk: Buffer | null = null;
  let start = 0;
  let end = 0;
  let ended = false;
  const views: Buffer[] = [];
  let viewBytes = 0;
  const packetView = (whole: Buffer, size: number): Buffer | null => {
    if (start % size !== 0 || whole.length / size > MAX_KEPT_VIEWS) return null;
    if (size !== viewBytes) {
      views.length = 0;
      viewBytes = size;
    }
    return (views[start / size] ??= whole.subarray(start, start + size));
  };
  return {
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
      chunk ??= Buffer.alloc(Math.max(1, Math.floor(chunkSizeInBytes / target.length)) * target.length);
      let filled = 0;
      while (filled < target.length) {
        if (start === end) {
          if (ended) break;
          start = 0;
          end = reader.read(chunk);
          if (end === 0) {
            ended = true;
            break;
          }
        }
        const size = Math.min(target.length - filled, end - start);
        const view = filled === 0 && size === target.length ? packetView(chunk, size) : null;
        if (view) target.set(view);
        else chunk.copy(target, filled, start, start + size);
        start += size;
        filled += size;
      }
      return filled;
    },
  };
}
