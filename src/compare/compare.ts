import { UsageError, WavertError } from '../errors.js';
import { WavReader, formatDescription, type WavFormat } from '../wav/index.js';
import { ANCHOR_FRAMES, Aligner } from './aligner.js';
import { FrameWindow, gridFor, type SampleGrid } from './frame-window.js';
import { departureKinds, type CompareFileInfo, type CompareResult, type Departure, type DepartureKind, type DepartureSnapshot } from './types.js';

// `compare` as a library: align a recording with its reference, then list every departure (DESIGN §15).

export interface CompareOptions {
  /** How far back a repeat may reach (default 1 s). */
  historySeconds?: number;
  /** How far ahead a realignment is searched for (default 4 s). */
  searchSeconds?: number;
  /** Keep waveforms around the first departures, for a picture. */
  snapshots?: boolean;
  /** Names the files in messages (default: the paths). */
  heardLabel?: string;
  referenceLabel?: string;
}

export interface CompareOutcome {
  result: CompareResult;
  snapshots: DepartureSnapshot[];
}

/** Opens a WAV; its errors name the file as the user gave it, not the resolved path. */
function openWav(path: string, label: string): WavReader {
  try {
    return WavReader.open(path);
  } catch (error) {
    if (error instanceof WavertError && path !== label) error.message = error.message.split(path).join(label);
    throw error;
  }
}

function info(label: string, reader: WavReader, frames: number): CompareFileInfo {
  return { file: label, format: formatDescription(reader.format), frames, sampleRate: reader.format.sampleRate, channels: reader.format.channels };
}

function checkFormats(heard: WavFormat, reference: WavFormat, heardLabel: string, referenceLabel: string): void {
  if (heard.channels !== reference.channels) {
    throw new UsageError(`cannot compare: ${heardLabel} has ${heard.channels} channel(s) and ${referenceLabel} has ${reference.channels}; the channel counts must match`);
  }
  if (heard.sampleRate !== reference.sampleRate) {
    throw new UsageError(`cannot compare: ${heardLabel} is at ${heard.sampleRate} Hz and ${referenceLabel} at ${reference.sampleRate} Hz; the rates must match (resample one first)`);
  }
}

/** Reads frames in order from `from`; calls `visit` with each frame until it returns true; the frame, or -1 at the end. */
function scan(window: FrameWindow, from: number, visit: (frame: number) => boolean, keepFrames: number): number {
  for (let frame = from; window.ensure(frame); frame++) {
    if (visit(frame)) return frame;
    if ((frame & 4095) === 0) window.release(frame - keepFrames);
  }
  return -1;
}

/** Samples either side of g × reference still taken as "the reference at gain g" (rounding in the recording chain). */
const GAIN_TOLERANCE = 2;

/**
 * The first K frames from the first sound in `source`, found in `target`: their positions, or null. With `scaled`,
 * the target may hold them at any gain (a capture at another volume): the first frame's ratio sets the gain.
 */
function locate(source: FrameWindow, target: FrameWindow, channels: number, scaled: boolean): { source: number; target: number } | null {
  const first = scan(source, 0, (frame) => !source.isSilent(frame), ANCHOR_FRAMES * 2);
  if (first < 0 || !source.ensure(first + ANCHOR_FRAMES - 1)) return null;
  // copied out: the target is then read as far as it takes, frame by frame with an early exit
  const anchor = new Int32Array(ANCHOR_FRAMES * channels);
  for (let i = 0; i < ANCHOR_FRAMES; i++) for (let channel = 0; channel < channels; channel++) anchor[i * channels + channel] = source.sample(first + i, channel);
  let lead = 0;
  while (anchor[lead] === 0) lead++;
  const matchesAt = (frame: number): boolean => {
    let gain = 1;
    if (scaled) {
      if (!target.ensure(frame + Math.floor(lead / channels))) return false;
      const value = target.sample(frame + Math.floor(lead / channels), lead % channels);
      gain = value / anchor[lead]!;
      if (!(gain > 0.01) || Math.abs(gain - 1) < 1e-9) return false;
    }
    for (let i = 0; i < ANCHOR_FRAMES; i++) {
      if (i > 0 && !target.ensure(frame + i)) return false;
      for (let channel = 0; channel < channels; channel++) {
        const expected = anchor[i * channels + channel]!;
        const got = target.sample(frame + i, channel);
        if (scaled ? Math.abs(got - gain * expected) > GAIN_TOLERANCE : got !== expected) return false;
      }
    }
    return true;
  };
  const found = scan(target, 0, matchesAt, ANCHOR_FRAMES * 2);
  return found < 0 ? null : { source: first, target: found };
}

