import { WHDR_BEGINLOOP, WHDR_ENDLOOP } from './waveout-constants.js';

/** WAVEHDR as the model needs it; `id` names the header in traces and in DONE order (it is not a WAVEHDR field). */
export class WaveHeader {
  readonly id: number;
  /** lpData */
  readonly data: Buffer;
  /** dwBufferLength: bytes of `data` to play. */
  bufferLength: number;
  /** dwFlags (WHDR_*) */
  flags = 0;
  /** dwLoops: how many times a BEGINLOOP header's loop plays. */
  loops = 0;
  /** dwUser */
  user = 0;
  /** Where this header's data ends in the staged packet, while it is staged (-1: not fed completely yet). */
  stagedEndOffset = -1;
  /** Linear stream byte at which the header's last byte has been played (-1: not yet known). */
  endLinearByte = -1;

  constructor(id: number, data: Buffer, bufferLength = data.length) {
    this.id = id;
    this.data = data;
    this.bufferLength = bufferLength;
  }
}

/**
 * The driver's queue of INQUEUE headers, in write order, and the feed position inside it. The feeder drains
 * it packet by packet; BEGINLOOP/ENDLOOP send the position back to the loop's first header until dwLoops
 * plays are done. A header counts as fed (its end is known) when its last byte went into a packet for the
 * last time; the headers of a loop are all fed at the end of the loop's last play.
 */
export class WaveHeaderQueue {
  private readonly headers: WaveHeader[] = [];
  private feedIndex = 0;
  private feedOffset = 0;
  private loopStart = -1;
  private loopPlaysLeft = 0;
  private loopPassBytes = 0;
  private breakRequested = false;
  /** headers[0 … fedCount) have been fed completely; headers[0 … committedCount) sit in accepted packets. */
  private fedCount = 0;
  private committedCount = 0;
  /** Plays of a loop beyond the first (each jump back to BEGINLOOP). */
  loopRepeats = 0;

  get length(): number {
    return this.headers.length;
  }

  get isEmpty(): boolean {
    return this.headers.length === 0;
  }

  /** True when every queued byte has been fed (nothing left to put into packets, loops included). */
  get isDrained(): boolean {
    return this.feedIndex >= this.headers.length;
  }

  get inLoop(): boolean {
    return this.loopStart >= 0;
  }

  front(): WaveHeader | undefined {
    return this.headers[0];
  }

  at(index: number): WaveHeader | undefined {
    return this.headers[index];
  }

  append(header: WaveHeader): void {
    header.stagedEndOffset = -1;
    header.endLinearByte = -1;
    this.headers.push(header);
  }

  includes(header: WaveHeader): boolean {
    return this.headers.includes(header);
  }

  /**
   * Copies up to `length` bytes of queued audio into `target` at `offset`; returns the bytes copied (less
   * when the queue runs dry). Headers fed completely get `stagedEndOffset` = their end inside `target`.
   */
  drainInto(target: Buffer, offset: number, length: number): number {
    let copied = 0;
    while (copied < length && this.feedIndex < this.headers.length) {
      const header = this.headers[this.feedIndex]!;
      if (this.feedOffset === 0 && this.loopStart < 0 && (header.flags & WHDR_BEGINLOOP) !== 0) {
        this.loopStart = this.feedIndex;
        this.loopPlaysLeft = Math.max(1, header.loops >>> 0);
        this.loopPassBytes = 0;
        this.breakRequested = false;
      }
      const size = Math.min(header.bufferLength - this.feedOffset, length - copied);
      if (size > 0) {
        header.data.copy(target, offset + copied, this.feedOffset, this.feedOffset + size);
        copied += size;
        this.feedOffset += size;
        this.loopPassBytes += size;
      }
      if (this.feedOffset >= header.bufferLength) this.finishHeader(offset + copied);
    }
    return copied;
  }

  private finishHeader(endOffset: number): void {
    const header = this.headers[this.feedIndex]!;
    if (this.loopStart >= 0 && (header.flags & WHDR_ENDLOOP) !== 0) {
      this.loopPlaysLeft--;
      // an empty loop would spin without producing audio: it ends at once
      if (this.loopPlaysLeft > 0 && !this.breakRequested && this.loopPassBytes > 0) {
        this.loopRepeats++;
        this.loopPassBytes = 0;
        this.feedIndex = this.loopStart;
        this.feedOffset = 0;
        return;
      }
      for (let index = this.loopStart; index <= this.feedIndex; index++) this.headers[index]!.stagedEndOffset = endOffset;
      this.loopStart = -1;
      this.fedCount = this.feedIndex + 1;
    } else if (this.loopStart < 0) {
      header.stagedEndOffset = endOffset;
      this.fedCount = this.feedIndex + 1;
    }
    this.feedIndex++;
    this.feedOffset = 0;
  }

  /** The staged packet was accepted as the packet starting at `packetStartByte`: its headers' ends are now known. */
  commitStaged(packetStartByte: number): void {
    for (let index = this.committedCount; index < this.fedCount; index++) {
      const header = this.headers[index]!;
      header.endLinearByte = packetStartByte + header.stagedEndOffset;
    }
    this.committedCount = this.fedCount;
  }

  /** WODM_BREAKLOOP: the current play of the loop is its last. */
  breakLoop(): boolean {
    if (this.loopStart < 0) return false;
    this.breakRequested = true;
    return true;
  }

  /** The front header, removed, if it has been played up to `playedLinearByte`. */
  takePlayed(playedLinearByte: number): WaveHeader | undefined {
    const header = this.headers[0];
    if (!header || this.committedCount === 0 || header.endLinearByte < 0 || header.endLinearByte > playedLinearByte) return undefined;
    this.removeFront();
    return header;
  }

  /** The front header, removed whatever its state (WODM_RESET). */
  takeFront(): WaveHeader | undefined {
    if (this.headers.length === 0) return undefined;
    const header = this.headers[0]!;
    this.removeFront();
    return header;
  }

  /** Linear byte where the front header ends, or -1 when it is not in an accepted packet yet. */
  frontEndLinearByte(): number {
    return this.committedCount > 0 ? this.headers[0]!.endLinearByte : -1;
  }

  private removeFront(): void {
    this.headers.shift();
    this.feedIndex = Math.max(0, this.feedIndex - 1);
    this.fedCount = Math.max(0, this.fedCount - 1);
    this.committedCount = Math.max(0, this.committedCount - 1);
    if (this.loopStart >= 0) this.loopStart = Math.max(0, this.loopStart - 1);
  }

  /** WODM_RESET after every header was taken: the feed position and any loop start over. */
  clear(): void {
    this.headers.length = 0;
    this.feedIndex = 0;
    this.feedOffset = 0;
    this.fedCount = 0;
    this.committedCount = 0;
    this.loopStart = -1;
    this.loopPlaysLeft = 0;
    this.breakRequested = false;
  }
}
