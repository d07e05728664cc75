import type { FrameWindow } from './frame-window.js';
import type { Departure, DepartureSnapshot } from './types.js';

// Walks a recording and its reference in lockstep, frame by frame; at the first frame that differs it finds the
// nearest point where both agree again for ANCHOR_FRAMES frames (hashing windows of the reference ahead, then
// rolling a hash along the recording), and names what lies between: silence (gap), what was heard N frames
// earlier (repeat), nothing (drop), something else (insert), or the reference scaled (level).

/** Frames that must agree for a realignment to count. */
export const ANCHOR_FRAMES = 32;
const MAX_LISTED = 10_000;
const SNAPSHOT_COLUMNS = 600;
const MAX_SNAPSHOTS = 12;
const LEVEL_TOLERANCE = 2;
const MAX_REPEAT_VERIFY = 65_536;

export interface AlignerOptions {
  /** How far back a repeat may reach, in frames. */
  historyFrames: number;
  /** How far ahead a realignment is searched for, in frames. */
  searchFrames: number;
  gridBits: number;
  /** Keep waveforms around the first departures (for --report). */
  snapshots: boolean;
}

const HASH_BASE = 0x01000193;

export class Aligner {
  readonly departures: Departure[] = [];
  readonly snapshots: DepartureSnapshot[] = [];
  departureCount = 0;
  readonly counts = { gap: 0, repeat: 0, drop: 0, insert: 0, level: 0 };
  notes: string[] = [];
  /** Where the walk stopped: both at their ends, or lost. */
  h = 0;
  r = 0;
  lost = false;
  private readonly heard: FrameWindow;
  private readonly reference: FrameWindow;
  private readonly channels: number;
  private readonly options: AlignerOptions;
  private level: { heardFrame: number; referenceFrame: number; gain: number } | null = null;
  private exactRun = 0;

  constructor(heard: FrameWindow, reference: FrameWindow, startHeard: number, startReference: number, options: AlignerOptions) {
    this.heard = heard;
    this.reference = reference;
    this.channels = heard.channels;
    this.options = options;
    this.h = startHeard;
    this.r = startReference;
  }

  /** Compares until either file ends (or the recording cannot be realigned). */
  run(): void {
    const { heard, reference } = this;
    let h = this.h;
    let r = this.r;
    let sinceRelease = 0;
    while (true) {
      if (h >= heard.end && !heard.ensure(h)) break;
      if (r >= reference.end && !reference.ensure(r)) break;
      if (++sinceRelease >= 4096) {
        sinceRelease = 0;
        heard.release(h - this.options.historyFrames);
        reference.release(r - this.options.historyFrames);
      }
      if (this.level) {
        this.h = h;
        this.r = r;
        this.stepLevel(h, r);
        h++;
        r++;
        continue;
      }
      if (this.equal(h, r)) {
        h++;
        r++;
        continue;
      }
      this.h = h;
      this.r = r;
      if (!this.mismatch(h, r)) {
        this.lost = true;
        break;
      }
      h = this.h;
      r = this.r;
    }
    this.h = h;
    this.r = r;
    if (this.level) this.closeLevel(h, r, false);
  }

  private equal(h: number, r: number): boolean {
    for (let channel = 0; channel < this.channels; channel++) {
      if (this.heard.sample(h, channel) !== this.reference.sample(r, channel)) return false;
    }
    return true;
  }

  private equalRun(h: number, r: number, frames: number): boolean {
    for (let i = 0; i < frames; i++) if (!this.equal(h + i, r + i)) return false;
    return true;
  }

