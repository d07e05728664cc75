import { Scheduler, VirtualClock, type Clock } from '../clock/index.js';
import { EventPriority } from '../clock/scheduler.js';
import { PacketRenderClient, type PcmSource } from '../client/packet-client.js';
import { createLatencySampler, type LatencySampler } from '../client/latency.js';
import type { WaveOutDevice } from '../client/waveout.js';
import type { WaveOutApplication } from '../client/waveout-app.js';
import type { UsbIsochTransport } from '../transport/usb-transport.js';
import { loadedUsbModules, loadedWaveOutModules } from './optional-modules.js';
import { AllocationError, StateError } from '../errors.js';
import {
  STATUS_SUCCESS, WaveRTMiniport, describeNeverEnded, statusName,
  type AllocationResult, type AudioFormat, type DmaOutput, type WaveRTStream,
} from '../engine/index.js';
import { RunRecorder } from '../report/recorder.js';
import type { TraceWriter } from '../report/trace.js';
import { buildSummary, type RunSummary, type SummaryContext } from '../report/summary.js';
import {
  resolveStreamConfig, resolveWaveOutConfig, streamOptionsFor,
  type ClientConfig, type ResolvedStreamConfig, type StreamConfig, type TransportConfig,
} from './config.js';

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
  /** Who feeds the stream (default: the packet render client). */
  client?: ClientConfig;
  /** What carries the DMA output to `output` (default: directly). */
  transport?: TransportConfig;
}

/** The waveOut side of a session: the device (with its driver-side feeder) and the application using it. */
export interface WaveOutParts {
  device: WaveOutDevice;
  app: WaveOutApplication;
}

/** How long a run without a model-time limit goes on once its stream is known never to end. */
export const NEVER_ENDING_GRACE_NS = 1_000_000_000;

/** Session states; `transition` is the only way between them. */
export type SessionState = 'ready' | 'running' | 'ended' | 'stopped';

