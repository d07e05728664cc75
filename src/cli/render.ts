import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { formatSummary } from '../report/summary.js';
import { renderFileStoppable, type RenderResult } from '../render/render-file.js';
import { SameFileGuard } from '../output/same-file.js';
import type { InputRangeRequest } from '../session/input-range.js';
import type { CommandRegistration } from './commands.js';
import { Diagnostics } from './diagnostics.js';
import type { CliIo } from './io.js';
import { addExamples } from './examples.js';
import { onSignal, signalMessage } from './signals.js';
import {
  addClientTransportOptions, addModelOptions, addRunOutputOptions, addVerbosityOptions, bufferRaisedWarning, clientTransportFromOptions, logLevelFromOptions, streamConfigFromOptions,
  type ClientTransportOptionValues, type ModelOptionValues, type VerbosityOptionValues,
} from './options.js';
import { formatClockTime, parseTimeOption, timeNsToFrames } from './play-time.js';
import { framesToNs } from '../clock/time.js';
import { describeStreamChoice } from './diagnostics.js';
import { count } from '../text/count.js';

export interface RenderOptions extends ModelOptionValues, ClientTransportOptionValues, VerbosityOptionValues {
  output?: string;
  trace?: string;
  report?: string;
  json?: boolean;
  keepPartial?: boolean;
  start?: string;
  duration?: string;
}

/** A part of the input: --start and --duration as the user wrote them. */
export interface RenderRange {
  startNs: bigint;
  durationNs: bigint | undefined;
  startText: string;
}

/** The frames of a --start/--duration range at the input's rate (ceil, like play). */
export function rangeRequest(range: RenderRange, sampleRate: number): InputRangeRequest {
  return {
    startFrame: Number(timeNsToFrames(range.startNs, sampleRate)),
    frameLimit: range.durationNs === undefined ? undefined : Number(timeNsToFrames(range.durationNs, sampleRate)),
    startLabel: `--start ${range.startText}`,
    formatLength: (frames) => formatClockTime(BigInt(framesToNs(frames, sampleRate))),
  };
}

/** --start/--duration as typed, or undefined when neither is given. */
export function parseRange(start: string | undefined, duration: string | undefined): RenderRange | undefined {
  if (start === undefined && duration === undefined) return undefined;
  const durationNs = duration !== undefined ? parseTimeOption(duration, '--duration') : undefined;
  if (durationNs === 0n) throw new UsageError('--duration must be longer than 0.');
  return { startNs: start !== undefined ? parseTimeOption(start, '--start') : 0n, durationNs, startText: start ?? '0' };
}

export async function renderCommand(inputPath: string, options: RenderOptions, io: CliIo): Promise<number> {
  const diagnostics = new Diagnostics(io, logLevelFromOptions(options));
  const range = parseRange(options.start, options.duration);
  const stream = await streamConfigFromOptions(options, io.cwd);
  const pipeline = clientTransportFromOptions(options);
  const outputPath = options.output;
  if (!outputPath) throw new UsageError('render needs an output file: -o <out.wav> (or -o - for stdout)');
  if (outputPath === '-' && options.json) throw new UsageError('--json and -o - both write to stdout; choose one');
  new SameFileGuard().addInput(inputPath).claimOutput(outputPath).claimOutput(options.trace, 'trace').claimOutput(options.report, 'report');
  // the report's module (and its drawing) loads only when a report is asked for
  const report = options.report === undefined ? null : (await import('../report/run-report.js')).RunReport.plan(options.report, options.trace);
  // process.hrtime, not performance: the global performance loads perf_hooks (8 modules) on first use
  const startedNs = process.hrtime.bigint();
  let rendered: RenderResult;
  try {
    rendered = await renderFileStoppable(inputPath, outputPath, stream, report?.tracePath ?? options.trace, { ...pipeline, ...(range ? { range: (format) => rangeRequest(range, format.sampleRate) } : {}) }, {
      keepPartial: options.keepPartial ?? false, stopOn: onSignal, describe: signalMessage,
    });
  } catch (error) {
    report?.discard();
    throw error;
  }
  const wallMs = Number(process.hrtime.bigint() - startedNs) / 1e6;
  const { summary, warnings, format, startFrame } = rendered;
  for (const warning of warnings) diagnostics.warn(warning);
  const raised = bufferRaisedWarning(options.bufferMs, format.sampleRate, summary.stream.requestedBufferBytes / format.blockAlign);
  if (raised !== undefined) diagnostics.warn(raised);
  diagnostics.info(`rendered ${summary.input?.file ?? inputPath} to ${outputPath === '-' ? 'stdout' : outputPath}: ${summary.output.durationSeconds.toFixed(3)} s of audio`);
  const inputFrames = summary.input?.frames ?? null;
  diagnostics.debug(`input ${summary.input?.format ?? ''}: ${inputFrames === null ? `from frame ${startFrame} to its end` : `frames ${startFrame} to ${startFrame + inputFrames} (${count(inputFrames, 'frame')})`}`);
  diagnostics.debug(describeStreamChoice(summary.stream, format.sampleRate));
  diagnostics.debug(`client ${pipeline.client.kind}, transport ${pipeline.transport.kind}, ${summary.clock} clock`);
  diagnostics.debug(`took ${wallMs.toFixed(1)} ms wall time for ${summary.output.durationSeconds.toFixed(3)} s of audio (${wallMs > 0 ? ((summary.output.durationSeconds * 1000) / wallMs).toFixed(0) : '∞'}× real time)`);
  if (summary.stream.notificationCountExtension) {
    diagnostics.warn(`${summary.stream.notifications} notifications per buffer is a model extension: the Windows docs allow 1 or 2`);
  }
  if (options.json) {
    io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    (outputPath === '-' ? io.stderr : io.stdout).write(formatSummary(summary));
  }
  await report?.write(outputPath === '-' ? undefined : outputPath, summary);
  return 0;
}

export const registerRender: CommandRegistration = (program: Command, io, setExitCode) => {
  const command = program
    .command('render')
    .description('run the model on the virtual clock (as fast as possible) and write exactly what the device played')
    .argument('<in.wav>', "input WAV file ('-' for stdin)")
    .requiredOption('-o, --output <out.wav>', "output WAV file ('-' for stdout)")
    .option('--start <time>', 'start at this point of the file (90, 1:23.5, 10s, 500ms)')
    .option('--duration <time>', 'render at most this long (same forms as --start)')
    .option('--keep-partial', 'when a signal stops the render, keep a valid WAV of what was rendered (default: remove it)');
  addExamples(addVerbosityOptions(addRunOutputOptions(addClientTransportOptions(addModelOptions(command))), 'no info lines'), [
    { commandLine: 'render song.wav -o played.wav', what: 'what the device played, as fast as possible' },
    { commandLine: 'render song.wav -o played.wav --notifications 1 --trace trace.ndjson', what: 'N = 1: the overwrite glitch, with the event trace' },
    { commandLine: 'render song.wav -o - --start 1m --duration 5s --fifo-bytes 256 --no-eos-fill | sox -t wav - -n stat', what: 'five seconds with the end-of-stream blip, to a pipe' },
  ])
    .action(async (input: string, options: RenderOptions) => {
      setExitCode(await renderCommand(input, options, io));
    });
};
