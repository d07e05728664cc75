// The hardware side (DESIGN §6): the cyclic buffer, and the DMA moving its bytes to the DAC side as they are
// at the moment of transfer. Underflow is judged when a packet's transfer begins.
import type { StreamObserver } from './observer.js';
import type { AudioFormat, DmaOutput, UnderflowPolicy } from './types.js';

export function silenceValueFor(format: AudioFormat): number {
  return format.encoding === 'pcm' && format.bitsPerSample === 8 ? 0x80 : 0;
}

export class Dma {
  buffer: Buffer = Buffer.alloc(0);
  private silence: Buffer = Buffer.alloc(0);
  /** One view per slot, made at allocation: a whole-packet transfer hands the output a slot without a new view. */
  private slotViews: Buffer[] = [];
  private silenceValue = 0;
  private blockAlign = 1;
  notificationCount = 0;
  packetSizeInBytes = 0;
  packetFrames = 0;
  bufferFrames = 0;
  /** Frames transferred since STOP (the linear position in frames). */
  linearFrames = 0;
  /** The packet whose start has been judged for underflow (-1: none since STOP). */
  startedPacket = -1;
  private currentPacketSilenced = false;
  /** For each slot, the linear packet number last written into it (-1: none since STOP). */
  private slotPacket: Float64Array = new Float64Array(0);
  lastWrittenPacket = -1;
  output: DmaOutput | null = null;
  private readonly observers: StreamObserver[];
  private readonly underflowPolicy: UnderflowPolicy;

  constructor(observers: StreamObserver[], underflowPolicy: UnderflowPolicy) {
    this.observers = observers;
    this.underflowPolicy = underflowPolicy;
  }

  /** A new buffer of `sizeInBytes` in `notificationCount` packets (0: no packet mode, one loop of the buffer). */
  setBuffer(sizeInBytes: number, notificationCount: number, packetSizeInBytes: number, format: AudioFormat): void {
    this.blockAlign = format.blockAlign;
    this.silenceValue = silenceValueFor(format);
    this.buffer = Buffer.alloc(sizeInBytes, this.silenceValue);
    this.notificationCount = notificationCount;
    this.packetSizeInBytes = notificationCount > 0 ? packetSizeInBytes : sizeInBytes;
    this.packetFrames = this.packetSizeInBytes / format.blockAlign;
    this.bufferFrames = sizeInBytes / format.blockAlign;
    this.silence = Buffer.alloc(this.packetSizeInBytes, this.silenceValue);
    this.slotPacket = new Float64Array(Math.max(notificationCount, 1)).fill(-1);
    this.slotViews = [];
    if (notificationCount > 0) {
      for (let slot = 0; slot < notificationCount; slot++) {
        this.slotViews.push(this.buffer.subarray(slot * packetSizeInBytes, (slot + 1) * packetSizeInBytes));
      }
    }
    this.reset();
  }

  /** STOP: positions and the write bookkeeping back to nothing. */
  reset(): void {
    this.linearFrames = 0;
    this.startedPacket = -1;
    this.currentPacketSilenced = false;
    this.slotPacket.fill(-1);
    this.lastWrittenPacket = -1;
  }

  /** The packet the DMA is in (or about to begin): linear frames over packet frames. */
  packet(): number {
    return this.packetFrames === 0 ? 0 : Math.floor(this.linearFrames / this.packetFrames);
  }

  packetOffsetInBytes(packetNumber: number): number {
    return this.notificationCount === 0 ? 0 : (packetNumber % this.notificationCount) * this.packetSizeInBytes;
  }

  /**
   * The DMA packet that will play a write into `linearPacket`'s slot: the first one not yet begun that uses
   * that slot. It is `linearPacket` itself whenever the count is the DMA's (packetClock exact); with the
   * reference's timer the count can run ahead of the DMA, and only the slot says where the audio will be heard.
   */
  packetPlaying(linearPacket: number): number {
    const n = this.notificationCount;
    if (n === 0) return linearPacket;
    const current = this.packet();
    const base = this.startedPacket === current ? current + 1 : current;
    return base + ((((linearPacket % n) - (base % n)) % n) + n) % n;
  }

  /** The pass of the slot in which a write's bytes are first heard: the one in transfer, if it is that slot. */
  passHearing(linearPacket: number): number {
    const current = this.packet();
    const inSlot = this.notificationCount > 0 && this.startedPacket === current && current % this.notificationCount === linearPacket % this.notificationCount;
    return inSlot ? current : this.packetPlaying(linearPacket);
  }

