// The one total of a playlist: what every stream of `play a.wav b.wav …` added up to.
import type { RunSummary } from '../report/summary.js';
import { count } from '../text/count.js';

export interface PlaylistTotals {
  streams: number;
  outputFrames: number;
  outputSeconds: number;
  packets: number;
  writes: number;
  statuses: Record<string, number>;
  underrunEvents: number;
  underrunFrames: number;
  glitches: number;
  /** Samples the --volume gain clipped, over all streams. */
  clippedSamples: number;
  interrupted: boolean;
}

export function emptyTotals(): PlaylistTotals {
  return {
    streams: 0, outputFrames: 0, outputSeconds: 0, packets: 0, writes: 0, statuses: {},
    underrunEvents: 0, underrunFrames: 0, glitches: 0, clippedSamples: 0, interrupted: false,
  };
}

/** Adds one stream's summary; frames are counted per stream, seconds summed (streams may differ in rate). */
export function addToTotals(totals: PlaylistTotals, summary: RunSummary, extra: { clippedSamples?: number; interrupted?: boolean } = {}): PlaylistTotals {
  const statuses = { ...totals.statuses };
  for (const [name, value] of Object.entries(summary.statuses)) statuses[name] = (statuses[name] ?? 0) + value;
  return {
    streams: totals.streams + 1,
    outputFrames: totals.outputFrames + summary.output.frames,
    outputSeconds: totals.outputSeconds + summary.output.durationSeconds,
    packets: totals.packets + summary.packets,
    writes: totals.writes + summary.writes,
    statuses,
    underrunEvents: totals.underrunEvents + summary.underrun.events,
    underrunFrames: totals.underrunFrames + summary.underrun.frames,
    glitches: totals.glitches + summary.glitchTotal,
    clippedSamples: totals.clippedSamples + (extra.clippedSamples ?? 0),
    interrupted: totals.interrupted || (extra.interrupted ?? false),
  };
}

/** "total        3 streams: 144000 frames, 3.000 s; 90 packets; 0 underrun events; no glitches". */
export function formatTotals(totals: PlaylistTotals): string {
  const parts = [
    `${count(totals.streams, 'stream')}: ${count(totals.outputFrames, 'frame')}, ${totals.outputSeconds.toFixed(3)} s`,
    count(totals.packets, 'packet'),
    `${count(totals.underrunEvents, 'underrun event')} (${count(totals.underrunFrames, 'frame')})`,
    totals.glitches === 0 ? 'no glitches' : count(totals.glitches, 'glitch', 'glitches'),
  ];
  if (totals.clippedSamples > 0) parts.push(`${count(totals.clippedSamples, 'sample')} clipped by --volume`);
  if (totals.interrupted) parts.push('interrupted');
  return `total        ${parts.join('; ')}\n`;
}
