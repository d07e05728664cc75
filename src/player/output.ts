// The DMA's output on its way to a sink: marked in the heard timeline, handed to the sink, and — in live
// mode — what the sink could not take counted as a glitch, never dropped silently.
import type { DmaOutput } from '../engine/index.js';
import type { Sink } from '../sinks/types.js';
import { HeardTimeline } from './heard-timeline.js';

export interface SinkDropListener {
  (startFrame: number, frameCount: number, timeNs: number): void;
}

export class PlaybackOutput implements DmaOutput {
  readonly timeline: HeardTimeline;
  private sink: Sink | null = null;
  private readonly blockAlign: number;
  /** Live mode: each DMA piece goes to the player at once, and drops are reported. */
  live = false;
  onSinkDrop: SinkDropListener | null = null;

  constructor(sampleRate: number, blockAlign: number) {
    this.timeline = new HeardTimeline(sampleRate);
    this.blockAlign = blockAlign;
  }

  /** The sink is opened after the session is made (it needs the session's format and packet size). */
  attach(sink: Sink): void {
    this.sink = sink;
  }

  writeFrom(source: Buffer, offsetInBytes: number, lengthInBytes: number, timeNs: number): void {
    const sink = this.sink;
    if (sink === null) return;
    const frames = lengthInBytes / this.blockAlign;
    const startFrame = this.timeline.outputFrames;
    this.timeline.record(frames, timeNs);
    if (this.live) {
      const room = sink.roomFrames();
      if (frames > room) this.onSinkDrop?.(startFrame + room, frames - room, timeNs);
      sink.write(source, offsetInBytes, lengthInBytes);
      sink.flush();
      return;
    }
    sink.write(source, offsetInBytes, lengthInBytes);
  }
}
