// the library entry has every client and transport; the CLI loads them per run (optional-modules.ts)
import './waveout-modules.js';
import './usb-modules.js';
export { Session, type SessionOptions, type SessionState } from './session.js';
export * from './config.js';
export { ChunkedOutput } from './chunked-output.js';
export { pcmSourceFrom, type FrameReader } from './wav-source.js';
export { cutInput, type InputRange, type InputRangeRequest } from './input-range.js';
export { loadSessionModules } from './optional-modules.js';
