import type { AllocationResult, AudioFormat } from '../engine/index.js';
import type { ResolvedStreamConfig } from '../session/config.js';
import type { RunRecorder, UnderrunEvent } from './recorder.js';
import { describeGlitch, glitchKinds, type Glitch, type GlitchKind } from './glitches.js';
import type { SampleStats } from './samples.js';
import type { WaveOutSummary } from '../client/waveout.js';
import type { UsbSummary } from '../transport/usb-transport.js';
import { count } from '../text/count.js';

export interface SummaryContext {
  recorder: RunRecorder;
  config: ResolvedStreamConfig;
  allocation: AllocationResult;
  format: AudioFormat;
  packetFrames: number;
  packetCount: number;
  ended: boolean;
  clock: 'virtual' | 'realtime';
  modelTimeNs: number;
  framesDelivered: number;
  input: { file: string; frames: number | null; format: string } | null;
  /** Why the stream never ended (a never-ending EOS, no timer), or null. */
  neverEnded?: string | null;
}

export interface RunSummary {
  clock: 'virtual' | 'realtime';
  input: SummaryContext['input'];
  stream: {
    profile: string;
    underflowPolicy: string;
    eosSilenceFill: boolean;
    requestedBufferBytes: number;
    bufferBytes: number;
    notifications: number;
    notificationCountExtension: boolean;
    packetBytes: number;
    packetFrames: number;
    fifoBytes: number;
    sampleRate: number;
  };
  /** Packets the DMA transferred completely (the final packet count). */
  packets: number;
  notifications: number;
  writes: number;
  packetsWritten: number;
  statuses: Record<string, number>;
  underflowPolicy: string;
  underrun: { events: number; frames: number; packets: number; list: UnderrunEvent[] };
  /** Every glitch a listener hears (DESIGN §13), in output order; `glitchCounts` counts them per kind. */
  glitches: Glitch[];
  glitchCounts: Record<GlitchKind, number>;
  /** All glitches, including any past the listed cap. */
  glitchTotal: number;
  eos: { reached: boolean; packetNumber: number | null; eosPacketLength: number | null; timeNs: number | null };
  fifoOvershootBytes: number;
  writeMarginNs: SampleStats;
  notificationLatenessNs: SampleStats;
  clientLatenessNs: SampleStats;
  /** Filled by real-time runs: model clock against the monotonic clock, and against the sink. */
  drift: { modelVsMonotonicPpm: number | null; modelVsSinkPpm: number | null };
  framesDelivered: number;
  output: { frames: number; bytes: number; durationSeconds: number };
  modelTimeNs: number;
  ended: boolean;
  /** Why the stream never ended, when it did not (the profile's choices can make an EOS unreachable). */
  neverEnded: string | null;
  /** Present when the stream was fed through waveOut (--client waveout). */
  waveOut?: WaveOutSummary;
  /** Present when the DMA output went through a USB isochronous pipe (--transport usb). */
  usb?: UsbSummary;
}

