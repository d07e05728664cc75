// Choosing a sink: parse `--sink`, probe what works here (each probe in a child process), open, fall back.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SinkError, UsageError } from '../errors.js';
import { didYouMean } from '../text/suggest.js';
import type { WavFormat } from '../wav/index.js';
import { FileSink, NullSink } from './local-sinks.js';
import { planConversion, type PcmConversion } from './pcm.js';
import { PipeSink, type PipeSinkSpec, type PlayerDialect } from './pipe-sink.js';
import { aplayArgs, aplayDialect, DEFAULT_LATENCY_MS, pacatArgs, pacatDialect, pwcatArgs, pwcatDialect } from './players.js';
import { SPEAKER_ERROR_EXIT, SPEAKER_NOT_INSTALLED_EXIT, type SpeakerWorkerConfig } from './speaker-protocol.js';
import { AUTO_SINK_ORDER, type Sink, type SinkKind, type SinkOpenOptions, type SinkProbe } from './types.js';

export type SinkRequest = { kind: 'auto' } | { kind: Exclude<SinkKind, 'file'> } | { kind: 'file'; path: string };

const PROBE_TIMEOUT_MS = 5000;
const NAMED_KINDS: readonly string[] = ['speaker', 'pulse', 'pipewire', 'alsa', 'null'];

export function parseSinkSpec(text: string): SinkRequest {
  if (text === 'auto') return { kind: 'auto' };
  if (NAMED_KINDS.includes(text)) return { kind: text as Exclude<SinkKind, 'file'> };
  if (text.startsWith('file:') && text.length > 'file:'.length) return { kind: 'file', path: text.slice('file:'.length) };
  throw new UsageError(`--sink '${text}' is not a sink${didYouMean(text, ['auto', ...NAMED_KINDS])}: use auto, speaker, pulse, pipewire, alsa, null or file:PATH.`);
}

export function speakerWorkerPath(): string {
  return fileURLToPath(new URL('./speaker-worker.js', import.meta.url));
}

function speakerConfig(conversion: PcmConversion, device: string | undefined, probe: boolean): SpeakerWorkerConfig {
  const float = conversion.sampleKind === 'float32le';
  const bitDepth = { u8: 8, s16le: 16, s24le: 24, s32le: 32, float32le: 32 }[conversion.sampleKind];
  return { channels: conversion.input.channels, sampleRate: conversion.input.sampleRate, bitDepth, float, signed: bitDepth !== 8, device, probe };
}

/** The speaker addon's most telling line: ALSA's reason, or the worker's own sentence. */
function speakerReason(code: number | null, signal: NodeJS.Signals | null, lastLines: string[]): string {
  const alsaLine = [...lastLines].reverse().find((line) => /cannot open device|Unknown PCM|audio open error|No such file/i.test(line));
  if (signal === 'SIGABRT') {
    return `the speaker addon aborted its process: ALSA has no usable output device${alsaLine ? ` (${alsaLine})` : ''}.`;
  }
  if (code === SPEAKER_NOT_INSTALLED_EXIT) return `${lastLines[lastLines.length - 1] ?? "the optional 'speaker' package is not installed"}.`;
  if (signal !== null) return `the speaker worker was killed by ${signal}${alsaLine ? ` (${alsaLine})` : ''}.`;
  if (code === SPEAKER_ERROR_EXIT) return `${lastLines[lastLines.length - 1] ?? 'the speaker addon failed'}.`;
  return `the speaker worker exited with code ${code}${lastLines.length > 0 ? `: ${lastLines[lastLines.length - 1]}` : ''}.`;
}

const speakerDialect: PlayerDialect = {
  underrunPattern: /underrun/i,
  sinkTimePattern: undefined,
  describeExit: speakerReason,
};

/** The command line for a process-backed sink kind (never a shell string). */
export function playerSpec(kind: 'speaker' | 'pulse' | 'pipewire' | 'alsa', format: WavFormat, options: SinkOpenOptions, probe = false): PipeSinkSpec {
  const conversion = planConversion(format);
  const latencyMs = options.latencyMs ?? DEFAULT_LATENCY_MS;
  const device = options.device;
  const on = device !== undefined ? ` on ${device}` : '';
  switch (kind) {
    case 'pulse':
      return { kind, label: `pulse (pacat${on}, ${latencyMs} ms buffer)`, command: 'pacat', args: pacatArgs(conversion, latencyMs, device), dialect: pacatDialect, format };
    case 'pipewire':
      return { kind, label: `pipewire (pw-cat${on}, ${latencyMs} ms buffer)`, command: 'pw-cat', args: pwcatArgs(conversion, latencyMs, device), dialect: pwcatDialect, format };
    case 'alsa':
      return { kind, label: `alsa (aplay${on}, ${latencyMs} ms buffer)`, command: 'aplay', args: aplayArgs(conversion, latencyMs, device), dialect: aplayDialect, format };
    case 'speaker':
      return {
        kind,
        label: `speaker (native addon in a child process${on})`,
        command: process.execPath,
        args: [speakerWorkerPath(), JSON.stringify(speakerConfig(conversion, device, probe))],
        dialect: speakerDialect,
        format,
        clock: 'device-writes',
      };
  }
}

