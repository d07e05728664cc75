// Reads a scenario file (YAML, or JSON parsed as the YAML superset it is), validates it with file:line
// messages, and resolves it into a Scenario. Every problem in the file is reported, not just the first.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { isAlias, isCollection, isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { msToNs } from '../clock/time.js';
import type { LatencySpec } from '../client/latency.js';
import { ScenarioError, WavertError, describeIoFailure } from '../errors.js';
import { quoted } from '../output/names.js';
import { fifoBytesProblem, resolveStreamConfig, type ClientConfig, type StreamConfig, type TransportConfig } from '../session/config.js';
import type { UsbSpeed } from '../transport/index.js';
import { pcmFormat, WavReader, type WavFormat } from '../wav/index.js';
import { builtinProfileNames } from '../engine/index.js';
import { resolveProfileReference } from '../profile/load.js';
import { actionDefinition } from './actions.js';
import type { CountExpectation, Expectations, InputSpec, RangeExpectation, Scenario, SignalKind, TimelineEntry, GlitchExpectation } from './model.js';
import { scenarioSpec } from './schema.js';
import { deriveSeed } from './seeds.js';
import { formatProblem, NodeValidator, type Position } from './validate.js';
import { count } from '../text/count.js';
import { MAX_PACKETS_PER_RUN, RUN_MARGIN_NS } from './limits.js';

/** Document limits: a scenario is a short script, and these keep loading fast and small whatever the file holds. */
export const MAX_SCENARIO_FILE_BYTES = 1024 * 1024;
export const MAX_SCENARIO_ALIASES = 100;
export const MAX_SCENARIO_DEPTH = 64;
export const MAX_SCENARIO_NODES = 200_000;
/** A file with thousands of mistakes is not helped by thousands of lines. */
const MAX_PROBLEMS_LISTED = 50;
export { MAX_PACKETS_PER_RUN, RUN_MARGIN_NS } from './limits.js';
export const DEFAULT_SEED = 1;

type Raw = Record<string, unknown>;

export function scenarioNameFromFile(file: string): string {
  return basename(file, extname(file));
}

/**
 * Parses and validates without reading the input's audio; throws ScenarioError listing every problem.
 * `file` is how messages name the file (as the user wrote it); `path` is where it is.
 */
export function loadScenario(path: string, file: string = path): Scenario {
  let text: string;
  try {
    const stats = statSync(path);
    // a FIFO or a device would block or never end: a scenario is a file
    if (!stats.isFile()) throw new ScenarioError(`${file}: the scenario is not a regular file`);
    if (stats.size > MAX_SCENARIO_FILE_BYTES) throw new ScenarioError(`${file}: the scenario file is ${stats.size} bytes; the limit is ${MAX_SCENARIO_FILE_BYTES}`);
    text = readFileSync(path, 'utf8');
    if (Buffer.byteLength(text) > MAX_SCENARIO_FILE_BYTES) throw new ScenarioError(`${file}: the scenario file is larger than the limit of ${MAX_SCENARIO_FILE_BYTES} bytes`);
  } catch (error) {
    if (error instanceof WavertError) throw error;
    throw new ScenarioError(`${file}: cannot read the scenario file (${describeIoFailure(error)})`);
  }
  if (flowDepth(text) > MAX_SCENARIO_DEPTH) throw new ScenarioError(`${file}: the document nests too deeply (the limit is ${MAX_SCENARIO_DEPTH} levels)`);
  const lineCounter = new LineCounter();
  let document: Document;
  try {
    // duplicate keys are found by the validator in linear time (the parser's own check is quadratic)
    document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true });
  } catch (error) {
    if (error instanceof RangeError) throw new ScenarioError(`${file}: the document nests too deeply (the limit is ${MAX_SCENARIO_DEPTH} levels)`);
    throw error;
  }
  if (document.errors.some((error) => /call stack/i.test(error.message))) {
    throw new ScenarioError(`${file}: the document nests too deeply (the limit is ${MAX_SCENARIO_DEPTH} levels)`);
  }
  if (document.errors.length > 0) {
    const lines = document.errors.map((error) => {
      const at = lineCounter.linePos(error.pos[0]);
      const firstLine = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      return `${file}:${at?.line ?? 1}:${at?.col ?? 1}: not valid ${extname(file) === '.json' ? 'JSON/YAML' : 'YAML'}: ${firstLine}`;
    });
    throw new ScenarioError(lines.join('\n'));
  }
  checkDocumentLimits(document, file, lineCounter);
  const validator = new NodeValidator(document, lineCounter);
  const raw = validator.check(document.contents, scenarioSpec, '', { line: 1, column: 1 }) as Raw | undefined;
  const problems = validator.problems;
  const directory = dirname(resolve(path));
  const at = (path: string): Position => validator.positions.get(path) ?? { line: 1, column: 1 };
  const semantic = (path: string, expected: string, found: string): void => {
    problems.push({ position: at(path), field: path, expected, found });
  };
  let scenario: Scenario | undefined;
  if (raw !== undefined) scenario = resolveScenario(file, directory, raw, at, semantic);
  if (problems.length > 0 || scenario === undefined) {
    const sorted = [...problems].sort((a, b) => a.position.line - b.position.line || a.position.column - b.position.column);
    const shown = sorted.slice(0, MAX_PROBLEMS_LISTED).map((problem) => formatProblem(file, problem));
    if (sorted.length > MAX_PROBLEMS_LISTED) shown.push(`${file}: … and ${sorted.length - MAX_PROBLEMS_LISTED} more problems`);
    throw new ScenarioError(shown.join('\n'));
  }
  return scenario;
}

