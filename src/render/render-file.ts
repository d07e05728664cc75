import { rmSync } from 'node:fs';
import { InterruptedError } from '../errors.js';
import type { RunSummary } from '../report/summary.js';
import { abortTrace, createTraceWriter, type TraceWriter } from '../report/trace.js';
import type { ClientConfig, StreamConfig, TransportConfig } from '../session/config.js';
import { cutInput, type InputRangeRequest } from '../session/input-range.js';
import { loadSessionModules } from '../session/optional-modules.js';
import { Session } from '../session/session.js';
import { pcmSourceFrom } from '../session/wav-source.js';
import { WavReader, WavWriter, formatDescription, type WavFormat } from '../wav/index.js';

export interface RenderResult {
  summary: RunSummary;
  warnings: string[];
  format: WavFormat;
  /** The first frame of the input that was rendered (the range's start). */
  startFrame: number;
}

/** Who feeds the stream and what carries its output (defaults: the packet client, directly). */
export interface RenderPipeline {
  client?: ClientConfig;
  transport?: TransportConfig;
  /** Only a part of the input (--start/--duration), resolved once the input's format is known. */
  range?: (format: WavFormat) => InputRangeRequest;
}

/** An opened render: the session wired to its input, output and trace, and the ways it can end. */
interface OpenedRender {
  session: Session;
  /** Puts the output (and trace) in place; on failure removes both and throws. */
  complete(summary: RunSummary): RenderResult;
  /** Removes the output and trace (a device is never removed). */
  abort(): void;
  release(): void;
}

function openRender(inputPath: string, outputPath: string, stream: StreamConfig, tracePath: string | undefined, pipeline: RenderPipeline): OpenedRender {
  const reader = WavReader.open(inputPath);
  let writer: WavWriter | null = null;
  let trace: TraceWriter | null = null;
  try {
    writer = WavWriter.create(outputPath, reader.format);
    trace = tracePath ? createTraceWriter(tracePath) : null;
    const range = pipeline.range === undefined ? null : cutInput(reader, pipeline.range(reader.format));
    const session = new Session({
      format: reader.format,
      source: pcmSourceFrom(range?.reader ?? reader),
      output: writer,
      stream,
      trace,
      client: pipeline.client,
      transport: pipeline.transport,
      input: { file: reader.label, frames: range ? range.frames : reader.frameCount, format: formatDescription(reader.format) },
    });
    const openedWriter = writer;
    const openedTrace = trace;
    const abort = (): void => {
      openedWriter.abort();
      abortTrace(openedTrace);
    };
    return {
      session,
      complete(summary) {
        try {
          // the trace first: a full disk fails it before the WAV is put in place
          openedTrace?.close();
        } catch (error) {
          abort();
          throw error;
        }
        try {
          openedWriter.close();
        } catch (error) {
          if (tracePath !== undefined) rmSync(tracePath, { force: true });
          throw error;
        }
        return { summary, warnings: [...reader.warnings], format: reader.format, startFrame: range?.startFrame ?? 0 };
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

/** Library form of `wavert render`: runs the model on the virtual clock and writes what the device played. */
export function renderFile(
  inputPath: string, outputPath: string, stream: StreamConfig, tracePath?: string, pipeline: RenderPipeline = {},
): RenderResult {
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

/** How a stoppable render hears of a signal: `subscribe` returns the unsubscribe; the listener returns whether it took the signal. */
export type StopSource = (listener: (signal: InterruptedError['signal']) => boolean) => () => void;

/**
 * renderFile that a signal can stop (SIGINT, SIGTERM, SIGHUP): the output and trace are removed, or with
 * `keepPartial` put in place as a valid WAV of what was rendered; either way it throws InterruptedError.
 * Same events, same order, same bytes as renderFile: only the event loop gets a turn now and then.
 */
export async function renderFileStoppable(
  inputPath: string, outputPath: string, stream: StreamConfig, tracePath: string | undefined, pipeline: RenderPipeline,
  options: { keepPartial: boolean; stopOn: StopSource; describe: (signal: InterruptedError['signal']) => string },
): Promise<RenderResult> {
  await loadSessionModules(pipeline.client, pipeline.transport);
  const render = openRender(inputPath, outputPath, stream, tracePath, pipeline);
  let stoppedBy: InterruptedError['signal'] | null = null;
  // the first signal stops the render where it is; a second one is not taken (the process ends at once)
  const unsubscribe = options.stopOn((signal) => {
    if (stoppedBy !== null) return false;
    stoppedBy = signal;
    render.session.stop();
    return true;
  });
  try {
    const summary = await render.session.runVirtualSliced();
    unsubscribe();
    if (stoppedBy === null) return render.complete(summary);
    const signal: InterruptedError['signal'] = stoppedBy;
    if (options.keepPartial && outputPath !== '-') {
      render.complete(summary);
      throw new InterruptedError(`${options.describe(signal)}: kept the ${summary.output.frames} frames rendered so far in ${outputPath}`, signal);
    }
    render.abort();
    throw new InterruptedError(`${options.describe(signal)}: the render was stopped and its partial output removed`, signal);
  } catch (error) {
    render.abort();
    throw error;
  } finally {
    unsubscribe();
    render.release();
  }
}
