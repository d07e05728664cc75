// `play a.wav b.wav … [--loop]`: which file plays next. Each file is its own stream; the list may repeat.
import { UsageError } from '../errors.js';

/** How many times the whole list plays: a number of passes, or until stopped. */
export type LoopCount = number | 'forever';

export interface PlaylistEntry {
  input: string;
  /** 0-based position in the list. */
  index: number;
  /** 1-based pass through the list (2 on the first repeat). */
  pass: number;
}

export class Playlist {
  readonly inputs: readonly string[];
  readonly passes: LoopCount;
  private nextIndex = 0;
  private pass = 1;
  private stopped = false;

  /** Refuses what cannot be played as asked: no input, stdin twice, or stdin in a loop (it cannot be read again). */
  constructor(inputs: readonly string[], passes: LoopCount = 1) {
    if (inputs.length === 0) throw new UsageError('play needs at least one WAV file (or - for stdin)');
    if (inputs.filter((input) => input === '-').length > 1) throw new UsageError("'-' (stdin) can be given only once: it can be read only once");
    if (inputs.includes('-') && passes !== 1) throw new UsageError("--loop cannot replay '-' (stdin): it can be read only once");
    if (passes !== 'forever' && (!Number.isSafeInteger(passes) || passes < 1)) throw new UsageError(`--loop must be a whole number of passes from 1, got '${passes}'`);
    this.inputs = inputs;
    this.passes = passes;
  }

  /** The next file to play, or null when the list is done or stop() was called. */
  next(): PlaylistEntry | null {
    if (this.stopped) return null;
    if (this.nextIndex === this.inputs.length) {
      if (this.passes !== 'forever' && this.pass >= this.passes) return null;
      this.pass++;
      this.nextIndex = 0;
    }
    const index = this.nextIndex++;
    return { input: this.inputs[index]!, index, pass: this.pass };
  }

  /** No more files after the current one (q, Ctrl-C, a failed sink). */
  stop(): void {
    this.stopped = true;
  }

  /** Whether more than one stream will play, so a total line is worth printing. */
  get isList(): boolean {
    return this.inputs.length > 1 || this.passes !== 1;
  }
}

/** `--loop` alone is forever; `--loop 3` is three passes in all. */
export function parseLoop(value: string | boolean | undefined): LoopCount {
  if (value === undefined || value === false) return 1;
  if (value === true) return 'forever';
  const text = value.trim();
  if (/^(forever|inf|infinite|0)$/i.test(text)) return 'forever';
  const passes = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(passes) || passes < 1) throw new UsageError(`--loop must be a whole number of passes from 1 (or nothing, for forever), got '${text}'`);
  return passes;
}
