// Which model time is being heard: every piece the DMA output is marked with the model time it left the
// device; the sink's played frames then name a model time. Preallocated; nothing is allocated per packet.
import { framesToNs } from '../clock/time.js';

const MARK_COUNT = 1024;
const NS_PER_MS = 1_000_000;

export class HeardTimeline {
  private readonly endFrames = new Float64Array(MARK_COUNT);
  private readonly endNs = new Float64Array(MARK_COUNT);
  private head = 0;
  private count = 0;
  private totalFrames = 0;
  private lastNs = 0;
  /** When the sink was seen to have played everything (the model gave it nothing since): heard time runs on. */
  private drainedAtMs = Number.NaN;
  private lastCallMs = 0;

  constructor(private readonly sampleRate: number) {}

  get outputFrames(): number {
    return this.totalFrames;
  }

  /** The DMA output `frameCount` frames ending at model time `timeNs`. */
  record(frameCount: number, timeNs: number): void {
    if (frameCount <= 0) return;
    this.totalFrames += frameCount;
    this.lastNs = timeNs;
    const last = (this.head + this.count - 1) % MARK_COUNT;
    if (this.count > 0 && this.endNs[last] === timeNs) {
      this.endFrames[last] = this.totalFrames;
      return;
    }
    // a full ring forgets its oldest mark: those frames have long been heard
    if (this.count === MARK_COUNT) {
      this.head = (this.head + 1) % MARK_COUNT;
      this.count--;
    }
    const index = (this.head + this.count) % MARK_COUNT;
    this.endFrames[index] = this.totalFrames;
    this.endNs[index] = timeNs;
    this.count++;
  }

  /**
   * The model time of the frame being heard, given the frames the sink has played. When the sink has played
   * everything (the model output nothing, e.g. its DMA is paused), heard time runs on with the wall clock —
   * unless playback itself is held (`held`: the user paused), when it stays where the sound stopped.
   */
  heardNs(playedFrames: number, nowMs: number, held = false): number {
    const sinceLastMs = nowMs - this.lastCallMs;
    this.lastCallMs = nowMs;
    if (playedFrames >= this.totalFrames) {
      if (Number.isNaN(this.drainedAtMs)) this.drainedAtMs = nowMs;
      // held: the time since the last look does not count
      else if (held) this.drainedAtMs += sinceLastMs;
      return this.lastNs + Math.round((nowMs - this.drainedAtMs) * NS_PER_MS);
    }
    this.drainedAtMs = Number.NaN;
    while (this.count > 1 && this.endFrames[this.head]! <= playedFrames) {
      this.head = (this.head + 1) % MARK_COUNT;
      this.count--;
    }
    const endFrame = this.endFrames[this.head]!;
    return Math.max(0, this.endNs[this.head]! - framesToNs(endFrame - playedFrames, this.sampleRate));
  }
}
