import {
  STATUS_CLASS_BY_SEVERITY, shortStatus,
  type PanelData, type Timeline, type TransportGap, type UnderflowSpan, type WriteStatusClass,
} from './timeline-model.js';
import { count } from '../text/count.js';

// The timeline as one SVG document written by hand: a fixed-width page, one panel per time range,
// lanes top to bottom (KS state, DMA position in the cyclic buffer with the writes into their slots,
// events, output waveform) sharing the panel's x scale. Marks carry data-* attributes with their
// trace values, so tests check positions against `xOfTime` rather than pixels.

export const SVG_WIDTH = 1200;
export const PLOT_LEFT = 118;
export const PLOT_WIDTH = 1058;

export const COLORS = {
  status: { success: '#2e7d32', late: '#d32f2f', overrun: '#7b1fa2', invalid: '#757575', other: '#5d4037' } as Record<WriteStatusClass, string>,
  notification: '#1565c0',
  underflowRepeat: '#ef6c00',
  underflowSilence: '#546e7a',
  glitch: '#fdecea',
  eos: '#000000',
  overshoot: '#00897b',
  waveOutStarved: '#ad1457',
  usbGap: '#3949ab',
  dma: '#37474f',
  dmaBand: '#cfd8dc',
  wave: '#283593',
  other: '#616161',
  grid: '#e6e6e6',
  frame: '#b0b0b0',
  text: '#212121',
  muted: '#616161',
  window: '#1565c0',
  state: { RUN: '#c8e6c9', PAUSE: '#fff59d', ACQUIRE: '#bbdefb', STOP: '#e0e0e0' } as Record<string, string>,
} as const;

export const STATUS_LABELS: Record<WriteStatusClass, string> = {
  success: 'write: SUCCESS',
  late: 'write: DATA_LATE_ERROR',
  overrun: 'write: DATA_OVERRUN',
  invalid: 'write: INVALID_*',
  other: 'write: other failure',
};

/** The x coordinate of a model time in a panel (the scale every mark uses). */
export function xOfTime(panel: { startNs: number; endNs: number }, timeNs: number): number {
  return PLOT_LEFT + ((timeNs - panel.startNs) / (panel.endNs - panel.startNs)) * PLOT_WIDTH;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** Narrowest drawn glitch, in px: a one-packet underflow in a long overview must still be seen. */
const MIN_GLITCH_WIDTH = 2.5;

const r = (value: number): string => String(Math.round(value * 100) / 100);

export type TimeUnit = 's' | 'ms';

/** A time for people: ms below 10 s, seconds from there (or the unit given), with the decimals `resolutionNs` needs. */
export function formatTime(timeNs: number, resolutionNs = 1e6, unit?: TimeUnit): string {
  const chosen = unit ?? (Math.abs(timeNs) >= 10e9 ? 's' : 'ms');
  const unitNs = chosen === 's' ? 1e9 : 1e6;
  const decimals = Math.min(6, Math.max(0, Math.ceil(-Math.log10(resolutionNs / unitNs) - 1e-9)));
  return `${(timeNs / unitNs).toFixed(decimals)} ${chosen}`;
}

/** One unit for every time printed on a panel (its title and axis). */
function panelUnit(panel: { startNs: number; endNs: number }): TimeUnit {
  return panel.endNs >= 10e9 || panel.endNs - panel.startNs >= 2e9 ? 's' : 'ms';
}

function niceStep(rangeNs: number, targetTicks: number): number {
  const raw = rangeNs / targetTicks;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= raw) return factor * power;
  return 10 * power;
}

interface Lanes {
  top: number;
  state: [number, number];
  dma: [number, number];
  events: [number, number];
  wave: [number, number];
  bottom: number;
}

interface Geometry {
  title: number;
  letters: number;
  state: number;
  dma: number;
  events: number;
  wave: number;
  gap: number;
  axis: number;
}

const DETAIL: Geometry = { title: 22, letters: 0, state: 16, dma: 132, events: 48, wave: 84, gap: 6, axis: 30 };
const OVERVIEW: Geometry = { title: 22, letters: 14, state: 10, dma: 48, events: 30, wave: 48, gap: 4, axis: 30 };

class SvgBuilder {
  readonly parts: string[] = [];
  add(markup: string): void {
    this.parts.push(markup);
  }
  text(x: number, y: number, content: string, attributes = ''): void {
    this.parts.push(`<text x="${r(x)}" y="${r(y)}"${attributes ? ` ${attributes}` : ''}>${escapeXml(content)}</text>`);
  }
}

