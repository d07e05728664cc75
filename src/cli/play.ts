// `wavert play`: each file of the list through the model, paced by a real sink, with a live view and keys.
import type { Command } from 'commander';
import { SystemClock } from '../clock/system-clock.js';
import { framesToNs } from '../clock/time.js';
import type { PcmSource } from '../client/packet-client.js';
import { UsageError } from '../errors.js';
import { formatSummary, type RunSummary } from '../report/summary.js';
import { abortTrace, createTraceWriter, type TraceWriter } from '../report/trace.js';
import { SameFileGuard } from '../output/index.js';
import { RunReport } from '../report/run-report.js';
import { Session, pcmSourceFrom } from '../session/index.js';
import {
  describeFactor, FileSink, GainSink, openSink, parseSinkSpec, TeeSink, unknownDeviceReason,
  type GainReport, type Sink, type SinkKind, type SinkProbe, type SinkRequest, type SinkStats,
} from '../sinks/index.js';
import { count } from '../text/count.js';
import {
  DEFAULT_LOOKAHEAD_MS, PlaybackControl, PlaybackOutput, playSession,
  type HeardView, type PlaybackGlitch, type PlaybackGlitchKind, type PlaybackMode, type PlaybackReport, type PlaybackResult,
} from '../player/index.js';
import { formatDescription, WavReader } from '../wav/index.js';
import type { CommandRegistration } from './commands.js';
import { describeStreamChoice, Diagnostics } from './diagnostics.js';
import { addExamples } from './examples.js';
import { EXIT_INTERRUPTED, EXIT_OK } from './exit-codes.js';
import type { CliIo } from './io.js';
import { onSignal, onTerminalRestore, onTerminalSuspend, suspendProcess } from './signals.js';
import { KeyControl, LiveView, type KeySource, type LiveSnapshot } from './live-view.js';
import {
  addClientTransportOptions, addModelOptions, addRunOutputOptions, addVerbosityOptions, bufferRaisedWarning, clientTransportFromOptions, logLevelFromOptions,
  parseInteger, streamConfigFromOptions, type ClientTransportOptionValues, type ModelOptionValues, type VerbosityOptionValues,
} from './options.js';
import { playList } from './play-list.js';
import { formatClockTime, parseTimeOption, timeNsToFrames } from './play-time.js';

