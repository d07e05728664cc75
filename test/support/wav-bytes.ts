// Builders for WAV byte arrays, correct or deliberately broken, and the deterministic audio the fixtures carry.
import type { WavFormat } from '../../src/wav/index.js';

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0xff);
}

function u16(value: number): Uint8Array {
  const bytes = new Uint8Array(2);
  new DataView(bytes.buffer).setUint16(0, value, true);
  return bytes;
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value >>> 0, true);
  return bytes;
}

function u64(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(value), true);
  return bytes;
}

/** A chunk: id, size (declared, default the body length), body, and the RIFF pad byte when the body is odd (unless pad: false). */
export function chunk(id: string, body: Uint8Array, options: { declaredSizeInBytes?: number; pad?: boolean } = {}): Uint8Array {
  const padBytes = (options.pad ?? true) && body.length % 2 === 1 ? 1 : 0;
  return concat([ascii(id.padEnd(4, ' ').slice(0, 4)), u32(options.declaredSizeInBytes ?? body.length), body, new Uint8Array(padBytes)]);
}

/** A RIFF file around the given chunks; the RIFF size is correct unless overridden. */
export function riff(chunks: readonly Uint8Array[], options: { riffId?: string; formType?: string; riffSizeInBytes?: number } = {}): Uint8Array {
  const body = concat(chunks);
  return concat([ascii(options.riffId ?? 'RIFF'), u32(options.riffSizeInBytes ?? body.length + 4), ascii(options.formType ?? 'WAVE'), body]);
}

export interface FmtFields {
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign?: number;
  byteRate?: number;
  /** Present from 18 bytes on; extensible uses 22. */
  cbSize?: number;
  validBitsPerSample?: number;
  channelMask?: number;
  /** The sub-format as a format tag inside the KSDATAFORMAT GUID. */
  subFormatTag?: number;
  /** A whole 16-byte sub-format GUID, overriding subFormatTag. */
  subFormatGuid?: Uint8Array;
  /** Size of the fmt body: 16, 18 or 40 (or something broken); default by format tag. */
  sizeInBytes?: number;
}

const GUID_TAIL = Uint8Array.from([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]);

/** The body of a `fmt ` chunk; fields not given are made consistent with the ones given. */
export function fmtBody(fields: FmtFields): Uint8Array {
  const blockAlign = fields.blockAlign ?? fields.channels * Math.ceil(fields.bitsPerSample / 8);
  const size = fields.sizeInBytes ?? (fields.formatTag === 0xfffe ? 40 : fields.formatTag === 1 ? 16 : 18);
  const full = concat([
    u16(fields.formatTag), u16(fields.channels), u32(fields.sampleRate), u32(fields.byteRate ?? fields.sampleRate * blockAlign),
    u16(blockAlign), u16(fields.bitsPerSample),
    u16(fields.cbSize ?? (size >= 40 ? 22 : 0)),
    u16(fields.validBitsPerSample ?? fields.bitsPerSample), u32(fields.channelMask ?? 0),
    fields.subFormatGuid ?? concat([u16(fields.subFormatTag ?? 1), GUID_TAIL]),
  ]);
  return size <= full.length ? full.slice(0, size) : concat([full, new Uint8Array(size - full.length)]);
}

/** The `fmt ` body a careful writer produces for this format (16 bytes PCM, 18 float, 40 extensible). */
export function fmtBodyFor(format: WavFormat): Uint8Array {
  const formatTag = format.extensible ? 0xfffe : format.encoding === 'float' ? 3 : 1;
  return fmtBody({
    formatTag, channels: format.channels, sampleRate: format.sampleRate, bitsPerSample: format.bitsPerSample,
    validBitsPerSample: format.validBitsPerSample, channelMask: format.channelMask, subFormatTag: format.encoding === 'float' ? 3 : 1,
  });
}

export function factChunk(frameCount: number): Uint8Array {
  return chunk('fact', u32(frameCount));
}

export function ds64Body(o: { riffSizeInBytes: number; dataSizeInBytes: number; sampleCount: number }): Uint8Array {
  return concat([u64(o.riffSizeInBytes), u64(o.dataSizeInBytes), u64(o.sampleCount), u32(0)]);
}

/** A sawtooth in [-256, 255] with period 512 frames, offset by 97 frames per channel: frame f of channel c is recognisable. */
export function fixtureLevel(frameIndex: number, channel: number): number {
  return ((frameIndex + 97 * channel) % 512) - 256;
}

/** fixtureLevel encoded in the format, left-justified in its container (so valid bits < container bits leaves low bits zero). */
export function fixtureAudio(format: WavFormat, frameCount: number, firstFrameIndex = 0): Uint8Array {
  const bytesPerSample = format.bitsPerSample / 8;
  const out = new Uint8Array(frameCount * format.blockAlign);
  const view = new DataView(out.buffer);
  for (let frame = 0; frame < frameCount; frame++) {
    for (let channel = 0; channel < format.channels; channel++) {
      const level = fixtureLevel(firstFrameIndex + frame, channel);
      const at = frame * format.blockAlign + channel * bytesPerSample;
      if (format.encoding === 'float') {
        if (format.bitsPerSample === 32) view.setFloat32(at, level / 256, true);
        else view.setFloat64(at, level / 256, true);
        continue;
      }
      switch (format.bitsPerSample) {
        case 8: view.setUint8(at, 128 + (level >> 1)); break;
        case 16: view.setInt16(at, level * 128, true); break;
        case 24: {
          const value = level * 32768;
          view.setUint16(at, value & 0xffff, true);
          view.setInt8(at + 2, value >> 16);
          break;
        }
        default: view.setInt32(at, level * 8388608, true); break;
      }
    }
  }
  return out;
}

/** A plain, well-formed file: fmt (+ fact for non-PCM tags) + data. */
export function simpleWav(format: WavFormat, audio: Uint8Array): Uint8Array {
  const needsFact = format.extensible || format.encoding === 'float';
  return riff([
    chunk('fmt ', fmtBodyFor(format)),
    ...(needsFact ? [factChunk(Math.floor(audio.length / format.blockAlign))] : []),
    chunk('data', audio),
  ]);
}
