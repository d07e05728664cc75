import type { LatencySpec } from '../client/latency.js';
import type { ClientConfig, StreamConfig, TransportConfig } from '../session/config.js';
import type { WavFormat } from '../wav/index.js';
import type { Position } from './validate.js';

// A scenario after validation: every field resolved, every path absolute, every time in ns.

export type SignalKind = 'sine' | 'chirp' | 'silence' | 'counter' | 'noise';
export const signalKinds: readonly SignalKind[] = ['sine', 'chirp', 'silence', 'counter', 'noise'];

export type InputSpec =
  | { type: 'file'; path: string }
  | {
    type: SignalKind;
    format: WavFormat;
    frames: number;
    frequencyHz: number;
    toFrequencyHz: number;
    amplitude: number;
    seed: number;
  };

export interface TimelineEntry {
  index: number;
  position: Position;
  action: string;
  atPacket: number | null;
  atNs: number | null;
  /** The action's own fields, validated against its entry in the action table. */
  fields: Record<string, unknown>;
}

/** An exact value, or an inclusive range. */
export type CountExpectation = number | { min?: number; max?: number };

export type RangeCheck =
  | { kind: 'silence' }
  | { kind: 'not-silence' }
  | { kind: 'stale' }
  | { kind: 'input'; firstInputFrame: number; lastInputFrame: number };

export interface RangeExpectation {
  position: Position;
  firstFrame: number;
  lastFrame: number;
  check: RangeCheck;
}

export interface GlitchExpectation {
  kind: string;
  startFrame?: number;
  frameCount?: number;
  packetNumber?: number;
}

export interface Expectations {
  statuses: Array<{ name: string; count: CountExpectation; position: Position }>;
  counts: Array<{ name: string; count: CountExpectation; position: Position }>;
  eosReached: { value: boolean; position: Position } | null;
  outputSha256: { value: string; position: Position } | null;
  goldenWav: { path: string; position: Position } | null;
  ranges: RangeExpectation[];
  /** The glitch list, entry by entry (only the fields given are compared). */
  glitches: { value: GlitchExpectation[]; position: Position } | null;
  /** waveOut: header ids in the order their WOM_DONE came (a prefix of the run's order). */
  doneOrder: { value: number[]; position: Position } | null;
}

export interface Scenario {
  name: string;
  /** The scenario file, as given, and its directory (relative paths in it are relative to this). */
  file: string;
  directory: string;
  description: string | null;
  seed: number;
  input: InputSpec;
  stream: StreamConfig;
  client: { wakeLatency: LatencySpec; processingNs: number };
  /** Who feeds the stream and what carries its output (client.kind, transport). */
  pipeline: { client: ClientConfig; transport: TransportConfig };
  timeline: TimelineEntry[];
  expect: Expectations;
  /** The run stops here (model time) even if the stream never ends. */
  maxModelNs: number | null;
}
