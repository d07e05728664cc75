// One style for every message a user reads when the command line is wrong: `wavert: <what>`, then where help is.
import type { Command } from 'commander';

/** The command the user was running, from the first word of the command line (wavert has no global options). */
export function commandNameOf(program: Command, argv: readonly string[]): string | undefined {
  const word = argv[0];
  if (word === undefined) return undefined;
  return program.commands.find((command) => command.name() === word || command.aliases().includes(word))?.name();
}

/** "See 'wavert play --help'." (or the top-level help when no command was recognised). */
export function helpPointer(commandName: string | undefined): string {
  return `See 'wavert${commandName === undefined ? '' : ` ${commandName}`} --help'.`;
}

/** commander's "error: unknown option '--x'\n(Did you mean --y?)" as one wavert sentence. */
export function rewriteCommanderMessage(message: string): string {
  const lines = message.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  const first = (lines[0] ?? 'bad command line').replace(/^error:\s*/i, '');
  const suggestion = lines.slice(1).map((line) => /^\(Did you mean (.+)\?\)$/i.exec(line)?.[1]).find((name) => name !== undefined);
  return suggestion === undefined ? first : `${first} (did you mean ${suggestion}?)`;
}

/** The two lines printed for a usage error: what is wrong, then where the help is. */
export function usageErrorText(message: string, commandName: string | undefined): string {
  return `wavert: ${message}\n${helpPointer(commandName)}\n`;
}
