// The table of timeline actions. A new action is one entry: its name, its fields (validated with file:line
// and published in the JSON Schema) and a handler that acts on the session at the action's model time.
import { msToNs } from '../clock/time.js';
import { ksStateOrder, statusName, type KsState, type NtStatus } from '../engine/index.js';
import type { Session } from '../session/session.js';
import { WaveHeader } from '../client/waveout.js';
import { mmResultName } from '../client/waveout-constants.js';
import { boolean, choice, integer, number, type FieldSpec, type VariantSpec } from './spec.js';

const MAX_DURATION_MS = 600_000;
const MAX_PACKET_NUMBER = 0xffff_ffff;
const MAX_FLAGS = 0xffff_ffff;

/** What a handler may use; everything acts at `timeNs`, the action's model time. */
export interface ActionContext {
  readonly session: Session;
  readonly timeNs: number;
  /** Nanoseconds of one packet at the stream's rate. */
  readonly packetNs: number;
  /** Runs a follow-up of this action `delayNs` later (e.g. the resume after a pause); traced as `action:phase`. */
  after(delayNs: number, phase: string, handler: () => Record<string, unknown>): void;
  /** The client's next `count` accepted writes are each sent a second time (SetWritePacket only, same arguments). */
  repeatClientWrites(count: number): void;
  /** Holds the DMA output on its way to a real-time sink until `untilNs`; rendered.wav is what the device played, unchanged. */
  stallSink(untilNs: number): void;
  /** A SetWritePacket issued by the scenario itself, optionally with the client's next audio copied into the slot first. */
  scenarioWrite(linearPacketNumber: number, flags: number, eosPacketLength: number, copyAudio: boolean): NtStatus;
}

export interface ActionDefinition {
  name: string;
  description: string;
  fields: Readonly<Record<string, FieldSpec>>;
  required?: readonly string[];
  exactlyOne?: ReadonlyArray<readonly string[]>;
  atMostOne?: ReadonlyArray<readonly string[]>;
  /** The client or transport the action acts on; a scenario without it is refused when loaded. */
  requires?: 'waveout' | 'usb';
  /** Model time the action can add to a run (pauses, stalls), for the run's time bound. */
  durationNs?(fields: Record<string, unknown>, packetNs: number): number;
  /** Acts now; the returned fields go into the trace's `action` event and the summary. */
  run(context: ActionContext, fields: Record<string, unknown>): Record<string, unknown>;
}

const durationMs = number(0, MAX_DURATION_MS, 'duration in milliseconds of model time');

function durationOf(fields: Record<string, unknown>, packetNs: number): number {
  if (typeof fields.durationMs === 'number') return msToNs(fields.durationMs);
  if (typeof fields.durationPackets === 'number') return Math.round(fields.durationPackets * packetNs);
  return 0;
}

function stateChangeEffects(session: Session, from: KsState, to: KsState): void {
  // the OS pre-rolls in PAUSE after a STOP (positions at 0), and tops up as soon as RUN begins
  if (from === 'ACQUIRE' && to === 'PAUSE' && session.stream.getLinearPositionInBytes() === 0) session.client.preroll();
  if (to === 'RUN') session.client.started();
}

function step(session: Session, to: KsState): { status: string; from: KsState; to: KsState } {
  const from = session.stream.getState();
  const status = session.stream.setState(to);
  if (status === 0) stateChangeEffects(session, from, to);
  return { status: statusName(status), from, to };
}

/** Steps one state at a time (as the port driver does), applying the client's reactions on the way. */
function walkTo(session: Session, target: KsState): { status: string; from: KsState; to: KsState } {
  const from = session.stream.getState();
  let last = { status: statusName(0), from, to: from };
  while (session.stream.getState() !== target) {
    const here = ksStateOrder.indexOf(session.stream.getState());
    const next = ksStateOrder[here + Math.sign(ksStateOrder.indexOf(target) - here)]!;
    last = step(session, next);
    if (last.status !== statusName(0)) break;
  }
  return { status: last.status, from, to: session.stream.getState() };
}