  /** Handles the first differing frame; false when no realignment exists within the search window. */
  private mismatch(h: number, r: number): boolean {
    const gain = this.gainAt(h, r);
    if (gain !== null) {
      this.level = { heardFrame: h, referenceFrame: r, gain };
      this.exactRun = 0;
      return true;
    }
    let found: { dh: number; dr: number } | null = null;
    for (const window of [2048, 32_768, this.options.searchFrames]) {
      found = this.findRealign(h, r, Math.min(window, this.options.searchFrames));
      if (found || window >= this.options.searchFrames) break;
    }
    if (!found) {
      this.lose(h, r);
      return false;
    }
    this.record(h, r, found.dh, found.dr, true);
    this.h = h + found.dh;
    this.r = r + found.dr;
    return true;
  }

  /** A departure that never realigns: the rest is named by what the recording holds from here. */
  private lose(h: number, r: number): void {
    const heardLeft = this.countToEnd(this.heard, h);
    const referenceLeft = this.countToEnd(this.reference, r);
    this.notes.push(`the recording does not hold the reference again within ${this.options.searchFrames} frames of heard frame ${h} (reference frame ${r}); the comparison stops there`);
    this.record(h, r, heardLeft, referenceLeft, false);
  }

  private countToEnd(window: FrameWindow, from: number): number {
    let frame = from;
    while (window.ensure(frame)) {
      frame = window.end;
      window.release(frame - this.options.historyFrames);
    }
    return Math.max(0, frame - from);
  }

  /** The nearest (heard + reference frames skipped) point where both agree for ANCHOR_FRAMES frames. */
  private findRealign(h: number, r: number, window: number): { dh: number; dr: number } | null {
    const { heard, reference } = this;
    const K = ANCHOR_FRAMES;
    reference.ensure(r + window + K);
    heard.ensure(h + window + K);
    const referenceLast = Math.min(r + window, reference.end - K);
    const heardLast = Math.min(h + window, heard.end - K);
    if (referenceLast < r || heardLast < h) return this.realignAtEnd(h, r);
    const powK = this.power(K - 1);
    const positions = new Map<number, number>();
    let hash = 0;
    let silentFrames = 0;
    for (let i = 0; i < K; i++) {
      hash = (Math.imul(hash, HASH_BASE) + this.frameValue(reference, r + i)) | 0;
      if (reference.isSilent(r + i)) silentFrames++;
    }
    for (let p = r; p <= referenceLast; p++) {
      if (silentFrames < K && !positions.has(hash)) positions.set(hash, p);
      if (p === referenceLast) break;
      hash = (Math.imul((hash - Math.imul(this.frameValue(reference, p), powK)) | 0, HASH_BASE) + this.frameValue(reference, p + K)) | 0;
      if (reference.isSilent(p)) silentFrames--;
      if (reference.isSilent(p + K)) silentFrames++;
    }
    let best: { dh: number; dr: number } | null = null;
    hash = 0;
    silentFrames = 0;
    for (let i = 0; i < K; i++) {
      hash = (Math.imul(hash, HASH_BASE) + this.frameValue(heard, h + i)) | 0;
      if (heard.isSilent(h + i)) silentFrames++;
    }
    for (let q = h; q <= heardLast; q++) {
      if (best && q - h >= best.dh + best.dr) break;
      if (silentFrames < K) {
        const p = positions.get(hash);
        if (p !== undefined && this.equalRun(q, p, K) && (!best || q - h + p - r < best.dh + best.dr)) best = { dh: q - h, dr: p - r };
      }
      if (q === heardLast) break;
      hash = (Math.imul((hash - Math.imul(this.frameValue(heard, q), powK)) | 0, HASH_BASE) + this.frameValue(heard, q + K)) | 0;
      if (heard.isSilent(q)) silentFrames--;
      if (heard.isSilent(q + K)) silentFrames++;
    }
    return best;
  }

  /** Near the end of either file there is no room for an anchor: the rest is compared as it is. */
  private realignAtEnd(h: number, r: number): { dh: number; dr: number } | null {
    const heardLeft = this.heard.end - h;
    const referenceLeft = this.reference.end - r;
    for (let skip = 0; skip <= Math.max(heardLeft, referenceLeft); skip++) {
      for (let dh = 0; dh <= skip; dh++) {
        const dr = skip - dh;
        const length = Math.min(heardLeft - dh, referenceLeft - dr);
        if (length > 0 && (dh > 0 || dr > 0) && this.equalRun(h + dh, r + dr, length) && !this.allSilent(this.heard, h + dh, length)) return { dh, dr };
      }
    }
    return null;
  }

