// The external players: their argument arrays (format, rate, channels and buffer always explicit) and their stderr.
import type { PcmConversion } from './pcm.js';
import { ALSA_FORMAT, PIPEWIRE_FORMAT, PULSE_FORMAT } from './pcm.js';
import type { PlayerDialect } from './pipe-sink.js';

export const DEFAULT_LATENCY_MS = 500;

function exitSentence(command: string, code: number | null, signal: NodeJS.Signals | null, lastLines: string[], hint: string): string {
  const said = lastLines.length > 0 ? `: ${lastLines[lastLines.length - 1]}` : '';
  if (signal !== null) return `${command} was killed by ${signal} while playing${said}.`;
  if (code === 0) return `${command} stopped before the end of the stream${said}.`;
  return `${command} exited with code ${code}${said}${hint}.`;
}

export const pacatDialect: PlayerDialect = {
  underrunPattern: /Stream underrun/i,
  sinkTimePattern: /^Time: ([0-9.]+) sec; Latency/,
  describeExit: (code, signal, lastLines) =>
    exitSentence('pacat', code, signal, lastLines, lastLines.some((line) => /Connection (failure|refused)/i.test(line)) ? ' (is a PulseAudio server running?)' : ''),
};

export const aplayDialect: PlayerDialect = {
  underrunPattern: /underrun/i,
  sinkTimePattern: undefined,
  describeExit: (code, signal, lastLines) =>
    exitSentence('aplay', code, signal, lastLines, lastLines.some((line) => /audio open error/i.test(line)) ? ' (no usable ALSA device)' : ''),
};

export const pwcatDialect: PlayerDialect = {
  underrunPattern: /underrun|xrun/i,
  sinkTimePattern: undefined,
  describeExit: (code, signal, lastLines) =>
    exitSentence('pw-cat', code, signal, lastLines, lastLines.some((line) => /connect|refused|no such file/i.test(line)) ? ' (is a PipeWire server running?)' : ''),
};

export function pacatArgs(conversion: PcmConversion, latencyMs: number, device: string | undefined): string[] {
  const args = [
    '--playback',
    '--raw',
    '--verbose',
    `--format=${PULSE_FORMAT[conversion.sampleKind]}`,
    `--rate=${conversion.input.sampleRate}`,
    `--channels=${conversion.input.channels}`,
    `--latency-msec=${latencyMs}`,
    '--client-name=wavert',
    '--stream-name=wavert play',
  ];
  if (device !== undefined) args.push(`--device=${device}`);
  return args;
}

export function aplayArgs(conversion: PcmConversion, latencyMs: number, device: string | undefined): string[] {
  const args = [
    '-q',
    '-t', 'raw',
    '-f', ALSA_FORMAT[conversion.sampleKind],
    '-r', String(conversion.input.sampleRate),
    '-c', String(conversion.input.channels),
    '-B', String(latencyMs * 1000),
  ];
  if (device !== undefined) args.push('-D', device);
  args.push('-');
  return args;
}

export function pwcatArgs(conversion: PcmConversion, latencyMs: number, device: string | undefined): string[] {
  const args = [
    '--playback',
    '--raw',
    '--format', PIPEWIRE_FORMAT[conversion.sampleKind],
    '--rate', String(conversion.input.sampleRate),
    '--channels', String(conversion.input.channels),
    '--latency', `${latencyMs}ms`,
  ];
  if (device !== undefined) args.push('--target', device);
  args.push('-');
  return args;
}
