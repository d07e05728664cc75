import { framesToNs } from '../clock/time.js';
import { STATUS_DATA_LATE_ERROR, STATUS_SUCCESS, statusName } from '../engine/status.js';
import { packetRange, type CauseText, type GlitchKind, type GlitchList } from './glitches.js';
import { count } from '../text/count.js';

// Where each byte of the cyclic buffer came from, so that what the DMA plays can be judged: a packet that plays
// the bytes its own accepted write put there is clean; anything else is a glitch of a named kind. Every copy into
// the buffer gets an id; SetWritePacket right after resolves the copy's ids to (packet, status). Bounded memory:
// one id per buffer frame, and a ring of the last write records.

const RECORDS = 4096;
const PENDING = 0;
const ACCEPTED = 1;
const REFUSED_LATE = 2;
const REFUSED_OTHER = 3;

/** A glitch to be placed when its packet plays (a waveOut packet that went out part silent). */
interface PacketMark {
  packetNumber: number;
  offsetFrames: number;
  frameCount: number;
  kind: GlitchKind;
  cause: string;
}

/** A mark on the bytes of one accepted write: heard wherever those bytes play (ids -1: wherever its packet plays). */
interface PlacedMark extends PacketMark {
  firstId: number;
  lastId: number;
}

const underflowText = (silence: boolean): CauseText => (first, packets) =>
  `${packetRange(first, packets)} began transferring unwritten: ${silence ? 'the driver played silence' : "the DMA played the slot's stale bytes"}`;
const foreignText: CauseText = (first, packets, detail) => detail === NEXT_PACKET
  ? `${packetRange(first, packets)} ${packets > 1 ? 'were' : 'was'} overwritten while transferring: the write for the following packet landed in the same slot, so the rest played its audio`
  : `${packetRange(first, packets)} played bytes ${detail} put into its slot after its own write`;
const NEXT_PACKET = 'next';
const NO_PACKET_MODE = 'no packet mode (AllocateAudioBuffer): no packet can be written, so the DMA loops over the buffer as it is';
const lateText: CauseText = (first, packets, detail) =>
  `${packetRange(first, packets)} played the bytes of a refused late write (${detail}) left in its slot`;
const unfilledText: CauseText = (first, packets) =>
  `${packetRange(first, packets)} ${packets > 1 ? 'were' : 'was'} accepted without fresh audio in the slot: old bytes played`;
const BACK = 'back';
const AHEAD = 'ahead';
const outOfOrderText: CauseText = (first, packets, detail) =>
  `${packetRange(first, packets)} played ${packets > 1 ? 'their' : 'its'} own write, but ${detail === BACK ? 'after audio written later had already been heard' : 'skipping audio written before it'}: the packet count ran apart from the DMA, so writes were placed in passes out of their order`;
const AFTER_EOS = 'after-eos';
const afterEosText: CauseText = (first, packets) =>
  `${packetRange(first, packets)} began transferring after the EOS packet, which the driver never ended: the DMA looped over the buffer's stale bytes`;