export interface PlayOptions extends ModelOptionValues, ClientTransportOptionValues, VerbosityOptionValues {
  sink?: string;
  device?: string;
  record?: string;
  start?: string;
  duration?: string;
  latencyMs?: string;
  live?: boolean;
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

// Ctrl-C is play's to handle (end the stream, then stop at once); SIGTERM and SIGHUP take the common way out
const processSignals: PlaySignals = {
  onInterrupt(listener) {
    return onSignal((signal) => {
      if (signal !== 'SIGINT') return false;
      listener();
      return true;
    });
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

/** How the real-time run went, beside the model's summary (the --json `playback` field). */
export type PlaybackSummary = Omit<PlaybackReport, 'glitches'> & {
  glitches: { counts: Record<PlaybackGlitchKind, number>; frames: number; listed: PlaybackGlitch[] };
};

export type PlaySummary = RunSummary & { sink: PlaySinkReport; playback: PlaybackSummary; interrupted: boolean; startFrame: number; volume: GainReport | null };

/** How one stream of a list ended, so the list knows whether to go on. */
export interface PlayedFile {
  exitCode: number;
  summary: PlaySummary;
  /** q or Ctrl-C: no more files after this one. */
  stopped: boolean;
}

/** Prints one stream's summary: the text form, or (in a list with --json) nothing until the end. */
export type PrintPlayed = (summary: PlaySummary, text: string) => void;

function playbackSummary(report: PlaybackReport): PlaybackSummary {
  const { glitches, ...rest } = report;
  return { ...rest, glitches: { counts: { ...glitches.counts }, frames: glitches.frames, listed: glitches.listed } };
}

function formatPlaybackLines(playback: PlaybackSummary): string {
  const ms = (value: number | null) => (value === null ? '–' : `${value.toFixed(1)} ms`);
  const started = playback.sinkStartMs === null ? 'the sink never started playing' : `the sink started playing after ${ms(playback.sinkStartMs)}`;
  const lines: string[] = [];
  if (playback.mode === 'paced') {
    const late = playback.wakeLatenessNs;
    lines.push(`playback     paced by the sink (lookahead ${playback.lookaheadMs} ms): ${started}; model at most ${ms(playback.maxAheadMs)} ahead of what was heard; ${count(playback.wakeUps, 'wake-up')}, late p50 ${ms(late.p50 === null ? null : late.p50 / 1e6)}, p99 ${ms(late.p99 === null ? null : late.p99 / 1e6)}, max ${ms(late.max === null ? null : late.max / 1e6)}`);
  } else {
    lines.push(`playback     live (the client wakes on the host's event loop): ${started} (lead-in ${playback.lookaheadMs} ms of silence)`);
  }
  if (playback.pausedMs > 0) lines.push(`             paused ${(playback.pausedMs / 1000).toFixed(1)} s (not counted in the model's time)`);
  const counts = playback.glitches.counts;
  const total = counts['sink-drop'] + counts['host-late'];
  lines.push(total === 0
    ? `             playback glitches: none (${playback.mode === 'paced' ? 'nothing dropped, nothing late: the sink paced the model' : 'no sink drops, no host-late underflows'})`
    : `             playback glitches: sink-drop ${counts['sink-drop']}, host-late ${counts['host-late']} (${count(playback.glitches.frames, 'frame')})`);
  for (const glitch of playback.glitches.listed.slice(0, 10)) lines.push(`               ${glitch.kind} at frame ${glitch.startFrame} (${count(glitch.frameCount, 'frame')}): ${glitch.cause}`);
  return `${lines.join('\n')}\n`;
}


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

/** What a sink failing before it played anything looks like: under `auto` the next sink is tried. */
function failedAtStart(result: PlaybackResult): boolean {
  return result.sinkFailure !== undefined && result.report.sinkStartMs === null;
}

/** `wavert play a.wav b.wav …`: the list, each file its own stream and summary, then one total. */
export function playCommand(inputs: string | readonly string[], options: PlayOptions, io: CliIo, signals: PlaySignals = processSignals): Promise<number> {
  return playList(typeof inputs === 'string' ? [inputs] : inputs, options, io, (input, gainFactor, print) => playFile(input, options, io, signals, gainFactor, print));
}

/** Plays one file as its own stream; `gainFactor` is the --volume gain (1 = none). */
export async function playFile(
  inputPath: string, options: PlayOptions, io: CliIo, signals: PlaySignals, gainFactor: number, print: PrintPlayed,
): Promise<PlayedFile> {
  const request = parseSinkSpec(options.sink ?? 'auto');
  const passedOver: SinkProbe[] = [];
  for (;;) {
    const outcome = await playOnce(inputPath, options, io, signals, request, passedOver, gainFactor, print);
    if ('exitCode' in outcome) return outcome;
    // a sink that failed before playing a frame: `auto` says why and tries the next one, from the start
    passedOver.push({ kind: outcome.kind, usable: false, reason: outcome.reason, detail: undefined });
    io.stderr.write(`wavert: ${outcome.kind} failed at start (${outcome.reason}); trying the next sink\n`);
  }
}

async function playOnce(
  inputPath: string, options: PlayOptions, io: CliIo, signals: PlaySignals, request: SinkRequest, excluded: SinkProbe[], gainFactor: number, print: PrintPlayed,
): Promise<PlayedFile | { kind: SinkKind; reason: string }> {
  const diagnostics = new Diagnostics(io, logLevelFromOptions(options));
  const stream = await streamConfigFromOptions(options, io.cwd);
  const pipeline = clientTransportFromOptions(options);
  if (options.device !== undefined && (request.kind === 'null' || request.kind === 'file')) {
    throw new UsageError(`--device: the ${request.kind} sink has no devices (use it with speaker, pulse, pipewire or alsa).`);
  }
  const startNs = options.start !== undefined ? parseTimeOption(options.start, '--start') : 0n;
  const durationNs = options.duration !== undefined ? parseTimeOption(options.duration, '--duration') : undefined;
  if (durationNs === 0n) throw new UsageError('--duration must be longer than 0.');
  const latencyOption = parseInteger('--latency-ms', options.latencyMs, 5, 2000);
  if (options.json && options.record === '-') throw new UsageError('--json and --record - both write to stdout; choose one');
  const mode: PlaybackMode = options.live ? 'live' : 'paced';
  // a reader of the summary may go away (| head): that must not crash the player
  io.stdout.on?.('error', () => undefined);

  const runReport = RunReport.plan(options.report, options.trace);
  new SameFileGuard().addInput(inputPath)
    .claimOutput(request.kind === 'file' ? request.path : undefined, 'sink file')
    .claimOutput(options.record, 'recording').claimOutput(options.trace, 'trace').claimOutput(options.report, 'report');
  const reader = WavReader.open(inputPath);
  let trace: TraceWriter | null = null;
  let sink: Sink | null = null;
  let liveView: LiveView | null = null;
  let keys: KeyControl | null = null;
  // Ctrl-C is listened for from the start: one that comes while the sink opens still ends the run cleanly
  const control = new PlaybackControl();
  const quit = (byInterrupt: boolean) => {
    const answer = control.end(byInterrupt ? 'interrupt' : 'quit');
    if (answer === 'ending') liveView?.print(`wavert: ending the stream here (press ${byInterrupt ? 'Ctrl-C' : 'q or Ctrl-C'} again to stop at once)`);
  };
  const removeInterrupt = signals.onInterrupt(() => quit(true));
  let removeTerminalRestore: (() => void) | null = null;
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

    const output = new PlaybackOutput(format.sampleRate, format.blockAlign);
    const tracePath = runReport?.tracePath ?? options.trace;
    trace = tracePath ? createTraceWriter(tracePath) : null;
    const session = new Session({
      format,
      source,
      output,
      stream,
      // paced: the virtual clock, exactly as `render`; live: the system clock
      clock: mode === 'live' ? new SystemClock() : undefined,
      trace,
      client: pipeline.client,
      transport: pipeline.transport,
      input: { file: reader.label, frames: totalFrames, format: formatDescription(format) },
    });
    const packetMs = (session.stream.packetFrameCount * 1000) / format.sampleRate;
    const lookaheadMs = latencyOption ?? DEFAULT_LOOKAHEAD_MS;
    // the player holds the lookahead (the loop refills every quarter of it); live: its buffer must also outlast a packet
    const playerLatencyMs = mode === 'paced' ? lookaheadMs : Math.max(lookaheadMs, Math.ceil(2 * packetMs + 10));
    const raised = bufferRaisedWarning(options.bufferMs, format.sampleRate, session.allocation.requestedSizeInBytes / format.blockAlign);
    if (raised !== undefined) diagnostics.warn(raised);
    if (latencyOption !== undefined && playerLatencyMs > latencyOption) {
      diagnostics.warn(`--latency-ms ${latencyOption} is below two packets (${packetMs.toFixed(1)} ms each) plus 10 ms: the player gets ${playerLatencyMs} ms`);
    }
    const deviceProblem = options.device !== undefined && request.kind !== 'auto' ? await unknownDeviceReason(request.kind, options.device, io.env) : undefined;
    if (deviceProblem !== undefined) throw new UsageError(deviceProblem);
    const openStartedMs = performance.now();
    const opened = await openSink(request, format, { env: io.env, latencyMs: playerLatencyMs, ...(options.device !== undefined ? { device: options.device } : {}) }, excluded.map((probe) => probe.kind));
    sink = opened.sink;
    const gain = gainFactor === 1 ? null : new GainSink(sink, format, gainFactor);
    if (gain) sink = gain;
    diagnostics.debug(`input ${formatDescription(format)}: ${totalFrames === null ? `from frame ${startFrame} to its end` : `frames ${startFrame} to ${startFrame + totalFrames}`}`);
    diagnostics.debug(describeStreamChoice({
      profile: session.config.profile, underflowPolicy: session.config.underflowPolicy, eosSilenceFill: session.config.eosSilenceFill, fifoBytes: session.config.fifoBytes,
      requestedBufferBytes: session.allocation.requestedSizeInBytes, bufferBytes: session.allocation.actualSizeInBytes,
      notifications: session.allocation.notificationCount, packetBytes: session.allocation.packetSizeInBytes, packetFrames: session.stream.packetFrameCount,
    }, format.sampleRate));
    diagnostics.debug(mode === 'paced'
      ? `paced by the sink: the model runs at most ${lookaheadMs} ms ahead of what is heard; the player's buffer is ${playerLatencyMs} ms`
      : `live: the client wakes on the host's event loop; the player's buffer and lead-in are ${playerLatencyMs} ms`);
    diagnostics.debug(`sink ${sink.label}: opened in ${(performance.now() - openStartedMs).toFixed(1)} ms${opened.commandLine ? `; command line: ${opened.commandLine.map(shellQuote).join(' ')}` : ''}`);
    for (const probe of opened.passedOver) diagnostics.debug(`passed over ${probe.kind}: ${probe.reason}`);
    const passedOver = [...excluded, ...opened.passedOver];
    if (options.record !== undefined) sink = new TeeSink(sink, FileSink.open(options.record, format));
    if (opened.fallbackMessage) io.stderr.write(`wavert: ${opened.fallbackMessage}\n`);
    else if (passedOver.length > 0) diagnostics.info(`playing to ${sink.label}; passed over ${passedOver.map((probe) => `${probe.kind} (${probe.reason})`).join(', ')}`);
    for (const note of sink.notes) diagnostics.warn(note);
    for (const warning of reader.warnings) diagnostics.warn(warning);
    const warningsShown = reader.warnings.length;


    const interactive = !options.quiet && io.stderr.isTTY === true;
    diagnostics.debug(`live view ${interactive ? 'on' : `off (${options.quiet ? '--quiet' : 'stderr is not a terminal'})`}; keys ${interactive && inputPath !== '-' ? 'on' : 'off'}`);
    const color = interactive && !io.env.NO_COLOR;
    if (interactive) {
      const terminal = io.stderr as NodeJS.WritableStream & { columns?: number };
      liveView = new LiveView({ write: (text) => terminal.write(text), get columns() { return terminal.columns; } }, color);
      liveView.start();
      const removeRestore = onTerminalRestore(() => {
        keys?.release();
        liveView?.stop();
      });
      const removeSuspend = onTerminalSuspend({
        suspend: () => { keys?.suspend(); liveView?.suspend(); },
        resume: () => { keys?.resume(); liveView?.resume(); },
      });
      removeTerminalRestore = () => { removeRestore(); removeSuspend(); };
      if (inputPath !== '-') {
        keys = new KeyControl(io.stdin as unknown as KeySource, { togglePause: () => control.togglePause(), quit: () => quit(false), interrupt: () => quit(true), suspend: suspendProcess });
        keys.attach();
      }
    }
    const totalNs = totalFrames === null ? undefined : framesToNs(totalFrames, format.sampleRate);
    const openedSink = sink;
    const snapshot = (view: HeardView): LiveSnapshot => {
      const position = session.stream.getPosition();
      const size = session.stream.bufferSizeInBytes;
      return {
        elapsedNs: view.heardNs,
        totalNs,
        paused: view.paused,
        packetCount: session.stream.getPacketCount().packetCount,
        bufferFillBytes: size === 0 ? 0 : (position.writeOffsetInBytes - position.playOffsetInBytes + size) % size,
        bufferSizeBytes: size,
        underrunEvents: session.recorder.underrunEvents,
        underrunFrames: session.recorder.underrunFrames,
        statusCounts: Object.entries(session.recorder.statusesByName()),
        sinkLabel: view.sinkStarted ? openedSink.label : `${openedSink.label} (waiting for the sink to start)`,
      };
    };
    session.recorder.traceEvent('sink', 0, { action: 'opened', label: sink.label, mode });

    const result = await playSession({
      session, output, sink, mode, lookaheadMs,
      control,
      endSource: () => source.end(),
      ...(liveView ? { onView: (view: HeardView) => liveView?.update(snapshot(view)) } : {}),
    });
    if (failedAtStart(result) && request.kind === 'auto' && inputPath !== '-' && sink.kind !== 'null' && sink.kind !== 'file') {
      return { kind: sink.kind, reason: result.sinkFailure!.message };
    }
    keys?.release();
    keys = null;
    liveView?.stop();
    liveView = null;

    const summary = result.summary;
    diagnostics.debug(`model ran ${(summary.modelTimeNs / 1e9).toFixed(3)} s in ${(result.report.wallMs / 1000).toFixed(3)} s wall time${result.report.sinkStartMs === null ? '' : `; the sink started playing after ${result.report.sinkStartMs.toFixed(1)} ms`}; ${count(result.report.wakeUps, 'wake-up')}`);
    const report = sinkReport(sink, opened.fallbackMessage, passedOver);
    const playback = playbackSummary(result.report);
    const playSummary: PlaySummary = { ...summary, sink: report, playback, interrupted: result.report.ended === 'interrupt', startFrame, volume: gain?.report() ?? null };
    session.recorder.traceEvent('sink', session.scheduler.timeNs, { action: 'finished', ...report.stats });
    trace?.close();
    trace = null;

    for (const warning of reader.warnings.slice(warningsShown)) diagnostics.warn(`${warning} (played what there is)`);
    const volumeLine = playSummary.volume ? `volume       ${describeFactor(playSummary.volume.factor)} at the sink: ${count(playSummary.volume.clippedSamples, 'sample')} clipped\n` : '';
    print(playSummary, formatSummary(summary) + formatSinkLines(report, format.sampleRate, format.blockAlign) + formatPlaybackLines(playback) + volumeLine);
    if (playSummary.volume && playSummary.volume.clippedSamples > 0) diagnostics.warn(`--volume ${options.volume} clipped ${count(playSummary.volume.clippedSamples, 'sample')} of ${reader.label}`);
    await runReport?.write(options.record !== undefined && options.record !== '-' ? options.record : undefined, playSummary);

    if (result.sinkFailure) throw result.sinkFailure;
    const heardAt = formatClockTime(BigInt(Math.floor(framesToNs(summary.output.frames, format.sampleRate))));
    if (result.report.ended === 'interrupt' || result.report.ended === 'stopped') {
      io.stderr.write(`wavert: interrupted at ${heardAt}\n`);
      return { exitCode: EXIT_INTERRUPTED, summary: playSummary, stopped: true };
    }
    if (result.report.ended === 'quit') io.stderr.write(`wavert: stopped with q at ${heardAt}; the stream ended there and what was queued was played\n`);
    return { exitCode: EXIT_OK, summary: playSummary, stopped: result.report.ended === 'quit' };
  } finally {
    keys?.release();
    liveView?.stop();
    removeInterrupt();
    removeTerminalRestore?.();
    sink?.abort();
    abortTrace(trace);
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
    .option('--latency-ms <ms>', `how far the model may run ahead of what is heard, in ms (default ${DEFAULT_LOOKAHEAD_MS}); with --live, the player's buffer`)
    .option('--live', "live mode: the client wakes on the host's event loop, so host lateness can cause real underflows (host-late)")
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
