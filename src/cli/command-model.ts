// The command definitions as data, read from commander: what the man page and the shell completions are built from.
import type { Command, Option } from 'commander';
import { profiles, underflowPolicies } from '../engine/index.js';
import { usbSpeeds } from '../transport/usb-config.js';
import { examplesOf, type Example } from './examples.js';
import { CLIENT_KINDS, LOG_LEVELS, TRANSPORT_KINDS } from './options.js';

export interface OptionModel {
  short: string | undefined;
  long: string | undefined;
  /** "<ms>" for an option that takes a value, "" for a switch. */
  valueName: string;
  description: string;
  /** The values it takes, when they are a fixed list. */
  values: readonly string[] | undefined;
  /** Whether its value is a file path. */
  takesFile: boolean;
}

export interface ArgumentModel {
  name: string;
  description: string;
  variadic: boolean;
  required: boolean;
}

export interface CommandModel {
  name: string;
  aliases: readonly string[];
  description: string;
  arguments: readonly ArgumentModel[];
  options: readonly OptionModel[];
  examples: readonly Example[];
  /** Glob of the files its arguments are (for completion), e.g. "*.wav". */
  argumentGlob: string | undefined;
}

/** Fixed values of the options that have them, so a shell can offer them. */
const OPTION_VALUES: Readonly<Record<string, readonly string[]>> = {
  '--sink': ['auto', 'speaker', 'pulse', 'pipewire', 'alsa', 'null', 'file:'],
  '--underflow': underflowPolicies,
  '--profile': profiles,
  '--client': CLIENT_KINDS,
  '--transport': TRANSPORT_KINDS,
  '--usb-speed': usbSpeeds,
  '--usb-interval': ['1', '2', '4', '8'],
  '--notifications': ['1', '2', '3', '4', '5', '6', '7', '8'],
  '--log-level': LOG_LEVELS,
};

const FILE_VALUE = /file|\.wav|\.ndjson|\.html|\.svg|\.xml|<dir>|^<scenario/i;

const ARGUMENT_GLOBS: Readonly<Record<string, string>> = {
  play: '*.wav', render: '*.wav', info: '*.wav', run: '*.@(yaml|yml|json)', report: '*.ndjson', compare: '*.wav', profiles: '*.@(yaml|yml|json)',
};

function optionModel(option: Option): OptionModel {
  const valueName = /(<[^>]+>|\[[^\]]+\])/.exec(option.flags)?.[1] ?? '';
  const long = option.long ?? undefined;
  return {
    short: option.short ?? undefined,
    long,
    valueName,
    description: option.description,
    values: long !== undefined ? OPTION_VALUES[long] : undefined,
    takesFile: valueName !== '' && FILE_VALUE.test(valueName) && long !== '--sink',
  };
}

const HELP_OPTION: OptionModel = { short: '-h', long: '--help', valueName: '', description: 'display help for command', values: undefined, takesFile: false };

export function commandModels(program: Command): CommandModel[] {
  return program.commands.filter((command) => command.name() !== 'help').map((command) => ({
    name: command.name(),
    aliases: command.aliases(),
    description: command.description(),
    arguments: command.registeredArguments.map((argument) => ({
      name: argument.name(), description: argument.description, variadic: argument.variadic, required: argument.required,
    })),
    options: [...command.options.map(optionModel), HELP_OPTION],
    examples: examplesOf(command),
    argumentGlob: ARGUMENT_GLOBS[command.name()],
  }));
}

/** The program's own options (--version, --help). */
export function programOptions(program: Command): OptionModel[] {
  return [...program.options.map(optionModel), HELP_OPTION];
}
