// What `wavert compare` finds (DESIGN §15): every place a recording departs from its reference, to the frame.

export const departureKinds = ['gap', 'repeat', 'drop', 'insert', 'level'] as const;
export type DepartureKind = (typeof departureKinds)[number];

/** The model glitch (from a trace or a run summary) that explains a departure. */
export interface ModelMatch {
  kind: string;
  startFrame: number;
  frameCount: number;
  packetNumber: number | null;
  cause: string;
}

export interface Departure {
  kind: DepartureKind;
  /** Where it starts in the recording and in the reference. */
  heardFrame: number;
  referenceFrame: number;
  /** The departure's length: heard frames, except for a drop (reference frames missing). */
  frameCount: number;
  heardFrames: number;
  referenceFrames: number;
  /** Where the recording holds the reference again, or null when it never does. */
  realign: { heardFrame: number; referenceFrame: number } | null;
  /** repeat: the audio heard is what was heard this many frames earlier (the buffer length for a `repeat` underflow). */
  repeatDistanceFrames?: number;
  /** level: the gain step, in dB. */
  gainDb?: number;
  /** With --model: the model glitch that explains it, or null when none does. */
  model?: ModelMatch | null;
}

export interface CompareFileInfo {
  file: string;
  format: string;
  frames: number;
  sampleRate: number;
  channels: number;
}

export interface CompareResult {
  heard: CompareFileInfo;
  reference: CompareFileInfo;
  /** The heard frame where reference frame 0 would be (negative: the recording started after the reference did). */
  offsetFrames: number;
  leadingSilenceFrames: number;
  trailingSilenceFrames: number;
  /** True when the recording holds the reference exactly after the start offset (silence around it aside). */
  exact: boolean;
  departures: Departure[];
  /** All departures, including any past the listed cap. */
  departureCount: number;
  departureCounts: Record<DepartureKind, number>;
  /** Bits of the integer grid the samples were compared on (or 'float32 bits'). */
  comparedAs: string;
  /** Said when the comparison could not go on (no common audio, or lost beyond the search window). */
  notes: string[];
  /** With --model: the recording frame where the run's output frame 0 was heard. */
  modelStartFrame?: number;
  /** With --model: model glitches no departure matched (heard cleanly, or outside the recording). */
  modelGlitchesUnmatched?: number;
}

/** Waveforms around a departure for the picture: channel 0, min/max per column, heard and reference. */
export interface DepartureSnapshot {
  index: number;
  /** First frame drawn, in each file; both panels span `frames` frames. */
  heardStart: number;
  referenceStart: number;
  frames: number;
  heard: { min: Float32Array; max: Float32Array };
  reference: { min: Float32Array; max: Float32Array };
}
