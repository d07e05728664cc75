import { nsToFrames } from '../clock/time.js';
import type { KsState, StreamObserver } from '../engine/index.js';
import { STATUS_SUCCESS, statusHex, statusName } from '../engine/status.js';
import { SampleSet, type SampleStats } from './samples.js';
import type { TraceWriter } from './trace.js';

/** One underrun event: a run of consecutive packets that began transferring unwritten. */
export interface UnderrunEvent {
  firstPacketNumber: number;
  packets: number;
  frames: number;
  startFrame: number;
  timeNs: number;
  silenced: boolean;
}

const MAX_LISTED_UNDERRUNS = 1000;

/** Counts everything a run does, and writes the trace when one is attached. */
export class RunRecorder implements StreamObserver {
  private readonly sampleRate: number;
  private readonly blockAlign: number;
  private readonly trace: TraceWriter | null;

  readonly statusCounts = new Map<number, number>();
  notifications = 0;
  writes = 0;
  packetsWritten = 0;
  lastPacketCount = 0;
  underrunEvents = 0;
  underrunFrames = 0;
  underrunPackets = 0;
  readonly underruns: UnderrunEvent[] = [];
  private lastUnderflowPacket = -2;
  outputBytes = 0;
  fifoOvershootBytes = 0;
  eos: { packetNumber: number; eosPacketLength: number; timeNs: number; positionFrames: number } | null = null;
  readonly writeMarginNs = new SampleSet();
  readonly notificationLatenessNs = new SampleSet();
  readonly clientLatenessNs = new SampleSet();
  readonly stateChanges: Array<{ from: KsState; to: KsState; timeNs: number }> = [];

  constructor(sampleRate: number, blockAlign: number, trace: TraceWriter | null = null) {
    this.sampleRate = sampleRate;
    this.blockAlign = blockAlign;
    this.trace = trace;
  }

  private clockFrames(timeNs: number): number {
    return nsToFrames(timeNs, this.sampleRate);
  }

  /** For events outside the stream (sink, client, scenario) that belong in the same trace. */
  traceEvent(event: string, timeNs: number, fields: Record<string, unknown> = {}): void {
    this.trace?.event({ event, timeNs, timeFrames: this.clockFrames(timeNs), ...fields });
  }

  stateChanged(from: KsState, to: KsState, timeNs: number, positionFrames: number): void {
    this.stateChanges.push({ from, to, timeNs });
    this.trace?.event({ event: 'state', timeNs, timeFrames: this.clockFrames(timeNs), positionFrames, from, to });
  }

  notification(packetCount: number, timeNs: number, positionFrames: number): void {
    this.notifications++;
    this.lastPacketCount = packetCount;
    this.trace?.event({ event: 'notification', timeNs, timeFrames: this.clockFrames(timeNs), positionFrames, packetCount });
  }

  writePacket(packetNumber: number, flags: number, eosPacketLength: number, status: number, timeNs: number, positionFrames: number, packetCount: number, marginNs: number): void {
    this.writes++;
    this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + 1);
    if (status === STATUS_SUCCESS) this.packetsWritten++;
    if (!Number.isNaN(marginNs)) this.writeMarginNs.add(marginNs);
    this.trace?.event({
      event: 'write', timeNs, timeFrames: this.clockFrames(timeNs), positionFrames, packetCount, packetNumber,
      flags, eosPacketLength, status: statusName(status), statusCode: statusHex(status),
      marginNs: Number.isNaN(marginNs) ? null : marginNs,
    });
  }

  underflow(packetNumber: number, startFrame: number, frameCount: number, timeNs: number, silenced: boolean): void {
    this.underrunFrames += frameCount;
    this.underrunPackets++;
    if (packetNumber === this.lastUnderflowPacket + 1 && this.underruns.length > 0) {
      const current = this.underruns[this.underruns.length - 1]!;
      current.packets++;
      current.frames += frameCount;
    } else {
      this.underrunEvents++;
      if (this.underruns.length < MAX_LISTED_UNDERRUNS) {
        this.underruns.push({ firstPacketNumber: packetNumber, packets: 1, frames: frameCount, startFrame, timeNs, silenced });
      }
    }
    this.lastUnderflowPacket = packetNumber;
    this.trace?.event({ event: 'underflow', timeNs, timeFrames: this.clockFrames(timeNs), positionFrames: startFrame, packetNumber, frames: frameCount, policy: silenced ? 'silence' : 'repeat' });
  }

  endOfStream(packetNumber: number, eosPacketLength: number, timeNs: number, positionFrames: number): void {
    this.eos = { packetNumber, eosPacketLength, timeNs, positionFrames };
    this.trace?.event({ event: 'eos', timeNs, timeFrames: this.clockFrames(timeNs), positionFrames, packetNumber, eosPacketLength });
  }

  fifoOvershoot(sizeInBytes: number, silent: boolean, timeNs: number): void {
    this.fifoOvershootBytes += sizeInBytes;
    this.trace?.event({ event: 'fifo-overshoot', timeNs, timeFrames: this.clockFrames(timeNs), bytes: sizeInBytes, silent });
  }

  output(sizeInBytes: number): void {
    this.outputBytes += sizeInBytes;
  }

  /** Real time only: how late an event really ran after its deadline. */
  lateness(dueNs: number, actualNs: number, isClient: boolean): void {
    (isClient ? this.clientLatenessNs : this.notificationLatenessNs).add(actualNs - dueNs);
  }

  statusesByName(): Record<string, number> {
    const result: Record<string, number> = {};
    for (const [status, count] of [...this.statusCounts].sort((a, b) => a[0] - b[0])) result[statusName(status)] = count;
    return result;
  }

  get outputFrames(): number {
    return this.outputBytes / this.blockAlign;
  }

  marginStats(): SampleStats {
    return this.writeMarginNs.stats();
  }
}