  private power(exponent: number): number {
    let result = 1;
    for (let i = 0; i < exponent; i++) result = Math.imul(result, HASH_BASE);
    return result;
  }

  private frameValue(window: FrameWindow, frame: number): number {
    let value = 0;
    for (let channel = 0; channel < this.channels; channel++) value = (Math.imul(value, 0x9e3779b1) + window.sample(frame, channel)) | 0;
    return value;
  }

  private allSilent(window: FrameWindow, from: number, frames: number): boolean {
    for (let i = 0; i < frames; i++) if (!window.isSilent(from + i)) return false;
    return true;
  }

  /** The gain that maps the reference onto the recording over the next frames, when one does and it is not 1. */
  private gainAt(h: number, r: number): number | null {
    const K = ANCHOR_FRAMES * 4;
    if (!this.heard.ensure(h + K - 1) || !this.reference.ensure(r + K - 1)) return null;
    let cross = 0;
    let power = 0;
    let samples = 0;
    for (let i = 0; i < K; i++) {
      for (let channel = 0; channel < this.channels; channel++) {
        const ref = this.reference.sample(r + i, channel);
        if (ref === 0) continue;
        cross += this.heard.sample(h + i, channel) * ref;
        power += ref * ref;
        samples++;
      }
    }
    if (samples < K / 2 || power === 0) return null;
    const gain = cross / power;
    if (gain < 0.05 || Math.abs(gain - 1) < 0.002) return null;
    for (let i = 0; i < K; i++) {
      for (let channel = 0; channel < this.channels; channel++) {
        if (Math.abs(this.heard.sample(h + i, channel) - gain * this.reference.sample(r + i, channel)) > LEVEL_TOLERANCE) return null;
      }
    }
    return gain;
  }

  private stepLevel(h: number, r: number): void {
    const level = this.level!;
    if (this.equal(h, r) && !this.heard.isSilent(h)) {
      if (++this.exactRun >= ANCHOR_FRAMES) this.closeLevel(h - ANCHOR_FRAMES + 1, r - ANCHOR_FRAMES + 1, true);
      return;
    }
    if (!this.equal(h, r)) this.exactRun = 0;
    for (let channel = 0; channel < this.channels; channel++) {
      if (Math.abs(this.heard.sample(h, channel) - level.gain * this.reference.sample(r, channel)) > LEVEL_TOLERANCE) {
        this.closeLevel(h, r, true);
        return;
      }
    }
  }

  private closeLevel(h: number, r: number, realigns: boolean): void {
    const level = this.level!;
    this.level = null;
    const frames = h - level.heardFrame;
    this.push({
      kind: 'level', heardFrame: level.heardFrame, referenceFrame: level.referenceFrame, frameCount: frames, heardFrames: frames, referenceFrames: r - level.referenceFrame,
      realign: realigns ? { heardFrame: h, referenceFrame: r } : null, gainDb: Math.round(2000 * Math.log10(level.gain)) / 100,
    }, level.heardFrame, level.referenceFrame, frames, frames);
  }

  /** Names the stretch heard [h, h+dh) against reference [r, r+dr) and lists it. */
  private record(h: number, r: number, dh: number, dr: number, realigns: boolean): void {
    const realign = realigns ? { heardFrame: h + dh, referenceFrame: r + dr } : null;
    const base = { heardFrame: h, referenceFrame: r, heardFrames: dh, referenceFrames: dr, realign };
    if (dh === 0) {
      this.push({ kind: 'drop', ...base, frameCount: dr }, h, r, dh, dr);
      return;
    }
    if (this.allSilentEnsured(this.heard, h, dh)) {
      this.push({ kind: 'gap', ...base, frameCount: dh }, h, r, dh, dr);
      return;
    }
    const distance = this.repeatDistance(h, r, dh);
    if (distance !== null) {
      this.push({ kind: 'repeat', ...base, frameCount: dh, repeatDistanceFrames: distance }, h, r, dh, dr);
      return;
    }
    this.push({ kind: 'insert', ...base, frameCount: dh }, h, r, dh, dr);
  }

