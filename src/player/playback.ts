// Real-time playback of a session into a sink (DESIGN §14), the engine behind `play` and `run --realtime`.
// paced (default): the model runs on its virtual clock — the same events and bytes as `render` — and the
// sink's consumption paces it: the model is advanced only as far as the sink has played plus the lookahead,
// then the process sleeps until the sink needs more. A late or stalled sink makes the model wait.
// live: the model runs on the system clock, so the host's lateness becomes the client's (kind `host-late`).
import { performance } from 'node:perf_hooks';
import { EventPriority } from '../clock/scheduler.js';
import { DriftEstimator, SystemClock } from '../clock/system-clock.js';
import { framesToNs } from '../clock/time.js';
import { STATUS_SUCCESS } from '../engine/index.js';
import type { SinkError } from '../errors.js';
import { SampleSet, type SampleStats } from '../report/samples.js';
import type { RunSummary } from '../report/summary.js';
import type { Session } from '../session/session.js';
import type { Sink } from '../sinks/types.js';
import { PlaybackControl } from './control.js';
import { PlaybackGlitches, type PlaybackGlitch } from './glitches.js';
import type { PlaybackOutput } from './output.js';
import { count } from '../text/count.js';

export type PlaybackMode = 'paced' | 'live';

/**
 * 500 ms: on this loaded 2-core host the loop, pacat and the server were each descheduled for 100–270 ms at times,
 * and a PulseAudio stream that runs dry skips what comes late (pacat cannot seek): with a busy core and a cold sink
 * 200 ms lost audio, 500 ms lost none (bench/RESULTS.md). Refilled every quarter. --latency-ms trades the margin
 * for a model closer to what is heard.
 */
export const DEFAULT_LOOKAHEAD_MS = 500;
/** The loop never sleeps less than this (a sink that wants data at once still gets a turn of the event loop). */
const MIN_SLEEP_MS = 2;
/** The live view and the sink checks of live mode come this often. */
const TICK_MS = 50;
/** Live mode waits this long at most for the sink to start playing its lead-in before it starts the DMA anyway. */
const LIVE_START_LIMIT_MS = 15_000;
const NS_PER_MS = 1_000_000;

/** The moment being heard, for the live view. */
export interface HeardView {
  /** Model time of the frame being heard. */
  heardNs: number;
  /** How far the model is ahead of what is heard (at most the lookahead in paced mode). */
  aheadNs: number;
  paused: boolean;
  /** False while the sink has not started playing (a cold sound server). */
  sinkStarted: boolean;
}

export interface PlaybackOptions {
  session: Session;
  /** The session's DMA output (or the one it forwards to), attached to `sink` here. */
  output: PlaybackOutput;
  sink: Sink;
  mode: PlaybackMode;
  /** Paced: how far the model may run ahead of what is heard. Live: the sink's lead-in. */
  lookaheadMs: number;
  /** Model-time limit (a scenario's); the run stops there if the stream has not ended. */
  limitNs?: number;
  control?: PlaybackControl;
  /** Ends the input where it is (q, Ctrl-C): the client's next packet carries EOS. */
  endSource?: () => void;
  /** Called about every 50 ms with what is heard (redraws are the caller's business). */
  onView?: (view: HeardView) => void;
}

/** What the playback itself measured, beside the model's summary. */
export interface PlaybackReport {
  mode: PlaybackMode;
  lookaheadMs: number;
  /** Wall time from the start until the sink played its first frame (a cold sink's wake-up). */
  sinkStartMs: number | null;
  wallMs: number;
  pausedMs: number;
  /** Paced: how often the loop woke, and the largest lead of the model over what was heard once playing. */
  wakeUps: number;
  maxAheadMs: number;
  /** Paced: how late the loop's wake-ups came after the time it asked for (host jitter the lookahead absorbs). */
  wakeLatenessNs: SampleStats;
  /** Sink-side glitches: live mode only; paced mode never drops and never underflows for the host. */
  glitches: PlaybackGlitches;
  /** How the run ended. */
  ended: 'end' | 'quit' | 'interrupt' | 'stopped' | 'sink-failed' | 'limit';
}

export interface PlaybackResult {
  summary: RunSummary;
  report: PlaybackReport;
  sinkFailure: SinkError | undefined;
}

/** Plays one session into one sink; call it once per file. Never throws for a sink failure: it is returned. */
export function playSession(options: PlaybackOptions): Promise<PlaybackResult> {
  options.output.attach(options.sink);
  return options.mode === 'live' ? playLive(options) : playPaced(options);
}

function newReport(options: PlaybackOptions): PlaybackReport {
  return {
    mode: options.mode, lookaheadMs: options.lookaheadMs, sinkStartMs: null, wallMs: 0, pausedMs: 0,
    wakeUps: 0, maxAheadMs: 0, wakeLatenessNs: new SampleSet().stats(), glitches: new PlaybackGlitches(), ended: 'end',
  };
}

