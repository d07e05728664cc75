import { framesToNs, nsToFrames } from '../clock/time.js';
import { IoError } from '../errors.js';
import type { RunSummary } from './summary.js';
import type { TraceRecord, TraceSource } from './timeline-trace.js';

// What the timeline draws, read from a trace in two bounded passes: the first finds the run's shape
// (stream config, DMA run pieces, glitches, EOS), the second fills per-column buckets and the detail
// of the zoom windows the first pass chose. Nothing grows with the length of the run past fixed caps.

export type WriteStatusClass = 'success' | 'late' | 'overrun' | 'invalid' | 'other';

/** Severity order used when several writes share one pixel column: the worst one colours it. */
export const STATUS_CLASS_SEVERITY: Record<WriteStatusClass, number> = { success: 1, invalid: 2, other: 3, overrun: 4, late: 5 };
export const STATUS_CLASS_BY_SEVERITY: readonly (WriteStatusClass | null)[] = [null, 'success', 'invalid', 'other', 'overrun', 'late'];

export function statusClassOf(statusName: string): WriteStatusClass {
  if (statusName === 'STATUS_SUCCESS') return 'success';
  if (statusName === 'STATUS_DATA_LATE_ERROR') return 'late';
  if (statusName === 'STATUS_DATA_OVERRUN') return 'overrun';
  if (statusName.startsWith('STATUS_INVALID_')) return 'invalid';
  return 'other';
}

export interface TimelineStream {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  encoding: string;
  blockAlign: number;
  bufferBytes: number;
  bufferFrames: number;
  notifications: number;
  packetBytes: number;
  packetFrames: number;
  profile: string;
  underflowPolicy: string;
  eosSilenceFill: boolean;
  fifoBytes: number;
  /** Duration of one packet at the nominal rate (of the whole buffer without packet mode, N = 0). */
  packetNs: number;
  /** Rows the buffer is drawn in: N, or 1 without packet mode. */
  slots: number;
}

/** A stretch of model time during which the DMA position is either advancing (RUN) or frozen. */
export interface DmaPiece {
  startNs: number;
  endNs: number;
  startPositionFrames: number;
  endPositionFrames: number;
  running: boolean;
  /** For running pieces: index in the output (rendered WAV) of the first frame this piece transferred. */
  startOutputFrame: number;
}

export interface StateInterval {
  state: string;
  startNs: number;
  endNs: number;
}

export interface UnderflowSpan {
  firstPacketNumber: number;
  packets: number;
  frames: number;
  startNs: number;
  endNs: number;
  policy: 'repeat' | 'silence';
}

/** A glitch outside the WaveRT stream: waveOut starvation (silent packets) or a USB isochronous gap. */
export interface TransportGap {
  kind: 'waveout-starved' | 'usb-gap';
  startNs: number;
  endNs: number;
  /** Starved packets (waveOut) or empty (micro)frames (USB). */
  count: number;
  firstPacketNumber: number | null;
}

/** One entry of the run's glitch list (a `glitch` trace event), placed in model time. */
export interface GlitchSpan {
  kind: string;
  startNs: number;
  endNs: number;
  startFrame: number;
  frameCount: number;
  packetNumber: number | null;
  packets: number;
  cause: string;
}

export interface WriteMark {
  timeNs: number;
  packetNumber: number;
  status: string;
  statusClass: WriteStatusClass;
  marginNs: number | null;
  eos: boolean;
}

export interface NotificationMark {
  timeNs: number;
  packetCount: number;
}

export interface OtherMark {
  timeNs: number;
  name: string;
  text: string;
  /** A short label drawn beside the mark (a scenario action's name), or null. */
  label: string | null;
}

export interface EosMark {
  timeNs: number;
  packetNumber: number;
  eosPacketLength: number;
  positionFrames: number;
}

export interface OvershootMark {
  startNs: number;
  endNs: number;
  bytes: number;
  frames: number;
  silent: boolean;
  startOutputFrame: number;
}

export type PanelKind = 'whole' | 'overview' | 'window';

