// `wavert play`: the model on the system clock, its DMA output going to a real sink, with a live view and keys.
import type { Command } from 'commander';
import { EventPriority } from '../clock/scheduler.js';
import { DriftEstimator, SystemClock } from '../clock/system-clock.js';
import { framesToNs } from '../clock/time.js';
import type { PcmSource } from '../client/packet-client.js';
import { STATUS_SUCCESS, type DmaOutput } from '../engine/index.js';
import { UsageError } from '../errors.js';
import { formatSummary, type RunSummary } from '../report/summary.js';
import { createTraceWriter, type TraceWriter } from '../report/trace.js';
import { RunReport } from '../report/run-report.js';
import { Session, pcmSourceFrom } from '../session/index.js';
import { describeFactor, FileSink, GainSink, openSink, parseSinkSpec, TeeSink, unknownDeviceReason, DEFAULT_LATENCY_MS, type GainReport, type Sink, type SinkStats } from '../sinks/index.js';
import { playList } from './play-list.js';
import { formatDescription, WavReader } from '../wav/index.js';
import type { CommandRegistration } from './commands.js';
import { describeStreamChoice, Diagnostics } from './diagnostics.js';
import { addExamples } from './examples.js';
import { EXIT_INTERRUPTED, EXIT_OK } from './exit-codes.js';
import type { CliIo } from './io.js';
import { KeyControl, LiveView, type KeySource, type LiveSnapshot } from './live-view.js';
import {
  addClientTransportOptions, addModelOptions, addRunOutputOptions, addVerbosityOptions, bufferRaisedWarning, clientTransportFromOptions, logLevelFromOptions, parseInteger, streamConfigFromOptions,
  type ClientTransportOptionValues, type ModelOptionValues, type VerbosityOptionValues,
} from './options.js';
import { formatClockTime, parseTimeOption, timeNsToFrames } from './play-time.js';
import { count } from '../text/count.js';

export interface PlayOptions extends ModelOptionValues, ClientTransportOptionValues, VerbosityOptionValues {
  sink?: string;
  device?: string;
  record?: string;
  start?: string;
  duration?: string;
  latencyMs?: string;
  volume?: string;
  loop?: string | boolean;
  trace?: string;
  report?: string;
  json?: boolean;
}

/** What stands in for the process in tests: where Ctrl-C comes from. */
export interface PlaySignals {
  onInterrupt(listener: () => void): () => void;
}

const processSignals: PlaySignals = {
  onInterrupt(listener) {
    process.on('SIGINT', listener);
    return () => process.removeListener('SIGINT', listener);
  },
};

/** The sink report added to the summary of a real-time run. */
export interface PlaySinkReport {
  label: string;
  notes: readonly string[];
  fallbackMessage: string | null;
  passedOver: Array<{ kind: string; reason: string | null }>;
  /** The sink's counters (its monotonic timestamps are left out: they are bigints and mean nothing outside the run). */
  stats: Omit<SinkStats, 'firstWriteNs' | 'finishedNs' | 'sinkClockDriftPpm'> & { sinkClockDriftPpm: number | null };
  failure: string | null;
}

export type PlaySummary = RunSummary & { sink: PlaySinkReport; interrupted: boolean; startFrame: number; volume: GainReport | null };

/** How one stream of a list ended, so the list knows whether to go on. */
export interface PlayedFile {
  exitCode: number;
  summary: PlaySummary;
  /** q or Ctrl-C: no more files after this one. */
  stopped: boolean;
}

/** Prints one stream's summary: the text form, or (in a list with --json) nothing until the end. */
export type PrintPlayed = (summary: PlaySummary, text: string) => void;

/** The live view redraws at most 10 times a second; without it the tick only watches the sink. */
const TICK_NS = 50_000_000;
const QUIET_TICK_NS = 100_000_000;

/** Reads at most `frameLimit` frames from the reader, and nothing once `end()` was called (q / Ctrl-C). */
class PlaySource implements PcmSource {
  private ended = false;
  private readonly buffered: PcmSource;

  constructor(reader: WavReader, frameLimit: number) {
    const blockAlign = reader.format.blockAlign;
    let remainingBytes = frameLimit * blockAlign;
    // the limit applies to what is read from the file; reading is chunked like every other run's
    this.buffered = pcmSourceFrom({
      read(target: Uint8Array): number {
        if (remainingBytes <= 0) return 0;
        const view = target.length <= remainingBytes ? target : target.subarray(0, remainingBytes);
        const read = reader.read(view);
        remainingBytes -= read;
        return read;
      },
    });
  }