export class GlitchDetector {
  private readonly sampleRate: number;
  private readonly blockAlign: number;
  private readonly glitches: GlitchList;
  private bufferFrames = 0;
  private packetFrames = 0;
  private notifications = 0;
  private frameWrite = new Float64Array(0);
  private readonly recordId = new Float64Array(RECORDS).fill(-1);
  private readonly recordPacket = new Float64Array(RECORDS);
  private readonly recordStatus = new Uint8Array(RECORDS);
  private readonly recordCode = new Float64Array(RECORDS);
  /** Per slot: the id of a write that covered the whole slot and nothing written there since, else -1. */
  private slotWhole = new Float64Array(0);
  /** Per slot: 1 while its frameWrite entries still wait to be set to slotWhole (a whole-slot write fills lazily). */
  private slotUnfilled = new Uint8Array(0);
  private writeSeq = 0;
  private firstPending = 1;
  /** Writes older than this are from before the last STOP: never the packet's own. */
  private staleBefore = 0;
  private underflowPacket = -1;
  private underflowSilenced = false;
  private marks: PlacedMark[] = [];
  private highestAccepted = -1;
  private eosEndFrame = -1;
  private pausedAtFrame = 0;
  private pendingFlush: string | null = null;
  private fifoStartFrame = -1;
  private fifoFrames = 0;
  private fifoTimeNs = 0;
  /** The FIFO overshoot still reads on in the write heard last, from where the DMA stopped (not a blip). */
  private fifoContinues = true;
  /** Where the last output of a packet pass ended in the buffer, and the write whose byte it played last (-1: none). */
  private nextBufferFrame = -1;
  private lastPlayedId = -1;
  /** The silence after the EOS packet is being heard as the stream's clean end. */
  private endedClean = false;
  /** Accepted writes in the order SetWritePacket accepted them: the order their audio is meant to be heard. */
  private acceptSeq = 0;
  /** The last accepted write: the packet the client named, and the DMA pass that plays it. */
  private lastAcceptedPacket = -1;
  private lastAcceptedDmaPacket = -1;
  private readonly lastAcceptedIds = new Float64Array([0, -1]);
  private readonly recordSeq = new Float64Array(RECORDS).fill(-1);
  /** The accept order of the write whose own pass was heard last, while nothing but own passes followed (-1: none). */
  private lastOwnSeq = -1;
  /** The pass being listed as out-of-order (-1: none). */
  private outOfOrderPacket = -1;
  private outOfOrderDetail = BACK;

  constructor(sampleRate: number, blockAlign: number, glitches: GlitchList) {
    this.sampleRate = sampleRate;
    this.blockAlign = blockAlign;
    this.glitches = glitches;
  }

  /** The allocated buffer; without it only underflows are judged. N = 0 (no packet mode) judges nothing. */
  setBuffer(bufferFrames: number, packetFrames: number, notifications: number): void {
    this.bufferFrames = bufferFrames;
    this.packetFrames = packetFrames;
    this.notifications = notifications;
    this.frameWrite = new Float64Array(notifications > 0 ? bufferFrames : 0).fill(-1);
    this.slotWhole = new Float64Array(Math.max(1, notifications)).fill(-1);
    this.slotUnfilled = new Uint8Array(this.slotWhole.length);
  }

  /** Leaving RUN: where the DMA stood, in case a STOP follows and discards what was written past it. */
  leftRun(positionFrames: number): void {
    this.pausedAtFrame = positionFrames;
  }

  stopped(): void {
    // audio written but not yet played when the stream stops is gone: the restart begins with what comes after it
    const writtenEnd = this.eosEndFrame >= 0 ? this.eosEndFrame : (this.highestAccepted + 1) * this.packetFrames;
    const discarded = Math.max(0, writtenEnd - this.pausedAtFrame);
    if (discarded > 0 && this.highestAccepted >= 0) {
      this.pendingFlush = `the stream was stopped with ${discarded} written frames not yet played (up to packet ${this.highestAccepted}); STOP discarded them`;
    }
    this.highestAccepted = -1;
    this.eosEndFrame = -1;
    this.pausedAtFrame = 0;
    this.staleBefore = this.writeSeq + 1;
    this.firstPending = this.writeSeq + 1;
    this.underflowPacket = -1;
    this.lastOwnSeq = -1;
    this.outOfOrderPacket = -1;
    this.lastAcceptedPacket = -1;
  }

  bufferWritten(offsetInBytes: number, lengthInBytes: number): void {
    if (this.frameWrite.length === 0 || lengthInBytes <= 0) return;
    const id = ++this.writeSeq;
    const slot = id % RECORDS;
    this.recordId[slot] = id;
    this.recordStatus[slot] = PENDING;
    this.recordPacket[slot] = -1;
    const packetFrames = this.packetFrames;
    const slotBytes = packetFrames * this.blockAlign;
    // the common write, one whole slot: filled lazily, as the general loop below would
    if (lengthInBytes === slotBytes && offsetInBytes % slotBytes === 0 && offsetInBytes + lengthInBytes <= this.bufferFrames * this.blockAlign) {
      const wholeSlot = offsetInBytes / slotBytes;
      this.slotUnfilled[wholeSlot] = 1;
      this.slotWhole[wholeSlot] = id;
      return;
    }
    let frame = Math.floor(offsetInBytes / this.blockAlign);
    let remaining = Math.ceil(lengthInBytes / this.blockAlign);
    while (remaining > 0) {
      const end = Math.min(this.bufferFrames, frame + remaining);
      // a slot written whole is filled only when something reads or overwrites part of it: most never are
      for (let s = Math.floor(frame / packetFrames); s * packetFrames < end; s++) {
        const slotStart = s * packetFrames;
        const whole = frame <= slotStart && end >= slotStart + packetFrames;
        if (whole && s < this.slotUnfilled.length) {
          this.slotUnfilled[s] = 1;
        } else {
          this.fillSlot(s);
          this.frameWrite.fill(id, Math.max(frame, slotStart), Math.min(end, slotStart + packetFrames));
        }
        this.slotWhole[s] = whole ? id : -1;
      }
      remaining -= end - frame;
      frame = 0;
    }
  }