/** The deepest nesting of flow brackets ([ and {), so that a hostile document never reaches the recursive parser. */
function flowDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5b || code === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if ((code === 0x5d || code === 0x7d) && depth > 0) {
      depth--;
    }
  }
  return deepest;
}

/** Aliases, nesting and node count bounded before validation, so no document costs more than its size. */
function checkDocumentLimits(document: Document, file: string, lineCounter: LineCounter): void {
  const duplicateKey = (key: unknown): never => {
    const at = lineCounter.linePos((key as { range?: [number] }).range?.[0] ?? 0);
    throw new ScenarioError(`${file}:${at.line}:${at.col}: not valid ${extname(file) === '.json' ? 'JSON/YAML' : 'YAML'}: Map keys must be unique`);
  };
  let aliases = 0;
  let nodes = 0;
  const stack: Array<{ node: unknown; depth: number }> = [{ node: document.contents, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || node === undefined) continue;
    if (++nodes > MAX_SCENARIO_NODES) throw new ScenarioError(`${file}: the document has more than ${MAX_SCENARIO_NODES} values; a scenario is a short script`);
    if (isAlias(node) && ++aliases > MAX_SCENARIO_ALIASES) throw new ScenarioError(`${file}: the document uses more than ${MAX_SCENARIO_ALIASES} aliases (*name); the limit keeps loading fast`);
    if (!isCollection(node)) continue;
    if (depth > MAX_SCENARIO_DEPTH) throw new ScenarioError(`${file}: the document nests too deeply (the limit is ${MAX_SCENARIO_DEPTH} levels)`);
    // duplicate keys in linear time (the parser's own check compares every key with every other)
    const keys = isMap(node) ? new Set<unknown>() : null;
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        const key = isScalar(item.key) ? item.key.value : item.key;
        if (keys !== null && isScalar(item.key)) {
          if (keys.has(key)) duplicateKey(item.key);
          keys.add(key);
        }
        stack.push({ node: item.key, depth: depth + 1 }, { node: item.value, depth: depth + 1 });
      } else {
        stack.push({ node: item, depth: depth + 1 });
      }
    }
  }
}

type Semantic = (path: string, expected: string, found: string) => void;