/** One horizontal time range drawn with its own x scale; `columns` is its plot width in pixels. */
export interface PanelPlan {
  id: string;
  kind: PanelKind;
  startNs: number;
  endNs: number;
  columns: number;
  title: string;
}

export interface PanelData extends PanelPlan {
  /** Worst write status per column (index into STATUS_CLASS_BY_SEVERITY), 0 for none. */
  writeWorst: Uint8Array;
  writeCount: Uint32Array;
  notificationCount: Uint32Array;
  /** Bit 1: a repeat underflow touches the column; bit 2: a silence underflow. */
  underflowFlags: Uint8Array;
  otherCount: Uint32Array;
  /** Every mark in the panel, or null when there were too many to keep (the columns are drawn then). */
  detail: { writes: WriteMark[]; notifications: NotificationMark[]; others: OtherMark[] } | null;
  writesInPanel: number;
  notificationsInPanel: number;
  /** Output waveform min/max per column in [-1, 1]; NaN where no frame falls in the column. */
  waveMin: Float32Array | null;
  waveMax: Float32Array | null;
}

export interface TimelineScan {
  label: string;
  stream: TimelineStream;
  pieces: DmaPiece[];
  states: StateInterval[];
  underflows: UnderflowSpan[];
  underflowEvents: number;
  /** The run's glitch list from the trace's `glitch` events (the first MAX_LISTED_GLITCH_SPANS), and how many there were. */
  glitches: GlitchSpan[];
  glitchCount: number;
  /** waveOut starvation and USB gaps, placed where they were heard (the first MAX_LISTED_GAPS). */
  gaps: TransportGap[];
  writeIssues: WriteMark[];
  writeIssueCount: number;
  writes: number;
  notifications: number;
  statusCounts: Record<string, number>;
  eos: EosMark | null;
  overshoot: OvershootMark | null;
  otherEventCounts: Record<string, number>;
  summary: RunSummary | null;
  startNs: number;
  endNs: number;
  /** Output frames the trace accounts for (DMA transfers plus the FIFO overshoot). */
  outputFrames: number;
  /**
   * With a USB transport the rendered WAV is what the device played, gaps included, continuously from its first
   * transfer; the waveform is placed from this time on the bus clock (exact unless the DMA paused mid-run).
   */
  deviceStartNs?: number | null;
  truncated: string[];
}

export interface Timeline extends TimelineScan {
  panels: PanelData[];
  /** Glitch regions not given their own zoom window (too many); they still show in the overview. */
  unzoomedRegions: number;
  waveform: { file: string } | null;
  /** Names the run in the title (a scenario); null to use the input file or the trace. */
  subject: string | null;
}

export const MAX_LISTED_UNDERFLOWS = 2000;
export const MAX_LISTED_GAPS = 2000;
export const MAX_LISTED_GLITCH_SPANS = 2000;
export const MAX_LISTED_WRITE_ISSUES = 2000;
export const MAX_DMA_PIECES = 20000;
export const MAX_DETAIL_MARKS = 6000;
export const MAX_WINDOWS = 6;
/** Runs up to this many packets long are drawn whole, with full detail and no overview. */
export const WHOLE_RUN_MAX_PACKETS = 160;
export const PLOT_COLUMNS = 1058;

const number = (record: Record<string, unknown>, field: string, fallback: number): number =>
  typeof record[field] === 'number' && Number.isFinite(record[field]) ? (record[field] as number) : fallback;

