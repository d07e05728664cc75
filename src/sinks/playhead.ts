// How far a sink has played: the master clock of paced real time. Each sink measures it its own way
// (pacat's playback time, the speaker worker's device writes, the nominal rate for null and file).
import { performance } from 'node:perf_hooks';

/** A reported position this far behind the nominal one means the sink really stopped (not a late report). */
const STALL_MS = 250;
/** Each report pulls the nominal position this fraction of the way back towards it. */
const DRIFT_PULL = 8;

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

/**
 * The playback time a player reports (pacat --verbose `Time: 1.234 sec`, every 50 ms), smoothed by the nominal
 * rate. The reports alone stand still for up to ~200 ms at times while the sink plays on (the player is
 * descheduled, its timing update is late), and pacing on them would let the sink run dry. So once the sink has
 * started, the position runs at the nominal rate from an anchor that each report pulls towards itself; a report
 * further behind than STALL_MS is a real stall (the sink stopped) and becomes the anchor.
 */
export class ReportedPlayhead {
  private reportedFrames = 0;
  private anchorFrames = 0;
  private anchorMs = 0;
  private started = false;
  private readonly stallFrames: number;

  constructor(private readonly sampleRate: number, private readonly nowMs: () => number = () => performance.now()) {
    this.stallFrames = Math.round((STALL_MS * sampleRate) / 1000);
  }

  private nominal(now: number): number {
    return this.anchorFrames + ((now - this.anchorMs) * this.sampleRate) / 1000;
  }

  report(playedSeconds: number): void {
    const frames = Math.round(playedSeconds * this.sampleRate);
    const now = this.nowMs();
    this.reportedFrames = Math.max(this.reportedFrames, frames);
    // the sink starts when its time first moves: until then the model waits (a cold sink)
    if (!this.started) {
      if (frames > 0) {
        this.started = true;
        this.anchorFrames = frames;
        this.anchorMs = now;
      }
      return;
    }
    const ahead = this.nominal(now) - frames;
    if (ahead < 0 || ahead > this.stallFrames) {
      this.anchorFrames = frames;
      this.anchorMs = now;
    } else {
      // a little of the gap each report: the sink's clock may run slower than nominal
      this.anchorFrames -= ahead / DRIFT_PULL;
    }
  }

  /** Frames heard by now, never more than were sent. */
  played(sentFrames: number): number {
    if (!this.started) return Math.min(sentFrames, this.reportedFrames);
    return Math.min(sentFrames, Math.floor(Math.max(this.reportedFrames, this.nominal(this.nowMs()))));
  }
}
