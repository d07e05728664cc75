// The only place that turns errors into messages and exit codes.
import { Command, CommanderError } from 'commander';
import { WavertError } from '../errors.js';
import { exitCodeFor, EXIT_BAD_INPUT } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';
import { registrationsFor } from './commands.js';

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  const program = new Command('wavert')
    .description('Play WAV files through a model of the Windows WaveRT packet-mode render path, and reproduce underflow and glitches on demand.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showSuggestionAfterError(true);
  for (const register of await registrationsFor(argv)) {
    register(program, io, (code) => { exitCode = code; });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed its one-line message (or the help/version text)
      return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    if (error instanceof WavertError) {
      io.stderr.write(`wavert: ${error.message}\n`);
      return exitCodeFor(error);
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`wavert: internal error: ${message}\n`);
    if (io.env.WAVERT_DEBUG) io.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    return exitCodeFor(error);
  }
}

export const VERSION = '0.1.0';