function streamFrom(record: TraceRecord, label: string): TimelineStream {
  const format = (typeof record.format === 'object' && record.format !== null ? record.format : {}) as Record<string, unknown>;
  const required = (source: Record<string, unknown>, field: string): number => {
    const value = source[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new IoError(`${label}:1: the 'stream' event has no positive '${field}', so the timeline cannot be scaled`);
    }
    return value;
  };
  const sampleRate = required(format, 'sampleRate');
  const blockAlign = required(format, 'blockAlign');
  const bufferBytes = required(record, 'bufferBytes');
  // N = 0 is AllocateAudioBuffer without packet mode: no packets, no notifications
  const notifications = Math.max(0, Math.floor(number(record, 'notifications', 0)));
  const packetFrames = Math.max(0, number(record, 'packetFrames', 0));
  const bufferFrames = Math.floor(bufferBytes / blockAlign);
  return {
    sampleRate,
    channels: number(format, 'channels', 1),
    bitsPerSample: number(format, 'bitsPerSample', 0),
    encoding: typeof format.encoding === 'string' ? format.encoding : 'pcm',
    blockAlign,
    bufferBytes,
    bufferFrames,
    notifications,
    packetBytes: number(record, 'packetBytes', packetFrames * blockAlign),
    packetFrames,
    profile: typeof record.profile === 'string' ? record.profile : '?',
    underflowPolicy: typeof record.underflowPolicy === 'string' ? record.underflowPolicy : '?',
    eosSilenceFill: record.eosSilenceFill === true,
    fifoBytes: number(record, 'fifoBytes', 0),
    packetNs: ((packetFrames > 0 ? packetFrames : bufferFrames) * 1e9) / sampleRate,
    slots: Math.max(1, notifications),
  };
}

/** Takes trace records one at a time; `finish` hands back what was gathered. */
export interface TracePass<T> {
  add(record: TraceRecord): void;
  finish(): T;
}

/** First pass: the run's shape. */
export async function scanTrace(source: TraceSource): Promise<TimelineScan> {
  const scanner = createScanner(source.label);
  for await (const record of source.records()) scanner.add(record);
  return scanner.finish();
}

