import type { KsState } from './types.js';

// What the stream and the client report as they run. The recorder (report/) implements it; every method
// is optional so that a test can listen to just one thing. Arguments are scalars: no per-event objects.

export interface StreamObserver {
  stateChanged?(from: KsState, to: KsState, timeNs: number, positionFrames: number): void;
  /** The packet count went up (or the stream ended): the notification event was signalled. */
  notification?(packetCount: number, timeNs: number, positionFrames: number): void;
  /**
   * A SetWritePacket call and its status. marginNs: time left before the packet starts transferring (RUN only,
   * else NaN). dmaPacket: the linear DMA packet that plays the write's slot (the count's own numbering unless the
   * count runs apart from the DMA, as with the reference's 1 ms timer).
   */
  writePacket?(packetNumber: number, flags: number, eosPacketLength: number, status: number, timeNs: number, positionFrames: number, packetCount: number, marginNs: number, dmaPacket?: number): void;
  /** A packet began transferring without having been written. */
  underflow?(packetNumber: number, startFrame: number, frameCount: number, timeNs: number, silenced: boolean): void;
  /** The DMA reached the EOS point. */
  endOfStream?(packetNumber: number, eosPacketLength: number, timeNs: number, positionFrames: number): void;
  /** The hardware FIFO read past the EOS point. */
  fifoOvershoot?(sizeInBytes: number, silent: boolean, timeNs: number): void;
  /**
   * Bytes that left the DMA towards the DAC, at `timeNs` (the time the last of them left). `bufferOffsetInBytes`
   * is where in the cyclic buffer they were read (-1: silence the driver played instead); `packetNumber` is the
   * linear packet being transferred (-1: the FIFO overshoot past the EOS point).
   */
  output?(sizeInBytes: number, timeNs: number, bufferOffsetInBytes: number, packetNumber: number): void;
  /** The OS side copied bytes into the cyclic buffer (before its SetWritePacket call). */
  bufferWritten?(offsetInBytes: number, lengthInBytes: number, timeNs: number): void;
}
