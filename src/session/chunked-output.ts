import type { DmaOutput } from '../engine/index.js';

/** Collects the DMA's many small transfers into large chunks for a writer (a WAV file, stdout). */
export class ChunkedOutput implements DmaOutput {
  private readonly chunk: Buffer;
  private used = 0;
  private readonly flushChunk: (bytes: Uint8Array) => void;

  constructor(flushChunk: (bytes: Uint8Array) => void, chunkSizeInBytes = 256 * 1024) {
    this.flushChunk = flushChunk;
    this.chunk = Buffer.alloc(chunkSizeInBytes);
  }

  writeFrom(source: Buffer, offsetInBytes: number, lengthInBytes: number): void {
    let from = offsetInBytes;
    let remaining = lengthInBytes;
    while (remaining > 0) {
      const size = Math.min(remaining, this.chunk.length - this.used);
      source.copy(this.chunk, this.used, from, from + size);
      this.used += size;
      from += size;
      remaining -= size;
      if (this.used === this.chunk.length) this.flush();
    }
  }

  flush(): void {
    if (this.used === 0) return;
    this.flushChunk(this.chunk.subarray(0, this.used));
    this.used = 0;
  }
}