export function createScanner(label: string): TracePass<TimelineScan> {
  let stream: TimelineStream | null = null;
  const pieces: DmaPiece[] = [];
  const stateChanges: Array<{ timeNs: number; to: string }> = [];
  const underflows: UnderflowSpan[] = [];
  const glitches: GlitchSpan[] = [];
  let glitchCount = 0;
  const starvedPackets: Array<{ packetNumber: number; frames: number }> = [];
  const usbGaps: Array<{ fromInterval: number; intervals: number }> = [];
  let firstUsbInterval: number | null = null;
  const writeIssues: WriteMark[] = [];
  const statusCounts: Record<string, number> = {};
  const otherEventCounts: Record<string, number> = {};
  const truncated = new Set<string>();
  let underflowEvents = 0;
  let writeIssueCount = 0;
  let writes = 0;
  let notifications = 0;
  let eos: EosMark | null = null;
  let overshootEvent: { timeNs: number; bytes: number; silent: boolean } | null = null;
  let summary: RunSummary | null = null;
  let endNs = 0;
  let initialState = 'STOP';
  let lastUnderflowPacket = Number.NaN;
  let lastUnderflowPolicy = '';
  let lastUnderflowListed = false;
  let outputFrames = 0;
  let dmaFinished = false;
  // the piece being built: the DMA position is frozen at `positionFrames` or advancing from it
  let open: { startNs: number; positionFrames: number; running: boolean } = { startNs: 0, positionFrames: 0, running: false };

  const closeOpen = (timeNs: number, positionFrames: number): void => {
    const endPosition = open.running ? positionFrames : open.positionFrames;
    if (pieces.length >= MAX_DMA_PIECES) {
      truncated.add(`DMA position drawn for the first ${MAX_DMA_PIECES} state changes only`);
    } else if (timeNs > open.startNs || open.running) {
      pieces.push({
        startNs: open.startNs, endNs: timeNs, startPositionFrames: open.positionFrames, endPositionFrames: endPosition,
        running: open.running, startOutputFrame: outputFrames,
      });
    }
    if (open.running) outputFrames += Math.max(0, endPosition - open.positionFrames);
  };
  const moveDma = (timeNs: number, positionFrames: number, running: boolean): void => {
    closeOpen(timeNs, positionFrames);
    open = { startNs: timeNs, positionFrames, running };
  };

  const add = (record: TraceRecord): void => {
    const timeNs = record.timeNs;
    if (record.event !== 'summary' && timeNs > endNs) endNs = timeNs;
    const positionFrames = number(record, 'positionFrames', 0);
    switch (record.event) {
      case 'stream':
        if (stream === null) stream = streamFrom(record, label);
        break;
      case 'state': {
        const from = String(record.from ?? '');
        const to = String(record.to ?? '');
        if (stateChanges.length === 0 && from) initialState = from;
        if (stateChanges.length < MAX_DMA_PIECES) stateChanges.push({ timeNs, to });
        else truncated.add(`state bands drawn for the first ${MAX_DMA_PIECES} state changes only`);
        if (to === 'RUN' && !dmaFinished) moveDma(timeNs, positionFrames, true);
        else if (from === 'RUN' && open.running) moveDma(timeNs, positionFrames, false);
        else if (!open.running && positionFrames !== open.positionFrames) moveDma(timeNs, positionFrames, false);
        break;
      }
      case 'notification':
        notifications++;
        break;
      case 'write': {
        writes++;
        const status = String(record.status ?? 'unknown');
        statusCounts[status] = (statusCounts[status] ?? 0) + 1;
        const statusClass = statusClassOf(status);
        if (statusClass !== 'success') {
          writeIssueCount++;
          if (writeIssues.length < MAX_LISTED_WRITE_ISSUES) writeIssues.push(writeMarkFrom(record, status, statusClass));
          else truncated.add(`the first ${MAX_LISTED_WRITE_ISSUES} failed writes are listed`);
        }
        break;
      }
      case 'underflow': {
        const packetNumber = number(record, 'packetNumber', 0);
        const frames = number(record, 'frames', stream?.packetFrames ?? 0);
        const policy = record.policy === 'silence' ? 'silence' : 'repeat';
        const spanEndNs = timeNs + (stream ? framesToNs(frames, stream.sampleRate) : 0);
        const continues = packetNumber === lastUnderflowPacket + 1 && policy === lastUnderflowPolicy;
        lastUnderflowPacket = packetNumber;
        lastUnderflowPolicy = policy;
        if (continues) {
          const last = underflows[underflows.length - 1];
          if (lastUnderflowListed && last) {
            last.packets++;
            last.frames += frames;
            last.endNs = spanEndNs;
          }
        } else {
          underflowEvents++;
          lastUnderflowListed = underflows.length < MAX_LISTED_UNDERFLOWS;
          if (lastUnderflowListed) {
            underflows.push({ firstPacketNumber: packetNumber, packets: 1, frames, startNs: timeNs, endNs: spanEndNs, policy });
          } else {
            truncated.add(`the first ${MAX_LISTED_UNDERFLOWS} underflow events are zoomable; the overview shows all`);
          }
        }
        if (spanEndNs > endNs) endNs = spanEndNs;
        break;
      }
      case 'eos':
        if (eos === null) {
          eos = { timeNs, packetNumber: number(record, 'packetNumber', 0), eosPacketLength: number(record, 'eosPacketLength', 0), positionFrames };
          if (open.running) moveDma(timeNs, positionFrames, false);
          dmaFinished = true;
        }
        break;
      case 'fifo-overshoot':
        if (overshootEvent === null) overshootEvent = { timeNs, bytes: number(record, 'bytes', 0), silent: record.silent === true };
        break;
      case 'glitch': {
        glitchCount++;
        const frameCount = number(record, 'frameCount', 0);
        const spanEndNs = timeNs + (stream ? framesToNs(frameCount, stream.sampleRate) : 0);
        if (glitches.length < MAX_LISTED_GLITCH_SPANS) {
          glitches.push({
            kind: String(record.kind ?? 'glitch'), startNs: timeNs, endNs: spanEndNs, startFrame: number(record, 'startFrame', 0), frameCount,
            packetNumber: typeof record.packetNumber === 'number' ? record.packetNumber : null, packets: number(record, 'packets', 1), cause: String(record.cause ?? ''),
          });
        } else {
          truncated.add(`the first ${MAX_LISTED_GLITCH_SPANS} glitches are drawn`);
        }
        if (spanEndNs > endNs) endNs = spanEndNs;
        break;
      }
      case 'summary':
        summary = summaryFrom(record);
        if (typeof summary.modelTimeNs === 'number' && summary.modelTimeNs > endNs) endNs = summary.modelTimeNs;
        break;
      default:
        otherEventCounts[record.event] = (otherEventCounts[record.event] ?? 0) + 1;
        if (record.event === 'usb' && record.kind === 'submit' && firstUsbInterval === null) firstUsbInterval = number(record, 'startInterval', 0);
        if (record.event === 'waveout' && record.kind === 'starved') {
          if (starvedPackets.length < MAX_LISTED_GAPS) starvedPackets.push({ packetNumber: number(record, 'packetNumber', 0), frames: number(record, 'silentFrames', 0) });
          else truncated.add(`the first ${MAX_LISTED_GAPS} starved waveOut packets are drawn`);
        } else if (record.event === 'usb' && (record.kind === 'gap' || (record.kind === 'submit' && record.dropped === true))) {
          // a discontinuity's skipped frames, or a transfer the host dropped: either way the device played silence
          const fromInterval = record.kind === 'gap' ? number(record, 'fromInterval', 0) : number(record, 'startInterval', 0);
          if (usbGaps.length < MAX_LISTED_GAPS) usbGaps.push({ fromInterval, intervals: number(record, 'intervals', 0) });
          else truncated.add(`the first ${MAX_LISTED_GAPS} USB gaps are drawn`);
        }
    }
  };

  const finish = (): TimelineScan => {
    if (stream === null) throw new IoError(`${label}: no 'stream' event, so this is not a wavert trace`);

    let overshoot: OvershootMark | null = null;
    if (overshootEvent) {
      const frames = Math.floor(overshootEvent.bytes / stream.blockAlign);
      const overshootEndNs = overshootEvent.timeNs + framesToNs(frames, stream.sampleRate);
      if (overshootEndNs > endNs) endNs = overshootEndNs;
      overshoot = { startNs: overshootEvent.timeNs, endNs: overshootEndNs, bytes: overshootEvent.bytes, frames, silent: overshootEvent.silent, startOutputFrame: 0 };
    }
    if (endNs <= 0) endNs = stream.packetNs;
    const openEndPosition = open.running ? open.positionFrames + nsToFrames(endNs - open.startNs, stream.sampleRate) : open.positionFrames;
    closeOpen(endNs, openEndPosition);
    if (overshoot) {
      overshoot.startOutputFrame = outputFrames;
      outputFrames += overshoot.frames;
    }

    const states: StateInterval[] = [];
    let state = initialState;
    let stateStartNs = 0;
    for (const change of stateChanges) {
      if (change.timeNs > stateStartNs) states.push({ state, startNs: stateStartNs, endNs: change.timeNs });
      state = change.to;
      stateStartNs = change.timeNs;
    }
    if (endNs > stateStartNs) states.push({ state, startNs: stateStartNs, endNs });

    const gaps = transportGaps(stream, pieces, starvedPackets, usbGaps, summary);
    const usbPeriodNs = summary?.usb?.periodNs;
    const deviceStartNs = usbPeriodNs && firstUsbInterval !== null ? firstUsbInterval * usbPeriodNs : null;
    return {
      label, stream, pieces, states, underflows, underflowEvents, glitches: glitches.sort((a, b) => a.startNs - b.startNs), glitchCount, gaps, writeIssues, writeIssueCount, writes, notifications,
      statusCounts, eos, overshoot, otherEventCounts, summary, startNs: 0, endNs, outputFrames, deviceStartNs, truncated: [...truncated],
    };
  };
  return { add, finish };
}

