// One line per command: each module declares its options with commander and calls a typed function.
import type { Command } from 'commander';
import type { CliIo } from './io.js';
import { registerRender } from './render.js';

export type SetExitCode = (code: number) => void;
export type CommandRegistration = (program: Command, io: CliIo, setExitCode: SetExitCode) => void;

export const commandRegistrations: CommandRegistration[] = [
  registerRender,
  (await import('./info.js')).registerInfo,
  (await import('./sinks.js')).registerSinks,
  (await import('./run.js')).registerRun,
  (await import('./report.js')).registerReport,
  (await import('./play.js')).registerPlay,
];
