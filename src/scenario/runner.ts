// Runs one scenario: input, session, timeline, then rendered.wav, trace.ndjson and summary.json in its
// output folder, and the expectations checked. Never throws: every outcome is a ScenarioResult.
import type { Glitch } from '../report/glitches.js';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventPriority } from '../clock/scheduler.js';
import type { PlaybackMode } from '../player/index.js';
import { framesToNs } from '../clock/time.js';
import { createLatencySampler } from '../client/latency.js';
import { STATUS_SUCCESS, statusName, type DmaOutput, type DriverProfile, type NtStatus } from '../engine/index.js';
import { ScenarioError, WavertError } from '../errors.js';
import { abortTrace, createTraceWriter, type TraceWriter } from '../report/trace.js';
import type { RunSummary } from '../report/summary.js';
import { writeFileAtomic } from '../output/index.js';
import { loadSessionModules } from '../session/optional-modules.js';
import { Session } from '../session/session.js';
import type { Sink } from '../sinks/types.js';
import { formatDescription, WavWriter, type WavFormat } from '../wav/index.js';
import { actionDefinition, type ActionContext } from './actions.js';
import { checkExpectations, readWholeWav, sha256, type ExpectationResult } from './expectations.js';
import { RUN_MARGIN_NS } from './limits.js';
import type { Scenario, TimelineEntry } from './model.js';
import { deriveSeed } from './seeds.js';
import { MemorySource, renderSignal } from './signals.js';
import { clearScenarioOutputs, guardScenarioOutputs, prepareScenarioFolder, scenarioFolderPath } from './output-folder.js';
import { budgetRun, MAX_OUTPUT_BYTES, timelineExtraNs } from './budget.js';

const TWO_POW_32 = 0x1_0000_0000;
const MAX_INPUT_BYTES = 512 * 1024 * 1024;

/** Called once per scenario after its outputs are written (the timeline report draws timeline.svg here). */
/** Glitches carried back from a worker for the table and JUnit (summary.json has them all). */
const BRIEF_GLITCHES = 50;

export type ScenarioReportHook = (directory: string, traceEvents: ReadonlyArray<Record<string, unknown>>, summary: ScenarioSummary, scenario: Scenario) => void;

export interface ScenarioRunOptions {
  /** Each scenario writes into `<outDir>/<scenario name>/`. */
  outDir: string;
  updateGolden?: boolean;
  /** Folders besides the scenario's own where --update-golden may write: the library, --golden-dir. */
  goldenRoots?: string[];
  /** Real time: the run goes on the system clock to this sink (opened for the scenario's format). */
  /** Real time: the run is played to this sink (opened for the scenario's format), paced by it or live. */
  realtime?: { openSink(format: WavFormat): Promise<Sink>; mode?: PlaybackMode; lookaheadMs?: number };
  report?: ScenarioReportHook;
  /** Told the scenario's output folder before anything is written in it (the pool cleans it after a crash). */
  onFolder?(directory: string): void;
  /** Runs every scenario against this driver profile instead of its own (wavert run --profile). */
  profile?: DriverProfile;
}

export type ScenarioStatus = 'passed' | 'failed' | 'invalid' | 'error';

/** What a run hands back (serialisable: it crosses from the worker threads). */
export interface ScenarioResult {
  name: string;
  file: string;
  status: ScenarioStatus;
  /** For invalid and error: what went wrong (file:line lines for invalid scenarios). */
  message: string | null;
  expectations: ExpectationResult[];
  outputDir: string | null;
  wallMs: number;
  brief: {
    statuses: Record<string, number>; underrunEvents: number; underrunFrames: number; notifications: number; packetsWritten: number;
    /** The run's glitches: the count per kind (non-zero ones), the total and the first listed. */
    glitchCounts: Record<string, number>; glitchTotal: number; glitches: Glitch[];
  } | null;
}

export interface ActionRecord {
  index: number;
  action: string;
  line: number;
  atPacket: number | null;
  atNs: number | null;
  ranAtNs: number | null;
  result: Record<string, unknown> | null;
}

