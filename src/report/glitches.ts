// The run's glitch list (DESIGN §13): every place a listener hears the output depart from what a punctual
// client would have produced, as output frames of rendered.wav, with a kind and a cause in words.
import { count } from '../text/count.js';

export const glitchKinds = [
  'underflow-repeat', 'underflow-silence', 'overwrite-in-transfer', 'late-write-audio', 'unfilled-write',
  'out-of-order', 'eos-overshoot', 'eos-early', 'stop-flush', 'waveout-starvation', 'usb-gap', 'sink-drop', 'host-late',
] as const;

export type GlitchKind = (typeof glitchKinds)[number];

export function isGlitchKind(value: unknown): value is GlitchKind {
  return typeof value === 'string' && (glitchKinds as readonly string[]).includes(value);
}

/** One glitch: where it is heard (output frames, as in rendered.wav), when, the packet(s) and why. */
export interface Glitch {
  kind: GlitchKind;
  startFrame: number;
  frameCount: number;
  /** Model time at which its first frame left the device. */
  timeNs: number;
  /** The (first) linear packet number it belongs to, or null where no packet applies. */
  packetNumber: number | null;
  /** Consecutive packets it spans (1 for most; a merged run of underflowed packets spans several). */
  packets: number;
  cause: string;
}

/** What another module passes to `RunRecorder.glitch` (sink-drop, host-late, usb-gap, …). */
export interface GlitchInput {
  kind: GlitchKind;
  startFrame: number;
  frameCount: number;
  timeNs: number;
  packetNumber?: number | null;
  cause: string;
}

/** Glitches kept in the list; past it they are still counted per kind (and traced). */
export const MAX_LISTED_GLITCHES = 10_000;

/** Words for a merged run: how the cause reads when it spans several packets is the detector's business. */
export type CauseText = (first: number | null, packets: number, detail: string) => string;

/**
 * Collects glitch pieces in output order; a piece that continues the open glitch (same kind and cause
 * family, the next frame) extends it, so N packets of one underrun are one glitch. Closed glitches go to
 * `onClosed` (the trace) and into the list.
 */
export class GlitchList {
  private readonly listed: Glitch[] = [];
  private readonly counts = new Map<GlitchKind, number>();
  /** The open glitch of the stream's own pieces, and of glitches added from outside (other frame clocks). */
  private openPiece: OpenGlitch | null = null;
  private openAdded: OpenGlitch | null = null;
  private readonly onClosed: (glitch: Glitch) => void;
  total = 0;

  constructor(onClosed: (glitch: Glitch) => void) {
    this.onClosed = onClosed;
  }

  /** A piece of a glitch; merged into the open one when it continues it. */
  piece(kind: GlitchKind, startFrame: number, frameCount: number, timeNs: number, packetNumber: number | null, detail: string, text: CauseText | null): void {
    // a zero-length glitch marks audio that was never heard at all (a drop): it lies between two output frames
    if (frameCount < 0 || (frameCount === 0 && kind !== 'stop-flush' && kind !== 'eos-early')) return;
    const open = this.openPiece;
    if (open && continues(open, kind, detail, startFrame)) {
      open.glitch.frameCount += frameCount;
      if (packetNumber !== null && open.lastPacket !== null && packetNumber !== open.lastPacket) {
        open.glitch.packets += packetNumber - open.lastPacket;
        open.lastPacket = packetNumber;
      }
      return;
    }
    this.closeOne(open);
    this.openPiece = {
      glitch: { kind, startFrame, frameCount, timeNs, packetNumber, packets: 1, cause: text === null ? detail : '' },
      detail, text, lastPacket: packetNumber,
    };
  }

  /** A glitch from outside the stream; merged with the one before when it continues it with the same cause. */
  add(input: GlitchInput): void {
    const open = this.openAdded;
    if (open && continues(open, input.kind, input.cause, input.startFrame)) {
      open.glitch.frameCount += input.frameCount;
      return;
    }
    this.closeOne(open);
    const packetNumber = input.packetNumber ?? null;
    this.openAdded = {
      glitch: { kind: input.kind, startFrame: input.startFrame, frameCount: input.frameCount, timeNs: input.timeNs, packetNumber, packets: 1, cause: input.cause },
      detail: input.cause, text: null, lastPacket: packetNumber,
    };
  }

  close(): void {
    this.closeOne(this.openPiece);
    this.closeOne(this.openAdded);
  }

  private closeOne(open: OpenGlitch | null): void {
    if (!open) return;
    if (open === this.openPiece) this.openPiece = null;
    if (open === this.openAdded) this.openAdded = null;
    if (open.text) open.glitch.cause = open.text(open.glitch.packetNumber, open.glitch.packets, open.detail);
    this.emit(open.glitch);
  }

  private emit(glitch: Glitch): void {
    this.total++;
    this.counts.set(glitch.kind, (this.counts.get(glitch.kind) ?? 0) + 1);
    if (this.listed.length < MAX_LISTED_GLITCHES) this.listed.push(glitch);
    this.onClosed(glitch);
  }

  /** The list so far, in output order (closing the open glitches). */
  list(): Glitch[] {
    this.close();
    return [...this.listed].sort((a, b) => a.startFrame - b.startFrame || a.timeNs - b.timeNs);
  }

  /** Glitches per kind, every kind present, zero included. */
  countsByKind(): Record<GlitchKind, number> {
    this.close();
    const result = {} as Record<GlitchKind, number>;
    for (const kind of glitchKinds) result[kind] = this.counts.get(kind) ?? 0;
    return result;
  }
}

interface OpenGlitch {
  glitch: Glitch;
  detail: string;
  text: CauseText | null;
  lastPacket: number | null;
}

function continues(open: OpenGlitch, kind: GlitchKind, detail: string, startFrame: number): boolean {
  return open.glitch.kind === kind && open.detail === detail && open.glitch.startFrame + open.glitch.frameCount === startFrame && open.glitch.frameCount > 0;
}

/** "12" or "12–14". */
export function packetRange(first: number | null, packets: number): string {
  if (first === null) return '';
  return packets > 1 ? `packets ${first}–${first + packets - 1}` : `packet ${first}`;
}

/** One line per glitch for the text summary and the reports. */
export function describeGlitch(glitch: Glitch, sampleRate: number): string {
  const ms = (glitch.timeNs / 1e6).toFixed(3);
  const length = sampleRate > 0 ? `${count(glitch.frameCount, 'frame')}, ${((glitch.frameCount * 1000) / sampleRate).toFixed(3)} ms` : count(glitch.frameCount, 'frame');
  const frames = glitch.frameCount === 0 ? `between frames ${glitch.startFrame - 1} and ${glitch.startFrame}` : `frames ${glitch.startFrame}–${glitch.startFrame + glitch.frameCount - 1} (${length})`;
  return `${glitch.kind} at ${ms} ms, ${frames}: ${glitch.cause}`;
}