/** Puts the stream in PAUSE or back in RUN where the model stands (a packet client's stream; waveOut's too). */
function setPaused(session: Session, paused: boolean): boolean {
  const state = session.stream.getState();
  if (paused && state === 'RUN') return session.stream.setState('PAUSE') === STATUS_SUCCESS;
  if (!paused && state === 'PAUSE') return session.stream.setState('RUN') === STATUS_SUCCESS;
  return false;
}

/** The control's requests applied to a run, the same in both modes: the end (once), then the pause toggles. */
class ControlledRun {
  paused = false;
  private pausedAtMs = 0;
  private sourceEnded = false;

  constructor(private readonly options: PlaybackOptions, private readonly control: PlaybackControl, private readonly report: PlaybackReport) {}

  apply(): void {
    const { control, report, options } = this;
    if (control.ended !== null && !this.sourceEnded) {
      this.sourceEnded = true;
      report.ended = control.ended;
      options.endSource?.();
      // ending from a pause plays the end, it does not stay paused
      if (this.paused) control.togglePause();
    }
    for (let toggles = control.takeToggles(); toggles > 0; toggles--) {
      const nowMs = performance.now();
      const session = options.session;
      if (!this.paused && setPaused(session, true)) {
        this.paused = true;
        this.pausedAtMs = nowMs;
        session.recorder.traceEvent('control', session.scheduler.timeNs, { action: 'pause' });
      } else if (this.paused && setPaused(session, false)) {
        this.paused = false;
        report.pausedMs += nowMs - this.pausedAtMs;
        session.recorder.traceEvent('control', session.scheduler.timeNs, { action: 'resume' });
      }
    }
  }
}

async function playPaced(options: PlaybackOptions): Promise<PlaybackResult> {
  const { session, output, sink } = options;
  const control = options.control ?? new PlaybackControl();
  const report = newReport(options);
  const rate = session.format.sampleRate;
  const lookaheadNs = options.lookaheadMs * NS_PER_MS;
  const limitNs = options.limitNs ?? Number.POSITIVE_INFINITY;
  const packetFrames = Math.max(1, session.stream.packetFrameCount);
  const wakeLateness = new SampleSet();
  const startedMs = performance.now();
  let modelNs = 0;
  const run = new ControlledRun(options, control, report);
  let failure: SinkError | undefined;
  let lastViewMs = Number.NEGATIVE_INFINITY;
  let heardNs = 0;

  // without a model-time limit, a stream the driver never ends stops after a grace second, as render's does
  if (options.limitNs === undefined) session.limitNeverEnding();
  session.advanceTo(0);
  for (;;) {
    failure = sink.failure();
    if (failure) { report.ended = 'sink-failed'; break; }
    if (control.stopped) { report.ended = 'stopped'; break; }
    run.apply();
    const paused = run.paused;
    const nowMs = performance.now();
    const played = sink.playedFrames();
    if (played > 0 && report.sinkStartMs === null) report.sinkStartMs = nowMs - startedMs;
    heardNs = output.timeline.heardNs(played, nowMs, paused);
    if (!paused) {
      if (session.idle) break;
      if (modelNs >= limitNs) { report.ended = 'limit'; break; }
      let targetNs = Math.min(heardNs + lookaheadNs, limitNs);
      // never more than the sink can hold: a packet's worth of room is kept for the piece in progress
      const roomFrames = sink.roomFrames();
      if (roomFrames < Number.MAX_SAFE_INTEGER) targetNs = Math.min(targetNs, modelNs + framesToNs(Math.max(0, roomFrames - packetFrames), rate));
      if (targetNs > modelNs) {
        session.advanceTo(targetNs);
        modelNs = targetNs;
        sink.flush();
      }
    }
    if (report.sinkStartMs !== null) report.maxAheadMs = Math.max(report.maxAheadMs, (modelNs - heardNs) / NS_PER_MS);
    if (options.onView && nowMs - lastViewMs >= TICK_MS) {
      lastViewMs = nowMs;
      options.onView({ heardNs, aheadNs: modelNs - heardNs, paused, sinkStarted: report.sinkStartMs !== null });
    }
    report.wakeUps++;
    // refilled every quarter of the lookahead: a wake-up may come up to three quarters late before the sink runs dry
    const sleepMs = Math.max(MIN_SLEEP_MS, Math.floor(options.lookaheadMs / 4));
    const askedMs = performance.now() + sleepMs;
    await control.sleep(sleepMs);
    wakeLateness.add((performance.now() - askedMs) * NS_PER_MS);
  }
  // null and file sinks play what they hold at the nominal rate; the players drain theirs when their input ends
  if (!failure && !control.stopped && (sink.kind === 'null' || sink.kind === 'file')) {
    for (let played = sink.playedFrames(); played < output.timeline.outputFrames && !control.stopped; played = sink.playedFrames()) {
      await control.sleep(Math.max(MIN_SLEEP_MS, Math.ceil(((output.timeline.outputFrames - played) * 1000) / rate)));
    }
  }
  if (control.stopped) {
    report.ended = 'stopped';
    session.stop();
    sink.abort();
  }
  const summary = session.complete();
  failure = failure ?? (control.stopped ? undefined : await sink.finish());
  if (failure) report.ended = 'sink-failed';
  options.onView?.({ heardNs: modelNs, aheadNs: 0, paused: false, sinkStarted: report.sinkStartMs !== null });
  report.wallMs = performance.now() - startedMs;
  report.wakeLatenessNs = wakeLateness.stats();
  // the sink paces the model: the model keeps the sink's clock exactly, and the sink's clock is the monotonic one's drift
  summary.drift.modelVsSinkPpm = 0;
  summary.drift.modelVsMonotonicPpm = sink.kind === 'null' || sink.kind === 'file' ? 0 : sink.stats().sinkClockDriftPpm ?? null;
  return { summary, report, sinkFailure: failure };
}