/** summary.json: the run summary plus the scenario, its actions and its expectations. */
export type ScenarioSummary = RunSummary & {
  scenario: string;
  file: string;
  seed: number;
  description: string | null;
  passed: boolean;
  outputSha256: string;
  actions: ActionRecord[];
  expectations: ExpectationResult[];
};

/** Loads, runs and checks one scenario file; every failure becomes the result's status and message. `file` names it in messages. */
export async function runScenarioFile(path: string, options: ScenarioRunOptions, file: string = path): Promise<ScenarioResult> {
  const started = performance.now();
  const fail = (status: ScenarioStatus, name: string, message: string): ScenarioResult => ({
    name, file, status, message, expectations: [], outputDir: null, wallMs: performance.now() - started, brief: null,
  });
  let scenario: Scenario;
  try {
    // the YAML parser loads with the first file a thread loads
    const { loadScenario } = await import('./load.js');
    scenario = loadScenario(path, file);
  } catch (error) {
    return fail(error instanceof WavertError ? 'invalid' : 'error', file, error instanceof Error ? error.message : String(error));
  }
  return runLoadedScenario(scenario, options, file, started);
}

/** Runs and checks a scenario `loadScenario` returned; every failure becomes the result's status and message. */
export async function runLoadedScenario(scenario: Scenario, options: ScenarioRunOptions, file: string = scenario.file, started = performance.now()): Promise<ScenarioResult> {
  const fail = (status: ScenarioStatus, name: string, message: string): ScenarioResult => ({
    name, file, status, message, expectations: [], outputDir: null, wallMs: performance.now() - started, brief: null,
  });
  try {
    const summary = await runScenario(scenario, options);
    return {
      name: scenario.name,
      file,
      status: summary.passed ? 'passed' : 'failed',
      message: null,
      expectations: summary.expectations,
      outputDir: scenarioFolderPath(options.outDir, scenario.name),
      wallMs: performance.now() - started,
      brief: {
        statuses: summary.statuses,
        underrunEvents: summary.underrun.events,
        underrunFrames: summary.underrun.frames,
        notifications: summary.notifications,
        packetsWritten: summary.packetsWritten,
        glitchCounts: Object.fromEntries(Object.entries(summary.glitchCounts).filter(([, count]) => count > 0)),
        glitchTotal: summary.glitchTotal,
        glitches: summary.glitches.slice(0, BRIEF_GLITCHES),
      },
    };
  } catch (error) {
    const invalid = error instanceof WavertError && error.code !== 'E_SINK' && error.code !== 'E_INTERRUPTED';
    return fail(invalid ? 'invalid' : 'error', scenario.name, error instanceof Error ? error.message : String(error));
  }
}

function loadInput(scenario: Scenario): { format: WavFormat; bytes: Buffer; label: string } {
  const input = scenario.input;
  if (input.type === 'file') {
    try {
      const { format, bytes } = readWholeWav(input.path, MAX_INPUT_BYTES);
      return { format, bytes, label: input.path };
    } catch (error) {
      if (error instanceof RangeError) throw new ScenarioError(`${scenario.file}: the input ${error.message}; scenario inputs are limited to ${MAX_INPUT_BYTES} bytes`);
      throw error;
    }
  }
  if (input.frames * input.format.blockAlign > MAX_INPUT_BYTES) {
    throw new ScenarioError(`${scenario.file}: the generated input would take ${input.frames * input.format.blockAlign} bytes; scenario inputs are limited to ${MAX_INPUT_BYTES} bytes`);
  }
  return { format: input.format, bytes: renderSignal(input), label: `${input.type} signal` };
}

/** The DMA output kept in memory (for rendered.wav and the checks) and, in real time, fed on to the sink. */
class CollectingOutput implements DmaOutput {
  private bytes: Buffer;
  length = 0;
  sink: DmaOutput | null = null;
  private sinkStalledUntilNs = 0;
  private readonly backlog: Buffer[] = [];
  /** The run's budget: growth never allocates past it. */
  maxBytes = MAX_OUTPUT_BYTES;

  /** `expectedBytes`: what the run will probably output, allocated at once instead of grown by copies. */
  constructor(expectedBytes: number) {
    this.bytes = Buffer.alloc(Math.max(64 * 1024, Math.min(expectedBytes, this.maxBytes)));
  }

