// `wavert info <file.wav> [--json]`: what the WAV reader sees in a file, including its warnings.
import type { Command } from 'commander';
import type { CliIo } from './io.js';
import type { SetExitCode } from './commands.js';
import { Diagnostics } from './diagnostics.js';
import { addExamples } from './examples.js';
import { addVerbosityOptions, logLevelFromOptions, type VerbosityOptionValues } from './verbosity.js';
// the reader and the format names only: info never writes a WAV
import { channelMaskDescription, formatDescription, formatTagDescription, formatTagOf, type WavFormat } from '../wav/format.js';
import { WavReader, type WavChunkInfo } from '../wav/reader.js';

export interface InfoOptions extends VerbosityOptionValues {
  json?: boolean;
}

export interface WavInfo {
  file: string;
  formatTag: number;
  /** "WAVE_FORMAT_PCM", "WAVE_FORMAT_EXTENSIBLE / KSDATAFORMAT_SUBTYPE_IEEE_FLOAT", ... */
  formatName: string;
  description: string;
  encoding: WavFormat['encoding'];
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  validBitsPerSample: number;
  blockAlign: number;
  extensible: boolean;
  channelMask: number;
  /** Speaker names of the mask ("FL FR"), empty when there is no mask. */
  channelLayout: string;
  /** Whole frames of audio (counted by reading when the header does not say). */
  frameCount: number;
  /** Whether the header gave the length, or the reader streamed until end of file to count. */
  frameCountSource: 'header' | 'counted';
  durationMs: number;
  /** h:mm:ss.mmm, truncated to the millisecond. */
  duration: string;
  dataOffset: number;
  declaredDataSizeInBytes: number;
  chunks: WavChunkInfo[];
  warnings: string[];
}

const READ_PIECE_BYTES = 64 * 1024;

/** h:mm:ss.mmm for a whole number of milliseconds. */
export function formatDurationMs(durationMs: number): string {
  const ms = durationMs % 1000;
  const totalSeconds = Math.floor(durationMs / 1000);
  const seconds = totalSeconds % 60;
  const minutes = Math.floor(totalSeconds / 60) % 60;
  const hours = Math.floor(totalSeconds / 3600);
  return `${hours}:${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}.${String(ms).padStart(3, '0')}`;
}

/** Reads the header and, when needed, streams through the data (bounded memory) to count frames and find late warnings. */
export function inspectWav(file: string): WavInfo {
  const reader = WavReader.open(file);
  try {
    let frameCount = reader.frameCount;
    let frameCountSource: WavInfo['frameCountSource'] = 'header';
    if (frameCount === null || !reader.seekable) {
      const piece = new Uint8Array(READ_PIECE_BYTES - (READ_PIECE_BYTES % reader.format.blockAlign));
      let bytes = 0;
      for (let got = reader.read(piece); got > 0; got = reader.read(piece)) bytes += got;
      frameCount = bytes / reader.format.blockAlign;
      frameCountSource = 'counted';
    }
    const format = reader.format;
    const durationMs = Number((BigInt(frameCount) * 1000n) / BigInt(format.sampleRate));
    return {
      file: reader.label,
      formatTag: formatTagOf(format),
      formatName: formatTagDescription(format),
      description: formatDescription(format),
      encoding: format.encoding,
      channels: format.channels,
      sampleRate: format.sampleRate,
      bitsPerSample: format.bitsPerSample,
      validBitsPerSample: format.validBitsPerSample,
      blockAlign: format.blockAlign,
      extensible: format.extensible,
      channelMask: format.channelMask,
      channelLayout: channelMaskDescription(format.channelMask),
      frameCount,
      frameCountSource,
      durationMs,
      duration: formatDurationMs(durationMs),
      dataOffset: reader.dataOffset,
      declaredDataSizeInBytes: reader.declaredDataSizeInBytes,
      chunks: reader.chunks.map((c) => ({ id: c.id, offset: c.offset, sizeInBytes: c.sizeInBytes })),
      warnings: [...reader.warnings],
    };
  } finally {
    reader.close();
  }
}

function hex(value: number, digits: number): string {
  return `0x${value.toString(16).toUpperCase().padStart(digits, '0')}`;
}

export function infoText(info: WavInfo): string {
  const lines = [
    `file:          ${info.file}`,
    `format:        ${info.formatName} (format tag ${hex(info.formatTag, 4)})`,
    `description:   ${info.description}`,
    `channels:      ${info.channels}`,
    `sample rate:   ${info.sampleRate} Hz`,
    `bits:          ${info.bitsPerSample} (valid ${info.validBitsPerSample})`,
    `block align:   ${info.blockAlign} bytes`,
    `channel mask:  ${info.extensible ? `${hex(info.channelMask, 8)}${info.channelLayout !== '' ? ` (${info.channelLayout})` : ''}` : 'none (not extensible)'}`,
    `frames:        ${info.frameCount}${info.frameCountSource === 'counted' ? ' (counted to the end of the file)' : ''}`,
    `duration:      ${info.duration}`,
    `data:          offset ${info.dataOffset}, declared ${info.declaredDataSizeInBytes === 0xffffffff ? '0xFFFFFFFF (unknown)' : `${info.declaredDataSizeInBytes} bytes`}`,
    'chunks:',
    ...info.chunks.map((c) => `  ${JSON.stringify(c.id).padEnd(7)} offset ${String(c.offset).padStart(10)}  size ${c.sizeInBytes}`),
    `warnings:      ${info.warnings.length === 0 ? 'none' : ''}`.trimEnd(),
    ...info.warnings.map((w) => `  - ${w}`),
  ];
  return `${lines.join('\n')}\n`;
}

export async function infoCommand(file: string, options: InfoOptions, io: CliIo): Promise<number> {
  const diagnostics = new Diagnostics(io, logLevelFromOptions(options));
  // process.hrtime, not performance: the global performance loads perf_hooks (8 modules) on first use
  const startedNs = process.hrtime.bigint();
  const info = inspectWav(file);
  diagnostics.debug(`read ${info.file} in ${(Number(process.hrtime.bigint() - startedNs) / 1e6).toFixed(1)} ms (frames ${info.frameCountSource === 'header' ? 'from the header' : 'counted by reading to the end'})`);
  io.stdout.write(options.json === true ? `${JSON.stringify(info)}\n` : infoText(info));
  return 0;
}

export function registerInfo(program: Command, io: CliIo, setExitCode: SetExitCode): void {
  const command = program
    .command('info')
    .description('show the format, chunks, frames, duration and warnings of a WAV file (- = stdin)')
    .argument('<file>', 'WAV file, or - for stdin')
    .option('--json', 'print one JSON object instead of text');
  addExamples(addVerbosityOptions(command, 'nothing more (info prints only what it found)'), [
    { commandLine: 'info song.wav', what: 'format, sub-format, frames, duration, every chunk and the warnings' },
    { commandLine: 'info song.wav --json | jq .frameCount', what: 'one field, for scripts' },
    { commandLine: 'info - < song.wav', what: 'a WAV on stdin (the frames are counted by reading it)' },
  ])
    .action(async (file: string, options: InfoOptions) => {
      setExitCode(await infoCommand(file, options, io));
    });
}
