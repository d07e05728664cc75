// The examples that close each command's --help; kept with the command so the man page shows the same ones.
import type { Command } from 'commander';

export interface Example {
  /** The command line, without the leading `wavert`. */
  commandLine: string;
  /** What it does, in a few words. */
  what: string;
}

const examplesByCommand = new WeakMap<Command, readonly Example[]>();

/** Appends an "Examples:" section to the command's help and remembers the examples for the man page. */
export function addExamples<T extends Command>(command: T, examples: readonly Example[]): T {
  examplesByCommand.set(command, examples);
  const text = examples.map((example) => `  $ wavert ${example.commandLine}\n      ${example.what}`).join('\n');
  command.addHelpText('after', `\nExamples:\n${text}\n`);
  return command;
}

export function examplesOf(command: Command): readonly Example[] {
  return examplesByCommand.get(command) ?? [];
}