/** When a DMA position was transferred, from the running pieces; null when the DMA never reached it. */
function timeOfPosition(pieces: readonly DmaPiece[], positionFrames: number, sampleRate: number): number | null {
  for (const piece of pieces) {
    if (piece.running && positionFrames >= piece.startPositionFrames && positionFrames < piece.endPositionFrames) {
      return piece.startNs + framesToNs(positionFrames - piece.startPositionFrames, sampleRate);
    }
  }
  return null;
}

/** Starved waveOut packets (merged when consecutive) where they played, and USB gaps on the bus clock. */
function transportGaps(
  stream: TimelineStream, pieces: readonly DmaPiece[], starved: ReadonlyArray<{ packetNumber: number; frames: number }>,
  usbGaps: ReadonlyArray<{ fromInterval: number; intervals: number }>, summary: RunSummary | null,
): TransportGap[] {
  const gaps: TransportGap[] = [];
  for (const packet of starved) {
    const startNs = timeOfPosition(pieces, packet.packetNumber * stream.packetFrames, stream.sampleRate);
    if (startNs === null) continue;
    const endNs = startNs + framesToNs(packet.frames, stream.sampleRate);
    const last = gaps[gaps.length - 1];
    if (last && last.kind === 'waveout-starved' && last.firstPacketNumber !== null && last.firstPacketNumber + last.count === packet.packetNumber) {
      last.count++;
      last.endNs = endNs;
    } else {
      gaps.push({ kind: 'waveout-starved', startNs, endNs, count: 1, firstPacketNumber: packet.packetNumber });
    }
  }
  const periodNs = summary?.usb?.periodNs;
  if (periodNs) {
    for (const gap of usbGaps) {
      gaps.push({ kind: 'usb-gap', startNs: gap.fromInterval * periodNs, endNs: (gap.fromInterval + gap.intervals) * periodNs, count: gap.intervals, firstPacketNumber: null });
    }
  }
  return gaps.sort((a, b) => a.startNs - b.startNs);
}

