export { playSession, DEFAULT_LOOKAHEAD_MS, type PlaybackMode, type PlaybackOptions, type PlaybackReport, type PlaybackResult, type HeardView } from './playback.js';
export { PlaybackControl, type EndRequest } from './control.js';
export { PlaybackOutput } from './output.js';
export { HeardTimeline } from './heard-timeline.js';
export { PlaybackGlitches, type PlaybackGlitch, type PlaybackGlitchKind } from './glitches.js';