  writeFrom(source: Buffer, offsetInBytes: number, lengthInBytes: number, timeNs: number): void {
    if (this.length + lengthInBytes > this.bytes.length) {
      if (this.length + lengthInBytes > this.maxBytes) throw new ScenarioError(`the output passed its budget of ${this.maxBytes} bytes`);
      const grown = Buffer.alloc(Math.min(this.maxBytes, Math.max(this.bytes.length * 2, this.length + lengthInBytes)));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    source.copy(this.bytes, this.length, offsetInBytes, offsetInBytes + lengthInBytes);
    this.length += lengthInBytes;
    if (this.sink === null) return;
    if (timeNs < this.sinkStalledUntilNs) {
      this.backlog.push(Buffer.from(source.subarray(offsetInBytes, offsetInBytes + lengthInBytes)));
      return;
    }
    this.flushBacklog(timeNs);
    this.sink.writeFrom(source, offsetInBytes, lengthInBytes, timeNs);
  }

  stallSinkUntil(timeNs: number): void {
    this.sinkStalledUntilNs = Math.max(this.sinkStalledUntilNs, timeNs);
  }

  /** A stalled sink gets what it missed, in order, when the stall ends (or the stream does). */
  flushBacklog(timeNs: number): void {
    for (const piece of this.backlog.splice(0)) this.sink?.writeFrom(piece, 0, piece.length, timeNs);
  }

  get audio(): Buffer {
    return this.bytes.subarray(0, this.length);
  }
}

function teeTrace(file: TraceWriter, memory: Array<Record<string, unknown>> | null): TraceWriter {
  let open = true;
  return {
    event(fields) {
      file.event(fields);
      memory?.push({ ...fields });
    },
    close() {
      if (open) file.close();
      open = false;
    },
    abort() {
      if (open) abortTrace(file);
      open = false;
    },
  };
}

export async function runScenario(scenario: Scenario, options: ScenarioRunOptions): Promise<ScenarioSummary> {
  // a generated input is budgeted before it is made; a file's once its header and size are known
  const reportInMemory = options.report !== undefined;
  let budget = scenario.input.type === 'file' ? null : budgetRun(scenario, scenario.input.format, scenario.input.frames, reportInMemory);
  const input = loadInput(scenario);
  budget ??= budgetRun(scenario, input.format, input.bytes.length / input.format.blockAlign, reportInMemory);
  const format = input.format;
  const directory = scenarioFolderPath(options.outDir, scenario.name);
  const outputPaths = { wav: join(directory, 'rendered.wav'), trace: join(directory, 'trace.ndjson'), summary: join(directory, 'summary.json') };
  options.onFolder?.(directory);
  prepareScenarioFolder(options.outDir, scenario.name);
  guardScenarioOutputs(scenario, outputPaths);
  const noFollow = { followSymlinks: false };
  const traceEvents = options.report ? [] as Array<Record<string, unknown>> : null;
  let trace: TraceWriter | null = null;
  let sink: Sink | null = null;
  let writer: WavWriter | null = null;
  await loadSessionModules(scenario.pipeline.client, scenario.pipeline.transport);
  // real time only: an offline run (a worker's) does not load the player or the system clock
  const player = options.realtime ? await import('../player/index.js') : null;
  const systemClock = options.realtime?.mode === 'live' ? new (await import('../clock/system-clock.js')).SystemClock() : undefined;
  try {
    trace = teeTrace(createTraceWriter(outputPaths.trace, noFollow), traceEvents);
    // the output is about as long as the input (plus silence, FIFO and timeline time): sized once, rarely grown
    const output = new CollectingOutput(Math.min(budget.outputBytes, Math.ceil(input.bytes.length * 1.25) + 64 * 1024));
    const session = new Session({
      format,
      source: new MemorySource(input.bytes),
      output,
      stream: options.profile ? { ...scenario.stream, profile: options.profile } : scenario.stream,
      // paced real time runs on the virtual clock like an offline run; only live mode needs the system clock
      clock: systemClock,
      trace,
      wakeLatency: createLatencySampler(scenario.client.wakeLatency, deriveSeed(scenario.seed, 'client.wakeLatency')),
      processingNs: scenario.client.processingNs,
      client: scenario.pipeline.client,
      transport: scenario.pipeline.transport,
      input: { file: input.label, frames: input.bytes.length / format.blockAlign, format: formatDescription(format) },
    });
    trace.event({ event: 'scenario', timeNs: 0, timeFrames: 0, name: scenario.name, file: scenario.file, seed: scenario.seed, clock: options.realtime ? `realtime (${options.realtime.mode ?? 'paced'})` : 'virtual' });
    const timeline = new TimelineRunner(session, scenario, output);
    const inputNs = framesToNs(input.bytes.length / format.blockAlign, format.sampleRate);
    const limitNs = scenario.maxModelNs ?? inputNs + timeline.extraNs() + RUN_MARGIN_NS;
    output.maxBytes = budget.outputBytes;
    let summary: RunSummary;
    if (options.realtime && player) {
      sink = await options.realtime.openSink(format);
      const playbackOutput = new player.PlaybackOutput(format.sampleRate, format.blockAlign);
      output.sink = playbackOutput;
      session.stream.onEnd((timeNs) => output.flushBacklog(timeNs));
      session.recorder.traceEvent('sink', 0, { action: 'opened', label: sink.label });
      const result = await player.playSession({
        session, output: playbackOutput, sink, mode: options.realtime.mode ?? 'paced', lookaheadMs: options.realtime.lookaheadMs ?? player.DEFAULT_LOOKAHEAD_MS, limitNs,
      });
      if (result.sinkFailure) {
        session.recorder.traceEvent('sink', session.scheduler.timeNs, { action: 'failed', message: result.sinkFailure.message });
        throw result.sinkFailure;
      }
      summary = result.summary;
    } else {
      summary = session.runVirtual(limitNs);
    }
    const audio = output.audio;
    const actions = timeline.records();
    const expectations = checkExpectations(scenario, {
      summary, format, output: audio, input: input.bytes, bufferFrames: session.allocation.actualSizeInBytes / format.blockAlign,
      actionsNotRun: actions.filter((record) => record.ranAtNs === null).map((record) => `#${record.index} ${record.action} (line ${record.line})`),
    }, { update: options.updateGolden ?? false, roots: options.goldenRoots ?? [] });
    const passed = expectations.every((result) => result.held);
    session.recorder.traceEvent('expectations', session.scheduler.timeNs, { passed, results: expectations });
    writer = WavWriter.create(outputPaths.wav, format, noFollow);
    writer.write(audio);
    const scenarioSummary: ScenarioSummary = {
      scenario: scenario.name,
      file: scenario.file,
      seed: scenario.seed,
      description: scenario.description,
      passed,
      ...summary,
      outputSha256: sha256(audio),
      actions,
      expectations,
    };
    // the three files go in place together, after everything that can fail
    trace.close();
    writer.close();
    writeFileAtomic(outputPaths.summary, `${JSON.stringify(scenarioSummary, null, 2)}\n`, noFollow);
    options.report?.(directory, traceEvents ?? [], scenarioSummary, scenario);
    return scenarioSummary;
  } catch (error) {
    sink?.abort();
    writer?.abort();
    abortTrace(trace);
    clearScenarioOutputs(directory, true);
    throw error;
  }
}

/** Puts the timeline on the scheduler: packet actions on the notifications, timed ones at their time. */
class TimelineRunner {
  private readonly session: Session;
  private readonly scenario: Scenario;
  private readonly output: CollectingOutput;
  private readonly byPacket: TimelineEntry[];
  private nextByPacket = 0;
  private readonly ranAtNs = new Map<number, number>();
  private readonly results = new Map<number, Record<string, unknown>>();
  private readonly packetNs: number;
  private repeatRemaining = 0;
  private scenarioWriting = false;