  markWritten(linearPacket: number): void {
    this.slotPacket[linearPacket % this.notificationCount] = linearPacket;
    if (linearPacket > this.lastWrittenPacket) this.lastWrittenPacket = linearPacket;
  }

  /** The OS side writing into the mapped buffer (the caller has brought the DMA up to now). */
  copyToBuffer(offsetInBytes: number, source: Buffer, sourceOffset: number, lengthInBytes: number, timeNs: number): void {
    const buffer = this.buffer;
    const size = buffer.length;
    let offset = offsetInBytes % size;
    const observers = this.observers;
    for (let i = 0; i < observers.length; i++) observers[i]!.bufferWritten?.(offset, lengthInBytes, timeNs);
    // the common write: a whole packet from the start of the client's buffer into its slot, one copy
    if (sourceOffset === 0 && lengthInBytes === source.length && offset + lengthInBytes <= size) {
      buffer.set(source, offset);
      return;
    }
    let remaining = lengthInBytes;
    let from = sourceOffset;
    while (remaining > 0) {
      const chunk = Math.min(remaining, size - offset);
      source.copy(buffer, offset, from, from + chunk);
      remaining -= chunk;
      from += chunk;
      offset = 0;
    }
  }

  /** A packet's transfer begins: it underflows if its slot was not written for it since last consumed. */
  startPacket(packetNumber: number, timeNs: number): void {
    this.startedPacket = packetNumber;
    // without notifications there are no packets to write: the DMA just loops over the buffer
    if (this.notificationCount === 0) {
      this.currentPacketSilenced = false;
      return;
    }
    const written = this.slotPacket[packetNumber % this.notificationCount] === packetNumber;
    this.currentPacketSilenced = !written && this.underflowPolicy === 'silence';
    if (!written) {
      for (const observer of this.observers) {
        observer.underflow?.(packetNumber, packetNumber * this.packetFrames, this.packetFrames, timeNs, this.currentPacketSilenced);
      }
    }
  }

  /** Moves bytes from the cyclic buffer to the output as they are at this moment, up to `targetFrame`. */
  transferTo(targetFrame: number, timeNs: number): void {
    const blockAlign = this.blockAlign;
    const packetFrames = this.packetFrames;
    const output = this.output;
    const observers = this.observers;
    while (this.linearFrames < targetFrame) {
      const linear = this.linearFrames;
      const packet = packetFrames === 0 ? 0 : Math.floor(linear / packetFrames);
      const packetStart = packet * packetFrames;
      const packetEnd = packetStart + packetFrames;
      const frames = (targetFrame < packetEnd ? targetFrame : packetEnd) - linear;
      const inPacketFrames = linear - packetStart;
      const sizeInBytes = frames * blockAlign;
      const slotOffset = this.notificationCount === 0 ? 0 : (packet % this.notificationCount) * this.packetSizeInBytes;
      const offset = this.currentPacketSilenced ? -1 : slotOffset + inPacketFrames * blockAlign;
      if (output !== null) {
        if (offset < 0) output.writeFrom(this.silence, 0, sizeInBytes, timeNs);
        else if (inPacketFrames === 0 && frames === packetFrames && this.notificationCount > 0) output.writeFrom(this.slotViews[packet % this.notificationCount]!, 0, sizeInBytes, timeNs);
        else output.writeFrom(this.buffer, offset, sizeInBytes, timeNs);
      }
      for (let i = 0; i < observers.length; i++) observers[i]!.output?.(sizeInBytes, timeNs, offset, packet);
      this.linearFrames = linear + frames;
    }
  }

  /** EOS silence fill: when the DMA gets to the EOS point, so a fill never lands in a packet still being heard. */
  fillSilence(): void {
    this.buffer.fill(this.silenceValue);
  }

  /** The hardware FIFO reading `lengthInBytes` past `offsetInBytes`, wrapping round the buffer. */
  emitCyclic(offsetInBytes: number, lengthInBytes: number, timeNs: number): void {
    let offset = offsetInBytes;
    let remaining = lengthInBytes;
    while (remaining > 0) {
      const chunk = Math.min(remaining, this.buffer.length - offset);
      this.output?.writeFrom(this.buffer, offset, chunk, timeNs);
      for (const observer of this.observers) observer.output?.(chunk, timeNs, offset, -1);
      remaining -= chunk;
      offset = 0;
    }
  }
}
