import type { Scheduler } from '../clock/scheduler.js';
import {
  KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM, STATUS_DATA_LATE_ERROR, STATUS_DATA_OVERRUN, STATUS_SUCCESS, modUlong,
  type NtStatus, type WaveRTStream,
} from '../engine/index.js';
import type { LatencySampler } from './latency.js';
import { ClientWaker, LinearPacketCount } from './pacing.js';

const TWO_POW_32 = 0x1_0000_0000;

/** Where the client's audio comes from. `read` fills `target` completely unless the source ends (whole frames). */
export interface PcmSource {
  read(target: Buffer): number;
  /**
   * The next `sizeInBytes` bytes as a view of the source's own memory, intact until the read after next; null
   * when it cannot give one (then `read` copies them). Saves a copy per packet that the model does not make.
   */
  view?(sizeInBytes: number): Buffer | null;
}

export interface PacketClientOptions {
  /** Delay between the notification event and the client running (seeded in scripted runs). */
  wakeLatency?: LatencySampler;
  /** Time the client spends between waking and calling SetWritePacket. */
  processingNs?: number;
  /** At most this many packets written before RUN (the driver's pre-roll window may allow fewer). Default: N. */
  prerollPackets?: number;
}

/** Explicit client states; every change goes through `setClientState`. */
export type PacketClientState = 'idle' | 'prerolled' | 'streaming' | 'eos-sent' | 'stopped';

/**
 * The OS side of packet mode: pre-roll, RUN, then on every notification read the packet count and write
 * the next packet(s) with SetWritePacket. A LATE or OVERRUN answer makes it resynchronise from the packet
 * count; the audio is never dropped by the client, only delayed (what an audio engine's queue does).
 */
export class PacketRenderClient {
  readonly stream: WaveRTStream;
  private readonly scheduler: Scheduler;
  private readonly source: PcmSource;
  private readonly prerollPackets: number;

  private clientState: PacketClientState = 'idle';
  /** The linear number of the next packet the client means to write. */
  private nextPacket = 0;
  /** The last packet count seen, unwrapped to a linear number. */
  private readonly count = new LinearPacketCount();
  /** The staged packet and the one after it: views of the source's memory, or copies in the client's own buffers. */
  private staged: Buffer;
  private stagedLength = -1;
  private lookahead: Buffer;
  private lookaheadLength = -1;
  private readonly ownA: Buffer;
  private readonly ownB: Buffer;
  private sourceEnded = false;
  /** The packet number the client skips writing (scenario hook), and how many more after it. */
  private skipRemaining = 0;
  /** Extra flag bits for the client's next writes (scenario hook), and how many writes still carry them. */
  private extraFlags = 0;
  private extraFlagsRemaining = 0;
  private readonly waker: ClientWaker;
  private readonly onNotification = (_count: number, timeNs: number): void => this.waker.signal(timeNs);

  /** Packets written successfully, and frames of the source delivered in them. */
  packetsWritten = 0;
  framesDelivered = 0;
  /** The status of the last SetWritePacket call; not an exception, a value. */
  lastStatus: NtStatus = STATUS_SUCCESS;

  constructor(scheduler: Scheduler, stream: WaveRTStream, source: PcmSource, options: PacketClientOptions = {}) {
    this.scheduler = scheduler;
    this.stream = stream;
    this.source = source;
    this.waker = new ClientWaker(
      scheduler, options.wakeLatency ?? null, options.processingNs ?? 0,
      null,
      () => this.wake(),
    );
    this.prerollPackets = Math.max(1, Math.min(options.prerollPackets ?? stream.notifications, stream.notifications));
    this.ownA = Buffer.alloc(stream.packetSize);
    this.ownB = Buffer.alloc(stream.packetSize);
    this.staged = this.ownA;
    this.lookahead = this.ownB;
    stream.registerNotificationEvent(this.onNotification);
  }

  get state(): PacketClientState {
    return this.clientState;
  }

  /** The linear packet number the client will write next. */
  get expectedPacket(): number {
    return this.nextPacket;
  }