export function buildSummary(context: SummaryContext): RunSummary {
  const { recorder, config, allocation, format } = context;
  return {
    clock: context.clock,
    input: context.input,
    stream: {
      profile: config.profile,
      underflowPolicy: config.underflowPolicy,
      eosSilenceFill: config.eosSilenceFill,
      requestedBufferBytes: allocation.requestedSizeInBytes,
      bufferBytes: allocation.actualSizeInBytes,
      notifications: allocation.notificationCount,
      notificationCountExtension: allocation.extension,
      packetBytes: allocation.packetSizeInBytes,
      packetFrames: context.packetFrames,
      fifoBytes: config.fifoBytes,
      sampleRate: format.sampleRate,
    },
    packets: context.packetCount,
    notifications: recorder.notifications,
    writes: recorder.writes,
    packetsWritten: recorder.packetsWritten,
    statuses: recorder.statusesByName(),
    underflowPolicy: config.underflowPolicy,
    underrun: { events: recorder.underrunEvents, frames: recorder.underrunFrames, packets: recorder.underrunPackets, list: recorder.underruns },
    glitches: recorder.glitches(),
    glitchCounts: recorder.glitchCounts(),
    glitchTotal: recorder.glitchTotal,
    eos: recorder.eos
      ? { reached: true, packetNumber: recorder.eos.packetNumber, eosPacketLength: recorder.eos.eosPacketLength, timeNs: recorder.eos.timeNs }
      : { reached: false, packetNumber: null, eosPacketLength: null, timeNs: null },
    fifoOvershootBytes: recorder.fifoOvershootBytes,
    writeMarginNs: recorder.marginStats(),
    notificationLatenessNs: recorder.notificationLatenessNs.stats(),
    clientLatenessNs: recorder.clientLatenessNs.stats(),
    drift: { modelVsMonotonicPpm: null, modelVsSinkPpm: null },
    framesDelivered: context.framesDelivered,
    output: {
      frames: recorder.outputFrames,
      bytes: recorder.outputBytes,
      durationSeconds: recorder.outputFrames / format.sampleRate,
    },
    modelTimeNs: context.modelTimeNs,
    ended: context.ended,
    neverEnded: context.neverEnded ?? null,
  };
}

const ms = (ns: number | null): string => (ns === null ? '–' : `${(ns / 1e6).toFixed(3)} ms`);

/** The human summary printed at the end of every run. */
export function formatSummary(summary: RunSummary): string {
  const s = summary.stream;
  const lines: string[] = [];
  if (summary.input) lines.push(`input        ${summary.input.file}: ${summary.input.format}${summary.input.frames === null ? '' : `, ${count(summary.input.frames, 'frame')}`}`);
  const bufferNote = s.requestedBufferBytes === s.bufferBytes ? '' : ` (requested ${s.requestedBufferBytes})`;
  lines.push(`stream       ${s.bufferBytes} bytes${bufferNote}, ${count(s.notifications, 'notification')}${s.notificationCountExtension ? ' (model extension: the docs allow 1 or 2)' : ''}, packets of ${count(s.packetBytes, 'byte')} (${count(s.packetFrames, 'frame')})`);
  lines.push(`             profile ${s.profile}, underflow ${s.underflowPolicy}, EOS fill ${s.eosSilenceFill ? 'on' : 'off'}, FIFO ${count(s.fifoBytes, 'byte')}, ${summary.clock} clock`);
  lines.push(`packets      ${describePackets(summary)}`);
  const statuses = Object.entries(summary.statuses).map(([name, count]) => `${name} ${count}`).join(', ');
  lines.push(`statuses     ${statuses || 'none'}`);
  const underrunList = summary.underrun.list.slice(0, 5).map((u) => `packet ${u.firstPacketNumber}${u.packets > 1 ? `–${u.firstPacketNumber + u.packets - 1}` : ''} at ${ms(u.timeNs)}`).join(', ');
  lines.push(`underruns    ${count(summary.underrun.events, 'event')}, ${count(summary.underrun.frames, 'frame')} (${summary.underflowPolicy})${underrunList ? `: ${underrunList}${summary.underrun.events > 5 ? ', …' : ''}` : ''}`);
  lines.push(...formatGlitches(summary));
  const eos = summary.eos.reached
    ? `packet ${summary.eos.packetNumber}, length ${count(summary.eos.eosPacketLength ?? 0, 'byte')}, at ${ms(summary.eos.timeNs)}${summary.fifoOvershootBytes ? `; FIFO overshoot ${count(summary.fifoOvershootBytes, 'byte')}` : ''}`
    : summary.neverEnded ? `never ended: ${summary.neverEnded}` : 'not reached';
  lines.push(`end          ${eos}`);
  const m = summary.writeMarginNs;
  lines.push(`write margin min ${ms(m.min)}, p50 ${ms(m.p50)}, p99 ${ms(m.p99)}, max ${ms(m.max)}`);
  if (summary.clock === 'realtime') {
    const n = summary.notificationLatenessNs;
    const c = summary.clientLatenessNs;
    lines.push(`lateness     notifications p50 ${ms(n.p50)}, p99 ${ms(n.p99)}, max ${ms(n.max)}; client p50 ${ms(c.p50)}, p99 ${ms(c.p99)}, max ${ms(c.max)}`);
    const d = summary.drift;
    lines.push(`drift        model vs monotonic ${d.modelVsMonotonicPpm === null ? '–' : `${d.modelVsMonotonicPpm.toFixed(2)} ppm`}, model vs sink ${d.modelVsSinkPpm === null ? '–' : `${d.modelVsSinkPpm.toFixed(2)} ppm`}`);
  }
  if (summary.waveOut) lines.push(`waveOut      ${describeWaveOut(summary.waveOut)}`);
  if (summary.usb) lines.push(`usb          ${describeUsb(summary.usb)}`);
  lines.push(`output       ${count(summary.output.frames, 'frame')}, ${summary.output.durationSeconds.toFixed(3)} s`);
  return `${lines.join('\n')}\n`;
}

