// Checks a run against the scenario's expectations; each result says what was expected and what happened.
import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { makeFolders } from '../output/atomic-file.js';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { ScenarioError } from '../errors.js';
import { quoted } from '../output/names.js';
import type { RunSummary } from '../report/summary.js';
import { silenceByte, WavReader, WavWriter, type WavFormat } from '../wav/index.js';
import type { CountExpectation, GlitchExpectation, RangeExpectation, Scenario } from './model.js';
import type { Glitch, GlitchKind } from '../report/glitches.js';
import { count } from '../text/count.js';
import { firstByteNotEqual, firstDifference } from './byte-ranges.js';

export interface ExpectationResult {
  name: string;
  /** Line of the expectation in the scenario file (0 for implicit ones). */
  line: number;
  expected: string;
  actual: string;
  held: boolean;
}

export interface RunOutcome {
  summary: RunSummary;
  format: WavFormat;
  output: Buffer;
  input: Buffer;
  bufferFrames: number;
  actionsNotRun: string[];
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function describeCount(count: CountExpectation): string {
  if (typeof count === 'number') return String(count);
  if (count.min !== undefined && count.max !== undefined) return `${count.min}…${count.max}`;
  return count.min !== undefined ? `at least ${count.min}` : `at most ${count.max}`;
}

function countHolds(count: CountExpectation, actual: number): boolean {
  if (typeof count === 'number') return actual === count;
  return (count.min === undefined || actual >= count.min) && (count.max === undefined || actual <= count.max);
}

function countValue(summary: RunSummary, name: string): number {
  switch (name) {
    case 'notifications': return summary.notifications;
    case 'packetsWritten': return summary.packetsWritten;
    case 'writes': return summary.writes;
    case 'packets': return summary.packets;
    case 'outputFrames': return summary.output.frames;
    case 'fifoOvershootBytes': return summary.fifoOvershootBytes;
    case 'underrun.events': return summary.underrun.events;
    case 'underrun.frames': return summary.underrun.frames;
    case 'underrun.packets': return summary.underrun.packets;
    case 'usb.bytesPerFrameMin': return summary.usb?.bytesPerFrame.min ?? 0;
    case 'usb.bytesPerFrameMax': return summary.usb?.bytesPerFrame.max ?? 0;
    case 'glitches.total': return summary.glitchTotal;
    default:
      if (name.startsWith('glitches.')) return summary.glitchCounts[name.slice('glitches.'.length) as GlitchKind] ?? 0;
      return sectionCount(summary, name);
  }
}

/** waveOut.* and usb.* counts: a summary field, or a name inside its results/failures map. */
function sectionCount(summary: RunSummary, name: string): number {
  const [section, field, key] = name.split('.');
  const values = (section === 'waveOut' ? summary.waveOut : section === 'usb' ? summary.usb : undefined) as Record<string, unknown> | undefined;
  if (!values || field === undefined) throw new RangeError(`unknown count expectation ${name}`);
  const value = key === undefined ? values[field] : (values[field] as Record<string, number> | undefined)?.[key] ?? 0;
  if (typeof value !== 'number') throw new RangeError(`unknown count expectation ${name}`);
  return value;
}

/** With --update-golden: the folders a golden WAV may be written in (besides the scenario's own). */
export interface GoldenPolicy {
  update: boolean;
  /** The scenario library (folders named on the command line) and --golden-dir. */
  roots: readonly string[];
}

export function checkExpectations(scenario: Scenario, outcome: RunOutcome, golden: GoldenPolicy | boolean): ExpectationResult[] {
  const policy: GoldenPolicy = typeof golden === 'boolean' ? { update: golden, roots: [] } : golden;
  const results: ExpectationResult[] = [];
  const { summary } = outcome;
  const expect = scenario.expect;
  for (const status of expect.statuses) {
    const actual = summary.statuses[status.name] ?? 0;
    results.push({ name: `statuses.${status.name}`, line: status.position.line, expected: describeCount(status.count), actual: String(actual), held: countHolds(status.count, actual) });
  }
  for (const count of expect.counts) {
    const actual = countValue(summary, count.name);
    results.push({ name: count.name, line: count.position.line, expected: describeCount(count.count), actual: String(actual), held: countHolds(count.count, actual) });
  }
  if (expect.eosReached) {
    results.push({ name: 'eosReached', line: expect.eosReached.position.line, expected: String(expect.eosReached.value), actual: String(summary.eos.reached), held: summary.eos.reached === expect.eosReached.value });
  }
  if (expect.outputSha256) {
    const actual = sha256(outcome.output);
    results.push({ name: 'outputSha256', line: expect.outputSha256.position.line, expected: expect.outputSha256.value, actual, held: actual === expect.outputSha256.value });
  }
  for (const [index, range] of expect.ranges.entries()) results.push(checkRange(index, range, outcome));
  if (expect.doneOrder) {
    const actual = (summary.waveOut?.doneOrder ?? []).slice(0, expect.doneOrder.value.length);
    results.push({ name: 'waveOut.doneOrder', line: expect.doneOrder.position.line, expected: expect.doneOrder.value.join(', '), actual: actual.join(', '), held: actual.join(',') === expect.doneOrder.value.join(',') });
  }
  if (expect.glitches) results.push(checkGlitches(expect.glitches.value, expect.glitches.position.line, summary));
  if (expect.goldenWav) {
    if (policy.update) assertGoldenWritable(scenario, expect.goldenWav.path, [scenario.directory, ...policy.roots]);
    results.push(checkGolden(expect.goldenWav.path, expect.goldenWav.position.line, outcome, policy.update));
  }
  if (scenario.timeline.length > 0) {
    const notRun = outcome.actionsNotRun;
    results.push({
      name: 'timeline', line: 0, expected: `all ${count(scenario.timeline.length, 'action')} run`,
      actual: notRun.length === 0 ? 'all run' : `not run: ${notRun.join(', ')}`, held: notRun.length === 0,
    });
  }
  return results;
}

function describeGlitchEntry(entry: GlitchExpectation | Glitch, fields: readonly string[]): string {
  const parts = [entry.kind];
  if (fields.includes('startFrame')) parts.push(`from ${entry.startFrame}`);
  if (fields.includes('frameCount')) parts.push(`${entry.frameCount} frames`);
  if (fields.includes('packetNumber')) parts.push(`packet ${entry.packetNumber}`);
  return parts.join(' ');
}

function checkGlitches(expected: readonly GlitchExpectation[], line: number, summary: RunSummary): ExpectationResult {
  const fields = ['startFrame', 'frameCount', 'packetNumber'] as const;
  const given = (entry: GlitchExpectation): string[] => fields.filter((field) => entry[field] !== undefined);
  const actual = summary.glitches;
  const expectedText = expected.length === 0 ? 'no glitches' : expected.map((entry) => describeGlitchEntry(entry, given(entry))).join('; ');
  const actualText = actual.length === 0 ? 'no glitches' : actual.map((glitch, index) => describeGlitchEntry(glitch, expected[index] ? given(expected[index]!) : fields)).join('; ');
  const held = actual.length === expected.length && expected.every((entry, index) => {
    const glitch = actual[index]!;
    return glitch.kind === entry.kind && given(entry).every((field) => glitch[field as keyof Glitch] === entry[field as keyof GlitchExpectation]);
  });
  return { name: 'glitches', line, expected: expectedText, actual: actualText, held };
}

function checkRange(index: number, range: RangeExpectation, outcome: RunOutcome): ExpectationResult {
  const { format, output, input } = outcome;
  const blockAlign = format.blockAlign;
  const outputFrames = output.length / blockAlign;
  const label = range.check.kind === 'input' ? `equal input frames ${range.check.firstInputFrame}–${range.check.lastInputFrame}` : `are ${range.check.kind}`;
  const name = `ranges[${index}]`;
  const expected = `output frames ${range.firstFrame}–${range.lastFrame} ${label}`;
  const result = (held: boolean, actual: string): ExpectationResult => ({ name, line: range.position.line, expected, actual, held });
  if (range.lastFrame >= outputFrames) return result(false, `the output has only ${count(outputFrames, 'frame')}`);
  const frames = Math.max(0, range.lastFrame - range.firstFrame + 1);
  // a partial frame at the output's end has only the bytes it has
  const rangeBytes = Math.min(frames * blockAlign, Math.max(0, output.length - range.firstFrame * blockAlign));
  const firstNotSilent = (): number => {
    const offset = firstByteNotEqual(output, range.firstFrame * blockAlign, rangeBytes, silenceByte(format));
    return offset < 0 ? -1 : range.firstFrame + Math.floor(offset / blockAlign);
  };
  switch (range.check.kind) {
    case 'silence': {
      const frame = firstNotSilent();
      return frame < 0 ? result(true, 'silence') : result(false, `frame ${frame} is not silence`);
    }
    case 'not-silence': {
      const frame = firstNotSilent();
      return frame < 0 ? result(false, 'all silence') : result(true, `frame ${frame} is not silence`);
    }
    case 'stale': {
      const bufferFrames = outcome.bufferFrames;
      if (frames === 0) return result(true, `stale (each frame repeats the one ${bufferFrames} frames earlier)`);
      if (range.firstFrame < bufferFrames) return result(false, `frame ${range.firstFrame} has no frame one buffer (${bufferFrames} frames) earlier`);
      const differs = (frame: number): ExpectationResult => result(false, `frame ${frame} differs from frame ${frame - bufferFrames}, one buffer earlier`);
      const offset = firstDifference(output, range.firstFrame * blockAlign, output, (range.firstFrame - bufferFrames) * blockAlign, rangeBytes);
      if (offset >= 0) return differs(range.firstFrame + Math.floor(offset / blockAlign));
      if (rangeBytes < frames * blockAlign) return differs(range.lastFrame);
      return result(true, `stale (each frame repeats the one ${bufferFrames} frames earlier)`);
    }
    case 'input': {
      const { firstInputFrame } = range.check;
      const inputFrames = input.length / blockAlign;
      const differs = (frame: number): ExpectationResult => result(false, `output frame ${frame} differs from input frame ${firstInputFrame + frame - range.firstFrame}`);
      // frames past the input's end fail only after every frame before them matched; a partial last frame differs
      const availableBytes = Math.max(0, input.length - firstInputFrame * blockAlign);
      const comparableFrames = Math.min(frames, Math.ceil(availableBytes / blockAlign));
      const comparedBytes = Math.min(comparableFrames * blockAlign, availableBytes, rangeBytes);
      const offset = firstDifference(output, range.firstFrame * blockAlign, input, firstInputFrame * blockAlign, comparedBytes);
      if (offset >= 0) return differs(range.firstFrame + Math.floor(offset / blockAlign));
      if (comparedBytes < comparableFrames * blockAlign) return differs(range.firstFrame + comparableFrames - 1);
      if (comparableFrames < frames) return result(false, `the input has only ${count(inputFrames, 'frame')}`);
      return result(true, 'equal');
    }
  }
}

/** The real path `path` would have: its deepest existing ancestor resolved through symlinks, plus the rest. */
function realPathOf(path: string): string {
  let existing = resolve(path);
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(existing), ...rest);
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return resolve(path);
      rest.unshift(basename(existing));
      existing = parent;
    }
  }
}

