import { UsageError } from '../errors.js';
import { profiles, underflowPolicies, type Profile, type UnderflowPolicy } from '../engine/index.js';
import type { StreamConfig } from '../session/config.js';

// Parsing of option values shared by commands: each bad value is one sentence naming the option.

export function parseInteger(option: string, value: string | number | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const parsed = /^[+]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new UsageError(`${option} must be a whole number from ${min} to ${max}, got '${text}'`);
  }
  return parsed;
}

export function parseNumber(option: string, value: string | number | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const parsed = /^[+]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
    throw new UsageError(`${option} must be a number from ${min} to ${max}, got '${text}'`);
  }
  return parsed;
}

export function parseChoice<T extends string>(option: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`${option} must be one of ${choices.join(', ')}, got '${value}'`);
  }
  return value as T;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The model options `render`, `play` and `run --realtime` share, as commander hands them over. */
export interface ModelOptionValues {
  bufferMs?: string;
  bufferBytes?: string;
  notifications?: string;
  underflow?: string;
  eosFill?: boolean;
  fifoBytes?: string;
  profile?: string;
}

export function streamConfigFromOptions(values: ModelOptionValues): StreamConfig {
  if (values.bufferMs !== undefined && values.bufferBytes !== undefined) {
    throw new UsageError('--buffer-ms and --buffer-bytes cannot be used together');
  }
  return {
    bufferMs: parseNumber('--buffer-ms', values.bufferMs, 0.01, 10_000),
    bufferBytes: parseInteger('--buffer-bytes', values.bufferBytes, 1, 256 * 1024 * 1024),
    notifications: parseInteger('--notifications', values.notifications, 1, 8),
    underflowPolicy: parseChoice<UnderflowPolicy>('--underflow', values.underflow, underflowPolicies),
    // commander sets eosFill=false only for --no-eos-fill; leave it open otherwise so the profile decides
    eosSilenceFill: values.eosFill === false ? false : undefined,
    fifoBytes: parseInteger('--fifo-bytes', values.fifoBytes, 0, 64 * 1024 * 1024),
    profile: parseChoice<Profile>('--profile', values.profile, profiles),
  };
}

/** Declares the model options on a commander command (render, play, run). */
export function addModelOptions<T extends { option(flags: string, description: string): T }>(command: T): T {
  return command
    .option('--buffer-ms <ms>', 'WaveRT buffer size in milliseconds (default 20)')
    .option('--buffer-bytes <n>', 'WaveRT buffer size in bytes (instead of --buffer-ms)')
    .option('--notifications <n>', 'notification count N: packets per buffer, 1 or 2 (3–8 as a model extension) (default 2)')
    .option('--underflow <policy>', 'what the DMA plays for an unwritten packet: repeat (stale data) or silence (default repeat)')
    .option('--no-eos-fill', 'do not silence-fill the buffer after the end-of-stream point')
    .option('--fifo-bytes <n>', 'hardware FIFO size in bytes: read past the EOS point before the device stops (default 0)')
    .option('--profile <name>', 'doc (the Windows docs) or sysvad (the reference driver) (default doc)');
}
