// The PCM a sink receives, and the names each external player gives to it.
import { SinkError } from '../errors.js';

/** The fields of the WAV module's WavFormat that a sink needs (WavFormat is assignable to it). */
export interface SinkPcmFormat {
  encoding: 'pcm' | 'float';
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
}

export type SampleKind = 'u8' | 's16le' | 's24le' | 's32le' | 'float32le';

/** How the DMA's bytes become the bytes a player is given: as they are, or 64-bit float narrowed to 32-bit. */
export interface PcmConversion {
  input: SinkPcmFormat;
  sampleKind: SampleKind;
  outputBlockAlign: number;
  /** A sentence for the user when the sink does not get the exact bytes, else undefined. */
  note: string | undefined;
}

export function planConversion(format: SinkPcmFormat): PcmConversion {
  const containerBytes = format.bitsPerSample / 8;
  if (format.encoding === 'float') {
    if (format.bitsPerSample === 32) return { input: format, sampleKind: 'float32le', outputBlockAlign: format.blockAlign, note: undefined };
    if (format.bitsPerSample === 64) {
      return {
        input: format,
        sampleKind: 'float32le',
        outputBlockAlign: format.channels * 4,
        note: '64-bit float samples are converted to 32-bit float for the sink (no player takes 64-bit float on a pipe).',
      };
    }
  } else {
    const kind: SampleKind | undefined = ({ 1: 'u8', 2: 's16le', 3: 's24le', 4: 's32le' } as const)[containerBytes as 1 | 2 | 3 | 4];
    if (kind !== undefined && Number.isInteger(containerBytes)) return { input: format, sampleKind: kind, outputBlockAlign: format.blockAlign, note: undefined };
  }
  throw new SinkError(`no sink can play ${format.encoding} samples of ${format.bitsPerSample} bits.`);
}

/** pacat --format names. */
export const PULSE_FORMAT: Record<SampleKind, string> = { u8: 'u8', s16le: 's16le', s24le: 's24le', s32le: 's32le', float32le: 'float32le' };
/** aplay -f names (S24_3LE is the packed 3-byte container a WAV file uses). */
export const ALSA_FORMAT: Record<SampleKind, string> = { u8: 'U8', s16le: 'S16_LE', s24le: 'S24_3LE', s32le: 'S32_LE', float32le: 'FLOAT_LE' };
/** pw-cat --format names. */
export const PIPEWIRE_FORMAT: Record<SampleKind, string> = { u8: 'u8', s16le: 's16', s24le: 's24', s32le: 's32', float32le: 'f32' };

/** The byte that means silence in this format (0x80 for unsigned 8-bit, else 0). */
export function silenceByteOf(sampleKind: SampleKind): number {
  return sampleKind === 'u8' ? 0x80 : 0;
}

/** Copies bytes between byte arrays without making a view (Buffer's native copy accepts any Uint8Array). */
export function copyBytes(source: Uint8Array, sourceStart: number, sourceEnd: number, target: Uint8Array, targetStart: number): number {
  return Buffer.prototype.copy.call(source, target, targetStart, sourceStart, sourceEnd);
}

/** Narrows 64-bit float samples to 32-bit float, index by index; both views are made once by the caller. */
export function narrowFloat64(source: Float64Array, sourceIndex: number, target: Float32Array, targetIndex: number, sampleCount: number): void {
  for (let index = 0; index < sampleCount; index++) target[targetIndex + index] = source[sourceIndex + index]!;
}
