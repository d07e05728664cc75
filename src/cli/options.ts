import { UsageError } from '../errors.js';
import { parseChoice } from './verbosity.js';
import { builtinProfile, builtinProfileNames, underflowPolicies, type DriverProfile, type UnderflowPolicy } from '../engine/index.js';
import type { ClientConfig, StreamConfig, TransportConfig } from '../session/config.js';
import type { LatencySpec } from '../client/latency.js';
import { MAX_BYTES_PER_INTERVAL, usbSpeeds, type UsbSpeed } from '../transport/usb-config.js';

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

export { parseChoice, LOG_LEVELS, logLevelFromOptions, addVerbosityOptions, type LogLevel, type VerbosityOptionValues } from './verbosity.js';

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

/**
 * `--profile`: a built-in's name, or a profile file relative to `cwd` (loaded, with the YAML parser, only then).
 */
export async function profileFromOption(value: string | undefined, cwd: string): Promise<DriverProfile | undefined> {
  if (value === undefined) return undefined;
  const builtin = builtinProfile(value);
  if (builtin) return builtin;
  const { resolveProfileReference } = await import('../profile/index.js');
  return resolveProfileReference(value, cwd, () => value);
}

export async function streamConfigFromOptions(values: ModelOptionValues, cwd: string): Promise<StreamConfig> {
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
    profile: await profileFromOption(values.profile, cwd),
  };
}

/** The warning when --buffer-ms was too short for N whole frames and the model used N frames instead. */
export function bufferRaisedWarning(bufferMs: string | undefined, sampleRate: number, requestedFrames: number): string | undefined {
  if (bufferMs === undefined) return undefined;
  const asked = Math.round((Number(bufferMs) * sampleRate) / 1000);
  if (asked >= requestedFrames) return undefined;
  return `--buffer-ms ${bufferMs} is ${asked} frames at ${sampleRate} Hz, fewer than one per packet: using ${requestedFrames} frames (${((requestedFrames * 1000) / sampleRate).toFixed(3)} ms)`;
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
    .option('--profile <name|file>', `the driver's choices: ${builtinProfileNames.join(' (the Windows docs, default) or ')} (the reference driver), or a profile file (YAML/JSON, see wavert profiles)`);
}

export const CLIENT_KINDS = ['packet', 'waveout'] as const;
export const TRANSPORT_KINDS = ['direct', 'usb'] as const;

/** The client and transport options `render`, `play` and `run` share, as commander hands them over. */
export interface ClientTransportOptionValues {
  client?: string;
  wavehdrBytes?: string;
  wavehdrs?: string;
  appLatencyMs?: string;
  appSeed?: string;
  transport?: string;
  usbSpeed?: string;
  usbInterval?: string;
  maxBytesPerInterval?: string;
}

/** Typed client and transport config; options that belong to a client or transport not chosen are refused. */
export function clientTransportFromOptions(values: ClientTransportOptionValues): { client: ClientConfig; transport: TransportConfig } {
  const clientKind = parseChoice('--client', values.client, CLIENT_KINDS) ?? 'packet';
  const transportKind = parseChoice('--transport', values.transport, TRANSPORT_KINDS) ?? 'direct';
  const waveOutOptions: Array<[string, string | undefined]> = [
    ['--wavehdr-bytes', values.wavehdrBytes], ['--wavehdrs', values.wavehdrs], ['--app-latency-ms', values.appLatencyMs], ['--app-seed', values.appSeed],
  ];
  const usbOptions: Array<[string, string | undefined]> = [
    ['--usb-speed', values.usbSpeed], ['--usb-interval', values.usbInterval], ['--max-bytes-per-interval', values.maxBytesPerInterval],
  ];
  for (const [name, value] of waveOutOptions) {
    if (value !== undefined && clientKind !== 'waveout') throw new UsageError(`${name} needs --client waveout`);
  }
  for (const [name, value] of usbOptions) {
    if (value !== undefined && transportKind !== 'usb') throw new UsageError(`${name} needs --transport usb`);
  }
  const client: ClientConfig = clientKind === 'waveout'
    ? {
      kind: 'waveout',
      wavehdrBytes: parseInteger('--wavehdr-bytes', values.wavehdrBytes, 1, 64 * 1024 * 1024),
      wavehdrs: parseInteger('--wavehdrs', values.wavehdrs, 1, 1024),
      refillLatency: parseLatencyMs('--app-latency-ms', values.appLatencyMs),
      seed: parseInteger('--app-seed', values.appSeed, 0, 0xffff_ffff),
    }
    : { kind: 'packet' };
  let transport: TransportConfig = { kind: 'direct' };
  if (transportKind === 'usb') {
    const speed = parseChoice<UsbSpeed>('--usb-speed', values.usbSpeed, usbSpeeds) ?? 'full';
    transport = {
      kind: 'usb',
      speed,
      interval: parseInteger('--usb-interval', values.usbInterval, 1, 8),
      maxBytesPerInterval: parseInteger('--max-bytes-per-interval', values.maxBytesPerInterval, 1, MAX_BYTES_PER_INTERVAL[speed]),
    };
  }
  return { client, transport };
}

/** "5" is a fixed latency in ms; "2-8" a seeded uniform spread between the two. */
function parseLatencyMs(option: string, value: string | undefined): LatencySpec | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?)\s*)?$/.exec(value);
  const low = match ? Number(match[1]) : Number.NaN;
  const high = match?.[2] !== undefined ? Number(match[2]) : low;
  if (!match || low > high || high > 10_000) {
    throw new UsageError(`${option} must be milliseconds from 0 to 10000, or a range like 2-8, got '${value}'`);
  }
  return low === high ? { kind: 'fixed', valueNs: Math.round(low * 1e6) } : { kind: 'uniform', minNs: Math.round(low * 1e6), maxNs: Math.round(high * 1e6) };
}

/** Declares the client and transport options on a commander command (render, play, run). */
export function addClientTransportOptions<T extends { option(flags: string, description: string): T }>(command: T): T {
  return command
    .option('--client <kind>', 'who feeds the stream: packet (the WaveRT packet client) or waveout (a legacy WODM_WRITE application) (default packet)')
    .option('--wavehdr-bytes <n>', 'waveout: bytes per WAVEHDR, whole frames (default 50 ms of audio)')
    .option('--wavehdrs <n>', 'waveout: how many WAVEHDRs the application cycles through (default 4)')
    .option('--app-latency-ms <ms>', "waveout: the application's delay from WOM_DONE to the refilled write: 5, or 2-8 for a seeded spread (default 0)")
    .option('--app-seed <n>', 'waveout: seed of the application latency (default 1)')
    .option('--transport <kind>', 'what carries the DMA output to the sink: direct, or usb (an isochronous OUT pipe) (default direct)')
    .option('--usb-speed <speed>', 'usb: full (1 ms frames) or high (125 µs microframes) (default full)')
    .option('--usb-interval <n>', 'usb: service interval in (micro)frames: 1, 2, 4 or 8 (default 1)')
    .option('--max-bytes-per-interval <n>', "usb: the endpoint's maximum bytes per service interval (default: what the format needs)");
}

/** Declares what every model run can write besides its audio: trace, report, JSON summary, diagnostics. */
export function addRunOutputOptions<T extends { option(flags: string, description: string): T }>(command: T, reportNote = ''): T {
  return command
    .option('--trace <file.ndjson>', 'write the event trace (NDJSON, one event per line)')
    .option('--report <file>', `also draw the run: a timeline (.svg) or a self-contained HTML report (.html)${reportNote}`)
    .option('--json', 'print the summary as JSON on stdout');
}
