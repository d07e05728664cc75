import type { PcmSource } from '../client/packet-client.js';

/** Anything that reads whole frames into a buffer (WavReader, a generated signal). */
export interface FrameReader {
  read(target: Uint8Array): number;
}

const READ_CHUNK_BYTES = 256 * 1024;

/**
 * Adapts a frame reader to the client's "fill completely unless the source ends" contract, reading in large
 * chunks so that a packet costs a memory copy, not a system call.
 */
export function pcmSourceFrom(reader: FrameReader, chunkSizeInBytes = READ_CHUNK_BYTES): PcmSource {
  const chunk = Buffer.alloc(chunkSizeInBytes);
  let start = 0;
  let end = 0;
  let ended = false;
  return {
    read(target: Buffer): number {
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
        chunk.copy(target, filled, start, start + size);
        start += size;
        filled += size;
      }
      return filled;
    },
  };
}
