// The decoded WAV format: what a frame looks like, independent of how the header spelled it.

export type SampleEncoding = 'pcm' | 'float';

export interface WavFormat {
  /** pcm: 8-bit unsigned, 16/24/32-bit signed little-endian; float: IEEE 754 32/64-bit little-endian. */
  encoding: SampleEncoding;
  channels: number;
  sampleRate: number;
  /** Container bits per sample. */
  bitsPerSample: number;
  /** Bits that carry signal; equals bitsPerSample unless WAVE_FORMAT_EXTENSIBLE says otherwise. */
  validBitsPerSample: number;
  /** Bytes per frame. */
  blockAlign: number;
  extensible: boolean;
  /** Speaker positions (dwChannelMask); 0 when not extensible. */
  channelMask: number;
}

export const WAVE_FORMAT_PCM = 0x0001;
export const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export const MIN_CHANNELS = 1;
export const MAX_CHANNELS = 8;
export const MIN_SAMPLE_RATE_HZ = 1;
export const MAX_SAMPLE_RATE_HZ = 768_000;

export const PCM_BITS: readonly number[] = [8, 16, 24, 32];
export const FLOAT_BITS: readonly number[] = [32, 64];

/** Names of format tags people meet in the wild, so an unsupported one can be named in the error. */
const knownFormatTagNames: ReadonlyMap<number, string> = new Map([
  [0x0001, 'WAVE_FORMAT_PCM'],
  [0x0002, 'WAVE_FORMAT_ADPCM'],
  [0x0003, 'WAVE_FORMAT_IEEE_FLOAT'],
  [0x0006, 'WAVE_FORMAT_ALAW'],
  [0x0007, 'WAVE_FORMAT_MULAW'],
  [0x0011, 'WAVE_FORMAT_DVI_ADPCM'],
  [0x0031, 'WAVE_FORMAT_GSM610'],
  [0x0050, 'WAVE_FORMAT_MPEG'],
  [0x0055, 'WAVE_FORMAT_MPEGLAYER3'],
  [0x0092, 'WAVE_FORMAT_DOLBY_AC3_SPDIF'],
  [0x00ff, 'WAVE_FORMAT_RAW_AAC1'],
  [0x0161, 'WAVE_FORMAT_WMAUDIO2'],
  [0x2000, 'WAVE_FORMAT_DVM'],
  [0xfffe, 'WAVE_FORMAT_EXTENSIBLE'],
]);

export function formatTagName(formatTag: number): string | undefined {
  return knownFormatTagNames.get(formatTag);
}

