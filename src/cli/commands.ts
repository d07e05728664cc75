// One line per command: each module declares its options with commander and calls a typed function.
import type { Command } from 'commander';
import type { CliIo } from './io.js';
import { registerInfo } from './info.js';
import { registerPlay } from './play.js';
import { registerRender } from './render.js';
import { registerReport } from './report.js';
import { registerRun } from './run.js';
import { registerCompletion } from './completion.js';
import { registerDevices } from './devices.js';

export type SetExitCode = (code: number) => void;
export type CommandRegistration = (program: Command, io: CliIo, setExitCode: SetExitCode) => void;

export const commandRegistrations: CommandRegistration[] = [
  registerPlay,
  registerRender,
  registerRun,
  registerReport,
  registerInfo,
  registerDevices,
  registerCompletion,
];
