import { Scheduler, VirtualClock } from '../../src/clock/index.js';
import { WaveRTMiniport, type AudioFormat, type DmaOutput, type StreamOptions, type WaveRTStream } from '../../src/engine/index.js';

export const stereo16: AudioFormat = { encoding: 'pcm', channels: 2, sampleRate: 48000, bitsPerSample: 16, blockAlign: 4 };
export const mono8: AudioFormat = { encoding: 'pcm', channels: 1, sampleRate: 8000, bitsPerSample: 8, blockAlign: 1 };

/** Keeps every byte the DMA sent towards the DAC. */
export class CaptureOutput implements DmaOutput {
  private chunks: Buffer[] = [];
  writeFrom(source: Buffer, offsetInBytes: number, lengthInBytes: number): void {
    this.chunks.push(Buffer.from(source.subarray(offsetInBytes, offsetInBytes + lengthInBytes)));
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export interface Harness {
  scheduler: Scheduler;
  stream: WaveRTStream;
  output: CaptureOutput;
  packetSize: number;
  /** Moves model time forward to `timeNs`, running every event due until then. */
  runUntil(timeNs: number): void;
  /** Writes packet `packetNumber` (its slot) filled with `fill`, then SetWritePacket. */
  write(packetNumber: number, fill: number, flags?: number, eosPacketLength?: number): number;
  /** Nanoseconds at which `frames` frames have played since RUN at time 0. */
  nsAtFrame(frames: number): number;
}

/**
 * A stream with `notificationCount` packets of `packetFrames` frames, in PAUSE (pre-roll), on virtual time.
 * 48 kHz, 480-frame packets: one packet is exactly 10 ms.
 */
export function makeStream(notificationCount = 2, options: StreamOptions = {}, format: AudioFormat = stereo16, packetFrames = 480): Harness {
  const scheduler = new Scheduler(new VirtualClock());
  const miniport = new WaveRTMiniport(scheduler);
  miniport.init();
  const stream = miniport.newStream(format, options).stream!;
  const allocation = stream.allocateBufferWithNotification(packetFrames * format.blockAlign * notificationCount, notificationCount);
  if (allocation.status !== 0) throw new Error(`allocation failed: ${allocation.reason}`);
  const output = new CaptureOutput();
  stream.attachOutput(output);
  stream.stepTo('PAUSE');
  const packetSize = stream.packetSize;
  return {
    scheduler,
    stream,
    output,
    packetSize,
    runUntil(timeNs: number) {
      scheduler.advanceVirtual(timeNs);
    },
    write(packetNumber: number, fill: number, flags = 0, eosPacketLength = 0) {
      const data = Buffer.alloc(packetSize, fill);
      stream.copyToBuffer(stream.packetOffsetInBytes(packetNumber), data, 0, packetSize);
      return stream.setWritePacket(packetNumber, flags, eosPacketLength);
    },
    nsAtFrame(frames: number) {
      return Math.ceil((frames * 1e9) / format.sampleRate);
    },
  };
}

/** Splits output bytes into packet-sized runs and names each by its fill byte (or 'mixed'). */
export function describePackets(bytes: Buffer, packetSize: number): string[] {
  const result: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += packetSize) {
    const packet = bytes.subarray(offset, Math.min(offset + packetSize, bytes.length));
    const first = packet[0]!;
    const uniform = packet.every((b) => b === first);
    result.push(uniform ? `${first.toString(16)}${packet.length < packetSize ? `:${packet.length}` : ''}` : 'mixed');
  }
  return result;
}
