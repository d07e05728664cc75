import type { CliIo } from './io.js';
import { escapeControlCharacters } from '../output/names.js';
import type { LogLevel } from './verbosity.js';
import type { RunSummary } from '../report/summary.js';
import { count } from '../text/count.js';

const rank: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: 100 };

/** Plain-text diagnostics on stderr, filtered by --log-level (warnings show by default). */
export class Diagnostics {
  private readonly io: CliIo;
  private readonly level: LogLevel;

  constructor(io: CliIo, level: LogLevel = 'warn') {
    this.io = io;
    this.level = level;
  }

  /** Whether debug lines are shown, so a caller can skip building them. */
  get debugging(): boolean {
    return rank[this.level] <= rank.debug;
  }

  warn(message: string): void {
    if (rank[this.level] <= rank.warn) this.io.stderr.write(`wavert: warning: ${escapeControlCharacters(message)}\n`);
  }

  info(message: string): void {
    if (rank[this.level] <= rank.info) this.io.stderr.write(`wavert: ${escapeControlCharacters(message)}\n`);
  }

  debug(message: string): void {
    if (rank[this.level] <= rank.debug) this.io.stderr.write(`wavert: debug: ${escapeControlCharacters(message)}\n`);
  }

  trace(message: string): void {
    if (rank[this.level] <= rank.trace) this.io.stderr.write(`wavert: trace: ${escapeControlCharacters(message)}\n`);
  }

  error(message: string): void {
    if (rank[this.level] <= rank.error) this.io.stderr.write(`wavert: ${escapeControlCharacters(message)}\n`);
  }
}

/** The buffer the model chose, for -vv: requested vs actual, packets, and the profile's choices. */
export function describeStreamChoice(stream: Omit<RunSummary['stream'], 'notificationCountExtension' | 'sampleRate'>, sampleRate: number): string {
  const packetMs = ((stream.packetFrames * 1000) / sampleRate).toFixed(3);
  const requested = stream.requestedBufferBytes === stream.bufferBytes ? '' : ` (requested ${stream.requestedBufferBytes}, rounded down to whole frames per packet)`;
  return `buffer ${count(stream.bufferBytes, 'byte')}${requested} = ${count(stream.notifications, 'packet')} of ${count(stream.packetBytes, 'byte')} (${count(stream.packetFrames, 'frame')}, ${packetMs} ms each); ` +
    `profile ${stream.profile}, underflow ${stream.underflowPolicy}, EOS fill ${stream.eosSilenceFill ? 'on' : 'off'}, FIFO ${count(stream.fifoBytes, 'byte')}`;
}
