// Every WAV input case of DESIGN §12, good and bad, as deterministic bytes plus what reading them must give (npm run fixtures writes them).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pcmFormat, type WavFormat } from '../../src/wav/index.js';
import { ascii, chunk, concat, ds64Body, factChunk, fixtureAudio, fmtBody, fmtBodyFor, riff, simpleWav } from './wav-bytes.js';

export interface WavCase {
  /** File name without `.wav`. */
  name: string;
  good: boolean;
  /** What the case is about, one line. */
  description: string;
  /** Good cases: the format the reader must report. */
  format?: WavFormat;
  /** Good cases: WavReader.frameCount after open (null when the reader streams until end of file). */
  frameCount?: number | null;
  /** Good cases: frames read() delivers before returning 0; the audio is fixtureAudio(format, framesRead). */
  framesRead?: number;
  /** Good cases: a substring of each warning the reader must give by the end of the data (none when absent). */
  warningsInclude?: string[];
  /** Bad cases: a substring of the WavFormatError message (which also starts with the file's path). */
  errorIncludes?: string;
  /** The complete file. */
  bytes: Uint8Array;
}

interface GoodSpec {
  name: string;
  description: string;
  format: WavFormat;
  frames: number;
  build?: (format: WavFormat, audio: Uint8Array) => Uint8Array;
  frameCount?: number | null;
  warningsInclude?: string[];
}

function good(spec: GoodSpec): WavCase {
  const audio = fixtureAudio(spec.format, spec.frames);
  const bytes = (spec.build ?? simpleWav)(spec.format, audio);
  return {
    name: spec.name, good: true, description: spec.description, format: spec.format,
    frameCount: spec.frameCount === undefined ? spec.frames : spec.frameCount, framesRead: spec.frames,
    ...(spec.warningsInclude !== undefined ? { warningsInclude: spec.warningsInclude } : {}),
    bytes,
  };
}

function bad(name: string, description: string, errorIncludes: string, bytes: Uint8Array): WavCase {
  return { name, good: false, description, errorIncludes, bytes };
}

const stereo16 = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
const fmtStereo16 = chunk('fmt ', fmtBodyFor(stereo16));
const someAudio = fixtureAudio(stereo16, 64);

/** A bext chunk of the EBU Tech 3285 size (602 bytes), with a description and a fixed origination date. */
function bextBody(): Uint8Array {
  const body = new Uint8Array(602);
  body.set(ascii('wavert fixture: broadcast wave'), 0);
  body.set(ascii('wavert'), 256);
  body.set(ascii('2020-01-0100:00:00'), 320);
  return body;
}

function listInfoBody(text: string): Uint8Array {
  const value = concat([ascii(text), new Uint8Array(1)]);
  return concat([ascii('INFO'), chunk('INAM', value)]);
}