function writeMarkFrom(record: TraceRecord, status: string, statusClass: WriteStatusClass): WriteMark {
  const flags = number(record, 'flags', 0);
  return {
    timeNs: record.timeNs,
    packetNumber: number(record, 'packetNumber', 0),
    status,
    statusClass,
    marginNs: typeof record.marginNs === 'number' ? record.marginNs : null,
    // KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM
    eos: (flags & 0x200) !== 0,
  };
}

function summaryFrom(record: TraceRecord): RunSummary {
  const { event: _event, timeNs: _timeNs, timeFrames: _timeFrames, level: _level, time: _time, ...rest } = record;
  return rest as unknown as RunSummary;
}

/** A region worth zooming into: an underflow run, a failed write, or the end of stream with its FIFO overshoot. */
interface Region {
  startNs: number;
  endNs: number;
  what: string;
}

/** Chooses the panels: the whole run when it is short, else an overview plus zoom windows around the glitches. */
export function planPanels(scan: TimelineScan, columns = PLOT_COLUMNS): { panels: PanelPlan[]; unzoomedRegions: number } {
  const { stream, startNs, endNs } = scan;
  const durationNs = endNs - startNs;
  if (durationNs <= stream.packetNs * WHOLE_RUN_MAX_PACKETS) {
    return { panels: [{ id: 'run', kind: 'whole', startNs, endNs, columns, title: 'The whole run' }], unzoomedRegions: 0 };
  }
  const regions: Region[] = [];
  if (scan.glitchCount > 0 || scan.glitches.length > 0) {
    // the run's glitch list, labelled by kind
    for (const g of scan.glitches) regions.push({ startNs: g.startNs, endNs: g.endNs, what: g.packetNumber === null ? g.kind : `${g.kind}, packet ${g.packetNumber}` });
  } else {
    for (const u of scan.underflows) {
      const last = u.firstPacketNumber + u.packets - 1;
      regions.push({ startNs: u.startNs, endNs: u.endNs, what: `underflow, packet${u.packets > 1 ? `s ${u.firstPacketNumber}–${last}` : ` ${u.firstPacketNumber}`}` });
    }
    for (const gap of scan.gaps) regions.push({ startNs: gap.startNs, endNs: gap.endNs, what: gap.kind === 'usb-gap' ? 'USB gap' : 'waveOut starvation' });
  }
  for (const w of scan.writeIssues) regions.push({ startNs: w.timeNs, endNs: w.timeNs, what: `${shortStatus(w.status)} write of packet ${w.packetNumber}` });
  if (scan.eos) regions.push({ startNs: scan.eos.timeNs, endNs: scan.overshoot?.endNs ?? scan.eos.timeNs, what: 'end of stream' });
  regions.sort((a, b) => a.startNs - b.startNs);

  const padNs = Math.max(4 * stream.packetNs, stream.slots * stream.packetNs);
  const clusters: Array<{ startNs: number; endNs: number; whats: string[]; count: number }> = [];
  for (const region of regions) {
    const current = clusters[clusters.length - 1];
    if (current && region.startNs - padNs <= current.endNs + padNs) {
      current.endNs = Math.max(current.endNs, region.endNs);
      current.count++;
      if (current.whats.length < 3 && !current.whats.includes(region.what)) current.whats.push(region.what);
    } else {
      clusters.push({ startNs: region.startNs, endNs: region.endNs, whats: [region.what], count: 1 });
    }
  }
  if (clusters.length === 0) clusters.push({ startNs, endNs: startNs, whats: ['the start (no glitches)'], count: 1 });
  let chosen = clusters;
  if (clusters.length > MAX_WINDOWS) {
    // the end of stream is always worth a window; the rest are the first glitch regions in time
    const last = clusters[clusters.length - 1]!;
    const keepsEnd = scan.eos !== null && last.whats.includes('end of stream');
    chosen = keepsEnd ? [...clusters.slice(0, MAX_WINDOWS - 1), last] : clusters.slice(0, MAX_WINDOWS);
  }
  const panels: PanelPlan[] = [{ id: 'overview', kind: 'overview', startNs, endNs, columns, title: 'Overview: the whole run' }];
  chosen.forEach((cluster, index) => {
    const id = String.fromCharCode(65 + index);
    const more = cluster.count > cluster.whats.length ? `, … (${cluster.count} marks)` : '';
    panels.push({
      id, kind: 'window',
      startNs: Math.max(startNs, cluster.startNs - padNs),
      endNs: Math.min(endNs, Math.max(cluster.endNs + padNs, cluster.startNs + 2 * padNs)),
      columns,
      title: `${id}: ${cluster.whats.join('; ')}${more}`,
    });
  });
  return { panels, unzoomedRegions: clusters.length - chosen.length };
}

