export { Playlist, parseLoop, type LoopCount, type PlaylistEntry } from './playlist.js';
export { addToTotals, emptyTotals, formatTotals, type PlaylistTotals } from './totals.js';
