import { nsToFrames } from '../clock/time.js';
import { modUlong, type KsState, type StreamObserver } from '../engine/index.js';
import { STATUS_SUCCESS, statusHex, statusName } from '../engine/status.js';
import { GlitchDetector } from './glitch-detector.js';
import { GlitchList, type Glitch, type GlitchInput, type GlitchKind } from './glitches.js';
import { SampleSet, type SampleStats } from './samples.js';
import type { TraceWriter } from './trace.js';

/** A glitch inside one packet, placed in output frames when the DMA plays that packet (see `glitchInPacket`). */
export interface PacketGlitchInput {
  kind: GlitchKind;
  /** Linear packet number. */
  packetNumber: number;
  /** First frame of the glitch inside the packet. */
  offsetFrames: number;
  frameCount: number;
  cause: string;
}

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

/**
 * Counts everything a run does, keeps the run's glitch list, and writes the trace when one is attached.
 * Other modules record the glitches they cause with `glitch(...)` (sink drops, host lateness, USB gaps) or
 * `glitchInPacket(...)`; the stream's own glitches are judged here from what the DMA played.
 */
export class RunRecorder implements StreamObserver {
  private readonly sampleRate: number;
  private readonly blockAlign: number;
  private readonly trace: TraceWriter | null;

  /** Statuses other than STATUS_SUCCESS by count; successes are counted apart (every packet has one). */
  private readonly otherStatusCounts = new Map<number, number>();
  private successCount = 0;
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

  private readonly glitchList: GlitchList;
  private readonly detector: GlitchDetector;
  /** Maps a DMA output frame to the frame of rendered.wav (a USB transport inserts gaps); identity when null. */
  private outputFrameMap: ((dmaFrame: number) => number) | null = null;
  private outputTimeMap: ((outputFrame: number) => number) | null = null;

  constructor(sampleRate: number, blockAlign: number, trace: TraceWriter | null = null) {
    this.sampleRate = sampleRate;
    this.blockAlign = blockAlign;
    this.trace = trace;
    this.glitchList = new GlitchList((glitch) => {
      // with a frame map the trace gets the mapped list at the end, so that it says what the summary says
      if (!this.outputFrameMap) this.traceGlitch(glitch);
    });
    this.detector = new GlitchDetector(sampleRate, blockAlign, this.glitchList);
  }

  /** The allocated cyclic buffer, so that what the DMA plays can be judged byte by byte (N = 0: not judged). */
  setBuffer(bufferFrames: number, packetFrames: number, notifications: number): void {
    this.detector.setBuffer(bufferFrames, packetFrames, notifications);
  }

  /**
   * Records a glitch heard at output frames `startFrame … startFrame + frameCount - 1` of rendered.wav, e.g.
   * `recorder.glitch({ kind: 'sink-drop', startFrame, frameCount, timeNs, cause: 'the sink was full: 480 frames not taken' })`.
   */
  glitch(input: GlitchInput): void {
    this.glitchList.add(input);
  }

  /** Records a glitch inside a packet (frames from its start); it is placed in output frames when the packet plays. */
  glitchInPacket(input: PacketGlitchInput): void {
    this.detector.markPacket(input);
  }

  /**
   * Live mode (DESIGN §14): the client wakes on the real event loop, so an underflow is the host's lateness. Lists
   * every underflow from now on as `kind` (e.g. 'host-late') with this cause, instead of underflow-repeat/-silence.
   */
  attributeUnderflows(kind: GlitchKind, cause: string): void {
    this.detector.attributeUnderflows(kind, cause);
  }

  /** Frame numbers of rendered.wav differ from DMA output frames when a transport inserts or drops audio. */
  mapOutputFrames(map: ((dmaFrame: number) => number) | null, timeOf: ((outputFrame: number) => number) | null = null): void {
    this.outputFrameMap = map;
    this.outputTimeMap = timeOf;
  }

  private traceGlitch(glitch: Glitch): void {
    this.trace?.event({ event: 'glitch', timeFrames: this.clockFrames(glitch.timeNs), ...glitch });
  }

  /** The run's glitch list in output order (DMA frames mapped to rendered.wav frames). */
  glitches(): Glitch[] {
    const list = this.glitchList.list();
    const map = this.outputFrameMap;
    if (!map) return list;
    const mapped = list.map((glitch) => {
      if (glitch.kind === 'usb-gap' || glitch.kind === 'sink-drop' || glitch.kind === 'host-late') return glitch;
      const startFrame = map(glitch.startFrame);
      const endFrame = glitch.frameCount === 0 ? startFrame : map(glitch.startFrame + glitch.frameCount - 1) + 1;
      // heard where the device played it, not where the DMA read it
      const timeNs = this.outputTimeMap ? this.outputTimeMap(startFrame) : glitch.timeNs;
      return { ...glitch, startFrame, frameCount: Math.max(0, endFrame - startFrame), timeNs };
    }).sort((a, b) => a.startFrame - b.startFrame || a.timeNs - b.timeNs);
    if (!this.mappedTraced) {
      this.mappedTraced = true;
      for (const glitch of mapped) this.traceGlitch(glitch);
    }
    return mapped;
  }

