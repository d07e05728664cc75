import { count } from '../text/count.js';
import { departureKinds, type CompareResult, type Departure } from './types.js';

// The human summary of `wavert compare`: the files, the alignment, then one line per departure.

const LISTED = 50;

const seconds = (frame: number, rate: number): string => `${(frame / rate).toFixed(3)} s`;

/** What a departure is, in words (shared with the picture). */
export function describeDeparture(d: Departure, rate: number): string {
  const where = `heard ${d.heardFrame} (${seconds(d.heardFrame, rate)}), reference ${d.referenceFrame}`;
  let what: string;
  switch (d.kind) {
    case 'gap':
      what = d.referenceFrames === 0 ? `${count(d.frameCount, 'frame')} of silence inserted` : `${count(d.frameCount, 'frame')} of silence in place of ${count(d.referenceFrames, 'reference frame')}`;
      break;
    case 'repeat':
      what = `${count(d.frameCount, 'frame')} heard again from ${count(d.repeatDistanceFrames ?? 0, 'frame')} earlier${d.referenceFrames > 0 ? ` (in place of ${count(d.referenceFrames, 'reference frame')})` : ''}`;
      break;
    case 'drop':
      what = `${count(d.frameCount, 'reference frame')} missing`;
      break;
    case 'insert':
      what = `${count(d.frameCount, 'frame')} not in the reference${d.referenceFrames > 0 ? ` (in place of ${count(d.referenceFrames, 'reference frame')})` : ''}`;
      break;
    case 'level':
      what = `${d.gainDb! > 0 ? '+' : ''}${d.gainDb} dB for ${count(d.frameCount, 'frame')}`;
      break;
  }
  const realign = d.realign ? `realigns at heard ${d.realign.heardFrame} / reference ${d.realign.referenceFrame}` : 'does not realign';
  const model = d.model === undefined ? '' : d.model === null ? '; no model glitch explains it' : `; model: ${d.model.kind} at output frame ${d.model.startFrame}${d.model.packetNumber === null ? '' : ` (packet ${d.model.packetNumber})`}`;
  return `${d.kind.padEnd(6)} ${where}: ${what}; ${realign}${model}`;
}

export function formatCompare(result: CompareResult): string {
  const rate = result.heard.sampleRate;
  const lines: string[] = [];
  lines.push(`heard        ${result.heard.file}: ${result.heard.format}, ${count(result.heard.frames, 'frame')}`);
  lines.push(`reference    ${result.reference.file}: ${result.reference.format}, ${count(result.reference.frames, 'frame')}`);
  const offset = result.offsetFrames >= 0
    ? `reference frame 0 is heard frame ${result.offsetFrames} (${seconds(result.offsetFrames, rate)} in)`
    : `the recording starts at reference frame ${-result.offsetFrames} (${seconds(-result.offsetFrames, rate)} late)`;
  lines.push(`alignment    ${offset}; leading silence ${count(result.leadingSilenceFrames, 'frame')}, trailing silence ${count(result.trailingSilenceFrames, 'frame')}; compared as ${result.comparedAs}`);
  if (result.exact) {
    lines.push('result       exact: the recording holds the reference, frame for frame');
  } else {
    const counts = departureKinds.filter((kind) => result.departureCounts[kind] > 0).map((kind) => `${kind} ${result.departureCounts[kind]}`).join(', ');
    lines.push(`result       ${count(result.departureCount, 'departure')}${counts ? `: ${counts}` : ''}`);
    for (const departure of result.departures.slice(0, LISTED)) lines.push(`  ${describeDeparture(departure, rate)}`);
    if (result.departureCount > LISTED) lines.push(`  … ${result.departureCount - LISTED} more (--json lists them all)`);
  }
  if (result.modelGlitchesUnmatched !== undefined) {
    const unexplained = result.departures.filter((d) => d.model === null).length;
    lines.push(`model        ${result.departures.length - unexplained} of ${result.departures.length} departures explained by a model glitch; ${count(result.modelGlitchesUnmatched, 'model glitch', 'model glitches')} not heard as a departure; the run's frame 0 is heard frame ${result.modelStartFrame}`);
  }
  for (const note of result.notes) lines.push(`note         ${note}`);
  return `${lines.join('\n')}\n`;
}