  /** The id of the write that last put this frame in the buffer (-1: none), lazily filled slots included. */
  private writeIdAt(frame: number): number {
    const slot = Math.floor(frame / this.packetFrames);
    return this.slotUnfilled[slot] === 1 ? this.slotWhole[slot]! : this.frameWrite[frame]!;
  }

  /** Sets a lazily filled slot's frames to the write that covered it whole. */
  private fillSlot(slot: number): void {
    if (slot >= this.slotUnfilled.length || this.slotUnfilled[slot] === 0) return;
    this.slotUnfilled[slot] = 0;
    this.frameWrite.fill(this.slotWhole[slot]!, slot * this.packetFrames, (slot + 1) * this.packetFrames);
  }

  /**
   * A SetWritePacket call: the copies since the previous call were for `linearPacket` (the DMA pass that plays
   * them), with this answer. `requestedPacket` is the packet the client named (linear), when it differs.
   */
  writePacket(linearPacket: number, status: number, eosEndFrame: number, requestedPacket: number = linearPacket): void {
    if (status === STATUS_SUCCESS) {
      if (linearPacket > this.highestAccepted) this.highestAccepted = linearPacket;
      if (eosEndFrame >= 0) this.eosEndFrame = eosEndFrame;
    }
    const kind = status === STATUS_SUCCESS ? ACCEPTED : status === STATUS_DATA_LATE_ERROR ? REFUSED_LATE : REFUSED_OTHER;
    // the same packet written again (write-twice) replaces its audio: it keeps its place in the order
    const seq = kind !== ACCEPTED ? -1 : requestedPacket === this.lastAcceptedPacket ? this.acceptSeq : ++this.acceptSeq;
    if (kind === ACCEPTED) {
      this.lastAcceptedPacket = requestedPacket;
      this.lastAcceptedDmaPacket = linearPacket;
      this.lastAcceptedIds[0] = this.firstPending;
      this.lastAcceptedIds[1] = this.writeSeq;
    }
    for (let id = Math.max(this.firstPending, this.writeSeq - RECORDS + 1); id <= this.writeSeq; id++) {
      const slot = id % RECORDS;
      this.recordStatus[slot] = kind;
      this.recordPacket[slot] = linearPacket;
      this.recordCode[slot] = status;
      this.recordSeq[slot] = seq;
    }
    this.firstPending = this.writeSeq + 1;
  }

  eosFrameOf(linearPacket: number, eosFrames: number): number {
    return linearPacket * this.packetFrames + eosFrames;
  }

  /** Live runs: every underflow is the host's lateness, listed as `kind` with this cause instead of underflow-*. */
  attributeUnderflows(kind: GlitchKind, cause: string): void {
    this.underflowAttribution = { kind, cause };
  }

  private underflowAttribution: { kind: GlitchKind; cause: string } | null = null;

  underflow(packetNumber: number, silenced: boolean): void {
    this.underflowPacket = packetNumber;
    this.underflowSilenced = silenced;
  }

  /** A glitch inside packet `packetNumber` (as the client named it), placed in output frames when that packet plays. */
  markPacket(mark: PacketMark): void {
    if (this.marks.length >= 1024) return;
    // the write just accepted for that packet: its bytes may be heard in another DMA pass (the count ran apart from
    // the DMA, or a write landed in the slot being transferred), or never (overwritten first)
    const ofLastWrite = mark.packetNumber === this.lastAcceptedPacket;
    this.marks.push({
      ...mark, packetNumber: ofLastWrite ? this.lastAcceptedDmaPacket : mark.packetNumber,
      firstId: ofLastWrite ? this.lastAcceptedIds[0]! : -1, lastId: ofLastWrite ? this.lastAcceptedIds[1]! : -1,
    });
  }

