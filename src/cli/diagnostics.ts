import type { CliIo } from './io.js';
import { escapeControlCharacters } from '../output/names.js';
import type { LogLevel } from './options.js';

const rank: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: 100 };

/** Plain-text diagnostics on stderr, filtered by --log-level (warnings show by default). */
export class Diagnostics {
  private readonly io: CliIo;
  private readonly level: LogLevel;

  constructor(io: CliIo, level: LogLevel = 'warn') {
    this.io = io;
    this.level = level;
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
}
