import { UsageError } from '../errors.js';
import type { AudioFormat, Profile, StreamOptions, UnderflowPolicy } from '../engine/index.js';
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
  profile?: Profile;
}

export const DEFAULT_BUFFER_MS = 20;
export const DEFAULT_NOTIFICATIONS = 2;

/** The stream config with every default filled in: the profile decides what the user left open. */
export interface ResolvedStreamConfig {
  requestedBufferBytes: number;
  notifications: number;
  profile: Profile;
  underflowPolicy: UnderflowPolicy;
  eosSilenceFill: boolean;
  fifoBytes: number;
  chipsetDelayIn100ns: number;
  codecDelayIn100ns: number;
}

export function resolveStreamConfig(config: StreamConfig, format: AudioFormat): ResolvedStreamConfig {
  const profile = config.profile ?? 'doc';
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
    profile,
    underflowPolicy: config.underflowPolicy ?? 'repeat',
    // the reference driver does not silence-fill after EOS
    eosSilenceFill: config.eosSilenceFill ?? profile === 'doc',
    fifoBytes: config.fifoBytes ?? 0,
    chipsetDelayIn100ns: config.chipsetDelayIn100ns ?? 0,
    codecDelayIn100ns: config.codecDelayIn100ns ?? 0,
  };
}

export function streamOptionsFor(config: ResolvedStreamConfig): StreamOptions {
  return {
    profile: config.profile,
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