  private setClientState(next: PacketClientState): void {
    this.clientState = next;
    // the waker reacts while the client streams or waits to: told here, not asked per packet
    this.waker.active = next !== 'stopped' && next !== 'eos-sent';
  }

  /** Writes what may be written before RUN. The stream must be in ACQUIRE or PAUSE. */
  preroll(): void {
    this.count.value = this.stream.getPacketCount().packetCount;
    this.nextPacket = this.count.value;
    this.fill(Math.min(this.prerollPackets - 1, this.stream.storableWindow().highest));
    if (this.clientState === 'idle') this.setClientState('prerolled');
  }

  /** Call right after the stream entered RUN: the client tops up the buffer after its wake-up latency. */
  started(): void {
    if (this.clientState !== 'eos-sent') this.setClientState('streaming');
    this.waker.signal(this.scheduler.timeNs);
  }

  /** Stops reacting to events (the stream is being torn down). */
  stop(): void {
    this.setClientState('stopped');
    this.waker.cancel();
    this.stream.unregisterNotificationEvent(this.onNotification);
  }

  /** Scenario hook: the client does nothing until `timeNs`; events meanwhile collapse into one wake-up. */
  stallUntil(timeNs: number): void {
    this.waker.stallUntil(timeNs);
  }

  /** Scenario hook: do not write the next `count` packets the client would write (their audio is dropped). */
  skipPackets(count: number): void {
    this.skipRemaining += count;
  }

  /** Scenario hook: the next `count` write attempts carry these extra flag bits (whether or not they are accepted). */
  addFlagsToNextWrites(flags: number, count: number): void {
    this.extraFlags = flags >>> 0;
    this.extraFlagsRemaining = count;
  }

  /** Scenario hook: end the stream at the next write, with this EOS packet length in bytes. */
  endStreamNow(eosPacketLength: number): NtStatus {
    this.count.refresh(this.stream);
    this.stageIfNeeded();
    const length = Math.min(eosPacketLength, Math.max(this.stagedLength, 0));
    return this.writeStaged(this.nextPacket, KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM, length, true, eosPacketLength);
  }

  /** Scenario hook: a SetWritePacket for an arbitrary packet number, with the client's next audio in its slot. */
  writeArbitrary(linearPacketNumber: number, flags: number, eosPacketLength: number): NtStatus {
    this.stageIfNeeded();
    const length = Math.max(this.stagedLength, 0);
    this.stream.copyToBuffer(this.stream.packetOffsetInBytes(linearPacketNumber), this.staged, 0, length);
    const status = this.stream.setWritePacket(linearPacketNumber % TWO_POW_32, flags, eosPacketLength);
    this.lastStatus = status;
    return status;
  }

  private wake(): void {
    const streamState = this.stream.getState();
    // the OS writes packets only in PAUSE (pre-roll) and RUN; after a STOP it pre-rolls afresh
    if (streamState === 'STOP' || streamState === 'ACQUIRE') return;
    this.count.refresh(this.stream);
    // the driver's window (its profile): c+1 … in RUN, c … before it
    const window = this.stream.storableWindow();
    this.fill(streamState === 'RUN' ? window.highest : Math.min(this.prerollPackets - 1, window.highest));
  }

