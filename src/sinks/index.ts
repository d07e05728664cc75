export * from './types.js';
export * from './pcm.js';
export { PipeSink, type PipeSinkSpec, type PlayerDialect } from './pipe-sink.js';
export { NullSink, FileSink, TeeSink } from './local-sinks.js';
export { DEFAULT_LATENCY_MS, pacatArgs, aplayArgs, pwcatArgs } from './players.js';
export { NominalPlayhead, ReportedPlayhead } from './playhead.js';
export { parseSinkSpec, probeSink, probeAllSinks, openSink, playerSpec, speakerWorkerPath, type SinkRequest, type OpenedSink } from './open.js';
