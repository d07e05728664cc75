import { UsageError } from '../errors.js';
import { resolveProfile, type AudioFormat, type DriverProfile, type Profile, type StreamOptions, type UnderflowPolicy } from '../engine/index.js';
import type { LatencySpec } from '../client/latency.js';
import type { UsbConfig } from '../transport/usb-config.js';

/** The stream as a user describes it (the `render`/`play` options, a scenario's `stream:`). */
export interface StreamConfig {
  bufferMs?: number;
  bufferBytes?: number;
  notifications?: number;
  underflowPolicy?: UnderflowPolicy;
  eosSilenceFill?: boolean;
  fifoBytes?: number;
  chipsetDelayIn100ns?: number;
  codecDelayIn100ns?: number;
  /** The driver's choices: a built-in's name or a loaded profile (src/profile); default `doc`. */
  profile?: Profile | DriverProfile;
}

export const DEFAULT_BUFFER_MS = 20;
export const DEFAULT_NOTIFICATIONS = 2;

/** The stream config with every default filled in: the profile decides what the user left open. */
export interface ResolvedStreamConfig {
  requestedBufferBytes: number;
  notifications: number;
  /** The profile's name (what summaries and traces show). */
  profile: string;
  driverProfile: DriverProfile;
  underflowPolicy: UnderflowPolicy;
  eosSilenceFill: boolean;
  fifoBytes: number;
  chipsetDelayIn100ns: number;
  codecDelayIn100ns: number;
}

export function resolveStreamConfig(config: StreamConfig, format: AudioFormat): ResolvedStreamConfig {
  const driverProfile = resolveProfile(config.profile);
  const fifoProblem = fifoBytesProblem(config.fifoBytes, format);
  if (fifoProblem) throw new UsageError(`--fifo-bytes ${fifoProblem}`);
  if (config.bufferBytes !== undefined && config.bufferMs !== undefined) {
    throw new UsageError('give either a buffer size in bytes or in milliseconds, not both');
  }
  const notifications = config.notifications ?? DEFAULT_NOTIFICATIONS;
  // a duration that rounds below one frame per packet (very low rates) still gets the smallest working buffer
  const framesForDuration = Math.max(notifications, Math.round(((config.bufferMs ?? DEFAULT_BUFFER_MS) * format.sampleRate) / 1000));
  const requestedBufferBytes = config.bufferBytes ?? framesForDuration * format.blockAlign;
  return {
    requestedBufferBytes,
    notifications,
    profile: driverProfile.name,
    driverProfile,
    // what the user left open, the profile decides
    underflowPolicy: config.underflowPolicy ?? driverProfile.choices.underflow,
    eosSilenceFill: config.eosSilenceFill ?? driverProfile.choices.eosSilenceFill,
    fifoBytes: config.fifoBytes ?? 0,
    chipsetDelayIn100ns: config.chipsetDelayIn100ns ?? 0,
    codecDelayIn100ns: config.codecDelayIn100ns ?? 0,
  };
}

/** Why a FIFO size is refused ("must be …"), or null: the FIFO reads whole frames past the EOS point. */
export function fifoBytesProblem(fifoBytes: number | undefined, format: AudioFormat): string | null {
  if (fifoBytes === undefined) return null;
  if (!Number.isInteger(fifoBytes) || fifoBytes < 0 || fifoBytes % format.blockAlign !== 0) {
    return `must be a whole number of ${format.blockAlign}-byte frames (${format.channels} ch × ${format.bitsPerSample / 8} bytes), got ${fifoBytes}`;
  }
  return null;
}

export function streamOptionsFor(config: ResolvedStreamConfig): StreamOptions {
  return {
    profile: config.driverProfile,
    underflowPolicy: config.underflowPolicy,
    eosSilenceFill: config.eosSilenceFill,
    hwLatency: {
      fifoSizeInBytes: config.fifoBytes,
      chipsetDelayIn100ns: config.chipsetDelayIn100ns,
      codecDelayIn100ns: config.codecDelayIn100ns,
    },
  };
}

/** Who feeds the stream: the packet-mode render client (default), or a legacy waveOut application (DESIGN §8). */
export type ClientConfig = { kind: 'packet' } | WaveOutClientConfig;

export interface WaveOutClientConfig {
  kind: 'waveout';
  /** Bytes per WAVEHDR, whole frames (default: 50 ms of audio). */
  wavehdrBytes?: number;
  /** WAVEHDRs the application cycles through (default 4). */
  wavehdrs?: number;
  /** The application's delay between a WOM_DONE and the refilled header's write (default 0). */
  refillLatency?: LatencySpec;
  /** Seed of the refill latency. */
  seed?: number;
}

/** What carries the DMA output to the sink: directly (default), or a USB isochronous OUT pipe (DESIGN §9). */
export type TransportConfig = { kind: 'direct' } | ({ kind: 'usb' } & UsbConfig);

export const DEFAULT_WAVEHDRS = 4;
export const DEFAULT_WAVEHDR_MS = 50;

export interface ResolvedWaveOutConfig {
  wavehdrBytes: number;
  wavehdrs: number;
  refillLatency: LatencySpec;
  seed: number;
}

export function resolveWaveOutConfig(config: WaveOutClientConfig, format: AudioFormat): ResolvedWaveOutConfig {
  const wavehdrBytes = config.wavehdrBytes ?? Math.max(1, Math.round((DEFAULT_WAVEHDR_MS * format.sampleRate) / 1000)) * format.blockAlign;
  if (!Number.isInteger(wavehdrBytes) || wavehdrBytes < format.blockAlign || wavehdrBytes % format.blockAlign !== 0) {
    throw new UsageError(`--wavehdr-bytes must be a whole number of ${format.blockAlign}-byte frames, got '${wavehdrBytes}'`);
  }
  const wavehdrs = config.wavehdrs ?? DEFAULT_WAVEHDRS;
  if (!Number.isInteger(wavehdrs) || wavehdrs < 1) throw new UsageError(`--wavehdrs must be a whole number of at least 1, got '${wavehdrs}'`);
  return { wavehdrBytes, wavehdrs, refillLatency: config.refillLatency ?? { kind: 'fixed', valueNs: 0 }, seed: config.seed ?? 1 };
}