  end(): void {
    this.ended = true;
  }

  read(target: Buffer): number {
    return this.ended ? 0 : this.buffered.read(target);
  }
}

/** The DMA's output: to the sink once it is open. Never throws; a failed sink is seen by the tick. */
class SinkOutput implements DmaOutput {
  sink: Sink | null = null;
  writeFrom(source: Buffer, offsetInBytes: number, lengthInBytes: number): void {
    this.sink?.write(source, offsetInBytes, lengthInBytes);
  }
}

function sinkReport(sink: Sink, fallbackMessage: string | undefined, passedOver: Array<{ kind: string; reason: string | undefined }>): PlaySinkReport {
  const { firstWriteNs: _first, finishedNs: _finished, sinkClockDriftPpm, ...counters } = sink.stats();
  return {
    label: sink.label,
    notes: sink.notes,
    fallbackMessage: fallbackMessage ?? null,
    passedOver: passedOver.map((probe) => ({ kind: probe.kind, reason: probe.reason ?? null })),
    stats: { ...counters, sinkClockDriftPpm: sinkClockDriftPpm ?? null },
    failure: sink.failure()?.message ?? null,
  };
}

function formatSinkLines(report: PlaySinkReport, sampleRate: number, blockAlign: number): string {
  const s = report.stats;
  const queuedMs = ((s.queuedBytesMax / blockAlign) * 1000) / sampleRate;
  const lines = [
    `sink         ${report.label}: ${count(s.framesWritten, 'frame')} sent, ${count(s.backpressureEvents, 'backpressure event')} (max ${queuedMs.toFixed(1)} ms queued), ${count(s.droppedFrames, 'frame')} dropped, ${count(s.playerUnderruns, 'player underrun')}`,
  ];
  if (s.sinkClockDriftPpm !== null) lines.push(`             sink clock vs monotonic ${s.sinkClockDriftPpm.toFixed(1)} ppm (from the player's own playback time)`);
  return `${lines.join('\n')}\n`;
}