/** --update-golden writes only inside the scenario's folder, the library or --golden-dir, whatever the path says. */
function assertGoldenWritable(scenario: Scenario, path: string, roots: readonly string[]): void {
  const real = realPathOf(path);
  const inside = roots.some((root) => {
    const within = relative(realPathOf(root), real);
    return within !== '' && !within.startsWith('..') && !isAbsolute(within);
  });
  if (!inside) {
    throw new ScenarioError(`${scenario.file}: expect.goldenWav ${quoted(path)} is outside the scenario's folder and the scenario library; --update-golden writes there only with --golden-dir naming a folder that holds it`);
  }
}

function checkGolden(path: string, line: number, outcome: RunOutcome, updateGolden: boolean): ExpectationResult {
  const expected = `rendered.wav equals ${path}`;
  if (updateGolden) {
    makeFolders(dirname(path));
    const writer = WavWriter.create(path, outcome.format, { followSymlinks: false });
    writer.write(outcome.output);
    writer.close();
    return { name: 'goldenWav', line, expected, actual: 'golden written (--update-golden)', held: true };
  }
  if (!existsSync(path)) return { name: 'goldenWav', line, expected, actual: 'the golden file does not exist (run with --update-golden to create it)', held: false };
  const golden = readWholeWav(path);
  const a = golden.format;
  const b = outcome.format;
  if (a.encoding !== b.encoding || a.bitsPerSample !== b.bitsPerSample || a.channels !== b.channels || a.sampleRate !== b.sampleRate) {
    return { name: 'goldenWav', line, expected, actual: `the golden file's format differs (${a.encoding} ${a.bitsPerSample}-bit, ${a.channels} ch, ${a.sampleRate} Hz)`, held: false };
  }
  if (golden.bytes.equals(outcome.output)) return { name: 'goldenWav', line, expected, actual: 'equal', held: true };
  const length = Math.min(golden.bytes.length, outcome.output.length);
  let first = 0;
  while (first < length && golden.bytes[first] === outcome.output[first]) first++;
  const frame = Math.floor(first / b.blockAlign);
  const lengths = `golden ${golden.bytes.length / b.blockAlign} frames, rendered ${outcome.output.length / b.blockAlign} frames`;
  return { name: 'goldenWav', line, expected, actual: first < length ? `first difference at frame ${frame} (${lengths})` : `lengths differ (${lengths})`, held: false };
}

/** Reads a whole WAV (bounded by the caller's limits) into memory. */
export function readWholeWav(path: string, maxBytes = 512 * 1024 * 1024): { format: WavFormat; bytes: Buffer } {
  const reader = WavReader.open(path);
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const piece = Buffer.alloc(Math.max(reader.format.blockAlign, 1024 * 1024 - ((1024 * 1024) % reader.format.blockAlign)));
    for (;;) {
      const got = reader.read(piece);
      if (got === 0) break;
      total += got;
      if (total > maxBytes) throw new RangeError(`${path}: more than ${maxBytes} bytes of audio`);
      chunks.push(Buffer.from(piece.subarray(0, got)));
    }
    return { format: reader.format, bytes: Buffer.concat(chunks, total) };
  } finally {
    reader.close();
  }
}
