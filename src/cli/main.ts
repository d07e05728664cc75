// The only place that turns errors into messages and exit codes.
import { CommanderError } from 'commander';
import { WavertError } from '../errors.js';
import { exitCodeFor, EXIT_BAD_INPUT } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';
import { registrationsFor } from './commands.js';
import { createProgram } from './program.js';
import { commandNameOf, rewriteCommanderMessage, usageErrorText } from './usage-text.js';

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  const program = createProgram(io, (code) => { exitCode = code; }, await registrationsFor(argv));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander printed the help or the version; for a bare `wavert` it printed the help as the usage error
      if (error.exitCode === 0) return 0;
      if (error.code === 'commander.help') return EXIT_BAD_INPUT;
      io.stderr.write(usageErrorText(rewriteCommanderMessage(error.message), commandNameOf(program, argv)));
      return EXIT_BAD_INPUT;
    }
    if (error instanceof WavertError) {
      // a wrong command line points to the help; a bad file or a failed sink is said in one sentence
      io.stderr.write(error.code === 'E_USAGE' ? usageErrorText(error.message, commandNameOf(program, argv)) : `wavert: ${error.message}\n`);
      return exitCodeFor(error);
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`wavert: internal error: ${message}\n`);
    if (io.env.WAVERT_DEBUG) io.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    return exitCodeFor(error);
  }
}

export { VERSION } from './program.js';