  constructor(session: Session, scenario: Scenario, output: CollectingOutput) {
    this.session = session;
    this.scenario = scenario;
    this.output = output;
    this.packetNs = framesToNs(session.stream.packetFrameCount, session.format.sampleRate);
    this.byPacket = scenario.timeline.filter((entry) => entry.atPacket !== null).sort((a, b) => a.atPacket! - b.atPacket! || a.index - b.index);
    for (const entry of scenario.timeline) {
      if (entry.atNs !== null) this.schedule(entry, entry.atNs);
    }
    // packet 0 starts at RUN, which the session enters at time 0 before any scheduled event runs
    this.releasePacketActions(0, 0);
    session.stream.registerNotificationEvent((packetCount, timeNs) => this.releasePacketActions(packetCount, timeNs));
    session.stream.addObserver({
      writePacket: (packetNumber, flags, eosPacketLength, status, timeNs) => {
        if (this.scenarioWriting || status !== STATUS_SUCCESS || this.repeatRemaining === 0) return;
        this.repeatRemaining--;
        session.scheduler.at(timeNs, EventPriority.action, (atNs) => {
          const repeated = this.write(() => session.stream.setWritePacket(packetNumber, flags, eosPacketLength));
          session.recorder.traceEvent('action', atNs, { action: 'write-twice', phase: 'repeat', packetNumber, flags, eosPacketLength, status: statusName(repeated) });
        });
      },
    });
  }

