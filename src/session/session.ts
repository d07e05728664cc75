import { Scheduler, VirtualClock, type Clock } from '../clock/index.js';
import { EventPriority } from '../clock/scheduler.js';
import { PacketRenderClient, type PcmSource } from '../client/packet-client.js';
import type { LatencySampler } from '../client/latency.js';
import { AllocationError, StateError } from '../errors.js';
import {
  STATUS_SUCCESS, WaveRTMiniport, statusName,
  type AllocationResult, type AudioFormat, type DmaOutput, type WaveRTStream,
} from '../engine/index.js';
import { RunRecorder } from '../report/recorder.js';
import type { TraceWriter } from '../report/trace.js';
import { buildSummary, type RunSummary, type SummaryContext } from '../report/summary.js';
import { resolveStreamConfig, streamOptionsFor, type ResolvedStreamConfig, type StreamConfig } from './config.js';

export interface SessionOptions {
  format: AudioFormat;
  source: PcmSource;
  output: DmaOutput | null;
  stream?: StreamConfig;
  clock?: Clock;
  trace?: TraceWriter | null;
  wakeLatency?: LatencySampler;
  processingNs?: number;
  /** Description of the input for the summary (file name, frames). */
  input?: SummaryContext['input'];
}

/** Session states; `transition` is the only way between them. */
export type SessionState = 'ready' | 'running' | 'ended' | 'stopped';

/** One run of the pipeline: miniport, stream, render client and recorder on one scheduler. */
export class Session {
  readonly scheduler: Scheduler;
  readonly miniport: WaveRTMiniport;
  readonly stream: WaveRTStream;
  readonly client: PacketRenderClient;
  readonly recorder: RunRecorder;
  readonly config: ResolvedStreamConfig;
  readonly allocation: AllocationResult;
  readonly format: AudioFormat;
  private readonly trace: TraceWriter | null;
  private readonly input: SummaryContext['input'];
  private sessionState: SessionState = 'ready';
  endTimeNs: number | null = null;

  constructor(options: SessionOptions) {
    this.format = options.format;
    this.config = resolveStreamConfig(options.stream ?? {}, options.format);
    this.scheduler = new Scheduler(options.clock ?? new VirtualClock());
    this.trace = options.trace ?? null;
    this.input = options.input ?? null;
    this.recorder = new RunRecorder(options.format.sampleRate, options.format.blockAlign, this.trace);
    this.miniport = new WaveRTMiniport(this.scheduler);
    this.miniport.init();
    const created = this.miniport.newStream(options.format, streamOptionsFor(this.config));
    if (!created.stream) throw new StateError(`the miniport refused to create a stream (${statusName(created.status)})`);
    this.stream = created.stream;
    this.allocation = this.stream.allocateBufferWithNotification(this.config.requestedBufferBytes, this.config.notifications);
    if (this.allocation.status !== STATUS_SUCCESS) {
      throw new AllocationError(`cannot allocate the WaveRT buffer: ${this.allocation.reason} (${statusName(this.allocation.status)})`);
    }
    this.stream.addObserver(this.recorder);
    this.stream.attachOutput(options.output);
    this.client = new PacketRenderClient(this.scheduler, this.stream, options.source, {
      wakeLatency: options.wakeLatency,
      processingNs: options.processingNs,
      prerollPackets: this.config.profile === 'sysvad' ? 1 : this.config.notifications,
    });
    this.stream.onEnd((timeNs) => {
      this.endTimeNs = timeNs;
      this.transition('ended');
    });
    this.scheduler.onLateness = (dueNs, actualNs, priority) => this.recorder.lateness(dueNs, actualNs, priority === EventPriority.client);
    this.trace?.event({
      event: 'stream', timeNs: 0, timeFrames: 0, format: { ...options.format },
      requestedBufferBytes: this.allocation.requestedSizeInBytes, bufferBytes: this.allocation.actualSizeInBytes,
      notifications: this.allocation.notificationCount, packetBytes: this.allocation.packetSizeInBytes,
      packetFrames: this.stream.packetFrameCount, profile: this.config.profile, underflowPolicy: this.config.underflowPolicy,
      eosSilenceFill: this.config.eosSilenceFill, fifoBytes: this.config.fifoBytes, extension: this.allocation.extension,
    });
  }

  get state(): SessionState {
    return this.sessionState;
  }

  private transition(next: SessionState): void {
    if (this.sessionState === next) return;
    this.sessionState = next;
    if (next === 'ended' || next === 'stopped') this.scheduler.stop();
  }

  /** Pre-roll in PAUSE, then RUN; the client tops up after its wake-up latency. */
  start(): void {
    if (this.sessionState !== 'ready') return;
    this.transition('running');
    this.stream.stepTo('PAUSE');
    this.client.preroll();
    this.stream.setState('RUN');
    this.client.started();
  }

  /** Ends the run where it is (Ctrl-C, a failed sink, a time limit). */
  stop(): void {
    this.client.stop();
    this.transition('stopped');
  }

  /** As fast as possible on virtual time; `limitNs` bounds runs that never send EOS. */
  runVirtual(limitNs = Number.POSITIVE_INFINITY): RunSummary {
    this.start();
    this.scheduler.runVirtual(limitNs);
    return this.finish();
  }

  async runRealtime(limitNs = Number.POSITIVE_INFINITY): Promise<RunSummary> {
    this.start();
    await this.scheduler.runRealtime(limitNs);
    return this.finish();
  }

  private finish(): RunSummary {
    if (this.sessionState === 'running') this.transition('stopped');
    const summary = this.summary();
    this.trace?.event({ event: 'summary', timeNs: this.scheduler.timeNs, timeFrames: 0, ...summary });
    return summary;
  }

  summary(): RunSummary {
    return buildSummary({
      recorder: this.recorder,
      config: this.config,
      allocation: this.allocation,
      format: this.format,
      packetFrames: this.stream.packetFrameCount,
      packetCount: this.stream.getPacketCount(),
      ended: this.sessionState === 'ended',
      clock: this.scheduler.clock.realtime ? 'realtime' : 'virtual',
      modelTimeNs: this.scheduler.timeNs,
      input: this.input,
      framesDelivered: this.client.framesDelivered,
    });
  }
}
