// The library: the WaveRT model, the clocks, the clients, WAV reading and writing, and runs.
export * from './engine/index.js';
export * from './clock/index.js';
export * from './client/index.js';
export * from './transport/index.js';
export * from './sinks/index.js';
export * from './scenario/index.js';
export * from './wav/index.js';
export * from './session/index.js';
export * from './player/index.js';
export * from './render/index.js';
export * from './report/index.js';
export * from './compare/index.js';
export * from './profile/index.js';
export * from './errors.js';
export * from './output/index.js';