export function shortStatus(status: string): string {
  return status.replace(/^STATUS_/, '');
}

/** Column of a time in a panel, or -1 outside it; the panel's end time belongs to its last column. */
export function columnOf(panel: PanelPlan, timeNs: number): number {
  if (timeNs < panel.startNs || timeNs > panel.endNs) return -1;
  const column = Math.floor(((timeNs - panel.startNs) / (panel.endNs - panel.startNs)) * panel.columns);
  return Math.min(panel.columns - 1, column);
}

function emptyPanel(plan: PanelPlan): PanelData {
  return {
    ...plan,
    writeWorst: new Uint8Array(plan.columns),
    writeCount: new Uint32Array(plan.columns),
    notificationCount: new Uint32Array(plan.columns),
    underflowFlags: new Uint8Array(plan.columns),
    otherCount: new Uint32Array(plan.columns),
    detail: { writes: [], notifications: [], others: [] },
    writesInPanel: 0,
    notificationsInPanel: 0,
    waveMin: null,
    waveMax: null,
  };
}

/** Second pass: per-column buckets for every panel, and every mark for panels that stay small enough. */
export async function collectPanels(source: TraceSource, scan: TimelineScan, plans: PanelPlan[]): Promise<PanelData[]> {
  const collector = createCollector(scan, plans);
  for await (const record of source.records()) collector.add(record);
  return collector.finish();
}

