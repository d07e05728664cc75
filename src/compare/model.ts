import { closeSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { IoError, describeIoFailure } from '../errors.js';
import type { CompareResult, ModelMatch } from './types.js';

// `compare --model`: the glitch list of the run that produced what was recorded (a trace, a summary.json or a
// `--json` summary), so that each departure is named by the model glitch that explains it.

/** Frames either side within which a glitch still explains a departure (a capture may smear one frame). */
const MATCH_TOLERANCE_FRAMES = 2;
const CHUNK_BYTES = 1 << 20;

function glitchFrom(value: unknown): ModelMatch | null {
  if (typeof value !== 'object' || value === null) return null;
  const g = value as Record<string, unknown>;
  if (typeof g.kind !== 'string' || typeof g.startFrame !== 'number' || typeof g.frameCount !== 'number') return null;
  return { kind: g.kind, startFrame: g.startFrame, frameCount: g.frameCount, packetNumber: typeof g.packetNumber === 'number' ? g.packetNumber : null, cause: typeof g.cause === 'string' ? g.cause : '' };
}

/** Calls `line` for each line of a file, reading it in bounded chunks. */
function eachLine(path: string, line: (text: string, number: number) => void): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new IoError(`cannot read the model ${path}: ${describeIoFailure(error)}`);
  }
  try {
    const chunk = Buffer.alloc(CHUNK_BYTES);
    let rest = '';
    let number = 0;
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) {
      const lines = (rest + chunk.toString('utf8', 0, read)).split('\n');
      rest = lines.pop()!;
      for (const text of lines) line(text, ++number);
    }
    if (rest.trim() !== '') line(rest, ++number);
  } finally {
    closeSync(fd);
  }
}

/** The model glitches of a trace (NDJSON `glitch` events) or of a run summary (JSON with `glitches`). */
export function loadModelGlitches(path: string, label: string = path): ModelMatch[] {
  try {
    return readModel(path);
  } catch (error) {
    if (error instanceof IoError && path !== label) error.message = error.message.split(path).join(label);
    throw error;
  }
}

function readModel(path: string): ModelMatch[] {
  const json = extname(path).toLowerCase() === '.json';
  if (json) {
    let text = '';
    eachLine(path, (line) => {
      text += `${line}\n`;
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new IoError(`the model ${path} is not JSON: give a trace (.ndjson) or a run summary (summary.json, --json)`);
    }
    const list = (parsed as { glitches?: unknown }).glitches;
    if (!Array.isArray(list)) throw new IoError(`the model ${path} has no 'glitches' list: give the summary of a wavert run (summary.json or --json output) or its trace`);
    return list.map(glitchFrom).filter((g): g is ModelMatch => g !== null);
  }
  const glitches: ModelMatch[] = [];
  let events = 0;
  eachLine(path, (line, number) => {
    if (line.trim() === '') return;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new IoError(`${path}:${number}: not a JSON line; the model must be a wavert trace (NDJSON) or a run summary (JSON)`);
    }
    events++;
    if (event.event === 'glitch') {
      const glitch = glitchFrom(event);
      if (glitch) glitches.push(glitch);
    }
  });
  if (events === 0) throw new IoError(`the model ${path} is empty`);
  return glitches.sort((a, b) => a.startFrame - b.startFrame);
}

/**
 * Names each departure with the model glitch at the same output frame. Heard frame h is the model's output frame
 * h - start, where `start` is where the run's first frame is in the recording: the reference's offset when the run
 * began cleanly, else the shift that lines the departures up with the glitches best (a run that lost its first
 * packet starts one packet before the reference does).
 */
export function matchModel(result: CompareResult, glitches: readonly ModelMatch[]): void {
  const candidates = new Set<number>([result.offsetFrames, Math.max(0, result.offsetFrames), result.leadingSilenceFrames]);
  for (const departure of result.departures.slice(0, 4)) for (const glitch of glitches.slice(0, 4)) candidates.add(departure.heardFrame - glitch.startFrame);
  let best = { start: result.offsetFrames, matched: -1 };
  for (const start of candidates) {
    const matched = result.departures.filter((departure) => nearest(departure.heardFrame - start, departure.heardFrames, glitches) !== null).length;
    if (matched > best.matched) best = { start, matched };
  }
  const used = new Set<ModelMatch>();
  for (const departure of result.departures) {
    const glitch = nearest(departure.heardFrame - best.start, departure.heardFrames, glitches);
    departure.model = glitch;
    if (glitch) used.add(glitch);
  }
  result.modelStartFrame = best.start;
  result.modelGlitchesUnmatched = glitches.filter((glitch) => !used.has(glitch)).length;
}

/** The glitch nearest to output frames [start, start + frames), within the tolerance, or null. */
function nearest(start: number, frames: number, glitches: readonly ModelMatch[]): ModelMatch | null {
  const end = start + Math.max(1, frames);
  let best: ModelMatch | null = null;
  for (const glitch of glitches) {
    const glitchEnd = glitch.startFrame + Math.max(1, glitch.frameCount);
    if (glitch.startFrame > end + MATCH_TOLERANCE_FRAMES) break;
    if (glitchEnd + MATCH_TOLERANCE_FRAMES < start) continue;
    if (!best || Math.abs(glitch.startFrame - start) < Math.abs(best.startFrame - start)) best = glitch;
  }
  return best;
}
