// What every sink offers the play loop: copy bytes now, hand them over in one piece, say how far it has
// played (its clock paces the model), be polled for failure, finish or abort later.
import type { SinkError } from '../errors.js';
import type { SinkPcmFormat } from './pcm.js';

export type SinkKind = 'speaker' | 'pulse' | 'pipewire' | 'alsa' | 'file' | 'null';

/** The order `--sink auto` tries them in: the sound servers' players first, then ALSA's, the native addon last. */
export const AUTO_SINK_ORDER: readonly SinkKind[] = ['pulse', 'pipewire', 'alsa', 'speaker'];

export type SinkState = 'open' | 'finishing' | 'finished' | 'failed' | 'aborted';

export interface SinkStats {
  /** Bytes of the input format the model handed to the sink. */
  bytesWritten: number;
  framesWritten: number;
  /** Bytes (sink format) the player's pipe has taken from us; equals what was written for file/null sinks. */
  bytesAccepted: number;
  /** Largest amount (sink format bytes) waiting in our process for the player to take. */
  queuedBytesMax: number;
  /** Times the pipe reported it was full (the player was not keeping up at that moment). */
  backpressureEvents: number;
  /** Frames the sink could not take (live mode only: paced mode waits for the sink instead). */
  droppedFrames: number;
  /** Underruns the player itself reported (pacat -v, aplay). */
  playerUnderruns: number;
  /** Monotonic time of the first write, and of the moment the sink had played everything (finish). */
  firstWriteNs: bigint | undefined;
  finishedNs: bigint | undefined;
  /** The sink's own clock against the monotonic clock, in ppm, when the sink exposes its clock (pacat -v). */
  sinkClockDriftPpm: number | undefined;
}

export interface Sink {
  readonly kind: SinkKind;
  /** e.g. "pulse (pacat, 30 ms buffer)" */
  readonly label: string;
  /** Sentences the user should see once (format conversions, what cannot be heard). */
  readonly notes: readonly string[];
  /** Copies whole frames now; never throws, never blocks; false once the sink has failed. */
  write(bytes: Uint8Array, byteOffset: number, byteLength: number): boolean;
  /** Hands what was written since the last flush to the player in one piece (one write per wake-up). */
  flush(): void;
  /** Frames `write` can take now without dropping any: paced real time never writes more. */
  roomFrames(): number;
  /** Frames the sink has played by now, by its own clock (pacat's playback time, device writes, or the nominal rate). */
  playedFrames(): number;
  /** The failure, if the sink has failed (polled by the play loop). */
  failure(): SinkError | undefined;
  state(): SinkState;
  stats(): SinkStats;
  /** Hands over what is buffered and waits (bounded) until the sink has played it; resolves to the failure if any. */
  finish(): Promise<SinkError | undefined>;
  /** Stops now, discarding what is buffered. Idempotent. */
  abort(): void;
}

export interface SinkOpenOptions {
  /** Device name for the sinks that have devices (pulse sink name, pw target, ALSA PCM name). */
  device?: string;
  /** The player's buffer, in ms (kept small: this is latency). */
  latencyMs?: number;
  /** Environment for the player processes (PULSE_SERVER, XDG_RUNTIME_DIR, HOME for ~/.asoundrc). */
  env?: NodeJS.ProcessEnv;
  /** Monotonic clock, injectable for tests. */
  nowNs?: () => bigint;
}

export interface SinkProbe {
  kind: SinkKind;
  usable: boolean;
  /** Why not, in one sentence (undefined when usable). */
  reason: string | undefined;
  /** What would play, e.g. "pacat 16.1 → PulseAudio 16.1 on /run/user/0/pulse/native". */
  detail: string | undefined;
}

/** Counters of a sink that has not written anything yet. */
export function emptySinkStats(): SinkStats {
  return {
    bytesWritten: 0,
    framesWritten: 0,
    bytesAccepted: 0,
    queuedBytesMax: 0,
    backpressureEvents: 0,
    droppedFrames: 0,
    playerUnderruns: 0,
    firstWriteNs: undefined,
    finishedNs: undefined,
    sinkClockDriftPpm: undefined,
  };
}