export function hex16(value: number): string {
  return `0x${value.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** The format tag a writer puts in the header for this format. */
export function formatTagOf(format: WavFormat): number {
  if (format.extensible) return WAVE_FORMAT_EXTENSIBLE;
  return format.encoding === 'float' ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM;
}

/** "WAVE_FORMAT_PCM", or "WAVE_FORMAT_EXTENSIBLE / KSDATAFORMAT_SUBTYPE_IEEE_FLOAT". */
export function formatTagDescription(format: WavFormat): string {
  if (format.extensible) {
    return `WAVE_FORMAT_EXTENSIBLE / ${format.encoding === 'float' ? 'KSDATAFORMAT_SUBTYPE_IEEE_FLOAT' : 'KSDATAFORMAT_SUBTYPE_PCM'}`;
  }
  return format.encoding === 'float' ? 'WAVE_FORMAT_IEEE_FLOAT' : 'WAVE_FORMAT_PCM';
}

/** The value of a silent sample byte: unsigned 8-bit PCM is centred on 0x80, everything else on 0. */
export function silenceByte(format: WavFormat): number {
  return format.encoding === 'pcm' && format.bitsPerSample === 8 ? 0x80 : 0;
}

/** "PCM 16-bit, 2 ch, 48000 Hz", "PCM 24-bit (20 valid, extensible), 2 ch, 96000 Hz", "IEEE float 32-bit (extensible), 2 ch, 48000 Hz". */
export function formatDescription(format: WavFormat): string {
  const kind = format.encoding === 'float' ? 'IEEE float' : 'PCM';
  const notes: string[] = [];
  if (format.validBitsPerSample !== format.bitsPerSample) notes.push(`${format.validBitsPerSample} valid`);
  if (format.extensible) notes.push('extensible');
  const noteText = notes.length > 0 ? ` (${notes.join(', ')})` : '';
  return `${kind} ${format.bitsPerSample}-bit${noteText}, ${format.channels} ch, ${format.sampleRate} Hz`;
}

const speakerNames = ['FL', 'FR', 'FC', 'LFE', 'BL', 'BR', 'FLC', 'FRC', 'BC', 'SL', 'SR', 'TC', 'TFL', 'TFC', 'TFR', 'TBL', 'TBC', 'TBR'];

/** "FL FR FC LFE BL BR" for 0x3F; bits beyond the defined speakers are shown as hex. */
export function channelMaskDescription(channelMask: number): string {
  const names: string[] = [];
  for (let bit = 0; bit < speakerNames.length; bit++) {
    if ((channelMask >>> bit) & 1) names.push(speakerNames[bit] as string);
  }
  const unknownBits = (channelMask >>> 0) & ~((1 << speakerNames.length) - 1);
  if (unknownBits !== 0) names.push(hex32(unknownBits));
  return names.join(' ');
}

/** The usual KSAUDIO_SPEAKER_* layout for a channel count (mono is front centre). */
export function defaultChannelMask(channels: number): number {
  switch (channels) {
    case 1: return 0x4;
    case 2: return 0x3;
    case 3: return 0x7;
    case 4: return 0x33;
    case 5: return 0x37;
    case 6: return 0x3f;
    case 7: return 0x13f;
    case 8: return 0x63f;
    default: return 0;
  }
}

export function countBits(value: number): number {
  let count = 0;
  for (let rest = value >>> 0; rest !== 0; rest >>>= 1) count += rest & 1;
  return count;
}

/** Why these header fields cannot describe a stream this project decodes, or undefined when they can. */
export function formatProblem(format: WavFormat): string | undefined {
  if (!Number.isInteger(format.channels) || format.channels < MIN_CHANNELS) return 'has zero channels';
  if (format.channels > MAX_CHANNELS) return `has ${format.channels} channels, more than the ${MAX_CHANNELS} supported`;
  if (!Number.isInteger(format.sampleRate) || format.sampleRate < MIN_SAMPLE_RATE_HZ) return `has a sample rate of ${format.sampleRate} Hz, which is impossible`;
  if (format.sampleRate > MAX_SAMPLE_RATE_HZ) return `has an absurd sample rate of ${format.sampleRate} Hz (supported: ${MIN_SAMPLE_RATE_HZ} to ${MAX_SAMPLE_RATE_HZ} Hz)`;
  const allowedBits = format.encoding === 'float' ? FLOAT_BITS : PCM_BITS;
  if (!allowedBits.includes(format.bitsPerSample)) {
    const kind = format.encoding === 'float' ? 'IEEE float' : 'PCM';
    return `declares ${kind} with ${format.bitsPerSample} bits per sample, but ${kind} needs ${allowedBits.join(', ').replace(/, (\d+)$/, ' or $1')}`;
  }
  if (!Number.isInteger(format.validBitsPerSample) || format.validBitsPerSample < 1 || format.validBitsPerSample > format.bitsPerSample) {
    return `declares ${format.validBitsPerSample} valid bits in a ${format.bitsPerSample}-bit container`;
  }
  const expectedBlockAlign = format.channels * (format.bitsPerSample / 8);
  if (format.blockAlign !== expectedBlockAlign) {
    return `has a block align of ${format.blockAlign} bytes, but ${format.channels} channel${format.channels === 1 ? '' : 's'} of ${format.bitsPerSample}-bit samples need ${expectedBlockAlign}`;
  }
  return undefined;
}

/** Builds a consistent format; throws RangeError for a combination no WAV can carry (a programming error, not bad input). */
export function pcmFormat(o: { channels: number; sampleRate: number; bitsPerSample: number; encoding?: SampleEncoding; extensible?: boolean; validBitsPerSample?: number; channelMask?: number }): WavFormat {
  const extensible = o.extensible ?? false;
  const format: WavFormat = {
    encoding: o.encoding ?? 'pcm',
    channels: o.channels,
    sampleRate: o.sampleRate,
    bitsPerSample: o.bitsPerSample,
    validBitsPerSample: o.validBitsPerSample ?? o.bitsPerSample,
    blockAlign: o.channels * (o.bitsPerSample / 8),
    extensible,
    channelMask: extensible ? (o.channelMask ?? defaultChannelMask(o.channels)) : 0,
  };
  const problem = formatProblem(format);
  if (problem !== undefined) throw new RangeError(`pcmFormat: the format ${problem}`);
  if (!extensible && format.validBitsPerSample !== format.bitsPerSample) {
    throw new RangeError('pcmFormat: valid bits different from container bits need extensible: true');
  }
  return format;
}
