// SIGINT, SIGTERM, SIGHUP and SIGQUIT for every command, in one place (and SIGTSTP for job control): the terminal is put back (cursor, raw mode) on
// every signal, a command that can end itself cleanly is asked to, and otherwise temporary outputs are removed,
// one line is printed and the process exits with 128 + the signal number.
import { discardPendingOutputs } from '../output/atomic-file.js';
import { EXIT_BY_SIGNAL } from './exit-codes.js';

export type CaughtSignal = keyof typeof EXIT_BY_SIGNAL;
export const CAUGHT_SIGNALS: readonly CaughtSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/** Puts the terminal back: show the cursor, leave raw mode. Must be synchronous and safe to call twice. */
export type TerminalRestore = () => void;
/** A command's own way to end on a signal; returns false when it cannot (the default handling then applies). */
export type SignalListener = (signal: CaughtSignal) => boolean;

/** What a terminal program does around a stop (Ctrl-Z, SIGTSTP): give the terminal back, then take it again. */
export interface TerminalSuspend {
  suspend(): void;
  resume(): void;
}

const restorers = new Set<TerminalRestore>();
const suspenders = new Set<TerminalSuspend>();
const listeners: SignalListener[] = [];
const beforeExit = new Set<() => void>();
let installed: Map<CaughtSignal, () => void> | null = null;
let write: (text: string) => void = (text) => { process.stderr.write(text); };

/** Registers what restores the terminal (the live view's cursor, the keys' raw mode); returns the unregister. */
export function onTerminalRestore(restore: TerminalRestore): () => void {
  restorers.add(restore);
  return () => restorers.delete(restore);
}

/** Registers what gives the terminal back while the process is stopped by job control; returns the unregister. */
export function onTerminalSuspend(suspender: TerminalSuspend): () => void {
  suspenders.add(suspender);
  return () => suspenders.delete(suspender);
}

/** Stops the process as the shell expects (SIGSTOP), with the cursor shown and cooked mode while it is stopped. */
export function suspendProcess(): void {
  const taken = [...suspenders];
  for (const suspender of taken) {
    try {
      suspender.suspend();
    } catch {
      // the terminal went away: nothing to give back
    }
  }
  process.kill(process.pid, 'SIGSTOP');
  // SIGCONT: the process runs on from here
  for (const suspender of taken) {
    try {
      suspender.resume();
    } catch {
      // the terminal went away while stopped
    }
  }
}

/** Runs every terminal restore now (also used on the normal way out). */
export function restoreTerminal(): void {
  for (const restore of [...restorers]) {
    try {
      restore();
    } catch {
      // the terminal went away: nothing left to restore
    }
  }
}

/**
 * A command's listener for the signals: the newest one is asked first, on every signal. A signal it accepts is
 * its to handle (render stops and removes its output, play ends the stream); one that no listener accepts ends
 * the process.
 */
export function onSignal(listener: SignalListener): () => void {
  listeners.push(listener);
  return () => {
    const index = listeners.lastIndexOf(listener);
    if (index >= 0) listeners.splice(index, 1);
  };
}

/** Work to do synchronously before a signal ends the process (stopping workers and cleaning their folders). */
export function onSignalExit(cleanup: () => void): () => void {
  beforeExit.add(cleanup);
  return () => beforeExit.delete(cleanup);
}

/** The message a command prints when a signal ended it. */
export function signalMessage(signal: CaughtSignal): string {
  return signal === 'SIGINT' ? 'interrupted' : `stopped by ${signal}`;
}

function handle(signal: CaughtSignal): void {
  restoreTerminal();
  for (let i = listeners.length - 1; i >= 0; i--) {
    if (listeners[i]!(signal)) return;
  }
  for (const cleanup of [...beforeExit]) {
    try {
      cleanup();
    } catch {
      // going down anyway: the rest of the cleanup still runs
    }
  }
  discardPendingOutputs();
  write(`wavert: ${signalMessage(signal)}; partial outputs removed\n`);
  process.exit(EXIT_BY_SIGNAL[signal]);
}

/** Installs the process handlers (the CLI entry point does this once). `stderr` is where the one line goes. */
export function installSignalHandlers(stderr: (text: string) => void = write): () => void {
  write = stderr;
  if (installed) return uninstallSignalHandlers;
  installed = new Map();
  for (const signal of CAUGHT_SIGNALS) {
    const handler = (): void => handle(signal);
    installed.set(signal, handler);
    process.on(signal, handler);
  }
  process.on('SIGTSTP', suspendProcess);
  return uninstallSignalHandlers;
}

export function uninstallSignalHandlers(): void {
  if (!installed) return;
  for (const [signal, handler] of installed) process.removeListener(signal, handler);
  process.removeListener('SIGTSTP', suspendProcess);
  installed = null;
}