  /**
   * `frames` output frames starting at `outputFrame` left the device, the last at `endTimeNs`, read from buffer
   * frame `bufferFrame` (-1: silence) of packet `packetNumber` (-1: the FIFO overshoot).
   */
  output(outputFrame: number, frames: number, endTimeNs: number, bufferFrame: number, packetNumber: number): void {
    // no closure here: this runs for every piece of DMA output, on the real-time path too
    this.chunkEndNs = endTimeNs;
    this.chunkFrames = frames;
    const timeAt = this.timeAt;
    if (this.pendingFlush !== null) {
      this.glitches.piece('stop-flush', outputFrame, 0, timeAt(0), packetNumber, this.pendingFlush, null);
      this.pendingFlush = null;
    }
    if (packetNumber < 0) {
      this.fifoOutput(outputFrame, frames, bufferFrame, timeAt);
      return;
    }
    const frameWrite = this.frameWrite;
    const played = bufferFrame >= 0 && frameWrite.length > 0;
    // no wrap: past the buffer's end the FIFO reads its start, which is other audio (or, N = 1, the same again)
    this.nextBufferFrame = played ? bufferFrame + frames : -1;
    let lastPlayedId = -1;
    if (played) {
      // writeIdAt, inline: this runs for every piece of output
      const lastFrame = bufferFrame + frames - 1;
      const lastSlot = Math.floor(lastFrame / this.packetFrames);
      lastPlayedId = this.slotUnfilled[lastSlot] === 1 ? this.slotWhole[lastSlot]! : frameWrite[lastFrame]!;
    }
    this.lastPlayedId = lastPlayedId;
    if (packetNumber === this.underflowPacket) {
      // past the EOS packet there is no audio left to play: silence there, right after audio heard in order (or
      // more of that silence), is the stream's end, heard as a clean one
      const afterEos = this.eosEndFrame >= 0 && packetNumber * this.packetFrames >= this.eosEndFrame;
      const cleanEnd = afterEos && this.underflowSilenced && (this.lastOwnSeq >= 0 || this.endedClean);
      this.endedClean = cleanEnd;
      this.lastOwnSeq = -1;
      this.outOfOrderPacket = -1;
      if (cleanEnd) return;
      const attributed = this.underflowAttribution;
      if (attributed) {
        const policy = this.underflowSilenced ? 'silence' : 'stale bytes';
        this.glitches.piece(attributed.kind, outputFrame, frames, timeAt(0), packetNumber, attributed.cause, (first, packets) => `${packetRange(first, packets)} began transferring unwritten (${policy}): ${attributed.cause}`);
        return;
      }
      const kind = this.underflowSilenced ? 'underflow-silence' : 'underflow-repeat';
      this.glitches.piece(kind, outputFrame, frames, timeAt(0), packetNumber, afterEos ? AFTER_EOS : kind, afterEos ? afterEosText : underflowText(this.underflowSilenced));
      return;
    }
    this.endedClean = false;
    if (this.notifications === 0 && this.bufferFrames > 0) {
      // no packet mode: every write is refused and the DMA loops over the buffer; each pass after the first repeats it
      if (packetNumber > 0) this.glitches.piece('underflow-repeat', outputFrame, frames, timeAt(0), null, NO_PACKET_MODE, null);
      return;
    }
    if (this.frameWrite.length === 0 || bufferFrame < 0) {
      this.lastOwnSeq = -1;
      this.outOfOrderPacket = -1;
      return;
    }
    if (this.marks.length > 0) this.placeMarks(outputFrame, frames, timeAt, packetNumber, bufferFrame);
    const slot = Math.floor(bufferFrame / this.packetFrames);
    const whole = this.slotWhole[slot]!;
    // whole % RECORDS without fmod (ids are read back from a Float64Array as doubles); unused for -1
    const record = whole >= 0 ? whole - Math.floor(whole / RECORDS) * RECORDS : -1;
    // isOwn, inline: the slot holds one whole accepted write, for this very pass
    if (whole >= 0 && whole >= this.staleBefore && this.recordId[record] === whole && this.recordStatus[record] === ACCEPTED && this.recordPacket[record] === packetNumber) {
      // ownRun's clean case, inline: the pass follows the own pass of the write accepted just before it
      const seq = this.recordSeq[record]!;
      const last = this.lastOwnSeq;
      if (this.outOfOrderPacket !== packetNumber && (last === seq - 1 || last === seq || last < 0)) {
        this.outOfOrderPacket = -1;
        this.outOfOrderDetail = last > seq ? BACK : AHEAD;
        this.lastOwnSeq = seq;
        return;
      }
      this.ownRun(whole, outputFrame, frames, 0, packetNumber);
      return;
    }
    // the slot holds more than one write: judge frame by frame, one piece per run of the same verdict
    let runStart = 0;
    let runVerdict = this.verdict(this.writeIdAt(bufferFrame), packetNumber);
    for (let offset = 1; offset <= frames; offset++) {
      const verdict = offset < frames ? this.verdict(this.writeIdAt(bufferFrame + offset), packetNumber) : -2;
      if (verdict === runVerdict) continue;
      if (runVerdict === -1) this.ownRun(this.writeIdAt(bufferFrame + runStart), outputFrame + runStart, offset - runStart, runStart, packetNumber);
      else this.emitVerdict(runVerdict, outputFrame + runStart, offset - runStart, timeAt(runStart), packetNumber);
      runStart = offset;
      runVerdict = verdict;
    }
  }

