import type { Scheduler } from '../clock/scheduler.js';
import type { WaveRTStream } from '../engine/index.js';
import {
  MMSYSERR_INVALHANDLE, MMSYSERR_INVALPARAM, MMSYSERR_NOERROR, WAVERR_STILLPLAYING, WAVERR_UNPREPARED,
  WHDR_DONE, WHDR_INQUEUE, WHDR_PREPARED, WOM_CLOSE, WOM_DONE, WOM_OPEN, headerFlagsName, mmResultName, type MmResult,
} from './waveout-constants.js';
import { WaveOutFeeder, type WaveOutFeederOptions } from './waveout-feeder.js';
import { WaveHeader, WaveHeaderQueue } from './waveout-queue.js';

/** The application's callback (CALLBACK_FUNCTION): WOM_OPEN, WOM_DONE with its header, WOM_CLOSE. */
export type WaveOutCallback = (message: number, header: WaveHeader | null, timeNs: number) => void;

/** Where the device reports calls and messages for the run's trace (`waveout` events). */
export type WaveOutTrace = (timeNs: number, fields: Record<string, unknown>) => void;

/** Explicit device states; `transition` is the only way between them. */
export type WaveOutDeviceState = 'closed' | 'idle' | 'playing' | 'paused';

const MAX_LISTED_DONE = 1000;

/** What the `waveOut` summary section shows. */
export interface WaveOutSummary {
  headers: number;
  headerBytes: number;
  headersWritten: number;
  headersDone: number;
  /** Header ids in the order WOM_DONE was delivered (the first 1000). */
  doneOrder: number[];
  starvedPackets: number;
  starvedFrames: number;
  packetsWritten: number;
  framesFed: number;
  loopRepeats: number;
  resets: number;
  pauses: number;
  /** MMRESULT names returned by waveOut calls, with counts. */
  results: Record<string, number>;
}

/**
 * The legacy waveOut device (WODM_* messages, DESIGN §8) over a WaveRT stream: the application's calls
 * return MMRESULTs at once; the feeder (the driver thread) moves queued WAVEHDRs into packets; a header is
 * DONE, with a WOM_DONE, when the DMA has played its last byte.
 */
export class WaveOutDevice {
  readonly queue = new WaveHeaderQueue();
  readonly feeder: WaveOutFeeder;
  private readonly scheduler: Scheduler;
  private readonly blockAlign: number;
  private readonly trace: WaveOutTrace | null;
  private deviceState: WaveOutDeviceState = 'closed';
  private callback: WaveOutCallback | null = null;
  private readonly resultCounts = new Map<number, number>();

  headersWritten = 0;
  headersDone = 0;
  resets = 0;
  pauses = 0;
  readonly doneOrder: number[] = [];

  constructor(
    scheduler: Scheduler, stream: WaveRTStream,
    options: WaveOutFeederOptions & { trace?: WaveOutTrace | null; starved?: (packetNumber: number, silentFrames: number, timeNs: number) => void } = {},
  ) {
    this.scheduler = scheduler;
    this.blockAlign = stream.getFormat().blockAlign;
    this.trace = options.trace ?? null;
    this.feeder = new WaveOutFeeder(scheduler, stream, this.queue, {
      played: (header, timeNs) => this.complete(header, timeNs),
      starved: (packetNumber, silentFrames, timeNs) => {
        this.trace?.(timeNs, { kind: 'starved', packetNumber, silentFrames });
        options.starved?.(packetNumber, silentFrames, timeNs);
      },
    }, options);
  }

  get state(): WaveOutDeviceState {
    return this.deviceState;
  }

  private transition(next: WaveOutDeviceState): void {
    this.deviceState = next;
  }

  private result(call: string, result: MmResult, header: WaveHeader | null = null): MmResult {
    this.resultCounts.set(result, (this.resultCounts.get(result) ?? 0) + 1);
    if (this.trace) {
      this.trace(this.scheduler.timeNs, {
        kind: 'call', call, result: mmResultName(result), resultCode: result,
        ...(header ? { header: header.id, flags: headerFlagsName(header.flags) } : {}),
      });
    }
    return result;
  }

  /** WODM_OPEN: the format is the stream's (WAVERR_BADFORMAT is the stream's creation failing, not modelled here). */
  open(callback: WaveOutCallback): MmResult {
    if (this.deviceState !== 'closed') return this.result('open', MMSYSERR_INVALHANDLE);
    this.callback = callback;
    this.transition('idle');
    this.deliver(WOM_OPEN, null);
    return this.result('open', MMSYSERR_NOERROR);
  }

  /** WODM_CLOSE: refused while headers are queued. */
  close(): MmResult {
    if (this.deviceState === 'closed') return this.result('close', MMSYSERR_INVALHANDLE);
    if (!this.queue.isEmpty) return this.result('close', WAVERR_STILLPLAYING);
    this.feeder.stop();
    this.transition('closed');
    this.deliver(WOM_CLOSE, null);
    this.callback = null;
    return this.result('close', MMSYSERR_NOERROR);
  }

  /** WODM_PREPARE: preparing a prepared header changes nothing. */
  prepareHeader(header: WaveHeader): MmResult {
    if (this.deviceState === 'closed') return this.result('prepare', MMSYSERR_INVALHANDLE, header);
    if (!validLength(header, this.blockAlign)) return this.result('prepare', MMSYSERR_INVALPARAM, header);
    header.flags |= WHDR_PREPARED;
    return this.result('prepare', MMSYSERR_NOERROR, header);
  }

