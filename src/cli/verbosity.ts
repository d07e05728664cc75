// -v, -q and --log-level, the same on every command; kept apart from options.ts so a command that needs nothing
// of the model (info, report, devices) does not load the engine to parse them.
import { UsageError } from '../errors.js';
import { didYouMean } from '../text/suggest.js';

export function parseChoice<T extends string>(option: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`${option} must be one of ${choices.join(', ')}, got '${value}'${didYouMean(value, choices)}`);
  }
  return value as T;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** -v, -q and --log-level, as commander hands them over (every command has them). */
export interface VerbosityOptionValues {
  verbose?: number;
  quiet?: boolean;
  logLevel?: string;
}

const VERBOSE_LEVELS: readonly LogLevel[] = ['warn', 'info', 'debug', 'trace'];

/** --log-level wins; else each -v is one level more (info, debug, trace); -q keeps warnings but drops chatter. */
export function logLevelFromOptions(values: VerbosityOptionValues): LogLevel {
  if (values.quiet && (values.verbose ?? 0) > 0) throw new UsageError('-q/--quiet and -v/--verbose cannot be used together');
  const explicit = parseChoice<LogLevel>('--log-level', values.logLevel, LOG_LEVELS);
  if (explicit !== undefined) return explicit;
  return VERBOSE_LEVELS[Math.min(values.verbose ?? 0, VERBOSE_LEVELS.length - 1)]!;
}

/** Declares -v, -q and --log-level; `quietMeaning` says what -q leaves out on this command. */
export function addVerbosityOptions<T extends { option(flags: string, description: string, parser?: (value: string, previous: number) => number, defaultValue?: number): T }>(command: T, quietMeaning: string): T {
  return command
    .option('-v, --verbose', 'say more on stderr: -v what was chosen, -vv debug (command lines, buffer sizes, timings), -vvv trace', (_value: string, previous: number) => previous + 1, 0)
    .option('-q, --quiet', `say less: ${quietMeaning} (warnings and errors still show)`)
    .option('--log-level <level>', `diagnostics on stderr: ${LOG_LEVELS.join(', ')} (default warn; overrides -v)`);
}
