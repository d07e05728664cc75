export { PacketRenderClient, type PcmSource, type PacketClientOptions, type PacketClientState } from './packet-client.js';
export { createLatencySampler, punctual, type LatencySpec, type LatencySampler } from './latency.js';
export { SeededRandom } from './random.js';
export * from './waveout-constants.js';
export { WaveHeader, WaveHeaderQueue } from './waveout-queue.js';
export { WaveOutDevice, type WaveOutCallback, type WaveOutTrace, type WaveOutDeviceState, type WaveOutSummary } from './waveout.js';
export { WaveOutFeeder, type WaveOutFeederOptions, type WaveOutFeederEvents, type WaveOutFeederState } from './waveout-feeder.js';
export { WaveOutApplication, waveOutSummary, type WaveOutAppOptions, type WaveOutAppState } from './waveout-app.js';
