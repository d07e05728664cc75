// How far a sink has played: the master clock of paced real time. Each sink measures it its own way
// (pacat's playback time, the speaker worker's device writes, the nominal rate for null and file).
import { performance } from 'node:perf_hooks';

/** A pacat `Time:` line comes every 50 ms; between two, the position is extrapolated at most this far. */
const EXTRAPOLATE_LIMIT_MS = 60;

/**
 * A device that plays at the nominal rate what it has been given, and stands still when it has nothing:
 * the clock of the null and file sinks, and of players that only say what they have taken.
 */
export class NominalPlayhead {
  private played = 0;
  private lastMs = Number.NaN;

  constructor(private readonly sampleRate: number, private readonly nowMs: () => number = () => performance.now()) {}

  /** Frames played by now, given how many the device has received so far. */
  update(receivedFrames: number): number {
    const now = this.nowMs();
    if (Number.isNaN(this.lastMs)) {
      // the device starts with its first frame
      if (receivedFrames > 0) this.lastMs = now;
      return 0;
    }
    const elapsedFrames = ((now - this.lastMs) * this.sampleRate) / 1000;
    this.lastMs = now;
    this.played = Math.min(receivedFrames, this.played + elapsedFrames);
    return Math.floor(this.played);
  }
}

/** The playback time a player reports (pacat --verbose `Time: 1.234 sec`), extrapolated between reports. */
export class ReportedPlayhead {
  private reportedFrames = 0;
  private reportMs = 0;
  private running = false;

  constructor(private readonly sampleRate: number, private readonly nowMs: () => number = () => performance.now()) {}

  report(playedSeconds: number): void {
    const frames = Math.round(playedSeconds * this.sampleRate);
    // a time that stands still (a sink that has not started, or has run dry) is not extrapolated
    this.running = frames > this.reportedFrames;
    this.reportedFrames = Math.max(this.reportedFrames, frames);
    this.reportMs = this.nowMs();
  }

  /** Frames heard by now, never more than were sent. */
  played(sentFrames: number): number {
    if (!this.running) return Math.min(sentFrames, this.reportedFrames);
    const sinceMs = Math.min(EXTRAPOLATE_LIMIT_MS, this.nowMs() - this.reportMs);
    return Math.min(sentFrames, this.reportedFrames + Math.floor((sinceMs * this.sampleRate) / 1000));
  }
}
