// The only place that turns errors into messages and exit codes.
import { CommanderError, type Command } from 'commander';
import { WavertError, describeIoFailure } from '../errors.js';
import { escapeControlCharacters, quoted } from '../output/names.js';
import { exitCodeFor, EXIT_BAD_INPUT } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';
import { registrationsFor } from './commands.js';
import { createProgram } from './program.js';
import { installSignalHandlers, restoreTerminal } from './signals.js';
import { commandNameOf, rewriteCommanderMessage, usageErrorText } from './usage-text.js';

/** A system error that reached the top (EEXIST, EACCES on a path): a plain sentence, not an internal error. */
function systemErrorMessage(error: unknown): string | null {
  const errno = error as NodeJS.ErrnoException | null;
  if (typeof errno?.code !== 'string' || !/^E[A-Z]+$/.test(errno.code)) return null;
  const what = errno.path !== undefined ? `cannot ${errno.syscall === 'open' || errno.syscall === 'mkdir' ? 'create' : 'use'} ${quoted(errno.path)}` : 'a system call failed';
  return `${what}: ${describeIoFailure(error)}`;
}

/** The first error of stdout (EPIPE from `| head`, ENOSPC on /dev/full): one sentence at the end, never a crash. */
function watchStdout(io: CliIo): () => NodeJS.ErrnoException | null {
  let failure: NodeJS.ErrnoException | null = null;
  io.stdout.on?.('error', (error: NodeJS.ErrnoException) => { failure ??= error; });
  io.stderr.on?.('error', () => undefined);
  return () => failure;
}

/** Waits until what was written to stdout has gone out (or failed). */
function flushStdout(io: CliIo): Promise<void> {
  return new Promise((resolve) => {
    try {
      if (!io.stdout.write('', () => resolve())) io.stdout.once?.('drain', () => resolve());
    } catch {
      resolve();
    }
    setTimeout(resolve, 1000).unref();
  });
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  stdoutReported = false;
  const stdoutFailure = watchStdout(io);
  const processBound = io.stdout === process.stdout;
  const uninstall = processBound ? installSignalHandlers((text) => io.stderr.write(text)) : null;
  const program = createProgram(io, (code) => { exitCode = code; }, await registrationsFor(argv));
  let code: number;
  try {
    await program.parseAsync(argv, { from: 'user' });
    code = exitCode;
  } catch (error) {
    code = reportError(error, io, program, argv);
  } finally {
    restoreTerminal();
  }
  await flushStdout(io);
  uninstall?.();
  const failure = stdoutFailure();
  // a command that already failed on stdout (render -o - into a closed pipe) said so once
  if (failure !== null && !(code !== 0 && stdoutReported)) {
    io.stderr.write(`wavert: cannot write to stdout: ${describeIoFailure(failure)}\n`);
    return code === 0 ? EXIT_BAD_INPUT : code;
  }
  return code;
}

let stdoutReported = false;

function reportError(error: unknown, io: CliIo, program: Command, argv: readonly string[]): number {
  if (error instanceof CommanderError) {
    // commander printed the help or the version; for a bare `wavert` it printed the help as the usage error
    if (error.exitCode === 0) return 0;
    if (error.code === 'commander.help') return EXIT_BAD_INPUT;
    // commander echoes the arguments it refuses: no raw control characters on the terminal
    io.stderr.write(usageErrorText(escapeControlCharacters(rewriteCommanderMessage(error.message)), commandNameOf(program, argv)));
    return EXIT_BAD_INPUT;
  }
  if (error instanceof WavertError) {
    stdoutReported = /\bstdout\b/.test(error.message);
    const message = escapeControlCharacters(error.message);
    // a wrong command line points to the help; a bad file or a failed sink is said in one sentence
    io.stderr.write(error.code === 'E_USAGE' ? usageErrorText(message, commandNameOf(program, argv)) : `wavert: ${message}\n`);
    return exitCodeFor(error);
  }
  const system = systemErrorMessage(error);
  if (system !== null) {
    io.stderr.write(`wavert: ${escapeControlCharacters(system)}\n`);
    return EXIT_BAD_INPUT;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`wavert: internal error: ${escapeControlCharacters(message)}\n`);
  if (io.env.WAVERT_DEBUG) io.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  return exitCodeFor(error);
}

export { VERSION } from './program.js';
