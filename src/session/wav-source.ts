import type { PcmSource } from '../client/packet-client.js';

/** Anything that reads whole frames into a buffer (WavReader, a generated signal). */
export interface FrameReader {
  read(target: Uint8Array): number;
}

/** Adapts a frame reader to the client's "fill completely unless the source ends" contract. */
export function pcmSourceFrom(reader: FrameReader): PcmSource {
  return {
    read(target: Buffer): number {
      let filled = reader.read(target);
      while (filled > 0 && filled < target.length) {
        const more = reader.read(target.subarray(filled));
        if (more === 0) break;
        filled += more;
      }
      return filled;
    },
  };
}