  /** WODM_UNPREPARE: refused while the header is in the queue. */
  unprepareHeader(header: WaveHeader): MmResult {
    if (this.deviceState === 'closed') return this.result('unprepare', MMSYSERR_INVALHANDLE, header);
    if ((header.flags & WHDR_INQUEUE) !== 0) return this.result('unprepare', WAVERR_STILLPLAYING, header);
    header.flags &= ~WHDR_PREPARED;
    return this.result('unprepare', MMSYSERR_NOERROR, header);
  }

  /**
   * WODM_WRITE: an unprepared header is refused; an accepted one loses DONE, gains INQUEUE, joins the
   * queue and the call returns at once. The first write starts playback unless the device is paused.
   * Model choices: a header already queued answers WAVERR_STILLPLAYING; a length that is not whole frames
   * or exceeds the buffer answers MMSYSERR_INVALPARAM.
   */
  write(header: WaveHeader): MmResult {
    if (this.deviceState === 'closed') return this.result('write', MMSYSERR_INVALHANDLE, header);
    if ((header.flags & WHDR_PREPARED) === 0) return this.result('write', WAVERR_UNPREPARED, header);
    if ((header.flags & WHDR_INQUEUE) !== 0) return this.result('write', WAVERR_STILLPLAYING, header);
    if (!validLength(header, this.blockAlign)) return this.result('write', MMSYSERR_INVALPARAM, header);
    header.flags = (header.flags & ~WHDR_DONE) | WHDR_INQUEUE;
    this.queue.append(header);
    this.headersWritten++;
    if (this.deviceState === 'idle') {
      this.transition('playing');
      this.feeder.start();
    }
    return this.result('write', MMSYSERR_NOERROR, header);
  }

  /** WODM_PAUSE: idempotent; the stream stops where it is. */
  pause(): MmResult {
    if (this.deviceState === 'closed') return this.result('pause', MMSYSERR_INVALHANDLE);
    if (this.deviceState !== 'paused') {
      this.pauses++;
      this.feeder.pause();
      this.transition('paused');
    }
    return this.result('pause', MMSYSERR_NOERROR);
  }

  /** WODM_RESTART: a no-op unless paused. */
  restart(): MmResult {
    if (this.deviceState === 'closed') return this.result('restart', MMSYSERR_INVALHANDLE);
    if (this.deviceState === 'paused') {
      if (this.feeder.state === 'idle') {
        if (this.queue.isEmpty) {
          this.transition('idle');
        } else {
          this.transition('playing');
          this.feeder.start();
        }
      } else {
        this.transition('playing');
        this.feeder.restart();
      }
    }
    return this.result('restart', MMSYSERR_NOERROR);
  }

  /** WODM_RESET: stop, every pending header DONE with its WOM_DONE (in queue order), position 0, pause left. */
  reset(): MmResult {
    if (this.deviceState === 'closed') return this.result('reset', MMSYSERR_INVALHANDLE);
    this.resets++;
    this.feeder.reset();
    const pending: WaveHeader[] = [];
    for (let header = this.queue.takeFront(); header; header = this.queue.takeFront()) pending.push(header);
    this.queue.clear();
    this.transition('idle');
    const result = this.result('reset', MMSYSERR_NOERROR);
    for (const header of pending) this.complete(header, this.scheduler.timeNs);
    return result;
  }

  /** WODM_BREAKLOOP: the loop being played ends after its current play; no loop, no effect. */
  breakLoop(): MmResult {
    if (this.deviceState === 'closed') return this.result('breakloop', MMSYSERR_INVALHANDLE);
    this.queue.breakLoop();
    return this.result('breakloop', MMSYSERR_NOERROR);
  }

  /** WODM_GETPOS in TIME_BYTES: bytes played since the last reset. */
  getPositionInBytes(): number {
    return this.deviceState === 'closed' ? 0 : this.feeder.playedBytes();
  }

  /** Model extension: the application has written its last header (the packet with its last byte carries EOS). */
  endOfData(): void {
    this.feeder.markEndOfData();
  }

  private complete(header: WaveHeader, timeNs: number): void {
    header.flags = (header.flags & ~WHDR_INQUEUE) | WHDR_DONE;
    this.headersDone++;
    if (this.doneOrder.length < MAX_LISTED_DONE) this.doneOrder.push(header.id);
    this.trace?.(timeNs, { kind: 'done', header: header.id, message: 'WOM_DONE' });
    this.deliver(WOM_DONE, header);
  }

  private deliver(message: number, header: WaveHeader | null): void {
    this.callback?.(message, header, this.scheduler.timeNs);
  }

  resultsByName(): Record<string, number> {
    const results: Record<string, number> = {};
    for (const [code, count] of [...this.resultCounts].sort((a, b) => a[0] - b[0])) results[mmResultName(code)] = count;
    return results;
  }
}

function validLength(header: WaveHeader, blockAlign: number): boolean {
  return Number.isInteger(header.bufferLength) && header.bufferLength >= 0 && header.bufferLength <= header.data.length
    && header.bufferLength % blockAlign === 0;
}

export { WaveHeader } from './waveout-queue.js';