  /**
   * A pass playing its own write: clean when it follows the own pass of the write accepted just before it. Right
   * after the own pass of another write (no glitch between to explain the jump), the audio jumps back or ahead.
   * `chunkOffset`: where the run starts in the output chunk being judged.
   */
  private ownRun(id: number, outputFrame: number, frames: number, chunkOffset: number, packetNumber: number): void {
    const seq = this.recordSeq[id % RECORDS]!;
    const last = this.lastOwnSeq;
    if (this.outOfOrderPacket !== packetNumber) {
      this.outOfOrderPacket = last >= 0 && last !== seq && last !== seq - 1 ? packetNumber : -1;
      this.outOfOrderDetail = last > seq ? BACK : AHEAD;
    }
    // the time is worked out only for a glitch: a clean pass (nearly every one) needs none
    if (this.outOfOrderPacket === packetNumber) this.glitches.piece('out-of-order', outputFrame, frames, this.timeAt(chunkOffset), packetNumber, this.outOfOrderDetail, outOfOrderText);
    this.lastOwnSeq = seq;
  }

  /**
   * FIFO frames past the EOS point: reading on in the write that was heard last is no blip, nor is the silence of
   * buffer frames never written since allocation; the blip runs from the first stale frame to the last.
   */
  private fifoOutput(outputFrame: number, frames: number, bufferFrame: number, timeAt: (offset: number) => number): void {
    if (bufferFrame < 0 || this.frameWrite.length === 0) return;
    for (let offset = 0; offset < frames; offset++) {
      const frame = bufferFrame + offset;
      const id = this.writeIdAt(frame);
      if (this.fifoContinues && frame === this.nextBufferFrame && this.lastPlayedId >= 0 && id === this.lastPlayedId) {
        this.nextBufferFrame = frame + 1;
        continue;
      }
      this.fifoContinues = false;
      if (id < 0) continue;
      if (this.fifoStartFrame < 0) {
        this.fifoStartFrame = outputFrame + offset;
        this.fifoTimeNs = timeAt(offset);
      }
      this.fifoFrames = outputFrame + offset + 1 - this.fifoStartFrame;
    }
  }

  /** The FIFO overshoot has been emitted; stale bytes (no silence fill) are the end-of-stream blip. */
  fifoOvershoot(sizeInBytes: number, silent: boolean): void {
    if (!silent && this.fifoStartFrame >= 0 && this.fifoFrames > 0) {
      this.glitches.piece('eos-overshoot', this.fifoStartFrame, this.fifoFrames, this.fifoTimeNs, null,
        `the hardware FIFO read ${count(sizeInBytes, 'byte')} past the EOS point without silence fill: ${this.fifoFrames * this.blockAlign < sizeInBytes ? `after ${count(sizeInBytes - this.fifoFrames * this.blockAlign, 'byte')} that read on in the audio heard last, ` : ''}stale buffer bytes played`, null);
    }
    this.fifoStartFrame = -1;
    this.fifoFrames = 0;
    this.fifoContinues = true;
  }