  extraNs(): number {
    return timelineExtraNs(this.scenario, this.packetNs);
  }

  records(): ActionRecord[] {
    return this.scenario.timeline.map((entry) => ({
      index: entry.index,
      action: entry.action,
      line: entry.position.line,
      atPacket: entry.atPacket,
      atNs: entry.atNs,
      ranAtNs: this.ranAtNs.get(entry.index) ?? null,
      result: this.results.get(entry.index) ?? null,
    }));
  }

  private releasePacketActions(packetCount: number, timeNs: number): void {
    while (this.nextByPacket < this.byPacket.length && this.byPacket[this.nextByPacket]!.atPacket! <= packetCount) {
      this.schedule(this.byPacket[this.nextByPacket++]!, timeNs);
    }
  }

  private schedule(entry: TimelineEntry, timeNs: number): void {
    // after the DMA's work at this instant and before the client's wake-up: the action shapes the client's response
    this.session.scheduler.at(timeNs, EventPriority.action, (atNs) => this.run(entry, atNs));
  }

  private write(call: () => NtStatus): NtStatus {
    this.scenarioWriting = true;
    try {
      return call();
    } finally {
      this.scenarioWriting = false;
    }
  }

  private context(entry: TimelineEntry, timeNs: number): ActionContext {
    const session = this.session;
    return {
      session,
      timeNs,
      packetNs: this.packetNs,
      after: (delayNs, phase, handler) => {
        session.scheduler.at(timeNs + delayNs, EventPriority.action, (atNs) => {
          session.recorder.traceEvent('action', atNs, { action: entry.action, index: entry.index, phase, ...guarded(handler) });
        });
      },
      repeatClientWrites: (count) => { this.repeatRemaining += count; },
      stallSink: (untilNs) => this.output.stallSinkUntil(untilNs),
      scenarioWrite: (linearPacketNumber, flags, eosPacketLength, copyAudio) => this.write(() => (copyAudio
        ? session.client.writeArbitrary(linearPacketNumber, flags, eosPacketLength)
        : session.stream.setWritePacket(linearPacketNumber % TWO_POW_32, flags, eosPacketLength))),
    };
  }

  private run(entry: TimelineEntry, timeNs: number): void {
    const definition = actionDefinition(entry.action);
    const result = definition
      ? guarded(() => definition.run(this.context(entry, timeNs), entry.fields))
      : { error: `unknown action ${entry.action}` };
    this.ranAtNs.set(entry.index, timeNs);
    this.results.set(entry.index, result);
    const note = typeof entry.fields.note === 'string' ? { note: entry.fields.note } : {};
    this.session.recorder.traceEvent('action', timeNs, { action: entry.action, index: entry.index, line: entry.position.line, ...note, ...result });
  }
}

/** An action that throws is recorded with its error; the run goes on. */
function guarded(handler: () => Record<string, unknown>): Record<string, unknown> {
  try {
    return handler();
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