export function compareFiles(heardPath: string, referencePath: string, options: CompareOptions = {}): CompareOutcome {
  const heardLabel = options.heardLabel ?? heardPath;
  const referenceLabel = options.referenceLabel ?? referencePath;
  const probeHeard = openWav(heardPath, heardLabel);
  let probeReference: WavReader;
  try {
    probeReference = openWav(referencePath, referenceLabel);
  } catch (error) {
    probeHeard.close();
    throw error;
  }
  const grid = gridFor(probeHeard.format, probeReference.format);
  const rate = probeHeard.format.sampleRate;
  const channels = probeHeard.format.channels;
  try {
    checkFormats(probeHeard.format, probeReference.format, heardLabel, referenceLabel);
  } catch (error) {
    probeHeard.close();
    probeReference.close();
    throw error;
  }
  const historyFrames = Math.max(8192, Math.round((options.historySeconds ?? 1) * rate));
  const searchFrames = Math.max(4096, Math.round((options.searchSeconds ?? 4) * rate));
  const capacity = historyFrames + searchFrames + 4 * ANCHOR_FRAMES + 20_000;
  const open = (reader: WavReader, label: string, skip = 0): FrameWindow => new FrameWindow(reader, label, grid, capacity, skip);

  // pass 1: where does the reference start in the recording (or the recording in the reference)?
  probeHeard.close();
  probeReference.close();
  let offset: number | null = null;
  // exact first, either way round; then at a gain (a recording made at another volume is one long level departure)
  for (const scaled of [false, true]) {
    for (const referenceFirst of [true, false]) {
      if (offset !== null) break;
      const heardWindow = open(openWav(heardPath, heardLabel), heardLabel);
      const referenceWindow = open(openWav(referencePath, referenceLabel), referenceLabel);
      const found = referenceFirst ? locate(referenceWindow, heardWindow, channels, scaled) : locate(heardWindow, referenceWindow, channels, scaled);
      if (found) offset = referenceFirst ? found.target - found.source : found.source - found.target;
      heardWindow.close();
      referenceWindow.close();
    }
  }

  // pass 2: the lockstep walk from the aligned start
  const heardReader = openWav(heardPath, heardLabel);
  const referenceReader = openWav(referencePath, referenceLabel);
  const start = offset ?? 0;
  const heard = open(heardReader, heardLabel);
  const reference = open(referenceReader, referenceLabel);
  const notes: string[] = [];
  const departures: Departure[] = [];
  let leadingSilenceFrames = 0;
  let trailingSilenceFrames = 0;
  const extra: Departure[] = [];
  try {
    let startHeard = Math.max(0, start);
    let startReference = Math.max(0, -start);
    if (offset === null) {
      notes.push('the recording and the reference have no audio in common');
      startHeard = 0;
      startReference = 0;
    }
    // before the reference starts: silence is the recording starting early; anything else was inserted
    let firstSound = -1;
    for (let frame = 0; frame < startHeard && heard.ensure(frame); frame++) {
      if (firstSound < 0 && !heard.isSilent(frame)) firstSound = frame;
      if ((frame & 4095) === 0) heard.release(frame - historyFrames);
    }
    leadingSilenceFrames = firstSound < 0 ? startHeard : firstSound;
    if (firstSound >= 0) {
      extra.push({ kind: 'insert', heardFrame: firstSound, referenceFrame: 0, frameCount: startHeard - firstSound, heardFrames: startHeard - firstSound, referenceFrames: 0, realign: { heardFrame: startHeard, referenceFrame: 0 } });
    }
    // the recording started late: what it missed of the reference is a drop unless it was silence
    let missedSound = -1;
    for (let frame = 0; frame < startReference && reference.ensure(frame); frame++) {
      if (missedSound < 0 && !reference.isSilent(frame)) missedSound = frame;
    }
    if (missedSound >= 0) {
      extra.push({ kind: 'drop', heardFrame: 0, referenceFrame: missedSound, frameCount: startReference - missedSound, heardFrames: 0, referenceFrames: startReference - missedSound, realign: { heardFrame: 0, referenceFrame: startReference } });
    }
    const aligner = new Aligner(heard, reference, startHeard, startReference, {
      historyFrames, searchFrames, gridBits: grid.bits, snapshots: options.snapshots ?? false,
    });
    if (offset !== null) aligner.run();
    notes.push(...aligner.notes);
    departures.push(...extra, ...aligner.departures);
    let { h, r } = aligner;
    if (!aligner.lost) {
      // whichever file goes on: silence is the recording's tail (or the reference's), anything else departs
      const tail = (window: FrameWindow, from: number): { frames: number; firstSound: number; lastSound: number } => {
        let firstSoundAt = -1;
        let lastSoundAt = -1;
        let frame = from;
        for (; window.ensure(frame); frame++) {
          if (!window.isSilent(frame)) {
            if (firstSoundAt < 0) firstSoundAt = frame;
            lastSoundAt = frame;
          }
          if ((frame & 4095) === 0) window.release(frame - historyFrames);
        }
        return { frames: frame - from, firstSound: firstSoundAt, lastSound: lastSoundAt };
      };
      const heardTail = tail(heard, h);
      const referenceTail = tail(reference, r);
      if (heardTail.firstSound >= 0 && offset !== null) {
        const length = heardTail.lastSound + 1 - heardTail.firstSound;
        const distance = heardTail.firstSound === h && length <= historyFrames ? aligner.repeatAt(h, r, length) : null;
        const base = { heardFrame: heardTail.firstSound, referenceFrame: r, frameCount: length, heardFrames: length, referenceFrames: 0, realign: null };
        departures.push(distance === null ? { kind: 'insert', ...base } : { kind: 'repeat', ...base, repeatDistanceFrames: distance });
        trailingSilenceFrames = h + heardTail.frames - (heardTail.lastSound + 1);
      } else {
        trailingSilenceFrames = heardTail.frames;
      }
      if (referenceTail.firstSound >= 0) {
        departures.push({ kind: 'drop', heardFrame: h + heardTail.frames, referenceFrame: referenceTail.firstSound, frameCount: referenceTail.lastSound + 1 - referenceTail.firstSound, heardFrames: 0, referenceFrames: referenceTail.lastSound + 1 - referenceTail.firstSound, realign: null });
        notes.push(`the recording ends before the reference does (reference frames from ${referenceTail.firstSound} are not in it)`);
      }
      h += heardTail.frames;
      r += referenceTail.frames;
    }
    const counts = Object.fromEntries(departureKinds.map((kind) => [kind, 0])) as Record<DepartureKind, number>;
    for (const departure of departures) counts[departure.kind]++;
    const departureCount = departures.length + (aligner.departureCount - aligner.departures.length);
    const result: CompareResult = {
      heard: info(heardLabel, heardReader, Math.max(h, heard.end)),
      reference: info(referenceLabel, referenceReader, Math.max(r, reference.end)),
      offsetFrames: start,
      leadingSilenceFrames,
      trailingSilenceFrames,
      exact: departureCount === 0 && offset !== null,
      departures,
      departureCount,
      departureCounts: counts,
      comparedAs: describeGrid(grid),
      notes,
    };
    if (offset === null && result.departures.length === 0) {
      result.exact = isAllSilence(heardPath, grid, capacity) && isAllSilence(referencePath, grid, capacity);
      if (result.exact) result.notes = ['both files are silence'];
    }
    return { result, snapshots: aligner.snapshots.map((snapshot) => ({ ...snapshot, index: snapshot.index + extra.length })) };
  } finally {
    heard.close();
    reference.close();
  }
}

function isAllSilence(path: string, grid: SampleGrid, capacity: number): boolean {
  const window = new FrameWindow(WavReader.open(path), path, grid, capacity);
  try {
    return scan(window, 0, (frame) => !window.isSilent(frame), 1) < 0;
  } finally {
    window.close();
  }
}

function describeGrid(grid: SampleGrid): string {
  return grid.kind === 'bits' ? 'float32, bit for bit' : `${grid.bits}-bit integers`;
}
