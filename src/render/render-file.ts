import { rmSync } from 'node:fs';
import type { RunSummary } from '../report/summary.js';
import { createTraceWriter, type TraceWriter } from '../report/trace.js';
import type { ClientConfig, StreamConfig, TransportConfig } from '../session/config.js';
import { Session } from '../session/session.js';
import { pcmSourceFrom } from '../session/wav-source.js';
import { WavReader, WavWriter, formatDescription } from '../wav/index.js';

export interface RenderResult {
  summary: RunSummary;
  warnings: string[];
}

/** Who feeds the stream and what carries its output (defaults: the packet client, directly). */
export interface RenderPipeline {
  client?: ClientConfig;
  transport?: TransportConfig;
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
    const session = new Session({
      format: reader.format,
      source: pcmSourceFrom(reader),
      output: writer,
      stream,
      trace,
      client: pipeline.client,
      transport: pipeline.transport,
      input: { file: reader.label, frames: reader.frameCount, format: formatDescription(reader.format) },
    });
    const summary = session.runVirtual();
    writer.close();
    trace?.close();
    return { summary, warnings: [...reader.warnings] };
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