function buildCases(): WavCase[] {
  return [
    good({ name: 'pcm8-mono-8000', description: '8-bit unsigned PCM, mono, 8000 Hz', format: pcmFormat({ channels: 1, sampleRate: 8000, bitsPerSample: 8 }), frames: 1000 }),
    good({ name: 'pcm8-stereo-22050', description: '8-bit unsigned PCM, stereo, 22050 Hz', format: pcmFormat({ channels: 2, sampleRate: 22050, bitsPerSample: 8 }), frames: 2205 }),
    good({ name: 'pcm16-mono-44100', description: '16-bit PCM, mono, 44100 Hz', format: pcmFormat({ channels: 1, sampleRate: 44100, bitsPerSample: 16 }), frames: 2205 }),
    good({ name: 'pcm16-stereo-48000', description: '16-bit PCM, stereo, 48000 Hz', format: stereo16, frames: 2400 }),
    good({ name: 'pcm16-stereo-96000', description: '16-bit PCM, stereo, 96000 Hz', format: pcmFormat({ channels: 2, sampleRate: 96000, bitsPerSample: 16 }), frames: 4800 }),
    good({ name: 'pcm24-stereo-48000', description: '24-bit PCM, stereo, 48000 Hz', format: pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 24 }), frames: 2400 }),
    good({ name: 'pcm32-stereo-44100', description: '32-bit PCM, stereo, 44100 Hz', format: pcmFormat({ channels: 2, sampleRate: 44100, bitsPerSample: 32 }), frames: 2205 }),
    good({ name: 'float32-stereo-48000', description: 'IEEE float 32-bit (format tag 3, 18-byte fmt, fact chunk), stereo, 48000 Hz', format: pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 32, encoding: 'float' }), frames: 2400 }),
    good({ name: 'float64-mono-96000', description: 'IEEE float 64-bit, mono, 96000 Hz', format: pcmFormat({ channels: 1, sampleRate: 96000, bitsPerSample: 64, encoding: 'float' }), frames: 2400 }),
    good({
      name: 'float32-stereo-no-fact', description: 'IEEE float 32-bit with a 16-byte fmt and no fact chunk (seen in the wild)',
      format: pcmFormat({ channels: 2, sampleRate: 44100, bitsPerSample: 32, encoding: 'float' }), frames: 1000,
      build: (format, audio) => riff([chunk('fmt ', fmtBody({ formatTag: 3, channels: format.channels, sampleRate: format.sampleRate, bitsPerSample: 32, sizeInBytes: 16 })), chunk('data', audio)]),
    }),
    good({
      name: 'pcm16-fmt18-stereo', description: '16-bit PCM with an 18-byte fmt (cbSize 0)', format: pcmFormat({ channels: 2, sampleRate: 44100, bitsPerSample: 16 }), frames: 1000,
      build: (format, audio) => riff([chunk('fmt ', fmtBody({ formatTag: 1, channels: 2, sampleRate: format.sampleRate, bitsPerSample: 16, sizeInBytes: 18 })), chunk('data', audio)]),
    }),
    good({ name: 'extensible-pcm16-stereo', description: 'WAVE_FORMAT_EXTENSIBLE / PCM 16-bit, stereo (mask 0x3)', format: pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16, extensible: true }), frames: 2400 }),
    good({ name: 'extensible-pcm24-stereo-96000', description: 'WAVE_FORMAT_EXTENSIBLE / PCM 24-bit, stereo, 96000 Hz', format: pcmFormat({ channels: 2, sampleRate: 96000, bitsPerSample: 24, extensible: true }), frames: 2400 }),
    good({ name: 'extensible-pcm32-valid24', description: 'WAVE_FORMAT_EXTENSIBLE / PCM, 24 valid bits in a 32-bit container', format: pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 32, validBitsPerSample: 24, extensible: true }), frames: 2400 }),
    good({ name: 'extensible-float32-stereo', description: 'WAVE_FORMAT_EXTENSIBLE / IEEE float 32-bit, stereo, with fact', format: pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 32, encoding: 'float', extensible: true }), frames: 2400 }),
    good({ name: 'extensible-float64-mono', description: 'WAVE_FORMAT_EXTENSIBLE / IEEE float 64-bit, mono (mask 0x4)', format: pcmFormat({ channels: 1, sampleRate: 44100, bitsPerSample: 64, encoding: 'float', extensible: true }), frames: 1000 }),
    good({ name: 'pcm16-8ch-48000', description: '16-bit PCM, 8 channels (7.1, extensible mask 0x63F)', format: pcmFormat({ channels: 8, sampleRate: 48000, bitsPerSample: 16, extensible: true }), frames: 1200 }),
    good({ name: 'pcm16-6ch-plain', description: '16-bit PCM, 6 channels in a plain (non-extensible) header', format: pcmFormat({ channels: 6, sampleRate: 48000, bitsPerSample: 16 }), frames: 1200 }),
    good({ name: 'rate-1hz', description: '16-bit PCM mono at 1 Hz, the lowest sane rate', format: pcmFormat({ channels: 1, sampleRate: 1, bitsPerSample: 16 }), frames: 10 }),
    good({ name: 'rate-768000', description: '16-bit PCM mono at 768000 Hz, the highest supported rate', format: pcmFormat({ channels: 1, sampleRate: 768000, bitsPerSample: 16 }), frames: 7680 }),
    good({
      name: 'junk-before-fmt', description: 'a JUNK chunk (alignment padding) before fmt', format: stereo16, frames: 2400,
      build: (format, audio) => riff([chunk('JUNK', new Uint8Array(28)), chunk('fmt ', fmtBodyFor(format)), chunk('data', audio)]),
    }),
    good({
      name: 'bext-list-before-fmt', description: 'broadcast wave: bext and LIST/INFO chunks before fmt', format: pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 24 }), frames: 1200,
      build: (format, audio) => riff([chunk('bext', bextBody()), chunk('LIST', listInfoBody('wavert fixture')), chunk('fmt ', fmtBodyFor(format)), chunk('data', audio)]),
    }),
    good({
      name: 'odd-chunk-pad', description: 'an odd-sized chunk (13 bytes) followed by its RIFF pad byte before data', format: stereo16, frames: 2400,
      build: (format, audio) => riff([chunk('fmt ', fmtBodyFor(format)), chunk('note', ascii('odd-size note')), chunk('data', audio)]),
    }),
    good({
      name: 'odd-data-pad-trailing', description: 'odd-sized data (8-bit mono, 1001 frames), pad byte, then a LIST chunk', format: pcmFormat({ channels: 1, sampleRate: 8000, bitsPerSample: 8 }), frames: 1001,
      build: (format, audio) => riff([chunk('fmt ', fmtBodyFor(format)), chunk('data', audio), chunk('LIST', listInfoBody('after data'))]),
    }),
    good({
      name: 'data-size-unknown', description: 'data size 0xFFFFFFFF (streamed writer): read until end of file', format: stereo16, frames: 2400, frameCount: null,
      warningsInclude: ['0xFFFFFFFF'],
      build: (format, audio) => riff([chunk('fmt ', fmtBodyFor(format)), chunk('data', audio, { declaredSizeInBytes: 0xffffffff })], { riffSizeInBytes: 0xffffffff }),
    }),
    good({
      name: 'data-size-larger-than-file', description: 'data declares 1000000 bytes, the file holds fewer: read until end of file', format: stereo16, frames: 2400, frameCount: null,
      warningsInclude: ['declares 1000000 bytes'],
      build: (format, audio) => riff([chunk('fmt ', fmtBodyFor(format)), chunk('data', audio, { declaredSizeInBytes: 1_000_000 })]),
    }),
    good({
      name: 'trailing-chunk-after-data', description: 'LIST and id3 chunks after data are not audio', format: stereo16, frames: 2400,
      build: (format, audio) => riff([chunk('fmt ', fmtBodyFor(format)), chunk('data', audio), chunk('LIST', listInfoBody('trailing')), chunk('id3 ', ascii('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000'))]),
    }),
    good({ name: 'empty-data', description: 'an empty data chunk: a valid stream of zero frames', format: stereo16, frames: 0 }),
    good({
      name: 'partial-trailing-frame', description: 'data holds 2400 frames and 2 more bytes: the partial frame is dropped with a warning', format: stereo16, frames: 2400,
      warningsInclude: ['partial frame of 2 bytes'],
      build: (format, audio) => riff([chunk('fmt ', fmtBodyFor(format)), chunk('data', concat([audio, Uint8Array.from([0x11, 0x22])]))]),
    }),
    good({
      name: 'partial-trailing-frame-unknown-size', description: 'data size 0xFFFFFFFF and 3 stray bytes at the end of the file', format: stereo16, frames: 2400, frameCount: null,
      warningsInclude: ['0xFFFFFFFF', 'partial frame of 3 bytes'],
      build: (format, audio) => riff([chunk('fmt ', fmtBodyFor(format)), chunk('data', concat([audio, Uint8Array.from([1, 2, 3])]), { declaredSizeInBytes: 0xffffffff, pad: false })], { riffSizeInBytes: 0xffffffff }),
    }),
    good({
      name: 'rf64-pcm16-stereo', description: 'RF64 with a ds64 chunk carrying the data size', format: stereo16, frames: 2400,
      build: (format, audio) => {
        const body = [chunk('fmt ', fmtBodyFor(format)), chunk('data', audio, { declaredSizeInBytes: 0xffffffff })];
        const riffSize = 4 + 8 + 28 + body.reduce((sum, part) => sum + part.length, 0);
        return riff([chunk('ds64', ds64Body({ riffSizeInBytes: riffSize, dataSizeInBytes: audio.length, sampleCount: audio.length / format.blockAlign })), ...body], { riffId: 'RF64', riffSizeInBytes: 0xffffffff });
      },
    }),
    good({
      name: 'riff-size-zero', description: 'a RIFF size of 0 (left unpatched by a streaming writer) is ignored', format: stereo16, frames: 1000,
      build: (format, audio) => riff([chunk('fmt ', fmtBodyFor(format)), chunk('data', audio)], { riffSizeInBytes: 0 }),
    }),
    good({
      name: 'wrong-byte-rate', description: 'a wrong byte rate in fmt is corrected with a warning', format: stereo16, frames: 1000,
      warningsInclude: ['bytes per second'],
      build: (format, audio) => riff([chunk('fmt ', fmtBody({ formatTag: 1, channels: 2, sampleRate: format.sampleRate, bitsPerSample: 16, byteRate: 12345 })), chunk('data', audio)]),
    }),

    bad('empty-file', 'a zero-byte file', 'is empty', new Uint8Array(0)),
    bad('not-riff', 'an Ogg header instead of RIFF', 'is not a RIFF/WAVE file', concat([ascii('OggS'), new Uint8Array(60)])),
    bad('riff-not-wave', 'a RIFF file of form type AVI', 'not "WAVE"', riff([chunk('avih', new Uint8Array(56))], { formType: 'AVI ' })),
    bad('rifx-big-endian', 'a big-endian RIFX file', 'big-endian RIFX', concat([ascii('RIFX'), new Uint8Array([0, 0, 0, 36]), ascii('WAVE')])),
    bad('truncated-riff-header', 'the file ends inside the 12-byte RIFF header', 'truncated header', ascii('RIFF\u0024\u0000\u0000\u0000WA')),
    bad('truncated-header', 'the file ends inside the fmt chunk', 'truncated header', riff([fmtStereo16]).slice(0, 12 + 8 + 10)),
    bad('truncated-chunk-header', 'the file ends inside a chunk header after fmt', 'inside a chunk header', concat([riff([fmtStereo16]), ascii('dat')])),
    bad('truncated-chunk-before-data', 'a LIST chunk declares more bytes than the file holds, before any data', 'the "LIST" chunk at offset 36 declares 4000 bytes', riff([fmtStereo16, chunk('LIST', new Uint8Array(100), { declaredSizeInBytes: 4000 })])),
    bad('no-fmt', 'a data chunk with no fmt chunk before it', 'no "fmt " chunk', riff([chunk('data', someAudio)])),
    bad('no-fmt-no-data', 'a WAVE file with only a LIST chunk', 'no "fmt " chunk', riff([chunk('LIST', listInfoBody('nothing'))])),
    bad('short-fmt', 'a fmt chunk of 14 bytes (the one that crashes the npm wav package)', 'shorter than the 16 bytes', riff([chunk('fmt ', fmtBody({ formatTag: 1, channels: 2, sampleRate: 48000, bitsPerSample: 16, sizeInBytes: 14 })), chunk('data', someAudio)])),
    bad('no-data', 'fmt and then the end of the file', 'no "data" chunk', riff([fmtStereo16])),
    bad('zero-channels', 'fmt declares 0 channels', 'zero channels', riff([chunk('fmt ', fmtBody({ formatTag: 1, channels: 0, sampleRate: 48000, bitsPerSample: 16 })), chunk('data', someAudio)])),
    bad('nine-channels', 'fmt declares 9 channels', '9 channels, more than the 8 supported', riff([chunk('fmt ', fmtBody({ formatTag: 1, channels: 9, sampleRate: 48000, bitsPerSample: 16 })), chunk('data', new Uint8Array(18 * 8))])),
    bad('zero-rate', 'fmt declares 0 Hz', 'sample rate of 0 Hz', riff([chunk('fmt ', fmtBody({ formatTag: 1, channels: 2, sampleRate: 0, bitsPerSample: 16 })), chunk('data', someAudio)])),
    bad('absurd-rate', 'fmt declares 4000000 Hz', 'absurd sample rate of 4000000 Hz', riff([chunk('fmt ', fmtBody({ formatTag: 1, channels: 2, sampleRate: 4_000_000, bitsPerSample: 16 })), chunk('data', someAudio)])),
    bad('bad-block-align', '16-bit stereo with a block align of 3', 'block align of 3 bytes', riff([chunk('fmt ', fmtBody({ formatTag: 1, channels: 2, sampleRate: 48000, bitsPerSample: 16, blockAlign: 3 })), chunk('data', someAudio)])),
    bad('unknown-encoding', 'MS ADPCM (format tag 0x0002)', 'format tag 0x0002', riff([chunk('fmt ', fmtBody({ formatTag: 2, channels: 2, sampleRate: 44100, bitsPerSample: 4, blockAlign: 1024, sizeInBytes: 50 })), chunk('data', someAudio)])),
    bad('mulaw', 'G.711 mu-law (format tag 0x0007)', 'format tag 0x0007, WAVE_FORMAT_MULAW', riff([chunk('fmt ', fmtBody({ formatTag: 7, channels: 1, sampleRate: 8000, bitsPerSample: 8 })), factChunk(64), chunk('data', new Uint8Array(64))])),
    bad('float-12-bit', 'IEEE float with 12 bits per sample', 'IEEE float with 12 bits', riff([chunk('fmt ', fmtBody({ formatTag: 3, channels: 1, sampleRate: 48000, bitsPerSample: 12, blockAlign: 2 })), chunk('data', someAudio)])),
    bad('float-16-bit', 'IEEE float with 16 bits per sample (half floats are not decoded)', 'IEEE float with 16 bits', riff([chunk('fmt ', fmtBody({ formatTag: 3, channels: 1, sampleRate: 48000, bitsPerSample: 16 })), chunk('data', someAudio)])),
    bad('pcm-12-bit', 'PCM with a 12-bit container', 'PCM with 12 bits', riff([chunk('fmt ', fmtBody({ formatTag: 1, channels: 1, sampleRate: 48000, bitsPerSample: 12, blockAlign: 2 })), chunk('data', someAudio)])),
    bad('extensible-short-fmt', 'WAVE_FORMAT_EXTENSIBLE with an 18-byte fmt', 'shorter than the 40 bytes', riff([chunk('fmt ', fmtBody({ formatTag: 0xfffe, channels: 2, sampleRate: 48000, bitsPerSample: 16, sizeInBytes: 18 })), chunk('data', someAudio)])),
    bad('extensible-unknown-subformat', 'WAVE_FORMAT_EXTENSIBLE with a sub-format GUID that is not KSDATAFORMAT', 'sub-format GUID', riff([chunk('fmt ', fmtBody({ formatTag: 0xfffe, channels: 2, sampleRate: 48000, bitsPerSample: 16, subFormatGuid: Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i) })), chunk('data', someAudio)])),
    bad('extensible-adpcm-subformat', 'WAVE_FORMAT_EXTENSIBLE with the ADPCM sub-format', 'sub-format (0x0002, WAVE_FORMAT_ADPCM)', riff([chunk('fmt ', fmtBody({ formatTag: 0xfffe, channels: 2, sampleRate: 48000, bitsPerSample: 16, subFormatTag: 2 })), chunk('data', someAudio)])),
    bad('extensible-valid-bits-too-large', '32 valid bits declared in a 24-bit container', '32 valid bits in a 24-bit container', riff([chunk('fmt ', fmtBody({ formatTag: 0xfffe, channels: 2, sampleRate: 48000, bitsPerSample: 24, validBitsPerSample: 32, channelMask: 3 })), chunk('data', new Uint8Array(60))])),
    bad('malformed-chunk-id', 'binary garbage where a chunk header should be', 'malformed chunk header at offset 36', riff([fmtStereo16, Uint8Array.from([0x00, 0xff, 0x13, 0x07, 8, 0, 0, 0]), chunk('data', someAudio)])),
  ];
}

export const wavCases: WavCase[] = buildCases();

export function wavCaseFileName(wavCase: WavCase): string {
  return `${wavCase.name}.wav`;
}

/** Writes every case as <dir>/<name>.wav (creating dir); returns the paths written. */
export function writeFixtures(dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return wavCases.map((wavCase) => {
    const file = path.join(dir, wavCaseFileName(wavCase));
    fs.writeFileSync(file, wavCase.bytes);
    return file;
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const outDir = process.argv[2];
  if (outDir === undefined) {
    process.stderr.write('usage: node dist/test/support/make-fixtures.js <outdir>\n');
    process.exitCode = 2;
  } else {
    const written = writeFixtures(outDir);
    process.stdout.write(`wrote ${written.length} WAV fixtures to ${outDir}\n`);
  }
}