/** Plays one file of the list as its own stream; `gainFactor` is the --volume gain (1 = none). */
export async function playFile(
  inputPath: string, options: PlayOptions, io: CliIo, signals: PlaySignals, gainFactor: number, print: PrintPlayed,
): Promise<PlayedFile> {
  const diagnostics = new Diagnostics(io, logLevelFromOptions(options));
  const stream = streamConfigFromOptions(options);
  const pipeline = clientTransportFromOptions(options);
  const request = parseSinkSpec(options.sink ?? 'auto');
  if (options.device !== undefined && (request.kind === 'null' || request.kind === 'file')) {
    throw new UsageError(`--device: the ${request.kind} sink has no devices (use it with speaker, pulse, pipewire or alsa).`);
  }
  const startNs = options.start !== undefined ? parseTimeOption(options.start, '--start') : 0n;
  const durationNs = options.duration !== undefined ? parseTimeOption(options.duration, '--duration') : undefined;
  if (durationNs === 0n) throw new UsageError('--duration must be longer than 0.');
  const latencyOption = parseInteger('--latency-ms', options.latencyMs, 5, 2000);
  if (options.json && options.record === '-') throw new UsageError('--json and --record - both write to stdout; choose one');
  // a reader of the summary may go away (| head): that must not crash the player
  io.stdout.on?.('error', () => undefined);

  const runReport = RunReport.plan(options.report, options.trace);
  const reader = WavReader.open(inputPath);
  let trace: TraceWriter | null = null;
  let sink: Sink | null = null;
  let liveView: LiveView | null = null;
  let keys: KeyControl | null = null;
  let removeInterrupt: (() => void) | null = null;
  try {
    const format = reader.format;
    const startFrame = Number(timeNsToFrames(startNs, format.sampleRate));
    if (startFrame > 0) {
      const skipped = reader.skipFrames(startFrame);
      const lengthFrames = reader.frameCount ?? skipped;
      if (skipped < startFrame || startFrame >= lengthFrames) {
        throw new UsageError(`--start ${options.start} is at or past the end of ${reader.label} (${formatClockTime(BigInt(framesToNs(lengthFrames, format.sampleRate)))} long)`);
      }
    }
    const availableFrames = reader.frameCount === null ? null : reader.frameCount - startFrame;
    const limitFrames = durationNs === undefined ? Number.POSITIVE_INFINITY : Number(timeNsToFrames(durationNs, format.sampleRate));
    const totalFrames = availableFrames === null ? (Number.isFinite(limitFrames) ? limitFrames : null) : Math.min(availableFrames, limitFrames);
    const source = new PlaySource(reader, Number.isFinite(limitFrames) ? limitFrames : Number.MAX_SAFE_INTEGER / format.blockAlign);

    const output = new SinkOutput();
    const tracePath = runReport?.tracePath ?? options.trace;
    trace = tracePath ? createTraceWriter(tracePath) : null;
    const clock = new SystemClock();
    const session = new Session({
      format,
      source,
      output,
      stream,
      clock,
      trace,
      client: pipeline.client,
      transport: pipeline.transport,
      input: { file: reader.label, frames: totalFrames, format: formatDescription(format) },
    });
    const packetMs = (session.stream.packetFrameCount * 1000) / format.sampleRate;
    // the DMA hands over a packet at a time: the player's buffer must outlast one packet with room to spare
    const latencyMs = Math.max(latencyOption ?? DEFAULT_LATENCY_MS, Math.ceil(2 * packetMs + 10));
    const raised = bufferRaisedWarning(options.bufferMs, format.sampleRate, session.allocation.requestedSizeInBytes / format.blockAlign);
    if (raised !== undefined) diagnostics.warn(raised);
    if (latencyOption !== undefined && latencyOption < latencyMs) {
      diagnostics.warn(`--latency-ms ${latencyOption} is below two packets (${packetMs.toFixed(1)} ms each) plus 10 ms: using ${latencyMs} ms`);
    }
    const deviceProblem = options.device !== undefined && request.kind !== 'auto' ? await unknownDeviceReason(request.kind, options.device, io.env) : undefined;
    if (deviceProblem !== undefined) throw new UsageError(deviceProblem);
    const openStartedMs = performance.now();
    const opened = await openSink(request, format, { env: io.env, latencyMs, startCushionMs: latencyMs, ...(options.device !== undefined ? { device: options.device } : {}) });
    sink = opened.sink;
    const gain = gainFactor === 1 ? null : new GainSink(sink, format, gainFactor);
    if (gain) sink = gain;
    diagnostics.debug(`input ${formatDescription(format)}: ${totalFrames === null ? `from frame ${startFrame} to its end` : `frames ${startFrame} to ${startFrame + totalFrames}`}`);
    diagnostics.debug(describeStreamChoice({
      profile: session.config.profile, underflowPolicy: session.config.underflowPolicy, eosSilenceFill: session.config.eosSilenceFill, fifoBytes: session.config.fifoBytes,
      requestedBufferBytes: session.allocation.requestedSizeInBytes, bufferBytes: session.allocation.actualSizeInBytes,
      notifications: session.allocation.notificationCount, packetBytes: session.allocation.packetSizeInBytes, packetFrames: session.stream.packetFrameCount,
    }, format.sampleRate));
    diagnostics.debug(`sink ${sink.label}: player buffer and start cushion ${latencyMs} ms, opened in ${(performance.now() - openStartedMs).toFixed(1)} ms${opened.commandLine ? `; command line: ${opened.commandLine.map(shellQuote).join(' ')}` : ''}`);
    for (const probe of opened.passedOver) diagnostics.debug(`passed over ${probe.kind}: ${probe.reason}`);
    if (options.record !== undefined) sink = new TeeSink(sink, FileSink.open(options.record, format));
    output.sink = sink;
    if (opened.fallbackMessage) io.stderr.write(`wavert: ${opened.fallbackMessage}\n`);
    else if (opened.passedOver.length > 0) diagnostics.info(`playing to ${sink.label}; passed over ${opened.passedOver.map((probe) => `${probe.kind} (${probe.reason})`).join(', ')}`);
    for (const note of sink.notes) diagnostics.warn(note);
    for (const warning of reader.warnings) diagnostics.warn(warning);
    const warningsShown = reader.warnings.length;

    // the session records lateness; play also fits the drift of the DMA's deadlines against the monotonic clock
    const drift = new DriftEstimator();
    const recordLateness = session.scheduler.onLateness;
    session.scheduler.onLateness = (dueNs, actualNs, priority) => {
      recordLateness?.(dueNs, actualNs, priority);
      if (priority === EventPriority.dma) drift.add(dueNs, actualNs);
    };

    let interrupted = false;
    let quitRequested = false;
    let paused = false;
    const endNow = () => {
      session.stop();
      sink?.abort();
    };
    const quit = (byInterrupt: boolean) => {
      if (byInterrupt) interrupted = true;
      if (quitRequested) {
        endNow();
        return;
      }
      quitRequested = true;
      liveView?.print('wavert: ending the stream here (press Ctrl-C again to stop at once)');
      // EOS at the current point: the client's next packet is the last one, then the DMA drains the buffer
      source.end();
      if (paused) togglePause();
    };
    const togglePause = () => {
      session.scheduler.at(clock.nowNs(), EventPriority.action, () => {
        const state = session.stream.getState();
        if (state === 'RUN' && session.stream.setState('PAUSE') === STATUS_SUCCESS) paused = true;
        else if (state === 'PAUSE' && session.stream.setState('RUN') === STATUS_SUCCESS) paused = false;
        session.recorder.traceEvent('control', session.scheduler.timeNs, { action: paused ? 'pause' : 'resume' });
      });
    };
    removeInterrupt = signals.onInterrupt(() => quit(true));

    const interactive = !options.quiet && io.stderr.isTTY === true;
    diagnostics.debug(`live view ${interactive ? 'on' : `off (${options.quiet ? '--quiet' : 'stderr is not a terminal'})`}; keys ${interactive && inputPath !== '-' ? 'on' : 'off'}`);
    const color = interactive && !io.env.NO_COLOR;
    if (interactive) {
      const terminal = io.stderr as NodeJS.WritableStream & { columns?: number };
      liveView = new LiveView({ write: (text) => terminal.write(text), get columns() { return terminal.columns; } }, color);
      liveView.start();
      if (inputPath !== '-') {
        keys = new KeyControl(io.stdin as unknown as KeySource, { togglePause, quit: () => quit(false), interrupt: () => quit(true) });
        keys.attach();
      }
    }

    const totalNs = totalFrames === null ? undefined : framesToNs(totalFrames, format.sampleRate);
    const snapshot = (): LiveSnapshot => {
      const position = session.stream.getPosition();
      const size = session.stream.bufferSizeInBytes;
      const playedFrames = session.stream.getLinearPositionInBytes() / format.blockAlign;
      return {
        elapsedNs: framesToNs(playedFrames, format.sampleRate),
        totalNs,
        paused,
        packetCount: session.stream.getPacketCount(),
        bufferFillBytes: size === 0 ? 0 : (position.writeOffsetInBytes - position.playOffsetInBytes + size) % size,
        bufferSizeBytes: size,
        underrunEvents: session.recorder.underrunEvents,
        underrunFrames: session.recorder.underrunFrames,
        statusCounts: Object.entries(session.recorder.statusesByName()),
        sinkLabel: sink?.label ?? '',
      };
    };
    // the tick keeps a paused run alive, watches the sink, and feeds the live view
    const tickNs = liveView ? TICK_NS : QUIET_TICK_NS;
    const tick = () => {
      const failed = sink?.failure();
      if (failed) {
        session.recorder.traceEvent('sink', session.scheduler.timeNs, { action: 'failed', message: failed.message });
        session.stop();
        return;
      }
      if (liveView) liveView.update(snapshot());
      if (session.state === 'running' || session.state === 'ready') session.scheduler.at(session.scheduler.timeNs + tickNs, EventPriority.observer, tick);
    };
    session.scheduler.at(tickNs, EventPriority.observer, tick);
    session.recorder.traceEvent('sink', 0, { action: 'opened', label: sink.label });

    // time zero is when the DMA starts, not when the clock was made (opening the sink takes a while)
    clock.resetOrigin();
    const runStartedMs = performance.now();
    const summary = await session.runRealtime();
    diagnostics.debug(`model ran ${(summary.modelTimeNs / 1e9).toFixed(3)} s in ${((performance.now() - runStartedMs) / 1000).toFixed(3)} s wall time`);
    liveView?.update(snapshot());
    const sinkError = await sink.finish();
    keys?.release();
    keys = null;
    liveView?.stop();
    liveView = null;

    drift.finish();
    summary.drift.modelVsMonotonicPpm = drift.ppm();
    const sinkDrift = sink.stats().sinkClockDriftPpm;
    summary.drift.modelVsSinkPpm = sink.kind === 'null' ? 0 : sinkDrift === undefined || summary.drift.modelVsMonotonicPpm === null ? null : sinkDrift - summary.drift.modelVsMonotonicPpm;
    const report = sinkReport(sink, opened.fallbackMessage, opened.passedOver);
    const playSummary: PlaySummary = { ...summary, sink: report, interrupted, startFrame, volume: gain?.report() ?? null };
    session.recorder.traceEvent('sink', session.scheduler.timeNs, { action: 'finished', ...report.stats });
    trace?.close();
    trace = null;

    for (const warning of reader.warnings.slice(warningsShown)) diagnostics.warn(`${warning} (played what there is)`);
    const volumeLine = playSummary.volume ? `volume       ${describeFactor(playSummary.volume.factor)} at the sink: ${count(playSummary.volume.clippedSamples, 'sample')} clipped\n` : '';
    print(playSummary, formatSummary(summary) + formatSinkLines(report, format.sampleRate, format.blockAlign) + volumeLine);
    if (playSummary.volume && playSummary.volume.clippedSamples > 0) diagnostics.warn(`--volume ${options.volume} clipped ${count(playSummary.volume.clippedSamples, 'sample')} of ${reader.label}`);
    await runReport?.write(options.record !== undefined && options.record !== '-' ? options.record : undefined, playSummary);

    if (sinkError) throw sinkError;
    if (interrupted) {
      io.stderr.write('wavert: interrupted\n');
      return { exitCode: EXIT_INTERRUPTED, summary: playSummary, stopped: true };
    }
    return { exitCode: EXIT_OK, summary: playSummary, stopped: quitRequested };
  } finally {
    keys?.release();
    liveView?.stop();
    removeInterrupt?.();
    sink?.abort();
    trace?.close();
    reader.close();
    runReport?.discard();
  }
}