  private isOwn(id: number, packetNumber: number): boolean {
    const slot = id % RECORDS;
    return id >= this.staleBefore && this.recordId[slot] === id && this.recordStatus[slot] === ACCEPTED && this.recordPacket[slot] === packetNumber;
  }

  /** -1: the packet's own bytes; else the write id whose record explains the frame (0: none known). */
  private verdict(id: number, packetNumber: number): number {
    if (this.isOwn(id, packetNumber)) return -1;
    if (id < this.staleBefore || id < 0 || this.recordId[id % RECORDS] !== id) return 0;
    return id;
  }

  private emitVerdict(verdict: number, outputFrame: number, frames: number, timeNs: number, packetNumber: number): void {
    if (verdict === -1) return;
    const slot = verdict % RECORDS;
    const status = verdict > 0 ? this.recordStatus[slot]! : ACCEPTED;
    this.outOfOrderPacket = -1;
    this.lastOwnSeq = -1;
    if (verdict === 0 || (status === ACCEPTED && this.recordPacket[slot]! < packetNumber)) {
      this.glitches.piece('unfilled-write', outputFrame, frames, timeNs, packetNumber, 'unfilled', unfilledText);
    } else if (status === REFUSED_LATE) {
      this.glitches.piece('late-write-audio', outputFrame, frames, timeNs, packetNumber, `for packet ${this.recordPacket[slot]}`, lateText);
    } else {
      const what = status === ACCEPTED ? 'accepted' : status === PENDING ? 'not yet answered' : statusName(this.recordCode[slot]!);
      this.glitches.piece('overwrite-in-transfer', outputFrame, frames, timeNs, packetNumber, status === ACCEPTED ? NEXT_PACKET : `that a write for packet ${this.recordPacket[slot]} (${what})`, foreignText);
    }
  }

  private chunkEndNs = 0;
  private chunkFrames = 0;
  /** Model time of frame `offset` of the output chunk being judged (its last frame left at chunkEndNs). */
  private readonly timeAt = (offset: number): number => this.chunkEndNs - framesToNs(this.chunkFrames - offset, this.sampleRate);

  private placeMarks(outputFrame: number, frames: number, timeAt: (offset: number) => number, packetNumber: number, bufferFrame: number): void {
    const inPacketStart = bufferFrame % this.packetFrames;
    const slotStart = bufferFrame - inPacketStart;
    let kept = 0;
    for (const mark of this.marks) {
      if (mark.packetNumber < packetNumber) continue;
      const from = Math.max(mark.offsetFrames, inPacketStart);
      const to = Math.min(mark.offsetFrames + mark.frameCount, inPacketStart + frames);
      if (mark.firstId < 0) {
        if (mark.packetNumber !== packetNumber) {
          this.marks[kept++] = mark;
          continue;
        }
        if (to > from) this.glitches.piece(mark.kind, outputFrame + from - inPacketStart, to - from, timeAt(from - inPacketStart), packetNumber, mark.cause, null);
        if (mark.offsetFrames + mark.frameCount > inPacketStart + frames) this.marks[kept++] = mark;
        continue;
      }
      // heard where the marked write's bytes play: in its own pass, early in the slot being transferred, or not at all
      if (to > from && mark.packetNumber % this.notifications === packetNumber % this.notifications) {
        let runStart = -1;
        for (let offset = from; offset <= to; offset++) {
          const id = offset < to ? this.writeIdAt(slotStart + offset) : -1;
          const marked = id >= mark.firstId && id <= mark.lastId;
          if (marked && runStart < 0) runStart = offset;
          if (!marked && runStart >= 0) {
            this.glitches.piece(mark.kind, outputFrame + runStart - inPacketStart, offset - runStart, timeAt(runStart - inPacketStart), packetNumber, mark.cause, null);
            runStart = -1;
          }
        }
      }
      this.marks[kept++] = mark;
    }
    this.marks.length = kept;
  }

}