  /** Writes packets until `nextPacket` is `highestDelta` past the packet count, or the audio ends. */
  private fill(highestDelta: number): void {
    // bounded: a full window plus one resynchronisation per call
    let attempts = this.stream.notifications + 2;
    while (attempts-- > 0 && this.clientState !== 'eos-sent' && this.clientState !== 'stopped') {
      if (this.nextPacket - this.count.value > highestDelta) return;
      if (this.stagedLength < 0) {
        // stageIfNeeded's common case, inline: the lookahead read during the previous write becomes the staged packet
        if (this.lookaheadLength >= 0) {
          this.staged = this.lookahead;
          this.stagedLength = this.lookaheadLength;
          this.lookaheadLength = -1;
        } else {
          this.stageIfNeeded();
        }
      }
      if (this.skipRemaining > 0) {
        this.skipRemaining--;
        this.stagedLength = -1;
        this.nextPacket++;
        continue;
      }
      const isLast = this.stagedLength < this.staged.length || this.nextIsEnd();
      const flags = (isLast ? KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM : 0) | (this.extraFlagsRemaining === 0 ? 0 : this.takeExtraFlags());
      const status = this.writeStaged(this.nextPacket, flags, isLast ? this.stagedLength : 0, isLast, -1);
      if (status === STATUS_DATA_LATE_ERROR || status === STATUS_DATA_OVERRUN) {
        this.count.refresh(this.stream);
        this.nextPacket = this.count.value + this.stream.storableWindow().lowest;
      } else if (status !== STATUS_SUCCESS) {
        return;
      }
    }
  }

  /** Copies the staged audio (valid bytes only) into the packet's slot, then calls SetWritePacket. */
  private writeStaged(linearPacketNumber: number, flags: number, eosPacketLength: number, isEos: boolean, declaredEosLength: number): NtStatus {
    const stream = this.stream;
    const length = Math.max(this.stagedLength, 0);
    const validLength = isEos ? Math.min(length, eosPacketLength) : length;
    if (validLength > 0) stream.copyToBuffer(stream.packetOffsetInBytes(linearPacketNumber), this.staged, 0, validLength);
    const status = stream.setWritePacket(modUlong(linearPacketNumber), flags, declaredEosLength >= 0 ? declaredEosLength : eosPacketLength);
    this.lastStatus = status;
    if (status === STATUS_SUCCESS) {
      this.packetsWritten++;
      this.framesDelivered += validLength / stream.getFormat().blockAlign;
      this.stagedLength = -1;
      this.nextPacket = linearPacketNumber + 1;
      if (isEos) {
        this.setClientState('eos-sent');
        this.stream.unregisterNotificationEvent(this.onNotification);
      }
    }
    return status;
  }

  private takeExtraFlags(): number {
    if (this.extraFlagsRemaining === 0) return 0;
    this.extraFlagsRemaining--;
    return this.extraFlags;
  }

  private stageIfNeeded(): void {
    if (this.stagedLength >= 0) return;
    if (this.lookaheadLength >= 0) {
      this.staged = this.lookahead;
      this.stagedLength = this.lookaheadLength;
      this.lookaheadLength = -1;
      return;
    }
    if (this.sourceEnded) {
      this.stagedLength = 0;
      return;
    }
    // nothing else is held: a view, or a copy into either own buffer
    const view = this.source.view === undefined ? null : this.source.view(this.ownA.length);
    if (view !== null) {
      this.staged = view;
      this.stagedLength = view.length;
      return;
    }
    this.staged = this.ownA;
    this.stagedLength = this.readInto(this.ownA);
  }

  /** True when the source has nothing after the staged packet (so a full last packet carries the EOS flag). */
  private nextIsEnd(): boolean {
    // a lookahead already read decides, even when reading it ended the source (a retried write must not lose it)
    if (this.lookaheadLength >= 0) return this.lookaheadLength === 0;
    if (this.sourceEnded) return true;
    const view = this.source.view === undefined ? null : this.source.view(this.ownA.length);
    if (view !== null) {
      this.lookahead = view;
      this.lookaheadLength = view.length;
      return view.length === 0;
    }
    // a copy may make the source reuse the memory a staged view points into: the staged packet is copied first
    if (this.staged !== this.ownA && this.staged !== this.ownB) {
      this.ownA.set(this.staged);
      this.staged = this.ownA;
    }
    const target = this.staged === this.ownA ? this.ownB : this.ownA;
    this.lookahead = target;
    this.lookaheadLength = this.readInto(target);
    return this.lookaheadLength === 0;
  }

  private readInto(target: Buffer): number {
    const length = this.source.read(target);
    if (length < target.length) this.sourceEnded = true;
    return length;
  }
}