export const registerPlay: CommandRegistration = (program: Command, io, setExitCode) => {
  const command = program
    .command('play')
    .description('play WAV files in real time through the WaveRT model to a sink (the speaker by default), with a live view of the buffer')
    .argument('<in.wav...>', "input WAV files, played in order, each its own stream ('-' for stdin, once)")
    .option('--sink <sink>', 'auto (default), speaker, pulse, pipewire, alsa, null or file:PATH')
    .option('--device <name>', 'the device of the sink (pulse sink name, PipeWire target, ALSA PCM)')
    .option('--record <out.wav>', 'also write what the DAC played to a WAV file')
    .option('--start <time>', 'start at this point of the file (90, 1:23.5, 10s, 500ms)')
    .option('--duration <time>', 'play at most this long (same forms as --start)')
    .option('--latency-ms <ms>', `the player's buffer in ms (default ${DEFAULT_LATENCY_MS}, at least two packets)`)
    .option('--volume <gain>', 'software gain at the sink, after the model: -6dB, 50% or a factor like 0.5 (up to +24 dB; clipped samples are counted)')
    .option('--loop [passes]', 'play the list again: a number of passes in all, or until stopped when none is given');
  addExamples(addVerbosityOptions(addRunOutputOptions(addClientTransportOptions(addModelOptions(command)), '; --record adds the waveform'), 'no live status area'), [
    { commandLine: 'play song.wav', what: 'play through the model to the first sink that works, with a live view' },
    { commandLine: 'play song.wav --sink pulse --device my_sink --start 1:23.5 --duration 10s', what: 'ten seconds from 1:23.5 on one pulse sink (wavert devices lists them)' },
    { commandLine: 'play - --notifications 1 --record heard.wav < song.wav', what: 'hear the N = 1 glitch from stdin, and keep what the DAC played' },
    { commandLine: 'play intro.wav song.wav --volume -6dB --loop 2', what: 'two files in order, twice, 6 dB down (the model and --record unchanged)' },
  ])
    .action(async (inputs: string[], options: PlayOptions) => {
      setExitCode(await playCommand(inputs, options, io));
    });
};

/** An argument as a shell would need it, for showing a command line (never for running one). */
function shellQuote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, "'\\''")}'`;
}

/** `wavert play a.wav b.wav …`: the list, each file its own stream and summary, then one total. */
export function playCommand(inputs: string | readonly string[], options: PlayOptions, io: CliIo, signals: PlaySignals = processSignals): Promise<number> {
  return playList(typeof inputs === 'string' ? [inputs] : inputs, options, io, (input, gainFactor, print) => playFile(input, options, io, signals, gainFactor, print));
}