const LISTED_IN_TEXT = 5;

/** The glitch lines of the text summary: a count per kind, then the first few with their times and causes. */
export function formatGlitches(summary: Pick<RunSummary, 'glitches' | 'glitchCounts' | 'glitchTotal' | 'stream'>): string[] {
  if (summary.glitchTotal === 0) return ['glitches     none'];
  const counts = glitchKinds.filter((kind) => summary.glitchCounts[kind] > 0).map((kind) => `${kind} ${summary.glitchCounts[kind]}`).join(', ');
  const lines = [`glitches     ${summary.glitchTotal}: ${counts}`];
  for (const glitch of summary.glitches.slice(0, LISTED_IN_TEXT)) lines.push(`             ${describeGlitch(glitch, summary.stream.sampleRate)}`);
  if (summary.glitchTotal > LISTED_IN_TEXT) lines.push(`             … ${summary.glitchTotal - LISTED_IN_TEXT} more (--json and the report list them all)`);
  return lines;
}

/** Packets, notifications and writes; says why there can be one notification more than packets transferred. */
export function describePackets(summary: Pick<RunSummary, 'packets' | 'notifications' | 'packetsWritten' | 'writes' | 'eos'>): string {
  const base = `${summary.packets} transferred, ${count(summary.notifications, 'notification')}, ${summary.packetsWritten} of ${count(summary.writes, 'write')} accepted`;
  if (summary.notifications > summary.packets && summary.eos?.reached) {
    return `${base} (the last notification marks the end of stream inside packet ${summary.eos.packetNumber}, which was not transferred whole)`;
  }
  return base;
}

/** One line about the waveOut side of a run (the text summary and the HTML report share it). */
export function describeWaveOut(w: WaveOutSummary): string {
  return `${count(w.headers, 'header')} of ${count(w.headerBytes, 'byte')}: ${w.headersDone} of ${count(w.headersWritten, 'write')} DONE, ${count(w.starvedPackets, 'starved packet')} (${count(w.starvedFrames, 'frame')} of silence), ${count(w.loopRepeats, 'loop repeat')}, ${count(w.resets, 'reset')}`;
}

/** One line about the USB isochronous pipe of a run. */
export function describeUsb(u: UsbSummary): string {
  const perFrame = u.bytesPerFrame.min === null ? '–' : `${u.bytesPerFrame.min}–${u.bytesPerFrame.max}`;
  const failures = Object.entries(u.failures).map(([name, count]) => `${name} ${count}`).join(', ');
  return `${u.speed} speed, interval ${u.interval}, ${count(u.maxBytesPerInterval, 'byte')} max: ${count(u.frames, 'frame')} (${perFrame} bytes each), ${u.emptyFrames} empty, ${count(u.discontinuities, 'discontinuity', 'discontinuities')}${failures ? `; failed writes: ${failures}` : ''}`;
}
