// One line per command: each module declares its options with commander and calls a typed function.
// Modules load on demand: `wavert info x.wav` imports only what info needs, not the model, the sinks or the drawing.
import type { Command } from 'commander';
import type { CliIo } from './io.js';

export type SetExitCode = (code: number) => void;
export type CommandRegistration = (program: Command, io: CliIo, setExitCode: SetExitCode) => void;

export interface CommandEntry {
  /** The name the module's registration declares (`program.command(name)`), and its aliases. */
  name: string;
  aliases?: readonly string[];
  load(): Promise<CommandRegistration>;
}

export const commandEntries: CommandEntry[] = [
  { name: 'play', load: async () => (await import('./play.js')).registerPlay },
  { name: 'render', load: async () => (await import('./render.js')).registerRender },
  { name: 'run', load: async () => (await import('./run.js')).registerRun },
  { name: 'report', load: async () => (await import('./report.js')).registerReport },
  { name: 'compare', load: async () => (await import('./compare.js')).registerCompare },
  { name: 'info', load: async () => (await import('./info.js')).registerInfo },
  { name: 'devices', load: async () => (await import('./devices.js')).registerDevices },
  { name: 'sinks', load: async () => (await import('./devices.js')).registerSinks },
  { name: 'completion', load: async () => (await import('./completion.js')).registerCompletion },
  { name: 'profiles', load: async () => (await import('./profiles.js')).registerProfiles },
];

/** The program's own version flags (commander's defaults). */
const VERSION_FLAGS = new Set(['--version', '-V']);

/**
 * The registrations a command line needs: when it starts with a command's name, that command alone (its help,
 * options and errors are all it can show); for the version alone, none; otherwise (help, a typo to suggest
 * against) all of them.
 */
export async function registrationsFor(argv: readonly string[]): Promise<CommandRegistration[]> {
  if (argv.length === 1 && VERSION_FLAGS.has(argv[0]!)) return [];
  const invoked = commandEntries.find((entry) => entry.name === argv[0] || (argv[0] !== undefined && entry.aliases?.includes(argv[0])));
  return Promise.all((invoked ? [invoked] : commandEntries).map((entry) => entry.load()));
}