  private allSilentEnsured(window: FrameWindow, from: number, frames: number): boolean {
    for (let i = 0; i < frames; i++) {
      if (!window.ensure(from + i)) return true;
      if (!window.isSilent(from + i)) return false;
    }
    return true;
  }

  /** For audio after the reference has ended: the repeat distance when it is audio heard again, else null. */
  repeatAt(h: number, r: number, frames: number): number | null {
    if (h - this.heard.start < 1) return null;
    return this.repeatDistance(h, r, frames);
  }

  /**
   * The smallest N for which everything heard in [h, h+dh) is what was heard N frames before it, or else what the
   * reference held N frames before reference frame r (audio played again after a resynchronisation).
   */
  private repeatDistance(h: number, r: number, dh: number): number | null {
    const verify = Math.min(dh, MAX_REPEAT_VERIFY);
    if (!this.heard.ensure(h + verify - 1)) return null;
    const inHeard = this.searchEarlier(this.heard, h, h, verify);
    if (inHeard !== null) return inHeard;
    return this.searchEarlier(this.reference, r, h, verify);
  }

  /** The smallest N with heard[h+i] == source[at-N+i] for every i < frames, N within the history held. */
  private searchEarlier(source: FrameWindow, at: number, h: number, frames: number): number | null {
    const heard = this.heard;
    const furthest = Math.min(this.options.historyFrames, at - source.start);
    for (let distance = 1; distance <= furthest; distance++) {
      let same = true;
      for (let i = 0; i < frames && same; i++) {
        for (let channel = 0; channel < this.channels; channel++) {
          if (heard.sample(h + i, channel) !== source.sample(at - distance + i, channel)) {
            same = false;
            break;
          }
        }
      }
      if (same) return distance;
    }
    return null;
  }

  private push(departure: Departure, h: number, r: number, dh: number, dr: number): void {
    this.departureCount++;
    this.counts[departure.kind]++;
    if (this.departures.length < MAX_LISTED) this.departures.push(departure);
    if (this.options.snapshots && this.snapshots.length < MAX_SNAPSHOTS) this.snapshot(this.departures.length - 1, h, r, dh, dr);
  }

  /** Waveforms around the departure, while the frames are still held. */
  private snapshot(index: number, h: number, r: number, dh: number, dr: number): void {
    const span = Math.max(dh, dr, 1);
    const margin = Math.min(4096, Math.max(48, Math.ceil(span / 2)));
    const frames = Math.min(span, 8192) + 2 * margin;
    const heardStart = Math.max(this.heard.start, h - margin);
    const referenceStart = Math.max(this.reference.start, r - margin);
    const columns = Math.min(SNAPSHOT_COLUMNS, frames);
    const take = (window: FrameWindow, start: number): { min: Float32Array; max: Float32Array } => {
      const min = new Float32Array(columns).fill(Number.NaN);
      const max = new Float32Array(columns).fill(Number.NaN);
      window.ensure(start + frames - 1);
      for (let i = 0; i < frames; i++) {
        const frame = start + i;
        if (frame < window.start || frame >= window.end) continue;
        const column = Math.floor((i * columns) / frames);
        const value = window.level(frame, this.options.gridBits);
        if (!(value >= min[column]!)) min[column] = value;
        if (!(value <= max[column]!)) max[column] = value;
      }
      return { min, max };
    };
    this.snapshots.push({ index, heardStart, referenceStart, frames, heard: take(this.heard, heardStart), reference: take(this.reference, referenceStart) });
  }
}