const writeFields: Record<string, FieldSpec> = {
  packetNumber: integer(0, MAX_PACKET_NUMBER, 'absolute packet number to write (linear; sent modulo 2^32)'),
  relative: integer(-1_000_000, 1_000_000, 'packet number relative to the one the client expects to write next: -1 is late, +N-1 and beyond overrun'),
  flags: integer(0, MAX_FLAGS, 'KSSTREAM_HEADER_OPTIONSF_* flags (0x200 = ENDOFSTREAM)'),
  eosLengthBytes: integer(0, MAX_FLAGS, 'EosPacketLength in bytes (used with the 0x200 flag)'),
  copyAudio: boolean("copy the client's next packet of audio into the slot before the call (default true)"),
};

function runWrite(context: ActionContext, fields: Record<string, unknown>, defaultRelative: number | null): Record<string, unknown> {
  const client = context.session.client;
  const packet = typeof fields.packetNumber === 'number'
    ? fields.packetNumber
    : client.expectedPacket + (typeof fields.relative === 'number' ? fields.relative : (defaultRelative ?? 0));
  const flags = typeof fields.flags === 'number' ? fields.flags : 0;
  const eosLength = typeof fields.eosLengthBytes === 'number' ? fields.eosLengthBytes : 0;
  const status = context.scenarioWrite(Math.max(0, packet), flags, eosLength, fields.copyAudio !== false);
  return { packetNumber: Math.max(0, packet), flags, eosLengthBytes: eosLength, status: statusName(status) };
}