export function renderTimelineSvg(timeline: Timeline): string {
  const svg = new SvgBuilder();
  const header = headerLines(timeline);
  let y = 30;
  svg.text(20, y, header.title, 'font-size="18" font-weight="bold"');
  y += 20;
  for (const line of header.lines) {
    svg.text(20, y, line, `font-size="12" fill="${COLORS.muted}"`);
    y += 16;
  }
  y += 8;
  const overview = timeline.panels.find((panel) => panel.kind === 'overview');
  for (const panel of timeline.panels) {
    y = drawPanel(svg, timeline, panel, y, panel.kind === 'overview' ? OVERVIEW : DETAIL, panel === overview ? timeline.panels.filter((p) => p.kind === 'window') : []);
  }
  y = drawLegend(svg, y + 4);
  const height = Math.ceil(y + 16);
  const descId = 'timeline-desc';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SVG_WIDTH}" height="${height}" viewBox="0 0 ${SVG_WIDTH} ${height}" role="img" aria-labelledby="timeline-title ${descId}" font-family="DejaVu Sans, Verdana, Arial, sans-serif" fill="${COLORS.text}">`,
    `<title id="timeline-title">${escapeXml(header.title)}</title>`,
    `<desc id="${descId}">${escapeXml(header.description)}</desc>`,
    '<defs>',
    `<pattern id="hatch-repeat" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffe0b2"/><rect width="3" height="6" fill="${COLORS.underflowRepeat}"/></pattern>`,
    '</defs>',
    `<rect width="${SVG_WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...svg.parts,
    '</svg>',
    '',
  ].join('\n');
}

function headerLines(timeline: Timeline): { title: string; lines: string[]; description: string } {
  const s = timeline.stream;
  const input = timeline.summary?.input?.file;
  const title = `wavert timeline — ${timeline.subject ?? input ?? timeline.label}`;
  const packetMs = (s.packetNs / 1e6).toFixed(3).replace(/\.?0+$/, '');
  const lines = [
    `${s.sampleRate} Hz, ${s.channels} ch, ${s.bitsPerSample}-bit ${s.encoding} · buffer ${s.bufferBytes} bytes${s.notifications > 0 ? ` = ${s.notifications} packets × ${s.packetFrames} frames (${packetMs} ms each)` : ' (no packet mode: N = 0)'} · profile ${s.profile} · underflow ${s.underflowPolicy} · EOS silence fill ${s.eosSilenceFill ? 'on' : 'off'} · FIFO ${s.fifoBytes} bytes`,
  ];
  const statuses = Object.entries(timeline.statusCounts).map(([name, count]) => `${shortStatus(name)} ${count}`).join(', ');
  const eos = timeline.eos ? `EOS at ${readableTime(timeline.eos.timeNs)} (packet ${timeline.eos.packetNumber})` : 'no EOS';
  const overshoot = timeline.overshoot ? `, FIFO overshoot ${count(timeline.overshoot.bytes, 'byte')}` : '';
  lines.push(`${count(timeline.writes, 'write')} (${statuses || 'none'}) · ${count(timeline.notifications, 'notification')} · ${glitchText(timeline)} · ${count(timeline.underflowEvents, 'underflow event')} · ${eos}${overshoot} · ${modelTimeText(timeline)}`);
  const windows = timeline.panels.filter((panel) => panel.kind === 'window');
  const notes: string[] = [];
  if (windows.length > 0) {
    notes.push(`Overview on top; zoom window${windows.length > 1 ? `s ${windows[0]!.id}–${windows[windows.length - 1]!.id}` : ` ${windows[0]!.id}`} below${timeline.unzoomedRegions > 0 ? ` (${timeline.unzoomedRegions} more glitch regions only in the overview)` : ''}`);
  }
  const checked = (timeline.summary as { expectations?: Array<{ held?: unknown }> } | null)?.expectations;
  if (Array.isArray(checked) && checked.length > 0) {
    const held = checked.filter((result) => result.held === true).length;
    notes.push(`expectations: ${held} of ${checked.length} held${held === checked.length ? '' : ' — FAILED'}`);
  }
  notes.push(timeline.waveform ? `output waveform from ${timeline.waveform.file}` : 'output waveform not included (no rendered WAV given)');
  notes.push(...timeline.truncated);
  lines.push(notes.join(' · '));
  const description = `Timeline of a wavert run against model time. ${lines.join('. ')}.`;
  return { title, lines, description };
}

function drawPanel(svg: SvgBuilder, timeline: Timeline, panel: PanelData, top: number, g: Geometry, windows: PanelData[]): number {
  let y = top;
  const lanes: Lanes = { top, state: [0, 0], dma: [0, 0], events: [0, 0], wave: [0, 0], bottom: 0 };
  const titleY = y + 15;
  y += g.title + g.letters;
  lanes.state = [y, y + g.state];
  y += g.state + g.gap;
  lanes.dma = [y, y + g.dma];
  y += g.dma + g.gap;
  lanes.events = [y, y + g.events];
  y += g.events + g.gap;
  const waveHeight = panel.waveMin ? g.wave : Math.min(g.wave, 26);
  lanes.wave = [y, y + waveHeight];
  y += waveHeight;
  lanes.bottom = y;

  const detailed = panel.detail !== null && panel.writesInPanel <= panel.columns / 3 && panel.notificationsInPanel <= panel.columns / 3;
  svg.add(`<g id="panel-${panel.id}" class="panel ${panel.kind}" data-start-ns="${panel.startNs}" data-end-ns="${panel.endNs}" data-plot-left="${PLOT_LEFT}" data-plot-width="${PLOT_WIDTH}" data-detailed="${detailed}">`);
  const unit = panelUnit(panel);
  const resolutionNs = (panel.endNs - panel.startNs) / 100;
  const range = `${formatTime(panel.startNs, resolutionNs, unit)} – ${formatTime(panel.endNs, resolutionNs, unit)}`;
  svg.text(PLOT_LEFT, titleY, `${panel.title}  (${range})`, 'font-size="13" font-weight="bold"');

  drawGrid(svg, panel, lanes);
  drawGlitchBackground(svg, timeline, panel, lanes);
  drawStates(svg, timeline, panel, lanes, g);
  drawDma(svg, timeline, panel, lanes, detailed);
  drawEvents(svg, timeline, panel, lanes, detailed);
  drawWave(svg, timeline, panel, lanes);
  drawGlitchLabels(svg, timeline, panel, lanes);
  drawEos(svg, timeline, panel, lanes);
  drawAxis(svg, panel, lanes.bottom);
  let lastLetterX = Number.NEGATIVE_INFINITY;
  for (const window of windows) lastLetterX = drawWindowBracket(svg, panel, window, lanes, lastLetterX);
  svg.add('</g>');
  return lanes.bottom + g.axis;
}

function laneLabel(svg: SvgBuilder, lane: [number, number], lines: string[]): void {
  lines.forEach((line, index) => {
    svg.text(PLOT_LEFT - 8, lane[0] + 11 + index * 11, line, `font-size="${index === 0 ? 10.5 : 9}" text-anchor="end"${index === 0 ? '' : ` fill="${COLORS.muted}"`}`);
  });
}

function visible(panel: PanelData, startNs: number, endNs: number): [number, number] | null {
  if (endNs < panel.startNs || startNs > panel.endNs) return null;
  return [xOfTime(panel, Math.max(startNs, panel.startNs)), xOfTime(panel, Math.min(endNs, panel.endNs))];
}

function drawGrid(svg: SvgBuilder, panel: PanelData, lanes: Lanes): void {
  const stepNs = niceStep(panel.endNs - panel.startNs, 10);
  const lines: string[] = [];
  const first = Math.ceil(panel.startNs / stepNs);
  for (let index = first, t = first * stepNs; t <= panel.endNs; index++, t = index * stepNs) {
    lines.push(`M${r(xOfTime(panel, t))} ${r(lanes.state[0])}V${r(lanes.bottom)}`);
  }
  svg.add(`<path class="grid" d="${lines.join('')}" stroke="${COLORS.grid}" stroke-width="1" fill="none"/>`);
}

/** Underflow spans from the event list when it is complete, else from the per-column flags. */
function underflowRuns(timeline: Timeline, panel: PanelData): Array<{ x1: number; x2: number; policy: 'repeat' | 'silence'; span: UnderflowSpan | null }> {
  const runs: Array<{ x1: number; x2: number; policy: 'repeat' | 'silence'; span: UnderflowSpan | null }> = [];
  if (timeline.underflows.length === timeline.underflowEvents) {
    for (const span of timeline.underflows) {
      const xs = visible(panel, span.startNs, span.endNs);
      if (xs) runs.push({ x1: xs[0], x2: Math.max(xs[1], xs[0] + MIN_GLITCH_WIDTH), policy: span.policy, span });
    }
    return runs;
  }
  let column = 0;
  while (column < panel.columns) {
    const flags = panel.underflowFlags[column]!;
    if (flags === 0) {
      column++;
      continue;
    }
    const start = column;
    while (column < panel.columns && panel.underflowFlags[column] === flags) column++;
    runs.push({ x1: PLOT_LEFT + start, x2: PLOT_LEFT + Math.max(column, start + MIN_GLITCH_WIDTH), policy: flags & 1 ? 'repeat' : 'silence', span: null });
  }
  return runs;
}

/** waveOut starvation and USB gaps visible in the panel, at least MIN_GLITCH_WIDTH wide. */
function gapRuns(timeline: Timeline, panel: PanelData): Array<{ x1: number; x2: number; gap: TransportGap }> {
  const runs: Array<{ x1: number; x2: number; gap: TransportGap }> = [];
  for (const gap of timeline.gaps) {
    const xs = visible(panel, gap.startNs, gap.endNs);
    if (xs) runs.push({ x1: xs[0], x2: Math.max(xs[1], xs[0] + MIN_GLITCH_WIDTH), gap });
  }
  return runs;
}

function describeGap(gap: TransportGap): string {
  const when = `${formatTime(gap.startNs, 1e3)} – ${formatTime(gap.endNs, 1e3)}`;
  if (gap.kind === 'usb-gap') return `USB gap (a discontinuity or a dropped transfer): ${gap.count} empty (micro)frame${gap.count === 1 ? '' : 's'}, ${when}; the device played silence`;
  const packets = gap.count > 1 ? `s ${gap.firstPacketNumber}–${gap.firstPacketNumber! + gap.count - 1}` : ` ${gap.firstPacketNumber}`;
  return `waveOut starvation: packet${packets} filled with silence (no WAVEHDR queued), ${when}`;
}

/** The run's glitch list drawn as regions, each labelled by its kind where it fits, its cause on hover. */
function drawGlitchList(svg: SvgBuilder, timeline: Timeline, panel: PanelData, lanes: Lanes): void {
  const height = lanes.bottom - lanes.state[0];
  for (const glitch of timeline.glitches) {
    const xs = visible(panel, glitch.startNs, glitch.endNs);
    if (!xs) continue;
    const width = Math.max(xs[1] - xs[0], MIN_GLITCH_WIDTH);
    const frames = glitch.frameCount === 0 ? `between output frames ${glitch.startFrame - 1} and ${glitch.startFrame}` : `output frames ${glitch.startFrame}–${glitch.startFrame + glitch.frameCount - 1}`;
    const title = `${glitch.kind} at ${formatTime(glitch.startNs, 1e3)}, ${frames}: ${glitch.cause}`;
    svg.add(`<rect class="glitch-region glitch kind-${escapeXml(glitch.kind)}" data-kind="${escapeXml(glitch.kind)}" data-start-frame="${glitch.startFrame}" data-frame-count="${glitch.frameCount}" data-time-ns="${glitch.startNs}" x="${r(xs[0])}" y="${r(lanes.state[0])}" width="${r(width)}" height="${r(height)}" fill="${COLORS.glitch}"><title>${escapeXml(title)}</title></rect>`);
  }
}

/** Each glitch's kind written over the output lane, drawn last so that nothing covers it. */
function drawGlitchLabels(svg: SvgBuilder, timeline: Timeline, panel: PanelData, lanes: Lanes): void {
  let lastLabelEnd = Number.NEGATIVE_INFINITY;
  for (const glitch of timeline.glitches) {
    const xs = visible(panel, glitch.startNs, glitch.endNs);
    if (!xs) continue;
    const labelWidth = glitch.kind.length * 4.8;
    if (xs[0] >= lastLabelEnd + 4 && xs[0] + labelWidth < PLOT_LEFT + PLOT_WIDTH) {
      svg.add(`<rect class="glitch-label-back" x="${r(xs[0] + 1)}" y="${r(lanes.wave[0] + 1)}" width="${r(labelWidth + 2)}" height="10" fill="#ffffff" fill-opacity="0.85"/>`);
      svg.text(xs[0] + 2, lanes.wave[0] + 9, glitch.kind, `class="glitch-label" data-kind="${escapeXml(glitch.kind)}" font-size="8.5" fill="#c62828"`);
      lastLabelEnd = xs[0] + 2 + labelWidth;
    }
  }
}

function drawGlitchBackground(svg: SvgBuilder, timeline: Timeline, panel: PanelData, lanes: Lanes): void {
  const height = lanes.bottom - lanes.state[0];
  if (timeline.glitchCount > 0 || timeline.glitches.length > 0) {
    drawGlitchList(svg, timeline, panel, lanes);
    for (const write of timeline.writeIssues) {
      const xs = visible(panel, write.timeNs, write.timeNs);
      if (xs) svg.add(`<rect class="write-issue-region" x="${r(xs[0] - 1.5)}" y="${r(lanes.state[0])}" width="3" height="${r(height)}" fill="${COLORS.glitch}"/>`);
    }
    return;
  }
  for (const run of underflowRuns(timeline, panel)) {
    svg.add(`<rect class="glitch-region" x="${r(run.x1)}" y="${r(lanes.state[0])}" width="${r(run.x2 - run.x1)}" height="${r(height)}" fill="${COLORS.glitch}"/>`);
  }
  for (const run of gapRuns(timeline, panel)) {
    svg.add(`<rect class="glitch-region" x="${r(run.x1)}" y="${r(lanes.state[0])}" width="${r(run.x2 - run.x1)}" height="${r(height)}" fill="${COLORS.glitch}"/>`);
  }
  for (const write of timeline.writeIssues) {
    const xs = visible(panel, write.timeNs, write.timeNs);
    if (xs) svg.add(`<rect class="glitch-region" x="${r(xs[0] - 1.5)}" y="${r(lanes.state[0])}" width="3" height="${r(height)}" fill="${COLORS.glitch}"/>`);
  }
}

function drawStates(svg: SvgBuilder, timeline: Timeline, panel: PanelData, lanes: Lanes, g: Geometry): void {
  if (g === DETAIL) laneLabel(svg, lanes.state, ['KS state']);
  const [top, bottom] = lanes.state;
  for (const interval of timeline.states) {
    const xs = visible(panel, interval.startNs, interval.endNs);
    if (!xs || xs[1] - xs[0] < 0.2) continue;
    const fill = COLORS.state[interval.state] ?? '#eeeeee';
    svg.add(`<rect class="state" data-state="${escapeXml(interval.state)}" data-start-ns="${interval.startNs}" x="${r(xs[0])}" y="${r(top)}" width="${r(xs[1] - xs[0])}" height="${r(bottom - top)}" fill="${fill}" stroke="#ffffff" stroke-width="0.5"><title>${escapeXml(`${interval.state} from ${formatTime(interval.startNs, 1e3)} to ${formatTime(interval.endNs, 1e3)}`)}</title></rect>`);
    if (g === DETAIL && xs[1] - xs[0] > interval.state.length * 7 + 6) {
      svg.text(xs[0] + 3, bottom - 4, interval.state, 'font-size="9.5"');
    }
  }
}

function drawDma(svg: SvgBuilder, timeline: Timeline, panel: PanelData, lanes: Lanes, detailed: boolean): void {
  const s = timeline.stream;
  const [top, bottom] = lanes.dma;
  const height = bottom - top;
  const yOf = (bufferFrames: number): number => bottom - (bufferFrames / s.bufferFrames) * height;
  laneLabel(svg, lanes.dma, height > 60 ? ['DMA position', `(0–${s.bufferFrames} frames)`] : ['DMA position']);
  svg.add(`<rect class="lane" x="${PLOT_LEFT}" y="${r(top)}" width="${PLOT_WIDTH}" height="${r(height)}" fill="none" stroke="${COLORS.frame}"/>`);
  const slotHeight = height / s.slots;
  const slotLines: string[] = [];
  for (let slot = 1; slot < s.slots; slot++) slotLines.push(`M${PLOT_LEFT} ${r(bottom - slot * slotHeight)}H${PLOT_LEFT + PLOT_WIDTH}`);
  if (slotLines.length > 0 && slotHeight >= 4) svg.add(`<path class="slots" d="${slotLines.join('')}" stroke="#c7c7c7" stroke-dasharray="3 3" fill="none"/>`);
  if (slotHeight >= 11 && height > 60) {
    for (let slot = 0; slot < s.slots; slot++) {
      if (bottom - (slot + 0.5) * slotHeight < top + 28) continue;
      svg.text(PLOT_LEFT - 8, bottom - (slot + 0.5) * slotHeight + 3, `slot ${slot}`, `font-size="8.5" text-anchor="end" fill="${COLORS.muted}"`);
    }
  }

  let cycles = 0;
  for (const piece of timeline.pieces) {
    if (!piece.running || piece.endNs < panel.startNs || piece.startNs > panel.endNs) continue;
    const startNs = Math.max(piece.startNs, panel.startNs);
    const endNs = Math.min(piece.endNs, panel.endNs);
    cycles += ((endNs - startNs) * s.sampleRate) / 1e9 / s.bufferFrames;
  }
  const dense = cycles > PLOT_WIDTH / 6;
  const path: string[] = [];
  for (const piece of timeline.pieces) {
    if (piece.endNs < panel.startNs || piece.startNs > panel.endNs) continue;
    const startNs = Math.max(piece.startNs, panel.startNs);
    const endNs = Math.min(piece.endNs, panel.endNs);
    if (!piece.running) {
      const frozen = piece.startPositionFrames % s.bufferFrames;
      path.push(`M${r(xOfTime(panel, startNs))} ${r(yOf(frozen))}H${r(xOfTime(panel, endNs))}`);
      continue;
    }
    if (dense) {
      svg.add(`<rect class="dma-band" x="${r(xOfTime(panel, startNs))}" y="${r(top)}" width="${r(Math.max(0.5, xOfTime(panel, endNs) - xOfTime(panel, startNs)))}" height="${r(height)}" fill="${COLORS.dmaBand}"/>`);
      continue;
    }
    const positionAt = (timeNs: number): number => piece.startPositionFrames + ((timeNs - piece.startNs) * s.sampleRate) / 1e9;
    const startPosition = positionAt(startNs);
    const endPosition = Math.min(positionAt(endNs), piece.endPositionFrames);
    path.push(`M${r(xOfTime(panel, startNs))} ${r(yOf(startPosition % s.bufferFrames))}`);
    for (let wrap = (Math.floor(startPosition / s.bufferFrames) + 1) * s.bufferFrames; wrap < endPosition; wrap += s.bufferFrames) {
      const x = r(xOfTime(panel, piece.startNs + ((wrap - piece.startPositionFrames) * 1e9) / s.sampleRate));
      path.push(`L${x} ${r(top)}L${x} ${r(bottom)}`);
    }
    let endInBuffer = endPosition % s.bufferFrames;
    if (endInBuffer === 0 && endPosition > startPosition) endInBuffer = s.bufferFrames;
    path.push(`L${r(xOfTime(panel, endNs))} ${r(yOf(endInBuffer))}`);
  }
  if (path.length > 0) svg.add(`<path class="dma" d="${path.join('')}" stroke="${COLORS.dma}" stroke-width="1.3" fill="none"/>`);
  if (dense) {
    svg.text(PLOT_LEFT + 6, top + 14, `DMA position: ${Math.round(cycles)} buffer cycles, too dense to draw here (shaded while running)`, `font-size="10" fill="${COLORS.muted}"`);
  }
  if (detailed) drawWriteMarks(svg, timeline, panel, lanes.dma);
}

function drawWriteMarks(svg: SvgBuilder, timeline: Timeline, panel: PanelData, lane: [number, number]): void {
  const s = timeline.stream;
  const [top, bottom] = lane;
  const slotHeight = (bottom - top) / s.slots;
  // writes at (nearly) the same time into the same slot stack upwards, keeping their exact x
  const maxStack = Math.max(0, Math.floor(slotHeight / 16) - 1);
  const lastInSlot = new Map<number, { x: number; level: number }>();
  const lastLabelX = new Map<string, number>();
  const successMarks: string[] = [];
  const failedMarks: string[] = [];
  for (const write of panel.detail!.writes) {
    const slot = ((write.packetNumber % s.slots) + s.slots) % s.slots;
    const x = xOfTime(panel, write.timeNs);
    const previous = lastInSlot.get(slot);
    const level = previous && x - previous.x < 9 ? Math.min(previous.level + 1, maxStack) : 0;
    lastInSlot.set(slot, { x, level });
    const y = bottom - (slot + 0.5) * slotHeight - level * 16 + (maxStack > 0 ? 5 : 0);
    const failed = write.statusClass !== 'success';
    const margin = write.marginNs === null ? '' : `, margin ${formatTime(write.marginNs, 1e3)}`;
    const title = `write of packet ${write.packetNumber}${write.eos ? ' (EOS)' : ''} at ${formatTime(write.timeNs, 1e3)}: ${write.status}${margin}`;
    const marks = failed ? failedMarks : successMarks;
    if (write.eos) {
      // the EOS write is the one that ends the stream: a square, not one more dot
      const size = failed ? 10 : 8;
      marks.push(`<rect class="write eos-write status-${write.statusClass}" data-packet="${write.packetNumber}" data-status="${escapeXml(write.status)}" data-time-ns="${write.timeNs}" x="${r(x - size / 2)}" y="${r(y - size / 2)}" width="${size}" height="${size}" fill="${COLORS.status[write.statusClass]}" stroke="#000000" stroke-width="1"><title>${escapeXml(title)}</title></rect>`);
    } else {
      marks.push(`<circle class="write status-${write.statusClass}" data-packet="${write.packetNumber}" data-status="${escapeXml(write.status)}" data-time-ns="${write.timeNs}" cx="${r(x)}" cy="${r(y)}" r="${failed ? 5 : 3.5}" fill="${COLORS.status[write.statusClass]}" stroke="${failed ? '#000000' : '#ffffff'}" stroke-width="${failed ? 1 : 0.6}"><title>${escapeXml(title)}</title></circle>`);
    }
    const label = write.eos ? `${write.packetNumber} EOS` : String(write.packetNumber);
    const labelKey = `${slot}/${level}`;
    if (failed || x - (lastLabelX.get(labelKey) ?? Number.NEGATIVE_INFINITY) >= label.length * 5.6 + 3) {
      marks.push(`<text class="write-label" x="${r(x)}" y="${r(y - (failed ? 8 : 6))}" font-size="9" text-anchor="middle" fill="${COLORS.status[write.statusClass]}"${failed ? ' font-weight="bold"' : ''}>${escapeXml(label)}</text>`);
      lastLabelX.set(labelKey, x);
    }
  }
  svg.add(successMarks.join(''));
  svg.add(failedMarks.join(''));
}

function drawEvents(svg: SvgBuilder, timeline: Timeline, panel: PanelData, lanes: Lanes, detailed: boolean): void {
  const [top, bottom] = lanes.events;
  const height = bottom - top;
  laneLabel(svg, lanes.events, height > 40 ? ['events', 'spans, notifications'] : ['events']);
  svg.add(`<rect class="lane" x="${PLOT_LEFT}" y="${r(top)}" width="${PLOT_WIDTH}" height="${r(height)}" fill="none" stroke="${COLORS.frame}"/>`);
  const spanTop = top + 2;
  const spanHeight = Math.min(18, height / 2 - 2);
  for (const run of underflowRuns(timeline, panel)) {
    const fill = run.policy === 'repeat' ? 'url(#hatch-repeat)' : COLORS.underflowSilence;
    const span = run.span;
    const data = span ? ` data-first-packet="${span.firstPacketNumber}" data-packets="${span.packets}" data-start-ns="${span.startNs}" data-end-ns="${span.endNs}"` : '';
    const title = span
      ? `underflow (${span.policy}): packet${span.packets > 1 ? `s ${span.firstPacketNumber}–${span.firstPacketNumber + span.packets - 1}` : ` ${span.firstPacketNumber}`}, ${count(span.frames, 'frame')}, ${formatTime(span.startNs, 1e3)} – ${formatTime(span.endNs, 1e3)}; ${span.policy === 'repeat' ? 'the DMA replayed stale buffer contents' : 'the DMA played silence'}`
      : `underflow (${run.policy})`;
    svg.add(`<rect class="underflow ${run.policy}"${data} x="${r(run.x1)}" y="${r(spanTop)}" width="${r(run.x2 - run.x1)}" height="${r(spanHeight)}" fill="${fill}" stroke="${run.policy === 'repeat' ? COLORS.underflowRepeat : COLORS.underflowSilence}" stroke-width="0.8"><title>${escapeXml(title)}</title></rect>`);
    const packets = span ? (span.packets > 1 ? `${span.firstPacketNumber}–${span.firstPacketNumber + span.packets - 1}` : String(span.firstPacketNumber)) : '';
    const label = [`underflow ${packets} (${span?.policy})`, `underflow ${packets}`, packets].find((text) => text.length * 6 + 8 <= run.x2 - run.x1);
    if (span && label && height > 40) {
      svg.text(run.x1 + 4, spanTop + spanHeight - 5, label, `font-size="9.5" font-weight="bold" fill="${run.policy === 'repeat' ? '#000000' : '#ffffff'}" stroke="${run.policy === 'repeat' ? '#ffe0b2' : 'none'}" stroke-width="2.5" paint-order="stroke"`);
    }
  }
  for (const run of gapRuns(timeline, panel)) {
    const color = run.gap.kind === 'usb-gap' ? COLORS.usbGap : COLORS.waveOutStarved;
    const data = ` data-kind="${run.gap.kind}" data-count="${run.gap.count}" data-start-ns="${run.gap.startNs}" data-end-ns="${run.gap.endNs}"`;
    svg.add(`<rect class="transport-gap ${run.gap.kind}"${data} x="${r(run.x1)}" y="${r(spanTop)}" width="${r(run.x2 - run.x1)}" height="${r(spanHeight)}" fill="${color}" fill-opacity="0.8"><title>${escapeXml(describeGap(run.gap))}</title></rect>`);
    const label = [run.gap.kind === 'usb-gap' ? `USB gap ×${run.gap.count}` : `starved ×${run.gap.count}`, `×${run.gap.count}`].find((text) => text.length * 6 + 8 <= run.x2 - run.x1);
    if (label && height > 40) svg.text(run.x1 + 4, spanTop + spanHeight - 5, label, 'font-size="9.5" font-weight="bold" fill="#ffffff"');
  }
  const overshoot = timeline.overshoot;
  if (overshoot) {
    const xs = visible(panel, overshoot.startNs, overshoot.endNs);
    if (xs) {
      const width = Math.max(1.5, xs[1] - xs[0]);
      svg.add(`<rect class="fifo-overshoot" data-start-ns="${overshoot.startNs}" data-end-ns="${overshoot.endNs}" data-bytes="${overshoot.bytes}" x="${r(xs[0])}" y="${r(spanTop)}" width="${r(width)}" height="${r(spanHeight)}" fill="${COLORS.overshoot}" fill-opacity="0.75"><title>${escapeXml(`FIFO overshoot: ${count(overshoot.bytes, 'byte')} (${count(overshoot.frames, 'frame')}) of ${overshoot.silent ? 'silence' : 'stale buffer contents'} played after EOS`)}</title></rect>`);
      if (height > 40) {
        const label = `FIFO +${overshoot.bytes} B`;
        const labelWidth = label.length * 6.2;
        const inside = width > labelWidth + 8;
        const right = xs[0] + width + 4 + labelWidth < PLOT_LEFT + PLOT_WIDTH;
        const labelX = inside ? xs[0] + 4 : right ? xs[0] + width + 4 : xs[0] - 4;
        svg.text(labelX, spanTop + spanHeight - 5, label, `class="fifo-label" font-size="9.5" fill="${inside ? '#ffffff' : COLORS.overshoot}" font-weight="bold"${!inside && !right ? ' text-anchor="end"' : ''}`);
      }
    }
  }
  const tickBottom = bottom - 1;
  if (detailed) {
    let lastLabelX = Number.NEGATIVE_INFINITY;
    const eosX = timeline.eos ? xOfTime(panel, timeline.eos.timeNs) : Number.NaN;
    for (const note of panel.detail!.notifications) {
      const x = xOfTime(panel, note.timeNs);
      svg.add(`<line class="notification" data-packet-count="${note.packetCount}" data-time-ns="${note.timeNs}" x1="${r(x)}" y1="${r(tickBottom - 12)}" x2="${r(x)}" y2="${r(tickBottom)}" stroke="${COLORS.notification}" stroke-width="1.5"><title>${escapeXml(`notification at ${formatTime(note.timeNs, 1e3)}: packet count ${note.packetCount}`)}</title></line>`);
      const label = String(note.packetCount);
      const halfWidth = (label.length * 5.2) / 2;
      // a label on the EOS line is unreadable: it moves to the left of the line
      const onEos = Math.abs(x - eosX) < halfWidth + 2;
      const labelX = onEos ? eosX - halfWidth - 3 : x;
      if (height > 40 && labelX - lastLabelX >= label.length * 5.2 + 4) {
        svg.text(labelX, tickBottom - 14, label, `class="notification-label" font-size="8.5" text-anchor="middle" fill="${COLORS.notification}"`);
        lastLabelX = labelX;
      }
    }
    let lastActionEnd = Number.NEGATIVE_INFINITY;
    for (const other of panel.detail!.others) {
      const x = xOfTime(panel, other.timeNs);
      // above the notification labels, so a diamond never sits on a tick
      const y = Math.max(top + 6, tickBottom - 30);
      svg.add(`<path class="other-event" data-event="${escapeXml(other.name)}" data-time-ns="${other.timeNs}" d="M${r(x)} ${r(y - 4)}L${r(x + 4)} ${r(y)}L${r(x)} ${r(y + 4)}L${r(x - 4)} ${r(y)}Z" fill="${COLORS.other}"><title>${escapeXml(`${formatTime(other.timeNs, 1e3)}: ${other.text}`)}</title></path>`);
      const label = other.label;
      if (label && height > 40 && x + 6 >= lastActionEnd && x + 6 + label.length * 5.6 < PLOT_LEFT + PLOT_WIDTH) {
        svg.text(x + 6, y + 3.5, label, `class="other-label" font-size="9" fill="${COLORS.other}"`);
        lastActionEnd = x + 6 + label.length * 5.6 + 4;
      }
    }
    return;
  }
  // aggregated: one tick per pixel column, coloured by the worst write status; notifications as a density strip
  const ticks: string[] = [];
  for (let column = 0; column < panel.columns; column++) {
    const severity = panel.writeWorst[column]!;
    if (severity === 0) continue;
    const statusClass = STATUS_CLASS_BY_SEVERITY[severity]!;
    const tall = statusClass !== 'success';
    ticks.push(`<rect class="write-column status-${statusClass}" data-column="${column}" x="${PLOT_LEFT + column}" y="${r(tall ? bottom - Math.min(16, height - 4) : bottom - 5)}" width="1" height="${tall ? Math.min(16, height - 4) : 4}" fill="${COLORS.status[statusClass]}"/>`);
  }
  svg.add(ticks.join(''));
  const others: string[] = [];
  for (let column = 0; column < panel.columns; column++) {
    if (panel.otherCount[column]! > 0) others.push(`M${PLOT_LEFT + column + 0.5} ${r(top + 2)}v4`);
  }
  if (others.length > 0) svg.add(`<path class="other-event-columns" d="${others.join('')}" stroke="${COLORS.other}" fill="none"/>`);
}

function drawEos(svg: SvgBuilder, timeline: Timeline, panel: PanelData, lanes: Lanes): void {
  const eos = timeline.eos;
  if (!eos) return;
  const xs = visible(panel, eos.timeNs, eos.timeNs);
  if (!xs) return;
  const x = xs[0];
  const title = `EOS at ${formatTime(eos.timeNs, 1e3)}: packet ${eos.packetNumber}, last packet ${count(eos.eosPacketLength, 'byte')}, DMA position ${count(eos.positionFrames, 'frame')}`;
  svg.add(`<line class="eos" data-time-ns="${eos.timeNs}" data-packet="${eos.packetNumber}" x1="${r(x)}" y1="${r(lanes.state[0])}" x2="${r(x)}" y2="${r(lanes.bottom)}" stroke="${COLORS.eos}" stroke-width="1.5" stroke-dasharray="5 3"><title>${escapeXml(title)}</title></line>`);
  const labelX = x + 40 > PLOT_LEFT + PLOT_WIDTH ? x - 4 : x + 4;
  svg.text(labelX, lanes.dma[0] + 12, 'EOS', `font-size="10.5" font-weight="bold"${labelX < x ? ' text-anchor="end"' : ''} stroke="#ffffff" stroke-width="3" paint-order="stroke"`);
}

function drawWave(svg: SvgBuilder, timeline: Timeline, panel: PanelData, lanes: Lanes): void {
  const [top, bottom] = lanes.wave;
  const height = bottom - top;
  laneLabel(svg, lanes.wave, height > 40 ? ['output', 'rendered WAV', 'min/max, all ch'] : ['output']);
  svg.add(`<rect class="lane" x="${PLOT_LEFT}" y="${r(top)}" width="${PLOT_WIDTH}" height="${r(height)}" fill="none" stroke="${COLORS.frame}"/>`);
  if (!panel.waveMin || !panel.waveMax) {
    svg.text(PLOT_LEFT + PLOT_WIDTH / 2, top + height / 2 + 4, 'output waveform not included: no rendered WAV was given (wavert report … --wav <rendered.wav>, or --report on render/run)', `class="no-waveform" font-size="10.5" text-anchor="middle" fill="${COLORS.muted}"`);
    return;
  }
  const middle = top + height / 2;
  const half = height / 2 - 2;
  const yOf = (value: number): number => middle - Math.max(-1, Math.min(1, value)) * half;
  for (const run of [...underflowRuns(timeline, panel), ...gapRuns(timeline, panel)]) {
    svg.add(`<rect class="wave-glitch" x="${r(run.x1)}" y="${r(top)}" width="${r(run.x2 - run.x1)}" height="${r(height)}" fill="#e53935" fill-opacity="0.14" stroke="#e53935" stroke-opacity="0.5" stroke-width="0.8"/>`);
  }
  svg.add(`<path class="zero" d="M${PLOT_LEFT} ${r(middle)}H${PLOT_LEFT + PLOT_WIDTH}" stroke="#bdbdbd" stroke-width="0.8"/>`);
  const bars: string[] = [];
  const line: string[] = [];
  let filled = 0;
  for (let column = 0; column < panel.columns; column++) {
    const min = panel.waveMin[column]!;
    const max = panel.waveMax[column]!;
    if (Number.isNaN(min)) continue;
    filled++;
    const x = PLOT_LEFT + column + 0.5;
    const y1 = yOf(max);
    const y2 = Math.max(yOf(min), y1 + 0.8);
    bars.push(`M${r(x)} ${r(y1)}V${r(y2)}`);
    line.push(`${line.length === 0 ? 'M' : 'L'}${r(x)} ${r((y1 + y2) / 2)}`);
  }
  svg.add(`<path class="waveform" data-columns="${filled}" d="${bars.join('')}" stroke="${COLORS.wave}" stroke-width="1" fill="none"/>`);
  const framesPerColumn = ((panel.endNs - panel.startNs) * timeline.stream.sampleRate) / 1e9 / panel.columns;
  // with few frames per column the min/max bars break up; a line through them keeps the shape readable
  if (framesPerColumn < 3 && line.length > 1) svg.add(`<path class="waveform-line" d="${line.join('')}" stroke="${COLORS.wave}" stroke-width="0.8" fill="none"/>`);
}

function drawAxis(svg: SvgBuilder, panel: PanelData, y: number): void {
  const rangeNs = panel.endNs - panel.startNs;
  const stepNs = niceStep(rangeNs, 10);
  const unit = panelUnit(panel);
  svg.add(`<path class="axis" d="M${PLOT_LEFT} ${r(y)}H${PLOT_LEFT + PLOT_WIDTH}" stroke="#757575"/>`);
  const ticks: string[] = [];
  const first = Math.ceil(panel.startNs / stepNs);
  for (let index = first, t = first * stepNs; t <= panel.endNs + stepNs * 1e-9; index++, t = index * stepNs) {
    const x = xOfTime(panel, t);
    ticks.push(`M${r(x)} ${r(y)}v4`);
    svg.text(x, y + 15, formatTime(t, stepNs, unit), 'font-size="9.5" text-anchor="middle"');
  }
  svg.add(`<path d="${ticks.join('')}" stroke="#757575"/>`);
  svg.text(PLOT_LEFT - 8, y + 27, 'model time', `font-size="9" text-anchor="end" fill="${COLORS.muted}"`);
}

/** Returns where the window's letter went, so that the next letter does not overlap it. */
function drawWindowBracket(svg: SvgBuilder, overview: PanelData, window: PanelData, lanes: Lanes, lastLetterX: number): number {
  const x1 = xOfTime(overview, window.startNs);
  const width = Math.max(3, xOfTime(overview, window.endNs) - x1);
  const letterX = Math.max(x1 + width / 2, lastLetterX + 11);
  svg.add(`<rect class="zoom-window" data-window="${window.id}" x="${r(x1)}" y="${r(lanes.state[0])}" width="${r(width)}" height="${r(lanes.bottom - lanes.state[0])}" fill="${COLORS.window}" fill-opacity="0.07" stroke="${COLORS.window}" stroke-width="1"/>`);
  svg.text(letterX, lanes.state[0] - 3, window.id, `font-size="11" font-weight="bold" text-anchor="middle" fill="${COLORS.window}"`);
  return letterX;
}

function drawLegend(svg: SvgBuilder, top: number): number {
  const items: Array<{ label: string; swatch: (x: number, y: number) => string }> = [];
  for (const statusClass of ['success', 'late', 'overrun', 'invalid', 'other'] as WriteStatusClass[]) {
    items.push({ label: STATUS_LABELS[statusClass], swatch: (x, y) => `<circle cx="${x + 8}" cy="${y}" r="4" fill="${COLORS.status[statusClass]}"/>` });
  }
  items.push(
    { label: 'notification (packet count)', swatch: (x, y) => `<line x1="${x + 8}" y1="${y - 6}" x2="${x + 8}" y2="${y + 6}" stroke="${COLORS.notification}" stroke-width="1.5"/>` },
    { label: 'underflow, repeat', swatch: (x, y) => `<rect x="${x}" y="${y - 6}" width="16" height="12" fill="url(#hatch-repeat)" stroke="${COLORS.underflowRepeat}"/>` },
    { label: 'underflow, silence', swatch: (x, y) => `<rect x="${x}" y="${y - 6}" width="16" height="12" fill="${COLORS.underflowSilence}"/>` },
    { label: 'glitch (labelled by kind)', swatch: (x, y) => `<rect x="${x}" y="${y - 6}" width="16" height="12" fill="${COLORS.glitch}" stroke="#e57373" stroke-width="0.5"/>` },
    { label: 'EOS write (square)', swatch: (x, y) => `<rect x="${x + 4}" y="${y - 4}" width="8" height="8" fill="${COLORS.status.success}" stroke="#000000"/>` },
    { label: 'EOS', swatch: (x, y) => `<line x1="${x + 8}" y1="${y - 7}" x2="${x + 8}" y2="${y + 7}" stroke="${COLORS.eos}" stroke-width="1.5" stroke-dasharray="5 3"/>` },
    { label: 'FIFO overshoot after EOS', swatch: (x, y) => `<rect x="${x}" y="${y - 6}" width="16" height="12" fill="${COLORS.overshoot}" fill-opacity="0.75"/>` },
    { label: 'waveOut starvation', swatch: (x, y) => `<rect x="${x}" y="${y - 6}" width="16" height="12" fill="${COLORS.waveOutStarved}" fill-opacity="0.8"/>` },
    { label: 'USB gap (empty frames)', swatch: (x, y) => `<rect x="${x}" y="${y - 6}" width="16" height="12" fill="${COLORS.usbGap}" fill-opacity="0.8"/>` },
    { label: 'DMA position (sawtooth)', swatch: (x, y) => `<path d="M${x} ${y + 6}L${x + 8} ${y - 6}V${y + 6}L${x + 16} ${y - 6}" stroke="${COLORS.dma}" stroke-width="1.3" fill="none"/>` },
  );
  for (const state of ['RUN', 'PAUSE', 'ACQUIRE', 'STOP']) {
    items.push({ label: `state ${state}`, swatch: (x, y) => `<rect x="${x}" y="${y - 6}" width="16" height="12" fill="${COLORS.state[state]}" stroke="#9e9e9e" stroke-width="0.5"/>` });
  }
  items.push({ label: 'other trace event', swatch: (x, y) => `<path d="M${x + 8} ${y - 4}L${x + 12} ${y}L${x + 8} ${y + 4}L${x + 4} ${y}Z" fill="${COLORS.other}"/>` });
  const perRow = 6;
  const columnWidth = (SVG_WIDTH - 40) / perRow;
  svg.add('<g class="legend">');
  svg.text(20, top + 12, 'Legend', 'font-size="12" font-weight="bold"');
  items.forEach((item, index) => {
    const x = 20 + (index % perRow) * columnWidth;
    const y = top + 32 + Math.floor(index / perRow) * 20;
    svg.add(item.swatch(x, y));
    svg.text(x + 22, y + 4, item.label, 'font-size="10.5"');
  });
  svg.text(20, top + 32 + Math.ceil(items.length / perRow) * 20, 'Write marks sit in the buffer slot of their packet (packet mod notifications), labelled with the packet number; hover a mark for its status and margin.', `font-size="10" fill="${COLORS.muted}"`);
  svg.add('</g>');
  return top + 32 + Math.ceil(items.length / perRow) * 20 + 6;
}

/** The glitch count by kind, from the run's glitch list ("no glitches" only when the list is empty). */
function glitchText(timeline: Timeline): string {
  if (timeline.glitchCount === 0) return Array.isArray(timeline.summary?.glitches) ? 'no glitches' : 'no glitch list in this trace';
  const counts = new Map<string, number>();
  for (const glitch of timeline.glitches) counts.set(glitch.kind, (counts.get(glitch.kind) ?? 0) + 1);
  return `${timeline.glitchCount} glitch${timeline.glitchCount === 1 ? '' : 'es'} (${[...counts].map(([kind, count]) => `${kind} ${count}`).join(', ')})`;
}

/** The run's model time as the summary gives it; the drawing may reach further (the FIFO plays out after EOS). */
function modelTimeText(timeline: Timeline): string {
  const modelTimeNs = timeline.summary?.modelTimeNs;
  if (typeof modelTimeNs !== 'number') return `${readableTime(timeline.endNs)} of model time`;
  const drawnTo = timeline.endNs > modelTimeNs ? ` (drawn to ${readableTime(timeline.endNs)}: what the device still played after it)` : '';
  return `${readableTime(modelTimeNs)} of model time${drawnTo}`;
}

/** A time at a readable precision: µs below 10 s, ms above. */
export function readableTime(timeNs: number): string {
  return formatTime(timeNs, timeNs >= 10e9 ? 1e6 : 1e3);
}
