export * from './types.js';
export * from './pcm.js';
export { PipeSink, type PipeSinkSpec, type PlayerDialect } from './pipe-sink.js';
export { NullSink, FileSink, TeeSink } from './local-sinks.js';
export { DEFAULT_LATENCY_MS, pacatArgs, aplayArgs, pwcatArgs } from './players.js';
export { parseSinkSpec, probeSink, probeAllSinks, openSink, playerSpec, speakerWorkerPath, type SinkRequest, type OpenedSink } from './open.js';
export { listDevices, listPulseSinks, listPipewireTargets, listAlsaPcms, parsePulseSinks, parseAlsaPcms, parsePipewireTargets, type SinkDevice, type DeviceListing } from './devices.js';
export { surveyDevices, deviceIsListed, listDeviceNames, unknownDeviceReason, type DeviceSurvey, type BackendSurvey, type AutoChoice } from './survey.js';
export { GainSink, parseVolume, describeFactor, scalerFor, MAX_VOLUME_FACTOR, type GainReport } from './gain.js';