export const actionDefinitions: readonly ActionDefinition[] = [
  {
    name: 'stall',
    description: 'the client does nothing for a while (its wake-ups meanwhile collapse into one when the stall ends)',
    fields: { durationMs, durationPackets: number(0, 100_000, 'duration in packets (1.5 = one and a half packets)') },
    exactlyOne: [['durationMs', 'durationPackets']],
    durationNs: durationOf,
    run(context, fields) {
      const untilNs = context.timeNs + durationOf(fields, context.packetNs);
      context.session.client.stallUntil(untilNs);
      return { untilNs };
    },
  },
  {
    name: 'skip',
    description: "the client does not write its next packet(s); their audio is dropped and the slots underflow",
    fields: { count: integer(1, 1_000_000, 'packets to skip (default 1)') },
    run(context, fields) {
      const count = typeof fields.count === 'number' ? fields.count : 1;
      context.session.client.skipPackets(count);
      return { count, fromPacket: context.session.client.expectedPacket };
    },
  },
  {
    name: 'write',
    description: 'a SetWritePacket call by the scenario: an absolute packet number, or one relative to the packet the client expects to write next',
    fields: writeFields,
    exactlyOne: [['packetNumber', 'relative']],
    run: (context, fields) => runWrite(context, fields, null),
  },
  {
    name: 'write-after-eos',
    description: 'a SetWritePacket after the stream was ended (expected: STATUS_INVALID_DEVICE_STATE until STOP); relative 0 unless given',
    fields: writeFields,
    atMostOne: [['packetNumber', 'relative']],
    run: (context, fields) => runWrite(context, fields, 0),
  },
  {
    name: 'write-twice',
    description: "the client's next accepted write(s) are sent a second time right after, with the same packet number, flags and EOS length",
    fields: { count: integer(1, 1_000_000, 'how many of the next writes to repeat (default 1)') },
    run(context, fields) {
      const count = typeof fields.count === 'number' ? fields.count : 1;
      context.repeatClientWrites(count);
      return { count };
    },
  },
  {
    name: 'set-flags',
    description: "the client's next write(s) carry these extra flag bits (the doc profile rejects unknown flags, sysvad ignores them)",
    fields: { flags: integer(1, MAX_FLAGS, 'flag bits to add'), count: integer(1, 1_000_000, 'how many writes (default 1)') },
    required: ['flags'],
    run(context, fields) {
      const count = typeof fields.count === 'number' ? fields.count : 1;
      context.session.client.addFlagsToNextWrites(fields.flags as number, count);
      return { flags: fields.flags, count };
    },
  },
  {
    name: 'end-stream',
    description: "the client ends the stream now: its next packet carries ENDOFSTREAM with this length",
    fields: {
      eosLengthBytes: integer(0, MAX_FLAGS, 'EosPacketLength in bytes (0 … packet size, whole frames; anything else is STATUS_INVALID_PARAMETER)'),
      eosLengthFrames: integer(0, MAX_FLAGS, 'EosPacketLength in frames'),
    },
    exactlyOne: [['eosLengthBytes', 'eosLengthFrames']],
    run(context, fields) {
      const blockAlign = context.session.format.blockAlign;
      const length = typeof fields.eosLengthBytes === 'number' ? fields.eosLengthBytes : (fields.eosLengthFrames as number) * blockAlign;
      const packetNumber = context.session.client.expectedPacket;
      const status = context.session.client.endStreamNow(length);
      return { packetNumber, eosLengthBytes: length, status: statusName(status) };
    },
  },
  {
    name: 'pause',
    description: 'RUN → PAUSE for a duration, then back to RUN (positions freeze; paused time does not count)',
    fields: { durationMs },
    required: ['durationMs'],
    durationNs: durationOf,
    run(context, fields) {
      const result = walkTo(context.session, 'PAUSE');
      context.after(durationOf(fields, context.packetNs), 'resume', () => walkTo(context.session, 'RUN'));
      return result;
    },
  },
  {
    name: 'stop-restart',
    description: 'RUN → PAUSE → ACQUIRE → STOP (count, positions and EOS reset), then after a duration back to RUN with a new pre-roll',
    fields: { durationMs },
    durationNs: durationOf,
    run(context, fields) {
      const result = walkTo(context.session, 'STOP');
      context.after(durationOf(fields, context.packetNs), 'restart', () => walkTo(context.session, 'RUN'));
      return result;
    },
  },
  {
    name: 'set-state',
    description: 'one SetState call (neighbouring states only, else STATUS_INVALID_DEVICE_STATE): step through ACQUIRE by hand',
    fields: { state: choice(ksStateOrder, 'the KSSTATE to set') },
    required: ['state'],
    run: (context, fields) => step(context.session, fields.state as KsState),
  },
  {
    name: 'stall-sink',
    description: 'real time only: the sink stops taking audio for a duration, then gets the backlog (the device output, rendered.wav, is unchanged)',
    fields: { durationMs },
    required: ['durationMs'],
    run(context, fields) {
      const untilNs = context.timeNs + durationOf(fields, context.packetNs);
      context.stallSink(untilNs);
      return { untilNs };
    },
  },
  {
    name: 'waveout-delay-refill',
    description: 'waveOut: the application refills no WAVEHDR for a while (WOM_DONEs meanwhile are answered when it ends); a long delay starves the queue',
    fields: { durationMs },
    required: ['durationMs'],
    requires: 'waveout',
    durationNs: durationOf,
    run(context, fields) {
      const untilNs = context.timeNs + durationOf(fields, context.packetNs);
      context.session.waveOut!.app.holdRefillsUntil(untilNs);
      return { untilNs };
    },
  },
  {
    name: 'waveout-write-unprepared',
    description: 'waveOut: WODM_WRITE of a header that was never prepared (expected: WAVERR_UNPREPARED, nothing queued)',
    fields: { frames: integer(1, 1_000_000, 'length of the header in frames (default 1)') },
    requires: 'waveout',
    run(context, fields) {
      const frames = typeof fields.frames === 'number' ? fields.frames : 1;
      const header = new WaveHeader(-1, Buffer.alloc(frames * context.session.format.blockAlign));
      return { result: mmResultName(context.session.waveOut!.device.write(header)) };
    },
  },
  {
    name: 'waveout-unprepare-queued',
    description: 'waveOut: WODM_UNPREPARE of the header at the head of the queue (expected: WAVERR_STILLPLAYING while it is queued)',
    fields: {},
    requires: 'waveout',
    run(context) {
      const device = context.session.waveOut!.device;
      const header = device.queue.front();
      if (!header) return { result: 'no header queued' };
      return { header: header.id, result: mmResultName(device.unprepareHeader(header)) };
    },
  },
  {
    name: 'waveout-reset',
    description: 'waveOut: WODM_RESET mid-stream: the stream stops, every queued header is DONE (a WOM_DONE each), the position goes to 0; the application refills and playback starts again',
    fields: {},
    requires: 'waveout',
    run(context) {
      const device = context.session.waveOut!.device;
      const pending = device.queue.length;
      return { result: mmResultName(device.reset()), headersCompleted: pending };
    },
  },
  {
    name: 'waveout-pause',
    description: 'waveOut: WODM_PAUSE, then WODM_RESTART after a duration (the position freezes meanwhile)',
    fields: { durationMs },
    required: ['durationMs'],
    requires: 'waveout',
    durationNs: durationOf,
    run(context, fields) {
      const device = context.session.waveOut!.device;
      const result = mmResultName(device.pause());
      context.after(durationOf(fields, context.packetNs), 'restart', () => ({ result: mmResultName(device.restart()) }));
      return { result };
    },
  },
  {
    name: 'waveout-loop',
    description: "waveOut: the application's next writes form a loop: BEGINLOOP on the first header (dwLoops = loops), ENDLOOP on the last",
    fields: { headers: integer(1, 1024, 'headers in the loop (default 1: one header loops itself)'), loops: integer(1, 0xffff_ffff, 'dwLoops: how many times the loop plays') },
    required: ['loops'],
    requires: 'waveout',
    run(context, fields) {
      const headers = typeof fields.headers === 'number' ? fields.headers : 1;
      context.session.waveOut!.app.loopNextWrites(headers, fields.loops as number);
      return { headers, loops: fields.loops };
    },
  },
  {
    name: 'waveout-break-loop',
    description: 'waveOut: WODM_BREAKLOOP: the loop being played ends after its current play',
    fields: {},
    requires: 'waveout',
    run(context) {
      const device = context.session.waveOut!.device;
      const looping = device.queue.inLoop;
      return { result: mmResultName(device.breakLoop()), looping };
    },
  },
  {
    name: 'usb-delay-submission',
    description: 'USB: the host submits no transfer for a while; past the pending ones, ContinueStream fails (a discontinuity) and the stream restarts with a gap',
    fields: { durationMs },
    required: ['durationMs'],
    requires: 'usb',
    durationNs: durationOf,
    run(context, fields) {
      const untilNs = context.timeNs + durationOf(fields, context.packetNs);
      context.session.usb!.delaySubmissionsUntil(untilNs);
      return { untilNs };
    },
  },
  {
    name: 'usb-drop-transfer',
    description: 'USB: the next transfer(s) are lost on the bus: their (micro)frames are empty and the device plays silence',
    fields: { count: integer(1, 1_000_000, 'transfers to drop (default 1)') },
    requires: 'usb',
    run(context, fields) {
      const count = typeof fields.count === 'number' ? fields.count : 1;
      context.session.usb!.dropNextTransfers(count);
      return { count };
    },
  },
  {
    name: 'usb-wrong-size',
    description: 'USB: the next WinUsb_WriteIsochPipeAsap asks for this length (not a multiple of maxBytesPerInterval * 8 / interval: ERROR_INVALID_PARAMETER); the host then resubmits the right size',
    fields: { lengthBytes: integer(0, 0xffff_ffff, 'the transfer length in bytes') },
    required: ['lengthBytes'],
    requires: 'usb',
    run(context, fields) {
      context.session.usb!.submitWrongSizeNext(fields.lengthBytes as number);
      return { lengthBytes: fields.lengthBytes };
    },
  },
];

export const actionNames: readonly string[] = actionDefinitions.map((definition) => definition.name);

export function actionDefinition(name: string): ActionDefinition | undefined {
  return actionDefinitions.find((definition) => definition.name === name);
}

/** The variants of the timeline entry spec, one per action. */
export function actionVariants(): Record<string, VariantSpec> {
  return Object.fromEntries(actionDefinitions.map((definition) => [definition.name, {
    description: definition.description,
    fields: definition.fields,
    ...(definition.required ? { required: definition.required } : {}),
    ...(definition.exactlyOne ? { exactlyOne: definition.exactlyOne } : {}),
    ...(definition.atMostOne ? { atMostOne: definition.atMostOne } : {}),
  }]));
}