function resolveScenario(file: string, directory: string, raw: Raw, at: (path: string) => Position, semantic: Semantic): Scenario | undefined {
  const seed = (raw.seed as number | undefined) ?? DEFAULT_SEED;
  const input = resolveInput(directory, raw.input as Raw, seed, semantic);
  const streamRaw = (raw.stream as Raw | undefined) ?? {};
  const stream: StreamConfig = {
    bufferMs: streamRaw.bufferMs as number | undefined,
    bufferBytes: streamRaw.bufferBytes as number | undefined,
    notifications: streamRaw.notifications as number | undefined,
    underflowPolicy: streamRaw.underflow as StreamConfig['underflowPolicy'],
    eosSilenceFill: streamRaw.eosFill as boolean | undefined,
    fifoBytes: streamRaw.fifoBytes as number | undefined,
    chipsetDelayIn100ns: streamRaw.chipsetDelay100ns as number | undefined,
    codecDelayIn100ns: streamRaw.codecDelay100ns as number | undefined,
    profile: typeof streamRaw.profile === 'string' ? resolveScenarioProfile(streamRaw.profile, directory, semantic) : undefined,
  };
  const clientRaw = (raw.client as Raw | undefined) ?? {};
  const wakeLatency = resolveLatency(clientRaw.wakeLatency as Raw | undefined, semantic);
  const timeline = ((raw.timeline as Raw[] | undefined) ?? []).map((entry, index): TimelineEntry => {
    const { action, atPacket, atMs, ...fields } = entry;
    return {
      index,
      position: at(`timeline[${index}]`),
      action: action as string,
      atPacket: typeof atPacket === 'number' ? atPacket : null,
      atNs: typeof atMs === 'number' ? msToNs(atMs) : null,
      fields,
    };
  });
  const expect = resolveExpectations(directory, (raw.expect as Raw | undefined) ?? {}, at, semantic);
  const pipeline = resolvePipeline(raw, clientRaw, timeline, semantic);
  if (input !== undefined) checkStreamFits(input.format, input.frames, stream, semantic);
  if (input === undefined) return undefined;
  return {
    name: (raw.name as string | undefined) ?? scenarioNameFromFile(file),
    file,
    directory,
    description: (raw.description as string | undefined) ?? null,
    seed,
    input: input.spec,
    stream,
    client: { wakeLatency, processingNs: msToNs((clientRaw.processingMs as number | undefined) ?? 0) },
    pipeline,
    timeline,
    expect,
    maxModelNs: typeof raw.maxModelMs === 'number' ? msToNs(raw.maxModelMs) : null,
  };
}

/** client.kind and transport; actions and expectations for a client or transport not chosen are refused. */
function resolvePipeline(raw: Raw, clientRaw: Raw, timeline: TimelineEntry[], semantic: Semantic): Scenario['pipeline'] {
  const waveOut = clientRaw.kind === 'waveout';
  for (const name of ['wavehdrBytes', 'wavehdrs', 'refillLatency']) {
    if (clientRaw[name] !== undefined && !waveOut) semantic(`client.${name}`, 'client.kind: waveout alongside it', 'client.kind packet');
  }
  const client: ClientConfig = waveOut
    ? {
      kind: 'waveout',
      wavehdrBytes: clientRaw.wavehdrBytes as number | undefined,
      wavehdrs: clientRaw.wavehdrs as number | undefined,
      refillLatency: resolveLatency(clientRaw.refillLatency as Raw | undefined, semantic),
      seed: deriveSeed((raw.seed as number | undefined) ?? DEFAULT_SEED, 'client.refillLatency'),
    }
    : { kind: 'packet' };
  const transportRaw = (raw.transport as Raw | undefined) ?? { kind: 'direct' };
  const usb = transportRaw.kind === 'usb';
  for (const name of ['speed', 'interval', 'maxBytesPerInterval']) {
    if (transportRaw[name] !== undefined && !usb) semantic(`transport.${name}`, 'transport.kind: usb alongside it', 'transport.kind direct');
  }
  const transport: TransportConfig = usb
    ? { kind: 'usb', speed: transportRaw.speed as UsbSpeed | undefined, interval: transportRaw.interval as number | undefined, maxBytesPerInterval: transportRaw.maxBytesPerInterval as number | undefined }
    : { kind: 'direct' };
  for (const entry of timeline) {
    const requires = actionDefinition(entry.action)?.requires;
    if (requires === 'waveout' && !waveOut) semantic(`timeline[${entry.index}].action`, `an action for this run's client (${entry.action} needs client.kind: waveout)`, entry.action);
    if (requires === 'usb' && !usb) semantic(`timeline[${entry.index}].action`, `an action for this run's transport (${entry.action} needs transport.kind: usb)`, entry.action);
  }
  const expectRaw = (raw.expect as Raw | undefined) ?? {};
  if (expectRaw.waveOut !== undefined && !waveOut) semantic('expect.waveOut', 'client.kind: waveout for waveOut expectations', 'client.kind packet');
  if (expectRaw.usb !== undefined && !usb) semantic('expect.usb', 'transport.kind: usb for usb expectations', 'transport.kind direct');
  return { client, transport };
}