  private mappedTraced = false;

  /** Glitches per kind (every kind, zeros included); exact even past the listed cap. */
  glitchCounts(): Record<GlitchKind, number> {
    return this.glitchList.countsByKind();
  }

  get glitchTotal(): number {
    this.glitchList.close();
    return this.glitchList.total;
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
    if (from === 'RUN') this.detector.leftRun(positionFrames);
    if (to === 'STOP') this.detector.stopped();
    this.trace?.event({ event: 'state', timeNs, timeFrames: this.clockFrames(timeNs), positionFrames, from, to });
  }

  notification(packetCount: number, timeNs: number, positionFrames: number): void {
    this.notifications++;
    this.lastPacketCount = packetCount;
    this.trace?.event({ event: 'notification', timeNs, timeFrames: this.clockFrames(timeNs), positionFrames, packetCount });
  }

  writePacket(packetNumber: number, flags: number, eosPacketLength: number, status: number, timeNs: number, positionFrames: number, packetCount: number, marginNs: number, dmaPacket?: number): void {
    this.writes++;
    if (status === STATUS_SUCCESS) {
      this.successCount++;
      this.packetsWritten++;
    } else {
      this.otherStatusCounts.set(status, (this.otherStatusCounts.get(status) ?? 0) + 1);
    }
    // NaN (outside RUN) is the only value not equal to itself
    if (marginNs === marginNs) this.writeMarginNs.add(marginNs);
    const requestedPacket = packetCount + ((packetNumber - modUlong(packetCount)) | 0);
    const linearPacket = dmaPacket === undefined ? requestedPacket : dmaPacket;
    const isEos = (flags & 0x200) !== 0;
    this.detector.writePacket(linearPacket, status, isEos ? this.detector.eosFrameOf(linearPacket, eosPacketLength / this.blockAlign) : -1, requestedPacket);
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
    this.detector.underflow(packetNumber, silenced);
    this.trace?.event({ event: 'underflow', timeNs, timeFrames: this.clockFrames(timeNs), positionFrames: startFrame, packetNumber, frames: frameCount, policy: silenced ? 'silence' : 'repeat' });
  }

  endOfStream(packetNumber: number, eosPacketLength: number, timeNs: number, positionFrames: number): void {
    this.eos = { packetNumber, eosPacketLength, timeNs, positionFrames };
    this.trace?.event({ event: 'eos', timeNs, timeFrames: this.clockFrames(timeNs), positionFrames, packetNumber, eosPacketLength });
  }

  fifoOvershoot(sizeInBytes: number, silent: boolean, timeNs: number): void {
    this.fifoOvershootBytes += sizeInBytes;
    this.detector.fifoOvershoot(sizeInBytes, silent);
    this.trace?.event({ event: 'fifo-overshoot', timeNs, timeFrames: this.clockFrames(timeNs), bytes: sizeInBytes, silent });
  }

  output(sizeInBytes: number, timeNs = 0, bufferOffsetInBytes = -1, packetNumber = -2): void {
    const blockAlign = this.blockAlign;
    if (packetNumber !== -2) {
      const bufferFrame = bufferOffsetInBytes < 0 ? -1 : bufferOffsetInBytes / blockAlign;
      this.detector.output(this.outputBytes / blockAlign, sizeInBytes / blockAlign, timeNs, bufferFrame, packetNumber);
    }
    this.outputBytes += sizeInBytes;
  }

  bufferWritten(offsetInBytes: number, lengthInBytes: number): void {
    this.detector.bufferWritten(offsetInBytes, lengthInBytes);
  }

  /** Real time only: how late an event really ran after its deadline. */
  lateness(dueNs: number, actualNs: number, isClient: boolean): void {
    (isClient ? this.clientLatenessNs : this.notificationLatenessNs).add(actualNs - dueNs);
  }

  /** Writes per status (a new map each call). */
  get statusCounts(): Map<number, number> {
    const counts = new Map<number, number>();
    if (this.successCount > 0) counts.set(STATUS_SUCCESS, this.successCount);
    for (const [status, count] of this.otherStatusCounts) counts.set(status, count);
    return counts;
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
