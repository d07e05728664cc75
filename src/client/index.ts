export { PacketRenderClient, type PcmSource, type PacketClientOptions, type PacketClientState } from './packet-client.js';
export { createLatencySampler, punctual, type LatencySpec, type LatencySampler } from './latency.js';
export { SeededRandom } from './random.js';