function resolveInput(directory: string, raw: Raw, seed: number, semantic: Semantic): { spec: InputSpec; format: WavFormat; frames: number } | undefined {
  if (raw.type === 'file') {
    const path = resolve(directory, raw.path as string);
    let reader: WavReader | undefined;
    try {
      // a FIFO or a device would block the run or never end; a scenario replays a file
      if (!statSync(path).isFile()) {
        semantic('input.path', 'a regular WAV file', `${quoted(String(raw.path))}, which is not a regular file (a FIFO, a device or a folder)`);
        return undefined;
      }
      reader = WavReader.open(path);
      return { spec: { type: 'file', path }, format: reader.format, frames: reader.frameCount ?? 0 };
    } catch (error) {
      semantic('input.path', 'a readable WAV file', error instanceof WavertError ? error.message : `cannot open ${quoted(String(raw.path))}: ${describeIoFailure(error)}`);
      return undefined;
    } finally {
      reader?.close();
    }
  }
  const formatRaw = raw.format as Raw;
  const encoding = (formatRaw.encoding as 'pcm' | 'float' | undefined) ?? 'pcm';
  const bitsPerSample = formatRaw.bitsPerSample as number;
  const allowed = encoding === 'float' ? [32, 64] : [8, 16, 24, 32];
  if (!allowed.includes(bitsPerSample)) {
    semantic('input.format.bitsPerSample', `${allowed.join(', ')} bits for ${encoding}`, String(bitsPerSample));
    return undefined;
  }
  const format = pcmFormat({ encoding, bitsPerSample, channels: formatRaw.channels as number, sampleRate: formatRaw.sampleRate as number });
  const frames = typeof raw.frames === 'number' ? raw.frames : Math.round(((raw.durationMs as number) * format.sampleRate) / 1000);
  const type = raw.type as SignalKind;
  const defaultFrequency = type === 'chirp' ? 100 : 440;
  return {
    spec: {
      type,
      format,
      frames,
      frequencyHz: (raw.frequencyHz as number | undefined) ?? defaultFrequency,
      toFrequencyHz: (raw.toFrequencyHz as number | undefined) ?? 10_000,
      amplitude: (raw.amplitude as number | undefined) ?? 0.5,
      seed: (raw.seed as number | undefined) ?? deriveSeed(seed, 'input.noise'),
    },
    format,
    frames,
  };
}

function resolveLatency(raw: Raw | undefined, semantic: Semantic): LatencySpec {
  if (raw === undefined) return { kind: 'fixed', valueNs: 0 };
  switch (raw.distribution) {
    case 'uniform':
      if ((raw.minMs as number) > (raw.maxMs as number)) semantic('client.wakeLatency.maxMs', `at least minMs (${raw.minMs as number})`, String(raw.maxMs));
      return { kind: 'uniform', minNs: msToNs(raw.minMs as number), maxNs: msToNs(raw.maxMs as number) };
    case 'normal':
      return { kind: 'normal', meanNs: msToNs(raw.meanMs as number), stddevNs: msToNs(raw.stddevMs as number) };
    case 'lognormal':
      return { kind: 'lognormal', medianNs: msToNs(raw.medianMs as number), sigma: raw.sigma as number };
    default:
      return { kind: 'fixed', valueNs: msToNs(raw.valueMs as number) };
  }
}

/** A built-in's name, or a profile file relative to the scenario; its problems become the scenario's. */
function resolveScenarioProfile(reference: string, directory: string, semantic: Semantic): StreamConfig['profile'] {
  try {
    return resolveProfileReference(reference, directory, () => reference);
  } catch (error) {
    if (!(error instanceof WavertError)) throw error;
    semantic('stream.profile', `${builtinProfileNames.join(', ')} or a valid profile file`, error.message);
    return undefined;
  }
}

function checkStreamFits(format: WavFormat, frames: number, stream: StreamConfig, semantic: Semantic): void {
  const fifoProblem = fifoBytesProblem(stream.fifoBytes, format);
  if (fifoProblem) {
    semantic('stream.fifoBytes', `a whole number of ${format.blockAlign}-byte frames`, String(stream.fifoBytes));
    return;
  }
  const config = resolveStreamConfig(stream, format);
  const granule = Math.max(1, config.notifications) * format.blockAlign;
  const sizePath = stream.bufferBytes !== undefined ? 'stream.bufferBytes' : stream.bufferMs !== undefined ? 'stream.bufferMs' : 'stream';
  if (config.requestedBufferBytes < granule) {
    semantic(sizePath, `a buffer of at least ${granule} bytes (${count(Math.max(1, config.notifications), 'packet')} of one ${format.blockAlign}-byte frame)`, `${config.requestedBufferBytes} bytes`);
    return;
  }
  const packetFrames = Math.floor(config.requestedBufferBytes / granule);
  const packets = (frames + RUN_MARGIN_NS / 1e9 * format.sampleRate) / packetFrames;
  if (packets > MAX_PACKETS_PER_RUN) {
    semantic(sizePath, `a run of at most ${MAX_PACKETS_PER_RUN} packets (a larger buffer or a shorter input)`, `about ${Math.ceil(packets)} packets of ${packetFrames} frames`);
  }
}

