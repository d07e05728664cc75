// The status area of `wavert play` on a terminal, and the keys that control the run (space, q, Ctrl-C).
import { formatClockTime } from './play-time.js';
import { count } from '../text/count.js';

export interface LiveSnapshot {
  elapsedNs: number;
  /** undefined when the length is unknown (stdin, or a data size the file does not hold). */
  totalNs: number | undefined;
  paused: boolean;
  packetCount: number;
  /** Bytes written ahead of the DMA in the cyclic buffer, and its size. */
  bufferFillBytes: number;
  bufferSizeBytes: number;
  underrunEvents: number;
  underrunFrames: number;
  /** Status name → how many SetWritePacket calls returned it so far. */
  statusCounts: ReadonlyArray<readonly [string, number]>;
  sinkLabel: string;
}

const REFRESH_INTERVAL_MS = 100;
const ANSI = { reset: '\x1b[0m', bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', cyan: '\x1b[36m' };
type Tint = keyof typeof ANSI | undefined;

/** Builds a line from pieces, cutting at `width` visible characters; colour codes never count towards width. */
class LineBuilder {
  private text = '';
  private visible = 0;
  constructor(private readonly width: number, private readonly color: boolean) {}

  add(piece: string, tint: Tint = undefined): this {
    const room = this.width - this.visible;
    if (room <= 0) return this;
    const cut = piece.length > room ? piece.slice(0, room) : piece;
    this.text += this.color && tint ? `${ANSI[tint]}${cut}${ANSI.reset}` : cut;
    this.visible += cut.length;
    return this;
  }

  toString(): string {
    return this.text;
  }
}

function bar(fraction: number, cells: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(clamped * cells);
  return `${'#'.repeat(filled)}${'-'.repeat(cells - filled)}`;
}

/** Two lines: where the run is, and what the WaveRT buffer is doing. Pure, so it is tested byte for byte. */
export function renderStatus(snapshot: LiveSnapshot, width: number, color: boolean): string {
  const usable = Math.max(20, width);
  const first = new LineBuilder(usable, color);
  first.add(snapshot.paused ? 'PAUSED ' : 'PLAYING', snapshot.paused ? 'yellow' : 'green');
  const elapsed = formatClockTime(Math.max(0, Math.floor(snapshot.elapsedNs)));
  if (snapshot.totalNs !== undefined && snapshot.totalNs > 0) {
    const fraction = snapshot.elapsedNs / snapshot.totalNs;
    const clock = ` ${elapsed} / ${formatClockTime(Math.floor(snapshot.totalNs))} `;
    const percent = ` ${String(Math.min(100, Math.floor(fraction * 100))).padStart(3)}%`;
    const cells = Math.max(0, Math.min(40, usable - 7 - clock.length - percent.length - 2));
    first.add(clock).add(`[${bar(fraction, cells)}]`, 'cyan').add(percent);
  } else {
    first.add(` ${elapsed}`);
  }
  first.add(`  ${snapshot.sinkLabel}`, 'dim');

  const second = new LineBuilder(usable, color);
  const fill = snapshot.bufferSizeBytes > 0 ? snapshot.bufferFillBytes / snapshot.bufferSizeBytes : 0;
  second.add(`packets ${snapshot.packetCount}  buffer [${bar(fill, 10)}] ${String(Math.round(fill * 100)).padStart(3)}%  `);
  second.add(`underruns ${snapshot.underrunEvents} (${count(snapshot.underrunFrames, 'frame')})`, snapshot.underrunEvents > 0 ? 'red' : undefined);
  for (const [name, count] of snapshot.statusCounts) {
    second.add(`  ${name.replace(/^STATUS_/, '')} ${count}`, name === 'STATUS_SUCCESS' ? undefined : 'red');
  }
  return `${first}\n${second}`;
}

export interface LiveViewTerminal {
  write(text: string): unknown;
  columns?: number;
}

/** Redraws the status area in place at most 10 times a second; `stop()` leaves the terminal as it was. */
export class LiveView {
  private timer: NodeJS.Timeout | undefined;
  private drawnLines = 0;
  private latest: LiveSnapshot | undefined;
  private dirty = false;

  constructor(private readonly terminal: LiveViewTerminal, private readonly color: boolean) {}

  start(): void {
    this.terminal.write('\x1b[?25l');
    this.timer = setInterval(() => this.draw(), REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  update(snapshot: LiveSnapshot): void {
    this.latest = snapshot;
    this.dirty = true;
  }

  /** Messages printed while the view is up go above it, and the view is drawn again below. */
  print(text: string): void {
    this.erase();
    this.terminal.write(text.endsWith('\n') ? text : `${text}\n`);
    this.dirty = true;
  }

  private erase(): void {
    if (this.drawnLines === 0) return;
    this.terminal.write(`\r${this.drawnLines > 1 ? `\x1b[${this.drawnLines - 1}A` : ''}\x1b[J`);
    this.drawnLines = 0;
  }

  private draw(): void {
    if (!this.dirty || this.latest === undefined) return;
    this.dirty = false;
    const text = renderStatus(this.latest, (this.terminal.columns || 80) - 1, this.color);
    this.erase();
    this.terminal.write(text);
    this.drawnLines = text.split('\n').length;
  }

  /** While the process is stopped (Ctrl-Z) the shell gets its cursor back; it is hidden again on resume. */
  suspend(): void {
    this.erase();
    this.terminal.write('\x1b[?25h');
  }

  resume(): void {
    this.terminal.write('\x1b[?25l');
    this.dirty = true;
  }

  /** Draws the final state once more and moves below it; always shows the cursor again. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.dirty = true;
    this.draw();
    if (this.drawnLines > 0) this.terminal.write('\n');
    this.drawnLines = 0;
    this.terminal.write('\x1b[?25h');
  }
}

export interface KeyHandlers {
  togglePause(): void;
  quit(): void;
  interrupt(): void;
  /** Ctrl-Z: raw mode turns off the terminal's own job control, so the key asks for it. */
  suspend?(): void;
}

export interface KeySource {
  isTTY?: boolean;
  setRawMode?: (raw: boolean) => unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  removeListener(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/** Raw-mode keys on a terminal (space, q, Ctrl-C); `release()` restores the terminal and is safe to call twice. */
export class KeyControl {
  private active = false;
  private readonly onData = (chunk: Buffer | string) => this.handle(typeof chunk === 'string' ? chunk : chunk.toString('latin1'));

  constructor(private readonly source: KeySource, private readonly handlers: KeyHandlers) {}

  /** Returns false when the input is not a terminal (then there are no keys, only signals). */
  attach(): boolean {
    if (!this.source.isTTY || typeof this.source.setRawMode !== 'function') return false;
    this.source.setRawMode(true);
    this.source.on('data', this.onData);
    this.source.resume();
    this.active = true;
    return true;
  }

  private handle(keys: string): void {
    for (const key of keys) {
      if (key === ' ') this.handlers.togglePause();
      else if (key === 'q' || key === 'Q') this.handlers.quit();
      else if (key === '\x03') this.handlers.interrupt();
      else if (key === '\x1a') this.handlers.suspend?.();
    }
  }

  /** Cooked mode while the process is stopped, raw again on resume. */
  suspend(): void {
    if (this.active) this.source.setRawMode?.(false);
  }

  resume(): void {
    if (this.active) this.source.setRawMode?.(true);
  }

  release(): void {
    if (!this.active) return;
    this.active = false;
    this.source.removeListener('data', this.onData);
    this.source.setRawMode?.(false);
    this.source.pause();
  }
}
