// The commander program: every command's declaration, help and examples; main.ts runs it, the man page and the
// completion scripts are generated from it.
import { Command } from 'commander';
import type { CliIo } from './io.js';
import { registrationsFor, type CommandRegistration, type SetExitCode } from './commands.js';
import { addExamples } from './examples.js';

export const VERSION = '0.1.0';

export const PROGRAM_DESCRIPTION = 'Play WAV files through a model of the Windows WaveRT packet-mode render path, and reproduce underflow and glitches on demand.';

/** The program with the given commands registered (main loads only the one a command line names). */
export function createProgram(io: CliIo, setExitCode: SetExitCode, registrations: readonly CommandRegistration[]): Command {
  const program = new Command('wavert')
    .description(PROGRAM_DESCRIPTION)
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // main.ts prints commander's errors in wavert's own style
      outputError: () => undefined,
    })
    .showSuggestionAfterError(true);
  for (const register of registrations) register(program, io, setExitCode);
  addExamples(program, [
    { commandLine: 'play song.wav', what: 'hear it through the model, with a live view of the buffer' },
    { commandLine: 'render song.wav -o played.wav --notifications 1', what: 'what the device played with one packet per buffer, as fast as possible' },
    { commandLine: 'run fixtures/scenarios --junit out/junit.xml', what: 'replay the scenario library and check every expectation' },
    { commandLine: 'devices', what: 'what can play here, and what --sink auto would pick' },
  ]);
  program.addHelpText('after', "See 'wavert <command> --help' for a command's options, and man wavert for the whole reference.\n");
  return program;
}

/** Every command registered: what the man page and the completion scripts are generated from. */
export async function createFullProgram(io: CliIo): Promise<Command> {
  return createProgram(io, () => undefined, await registrationsFor([]));
}