const COUNT_NAMES = ['notifications', 'packetsWritten', 'writes', 'packets', 'outputFrames', 'fifoOvershootBytes'] as const;

function resolveExpectations(directory: string, raw: Raw, at: (path: string) => Position, semantic: Semantic): Expectations {
  const statuses = Object.entries((raw.statuses as Record<string, CountExpectation> | undefined) ?? {})
    .map(([name, count]) => ({ name, count, position: at(`expect.statuses.${name}`) }));
  const counts: Expectations['counts'] = [];
  for (const name of COUNT_NAMES) {
    if (raw[name] !== undefined) counts.push({ name, count: raw[name] as CountExpectation, position: at(`expect.${name}`) });
  }
  const underrun = (raw.underrun as Record<string, CountExpectation> | undefined) ?? {};
  for (const name of ['events', 'frames', 'packets']) {
    if (underrun[name] !== undefined) counts.push({ name: `underrun.${name}`, count: underrun[name]!, position: at(`expect.underrun.${name}`) });
  }
  for (const [kind, kindCount] of Object.entries((raw.glitchCounts as Record<string, CountExpectation> | undefined) ?? {})) {
    counts.push({ name: `glitches.${kind}`, count: kindCount, position: at(`expect.glitchCounts.${kind}`) });
  }
  for (const section of ['waveOut', 'usb']) {
    const sectionRaw = (raw[section] as Raw | undefined) ?? {};
    for (const [name, value] of Object.entries(sectionRaw)) {
      if (name === 'doneOrder') continue;
      if (name === 'results' || name === 'failures') {
        for (const [key, keyCount] of Object.entries(value as Record<string, CountExpectation>)) {
          counts.push({ name: `${section}.${name}.${key}`, count: keyCount, position: at(`expect.${section}.${name}.${key}`) });
        }
        continue;
      }
      counts.push({ name: `${section}.${name}`, count: value as CountExpectation, position: at(`expect.${section}.${name}`) });
    }
  }
  const doneOrderRaw = ((raw.waveOut as Raw | undefined) ?? {}).doneOrder as number[] | undefined;
  const ranges = ((raw.ranges as Raw[] | undefined) ?? []).map((range, index): RangeExpectation => {
    const [firstFrame, lastFrame] = range.frames as [number, number];
    const position = at(`expect.ranges[${index}]`);
    if (range.equalsInput !== undefined) {
      const [firstInputFrame, lastInputFrame] = range.equalsInput as [number, number];
      if (lastInputFrame - firstInputFrame !== lastFrame - firstFrame) {
        semantic(`expect.ranges[${index}].equalsInput`, `${lastFrame - firstFrame + 1} input frames (as many as in frames)`, `${lastInputFrame - firstInputFrame + 1}`);
      }
      return { position, firstFrame, lastFrame, check: { kind: 'input', firstInputFrame, lastInputFrame } };
    }
    return { position, firstFrame, lastFrame, check: { kind: range.is as 'silence' | 'not-silence' | 'stale' } };
  });
  return {
    statuses,
    counts,
    eosReached: typeof raw.eosReached === 'boolean' ? { value: raw.eosReached, position: at('expect.eosReached') } : null,
    outputSha256: typeof raw.outputSha256 === 'string' ? { value: raw.outputSha256, position: at('expect.outputSha256') } : null,
    goldenWav: typeof raw.goldenWav === 'string' ? { path: resolve(directory, raw.goldenWav), position: at('expect.goldenWav') } : null,
    ranges,
    doneOrder: doneOrderRaw ? { value: doneOrderRaw, position: at('expect.waveOut.doneOrder') } : null,
    glitches: Array.isArray(raw.glitches) ? { value: raw.glitches as GlitchExpectation[], position: at('expect.glitches') } : null,
  };
}