/** Runs the player on no input (the speaker worker: 10 ms of silence) and reports whether it could open its device. */
function probeProcess(kind: SinkKind, spec: PipeSinkSpec, env: NodeJS.ProcessEnv): Promise<SinkProbe> {
  return new Promise((resolve) => {
    const lines: string[] = [];
    let stderrText = '';
    let settled = false;
    const child = spawn(spec.command, spec.args, { stdio: ['pipe', 'ignore', 'pipe'], env, shell: false });
    const finish = (probe: SinkProbe) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(probe);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ kind, usable: false, reason: `${spec.command === process.execPath ? 'the speaker worker' : spec.command} did not answer within ${PROBE_TIMEOUT_MS} ms.`, detail: undefined });
    }, PROBE_TIMEOUT_MS);
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish({ kind, usable: false, reason: error.code === 'ENOENT' ? `${spec.command} is not installed (not found on PATH).` : `${spec.command} could not be started: ${error.message}.`, detail: undefined });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderrText = (stderrText + text).slice(-8192);
    });
    child.on('close', (code, signal) => {
      for (const line of stderrText.split(/[\r\n]+/)) {
        const clean = line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').trim();
        if (clean.length > 0 && !spec.dialect.sinkTimePattern?.test(clean)) lines.push(clean);
      }
      if (code === 0 && signal === null) finish({ kind, usable: true, reason: undefined, detail: spec.label });
      else finish({ kind, usable: false, reason: spec.dialect.describeExit(code, signal, lines.slice(-6)), detail: undefined });
    });
  });
}

export async function probeSink(kind: SinkKind, format: WavFormat, options: SinkOpenOptions = {}): Promise<SinkProbe> {
  if (kind === 'null') return { kind, usable: true, reason: undefined, detail: 'discards the audio, keeps real time' };
  if (kind === 'file') return { kind, usable: true, reason: undefined, detail: 'writes what the DAC played as a WAV file (file:PATH)' };
  try {
    return await probeProcess(kind, playerSpec(kind, format, options, kind === 'speaker'), options.env ?? process.env);
  } catch (error) {
    return { kind, usable: false, reason: error instanceof Error ? error.message : String(error), detail: undefined };
  }
}

/** Every sink, probed in parallel, in the order `auto` would try them, then file and null. */
export function probeAllSinks(format: WavFormat, options: SinkOpenOptions = {}): Promise<SinkProbe[]> {
  return Promise.all([...AUTO_SINK_ORDER, 'file', 'null'].map((kind) => probeSink(kind as SinkKind, format, options)));
}

export interface OpenedSink {
  sink: Sink;
  /** The sinks `auto` tried and passed over, each with its reason. */
  passedOver: SinkProbe[];
  /** Set when auto found no device: the one sentence to print (nothing will be heard, and why). */
  fallbackMessage: string | undefined;
  /** The player's command line (program and arguments) for a process-backed sink, for -vv. */
  commandLine: readonly string[] | undefined;
}

function commandLineOf(kind: SinkKind, format: WavFormat, options: SinkOpenOptions): readonly string[] | undefined {
  if (kind === 'null' || kind === 'file') return undefined;
  const spec = playerSpec(kind, format, options);
  return [spec.command, ...spec.args];
}

async function openKind(kind: SinkKind, format: WavFormat, options: SinkOpenOptions, filePath?: string): Promise<Sink> {
  if (kind === 'null') return new NullSink(format.blockAlign, format.sampleRate, [], options.nowNs);
  if (kind === 'file') return FileSink.open(filePath!, format, options.nowNs);
  return PipeSink.open(playerSpec(kind, format, options), options);
}

/**
 * An explicit sink that cannot work throws SinkError with the reason; `auto` takes the first that works
 * and, if none does, the null sink with one sentence saying nothing will be heard and why.
 */
export async function openSink(request: SinkRequest, format: WavFormat, options: SinkOpenOptions = {}, exclude: readonly SinkKind[] = []): Promise<OpenedSink> {
  if (request.kind === 'file') return { sink: await openKind('file', format, options, request.path), passedOver: [], fallbackMessage: undefined, commandLine: undefined };
  if (request.kind !== 'auto') {
    const probe = await probeSink(request.kind, format, options);
    if (!probe.usable) throw new SinkError(`sink ${request.kind} cannot play here: ${probe.reason}`);
    return { sink: await openKind(request.kind, format, options), passedOver: [], fallbackMessage: undefined, commandLine: commandLineOf(request.kind, format, options) };
  }
  // a sink that already failed at start in this run is not tried again
  const probes = await Promise.all(AUTO_SINK_ORDER.filter((kind) => !exclude.includes(kind)).map((kind) => probeSink(kind, format, options)));
  const passedOver: SinkProbe[] = [];
  for (const probe of probes) {
    if (!probe.usable) {
      passedOver.push(probe);
      continue;
    }
    try {
      return { sink: await openKind(probe.kind, format, options), passedOver, fallbackMessage: undefined, commandLine: commandLineOf(probe.kind, format, options) };
    } catch (error) {
      passedOver.push({ kind: probe.kind, usable: false, reason: error instanceof Error ? error.message : String(error), detail: undefined });
    }
  }
  const reasons = passedOver.map((probe) => `\n  ${probe.kind}: ${probe.reason}`).join('');
  return {
    sink: new NullSink(format.blockAlign, format.sampleRate, [], options.nowNs),
    passedOver,
    commandLine: undefined,
    fallbackMessage: `nothing will be heard: no audio output works here, so the stream plays to the null sink in real time.${reasons}`,
  };
}
