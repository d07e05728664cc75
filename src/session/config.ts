import { UsageError } from '../errors.js';
import type { AudioFormat, Profile, StreamOptions, UnderflowPolicy } from '../engine/index.js';

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