/** One run of the pipeline: miniport, stream, render client and recorder on one scheduler. */
export class Session {
  readonly scheduler: Scheduler;
  readonly miniport: WaveRTMiniport;
  readonly stream: WaveRTStream;
  private readonly packetClient: PacketRenderClient | null;
  /** Set when the stream is fed through waveOut (--client waveout). */
  readonly waveOut: WaveOutParts | null;
  /** Set when the DMA output goes through a USB isochronous pipe (--transport usb). */
  readonly usb: UsbIsochTransport | null;
  readonly recorder: RunRecorder;
  readonly config: ResolvedStreamConfig;
  readonly allocation: AllocationResult;
  readonly format: AudioFormat;
  private readonly trace: TraceWriter | null;
  private readonly input: SummaryContext['input'];
  private sessionState: SessionState = 'ready';
  endTimeNs: number | null = null;
  private neverEndingLimited = false;

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
    // N = 0 asks for a buffer without notifications (AllocateAudioBuffer): no packet mode, every packet call is refused
    this.allocation = this.config.notifications === 0
      ? this.stream.allocateAudioBuffer(this.config.requestedBufferBytes)
      : this.stream.allocateBufferWithNotification(this.config.requestedBufferBytes, this.config.notifications);
    if (this.allocation.status !== STATUS_SUCCESS) {
      throw new AllocationError(`cannot allocate the WaveRT buffer: ${this.allocation.reason} (${statusName(this.allocation.status)})`);
    }
    if (this.allocation.packetsSplitFrames) {
      throw new AllocationError(`the ${this.config.profile} profile rounds the buffer to block align only (allocationRounding: block-align), and ${this.allocation.reason}, which the model cannot play; ask for a multiple of ${this.config.notifications} × ${options.format.blockAlign} bytes`);
    }
    this.recorder.setBuffer(this.allocation.actualSizeInBytes / options.format.blockAlign, this.stream.packetFrameCount, this.allocation.notificationCount);
    this.stream.addObserver(this.recorder);
    const transport = options.transport ?? { kind: 'direct' };
    const usbModules = transport.kind === 'usb' ? loadedUsbModules() : null;
    this.usb = transport.kind === 'usb' && usbModules
      ? new usbModules.UsbIsochTransport(this.scheduler, options.format, options.output, usbModules.resolveUsbConfig(transport, options.format), {
        burstFrames: this.stream.packetFrameCount,
        trace: this.trace ? (timeNs, fields) => this.recorder.traceEvent('usb', timeNs, fields) : null,
        glitch: (glitch) => this.recorder.glitch(glitch),
      })
      : null;
    // through USB, rendered.wav is what the device played: the stream's glitches move by the gaps inserted before them
    if (this.usb) {
      const usb = this.usb;
      this.recorder.mapOutputFrames((dmaFrame) => usb.deviceFrameOf(dmaFrame), (frame) => usb.deviceTimeOfFrame(frame));
    }
    this.stream.attachOutput(this.usb ?? options.output);
    const client = options.client ?? { kind: 'packet' };
    if (client.kind === 'waveout') {
      const { WaveOutDevice, WaveOutApplication } = loadedWaveOutModules();
      const waveOut = resolveWaveOutConfig(client, options.format);
      const device = new WaveOutDevice(this.scheduler, this.stream, {
        wakeLatency: options.wakeLatency,
        processingNs: options.processingNs,
        trace: this.trace ? (timeNs, fields) => this.recorder.traceEvent('waveout', timeNs, fields) : null,
        // the queue ran dry: the end of the packet went out as silence
        starved: (packetNumber, silentFrames) => this.recorder.glitchInPacket({
          kind: 'waveout-starvation', packetNumber, offsetFrames: this.stream.packetFrameCount - silentFrames, frameCount: silentFrames,
          cause: 'the waveOut queue ran dry: the driver sent silence in place of audio',
        }),
      });
      const app = new WaveOutApplication(this.scheduler, device, options.source, {
        headerCount: waveOut.wavehdrs,
        headerBytes: waveOut.wavehdrBytes,
        refillLatency: createLatencySampler(waveOut.refillLatency, waveOut.seed),
      });
      this.waveOut = { device, app };
      this.packetClient = null;
    } else {
      this.waveOut = null;
      this.packetClient = new PacketRenderClient(this.scheduler, this.stream, options.source, {
        wakeLatency: options.wakeLatency,
        processingNs: options.processingNs,
      });
    }
    this.stream.onEnd((timeNs) => {
      const shortfall = this.stream.eosShortfallFrames;
      if (shortfall > 0) {
        // heard where the stream stopped: what the FIFO read past that point, or nothing
        this.recorder.glitch({
          kind: 'eos-early', startFrame: this.stream.getLinearPositionInBytes() / options.format.blockAlign,
          frameCount: Math.floor(this.config.fifoBytes / options.format.blockAlign), timeNs,
          cause: `the driver ended the stream ${shortfall} frames before the end of its EOS packet: that audio was never played`,
        });
      }
      // through USB the run ends when the device has played the last transfer, not when the DMA stops
      if (this.usb) {
        this.usb.endOfInput((drainedNs) => {
          this.endTimeNs = drainedNs;
          this.transition('ended');
        });
        return;
      }
      this.endTimeNs = timeNs;
      this.transition('ended');
    });
    // on a real clock: DMA events are the notifications, client wake-ups the client; actions and views are neither
    this.scheduler.onLateness = (dueNs, actualNs, priority) => {
      if (priority === EventPriority.dma) this.recorder.lateness(dueNs, actualNs, false);
      else if (priority === EventPriority.client) this.recorder.lateness(dueNs, actualNs, true);
    };
    this.trace?.event({
      event: 'stream', timeNs: 0, timeFrames: 0, format: { ...options.format },
      requestedBufferBytes: this.allocation.requestedSizeInBytes, bufferBytes: this.allocation.actualSizeInBytes,
      notifications: this.allocation.notificationCount, packetBytes: this.allocation.packetSizeInBytes,
      packetFrames: this.stream.packetFrameCount, profile: this.config.profile,
      profileExtends: this.config.driverProfile.extends, profileFile: this.config.driverProfile.file,
      profileChoices: { ...this.config.driverProfile.choices }, underflowPolicy: this.config.underflowPolicy,
      eosSilenceFill: this.config.eosSilenceFill, fifoBytes: this.config.fifoBytes, extension: this.allocation.extension,
    });
  }

  get state(): SessionState {
    return this.sessionState;
  }

  /** The packet-mode render client; a waveOut session has none (its feeder is `waveOut.device.feeder`). */
  get client(): PacketRenderClient {
    if (!this.packetClient) throw new StateError('this run feeds the stream through waveOut (client: waveout); it has no packet render client');
    return this.packetClient;
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
    if (this.waveOut) {
      // waveOut playback starts at the application's first write
      this.waveOut.app.start();
      return;
    }
    this.stream.stepTo('PAUSE');
    this.client.preroll();
    this.stream.setState('RUN');
    this.client.started();
  }

  /** Ends the run where it is (Ctrl-C, a failed sink, a time limit). */
  stop(): void {
    this.packetClient?.stop();
    this.waveOut?.app.stop();
    this.waveOut?.device.feeder.stop();
    this.transition('stopped');
  }

  /** As fast as possible on virtual time; `limitNs` bounds runs that never send EOS. */
  runVirtual(limitNs = Number.POSITIVE_INFINITY): RunSummary {
    if (!Number.isFinite(limitNs)) this.limitNeverEnding();
    this.start();
    this.scheduler.runVirtual(limitNs);
    return this.finish();
  }

  /**
   * The same run as runVirtual (the same events in the same order, the same bytes), in slices of model time with
   * a turn of the event loop between them, so that a signal can stop it (`stop()`) while it renders.
   */
  async runVirtualSliced(limitNs = Number.POSITIVE_INFINITY, sliceNs = 10_000_000_000): Promise<RunSummary> {
    if (!Number.isFinite(limitNs)) this.limitNeverEnding();
    this.start();
    let untilNs = this.scheduler.timeNs;
    while (!this.scheduler.isStopped && this.scheduler.pendingEventCount > 0 && untilNs < limitNs) {
      untilNs = Math.min(limitNs, untilNs + sliceNs);
      this.scheduler.runVirtual(untilNs);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return this.finish();
  }

  async runRealtime(limitNs = Number.POSITIVE_INFINITY): Promise<RunSummary> {
    if (!Number.isFinite(limitNs)) this.limitNeverEnding();
    this.start();
    await this.scheduler.runRealtime(limitNs);
    return this.finish();
  }

  /**
   * Paced real time (DESIGN §14): runs the model on its virtual clock up to `timeNs`, as far as the sink allows.
   * Stepping this way gives the same events and bytes as one `runVirtual`.
   */
  advanceTo(timeNs: number): void {
    this.start();
    this.scheduler.runVirtual(timeNs);
    if (!this.scheduler.isStopped && this.scheduler.pendingEventCount > 0) this.scheduler.advanceVirtual(timeNs);
  }

  /** True once a stepped run has nothing left to do: ended, stopped, or idle. */
  get idle(): boolean {
    return this.sessionState === 'ended' || this.sessionState === 'stopped' || this.scheduler.pendingEventCount === 0;
  }

  /** Ends a stepped run (`advanceTo`) and builds its summary. */
  complete(): RunSummary {
    return this.finish();
  }

  /**
   * Without a model-time limit (render, play), a stream that can never end stops NEVER_ENDING_GRACE_NS after
   * the EOS it will never reach, or after the input's duration when the driver has no timer at all. The run
   * methods arm it when given no limit; a stepped run (`advanceTo`) without one calls it before its first step.
   */
  limitNeverEnding(): void {
    if (this.neverEndingLimited) return;
    this.neverEndingLimited = true;
    const stopLater = (fromNs: number): void => {
      this.scheduler.at(fromNs + NEVER_ENDING_GRACE_NS, EventPriority.action, () => this.stop());
    };
    this.stream.onNeverEnding(stopLater);
    if (this.stream.neverEndedReason === 'no-timer' && this.stream.notifications > 0) {
      const inputNs = this.input?.frames ? Math.ceil((this.input.frames * 1e9) / this.format.sampleRate) : 0;
      stopLater(this.scheduler.timeNs + inputNs);
    }
  }

  private finish(): RunSummary {
    if (this.sessionState === 'running') this.transition('stopped');
    const summary = this.summary();
    this.recorder.traceEvent('summary', this.scheduler.timeNs, { ...summary });
    return summary;
  }

  summary(): RunSummary {
    const summary = buildSummary({
      recorder: this.recorder,
      config: this.config,
      allocation: this.allocation,
      format: this.format,
      packetFrames: this.stream.packetFrameCount,
      packetCount: this.stream.getPacketCount().packetCount,
      ended: this.sessionState === 'ended',
      clock: this.scheduler.clock.realtime ? 'realtime' : 'virtual',
      modelTimeNs: this.scheduler.timeNs,
      input: this.input,
      framesDelivered: this.packetClient ? this.packetClient.framesDelivered : this.waveOut!.device.feeder.framesFed,
      neverEnded: this.sessionState === 'ended' ? null : describeNeverEnded(this.stream.neverEndedReason, this.stream.notificationIntervalMs),
    });
    if (this.waveOut) summary.waveOut = loadedWaveOutModules().waveOutSummary(this.waveOut.device, this.waveOut.app);
    if (this.usb) {
      summary.usb = this.usb.summary();
      // through USB the device plays what the pipe carried: gaps and drops included
      const frames = summary.usb.audioFrames + summary.usb.silenceFrames;
      summary.output = { frames, bytes: frames * this.format.blockAlign, durationSeconds: frames / this.format.sampleRate };
    }
    return summary;
  }
}
