import { rmSync } from 'node:fs';
import type { Command } from 'commander';
import { InterruptedError, UsageError } from '../errors.js';
import { formatSummary, type RunSummary } from '../report/summary.js';
import { abortTrace, createTraceWriter, type TraceWriter } from '../report/trace.js';
import { SameFileGuard } from '../output/index.js';
import { RunReport } from '../report/run-report.js';
import { Session, ChunkedOutput, pcmSourceFrom, type ClientConfig, type StreamConfig, type TransportConfig } from '../session/index.js';
import { WavReader, WavWriter, formatDescription } from '../wav/index.js';
import type { CommandRegistration } from './commands.js';
import { Diagnostics } from './diagnostics.js';
import type { CliIo } from './io.js';
import { onSignal, signalMessage, type CaughtSignal } from './signals.js';
import {
  addClientTransportOptions, addModelOptions, addRunOutputOptions, clientTransportFromOptions, LOG_LEVELS, parseChoice, streamConfigFromOptions,
  type ClientTransportOptionValues, type LogLevel, type ModelOptionValues,
} from './options.js';

export interface RenderOptions extends ModelOptionValues, ClientTransportOptionValues {
  output?: string;
  trace?: string;
  report?: string;
  json?: boolean;
  logLevel?: string;
  keepPartial?: boolean;
}

export interface RenderResult {
  summary: RunSummary;
  warnings: string[];
}

/** An opened render: the session wired to its input, output and trace, and the ways it can end. */
interface OpenedRender {
  session: Session;
  /** Flushes and puts the output (and trace) in place. */
  complete(summary: RunSummary): RenderResult;
  /** Removes the output and trace. */
  abort(): void;
  release(): void;
}

function openRender(inputPath: string, outputPath: string, stream: StreamConfig, tracePath: string | undefined, pipeline: RenderPipeline): OpenedRender {
  const reader = WavReader.open(inputPath);
  let writer: WavWriter | null = null;
  let trace: TraceWriter | null = null;
  try {
    writer = WavWriter.create(outputPath, reader.format);
    const sink = writer;
    trace = tracePath ? createTraceWriter(tracePath) : null;
    const output = new ChunkedOutput((bytes) => sink.write(bytes));
    const session = new Session({
      format: reader.format,
      source: pcmSourceFrom(reader),
      output,
      stream,
      trace,
      client: pipeline.client,
      transport: pipeline.transport,
      input: { file: reader.label, frames: reader.frameCount, format: formatDescription(reader.format) },
    });
    const openedTrace = trace;
    const abort = (): void => {
      sink.abort();
      abortTrace(openedTrace);
    };
    return {
      session,
      complete(summary) {
        try {
          output.flush();
          // the trace first: a full disk fails it before the WAV is put in place
          openedTrace?.close();
        } catch (error) {
          abort();
          throw error;
        }
        try {
          sink.close();
        } catch (error) {
          if (tracePath !== undefined) rmSync(tracePath, { force: true });
          throw error;
        }
        return { summary, warnings: [...reader.warnings] };
      },
      abort,
      release: () => reader.close(),
    };
  } catch (error) {
    writer?.abort();
    abortTrace(trace);
    reader.close();
    throw error;
  }
}

export interface RenderPipeline {
  client?: ClientConfig;
  transport?: TransportConfig;
}

/** Library form of `wavert render`: runs the model on the virtual clock and writes what the device played. */
export function renderFile(inputPath: string, outputPath: string, stream: StreamConfig, tracePath?: string, pipeline: RenderPipeline = {}): RenderResult {
  const render = openRender(inputPath, outputPath, stream, tracePath, pipeline);
  try {
    return render.complete(render.session.runVirtual());
  } catch (error) {
    render.abort();
    throw error;
  } finally {
    render.release();
  }
}

/**
 * renderFile that a signal can stop (SIGINT, SIGTERM, SIGHUP): the output and trace are removed, or with
 * `keepPartial` put in place as a valid WAV of what was rendered; either way it throws InterruptedError.
 */
export async function renderFileStoppable(
  inputPath: string, outputPath: string, stream: StreamConfig, tracePath: string | undefined, pipeline: RenderPipeline, keepPartial: boolean,
): Promise<RenderResult> {
  const render = openRender(inputPath, outputPath, stream, tracePath, pipeline);
  let stoppedBy: CaughtSignal | null = null;
  // the first signal stops the render where it is; a second one ends the process at once
  const removeListener = onSignal((signal) => {
    if (stoppedBy !== null) return false;
    stoppedBy = signal;
    render.session.stop();
    return true;
  });
  try {
    const summary = await render.session.runVirtualSliced();
    removeListener();
    if (stoppedBy === null) return render.complete(summary);
    const signal: CaughtSignal = stoppedBy;
    const frames = summary.output.frames;
    if (keepPartial && outputPath !== '-') {
      render.complete(summary);
      throw new InterruptedError(`${signalMessage(signal)}: kept the ${frames} frames rendered so far in ${outputPath}`, signal);
    }
    render.abort();
    throw new InterruptedError(`${signalMessage(signal)}: the render was stopped and its partial output removed`, signal);
  } catch (error) {
    render.abort();
    throw error;
  } finally {
    removeListener();
    render.release();
  }
}

export async function renderCommand(inputPath: string, options: RenderOptions, io: CliIo): Promise<number> {
  const diagnostics = new Diagnostics(io, parseChoice<LogLevel>('--log-level', options.logLevel, LOG_LEVELS));
  const stream = streamConfigFromOptions(options);
  const pipeline = clientTransportFromOptions(options);
  const outputPath = options.output;
  if (!outputPath) throw new UsageError('render needs an output file: -o <out.wav> (or -o - for stdout)');
  if (outputPath === '-' && options.json) throw new UsageError('--json and -o - both write to stdout; choose one');
  const report = RunReport.plan(options.report, options.trace);
  new SameFileGuard().addInput(inputPath).claimOutput(outputPath).claimOutput(options.trace, 'trace').claimOutput(options.report, 'report');
  let rendered: RenderResult;
  try {
    rendered = await renderFileStoppable(inputPath, outputPath, stream, report?.tracePath ?? options.trace, pipeline, options.keepPartial ?? false);
  } catch (error) {
    report?.discard();
    throw error;
  }
  const { summary, warnings } = rendered;
  for (const warning of warnings) diagnostics.warn(warning);
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
    .option('--keep-partial', 'when a signal stops the render, keep a valid WAV of what was rendered (default: remove it)');
  addRunOutputOptions(addClientTransportOptions(addModelOptions(command)))
    .action(async (input: string, options: RenderOptions) => {
      setExitCode(await renderCommand(input, options, io));
    });
};