export function createCollector(scan: TimelineScan, plans: PanelPlan[]): TracePass<PanelData[]> {
  const panels = plans.map(emptyPanel);
  const detailCounts = panels.map(() => 0);
  const keepDetail = (index: number): boolean => {
    const panel = panels[index]!;
    if (panel.detail === null) return false;
    if (++detailCounts[index]! > MAX_DETAIL_MARKS) {
      panel.detail = null;
      return false;
    }
    return true;
  };
  const add = (record: TraceRecord): void => {
    const timeNs = record.timeNs;
    switch (record.event) {
      case 'write': {
        const status = String(record.status ?? 'unknown');
        const statusClass = statusClassOf(status);
        const severity = STATUS_CLASS_SEVERITY[statusClass];
        panels.forEach((panel, index) => {
          const column = columnOf(panel, timeNs);
          if (column < 0) return;
          panel.writesInPanel++;
          panel.writeCount[column]!++;
          if (severity > panel.writeWorst[column]!) panel.writeWorst[column] = severity;
          if (keepDetail(index)) panel.detail!.writes.push(writeMarkFrom(record, status, statusClass));
        });
        break;
      }
      case 'notification':
        panels.forEach((panel, index) => {
          const column = columnOf(panel, timeNs);
          if (column < 0) return;
          panel.notificationsInPanel++;
          panel.notificationCount[column]!++;
          if (keepDetail(index)) panel.detail!.notifications.push({ timeNs, packetCount: number(record, 'packetCount', 0) });
        });
        break;
      case 'underflow': {
        const frames = number(record, 'frames', scan.stream.packetFrames);
        const spanEndNs = timeNs + framesToNs(frames, scan.stream.sampleRate);
        const flag = record.policy === 'silence' ? 2 : 1;
        for (const panel of panels) {
          if (spanEndNs < panel.startNs || timeNs > panel.endNs) continue;
          const first = Math.max(0, columnOf(panel, Math.max(timeNs, panel.startNs)));
          const last = columnOf(panel, Math.min(spanEndNs, panel.endNs));
          for (let column = first; column <= last; column++) panel.underflowFlags[column]! |= flag;
        }
        break;
      }
      case 'stream': case 'state': case 'eos': case 'fifo-overshoot': case 'summary': case 'glitch':
        break;
      default:
        panels.forEach((panel, index) => {
          const column = columnOf(panel, timeNs);
          if (column < 0) return;
          panel.otherCount[column]!++;
          if (keepDetail(index)) panel.detail!.others.push({ timeNs, name: record.event, text: describeOther(record), label: labelOf(record) });
        });
    }
  };
  return { add, finish: () => panels };
}

/** Scenario actions carry their name (stall, write, pause…) beside their mark; other events their event name. */
function labelOf(record: TraceRecord): string | null {
  if (record.event === 'action' && typeof record.action === 'string') return typeof record.phase === 'string' ? `${record.action} ${record.phase}` : record.action;
  return record.event;
}

function describeOther(record: TraceRecord): string {
  const { event, timeNs: _timeNs, timeFrames: _timeFrames, level: _level, time: _time, ...fields } = record;
  const text = `${event} ${JSON.stringify(fields)}`;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** Where output frame `frameIndex` of the rendered WAV left the device, on the model clock. */
export function outputFrameTimeNs(scan: TimelineScan, frameIndex: number): number {
  const rate = scan.stream.sampleRate;
  if (typeof scan.deviceStartNs === 'number') return scan.deviceStartNs + (frameIndex * 1e9) / rate;
  const overshoot = scan.overshoot;
  if (overshoot && frameIndex >= overshoot.startOutputFrame) {
    return overshoot.startNs + ((frameIndex - overshoot.startOutputFrame) * 1e9) / rate;
  }
  const pieces = scan.pieces;
  let low = 0;
  let high = pieces.length - 1;
  let last = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (pieces[middle]!.startOutputFrame <= frameIndex) {
      last = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  while (last >= 0 && !pieces[last]!.running) last--;
  const found = last >= 0 ? pieces[last]! : null;
  if (!found) return (frameIndex * 1e9) / rate;
  return found.startNs + ((frameIndex - found.startOutputFrame) * 1e9) / rate;
}