async function playLive(options: PlaybackOptions): Promise<PlaybackResult> {
  const { session, output, sink } = options;
  const control = options.control ?? new PlaybackControl();
  const report = newReport(options);
  const clock = session.scheduler.clock;
  if (!(clock instanceof SystemClock)) throw new TypeError('live playback needs a session on the system clock');
  const format = session.format;
  const startedMs = performance.now();
  let failure: SinkError | undefined;
  output.live = true;
  // into the run's glitch list (summary, --json, trace, report) and the playback's own counts
  const addGlitch = (glitch: PlaybackGlitch): void => {
    report.glitches.add(glitch);
    session.recorder.glitch(glitch);
  };
  output.onSinkDrop = (startFrame, frameCount, timeNs) => {
    addGlitch({ kind: 'sink-drop', startFrame, frameCount, timeNs, packetNumber: null, cause: `the sink was full: ${count(frameCount, 'frame')} could not be taken` });
  };

  // the DMA clock starts when the sink has started consuming: it is given a lead-in of silence and watched
  const leadIn = Buffer.alloc(Math.max(1, Math.round((format.sampleRate * options.lookaheadMs) / 1000)) * format.blockAlign, format.encoding === 'pcm' && format.bitsPerSample === 8 ? 0x80 : 0);
  sink.write(leadIn, 0, leadIn.length);
  sink.flush();
  while (sink.playedFrames() === 0 && !sink.failure() && !control.stopped && control.ended === null && performance.now() - startedMs < LIVE_START_LIMIT_MS) {
    await control.sleep(MIN_SLEEP_MS);
  }
  report.sinkStartMs = sink.playedFrames() > 0 ? performance.now() - startedMs : null;

  const drift = new DriftEstimator();
  let lastClientLatenessNs = 0;
  const recordLateness = session.scheduler.onLateness;
  session.scheduler.onLateness = (dueNs, actualNs, priority) => {
    recordLateness?.(dueNs, actualNs, priority);
    if (priority === EventPriority.dma) drift.add(dueNs, actualNs);
    else if (priority === EventPriority.client) lastClientLatenessNs = actualNs - dueNs;
  };
  // with no scripted latency, every underflow of a live run comes from the host waking the client late
  session.stream.addObserver({
    underflow: (packetNumber, startFrame, frameCount, timeNs) => {
      addGlitch({
        kind: 'host-late', startFrame, frameCount, timeNs, packetNumber,
        cause: `packet ${packetNumber} was not written before its transfer began: the client woke late on the host${lastClientLatenessNs > 0 ? ` (last wake-up ${(lastClientLatenessNs / NS_PER_MS).toFixed(2)} ms late)` : ''}`,
      });
    },
  });
  const run = new ControlledRun(options, control, report);
  const tick = (): void => {
    failure = sink.failure();
    if (failure) { report.ended = 'sink-failed'; session.stop(); return; }
    if (control.stopped) { report.ended = 'stopped'; session.stop(); sink.abort(); return; }
    run.apply();
    const playedNs = framesToNs(session.stream.getLinearPositionInBytes() / format.blockAlign, format.sampleRate);
    options.onView?.({ heardNs: playedNs, aheadNs: 0, paused: run.paused, sinkStarted: true });
    if (session.state === 'running' || session.state === 'ready') session.scheduler.at(session.scheduler.timeNs + TICK_MS * NS_PER_MS, EventPriority.observer, tick);
  };
  session.scheduler.at(TICK_MS * NS_PER_MS, EventPriority.observer, tick);
  // a key or a signal must be seen even while the scheduler sleeps between packets
  const poll = setInterval(() => { if (control.stopped) session.stop(); }, TICK_MS);
  clock.resetOrigin();
  const summary = control.stopped ? session.complete() : await session.runRealtime(options.limitNs ?? Number.POSITIVE_INFINITY);
  clearInterval(poll);
  failure = failure ?? (report.ended === 'stopped' ? undefined : await sink.finish());
  if (failure) report.ended = 'sink-failed';
  drift.finish();
  summary.drift.modelVsMonotonicPpm = drift.ppm();
  const sinkDrift = sink.stats().sinkClockDriftPpm;
  summary.drift.modelVsSinkPpm = sink.kind === 'null' ? 0 : sinkDrift === undefined || summary.drift.modelVsMonotonicPpm === null ? null : sinkDrift - summary.drift.modelVsMonotonicPpm;
  report.wallMs = performance.now() - startedMs;
  return { summary, report, sinkFailure: failure };
}
