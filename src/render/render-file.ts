import { rmSync } from 'node:fs';
import type { RunSummary } from '../report/summary.js';
import { createTraceWriter, type TraceWriter } from '../report/trace.js';
import type { ClientConfig, StreamConfig, TransportConfig } from '../session/config.js';
import { cutInput, type InputRangeRequest } from '../session/input-range.js';
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

/** Library form of `wavert render`: runs the model on the virtual clock and writes what the device played. */
export function renderFile(
  inputPath: string, outputPath: string, stream: StreamConfig, tracePath?: string, pipeline: RenderPipeline = {},
): RenderResult {
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
    const summary = session.runVirtual();
    writer.close();
    trace?.close();
    return { summary, warnings: [...reader.warnings], format: reader.format, startFrame: range?.startFrame ?? 0 };
  } catch (error) {
    writer?.abort();
    if (trace) {
      trace.close();
      rmSync(tracePath!, { force: true });
    }
    throw error;
  } finally {
    reader.close();
  }
}
