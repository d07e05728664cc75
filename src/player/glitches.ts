// The glitches real-time playback itself causes (DESIGN §13): frames a sink could not take (`sink-drop`)
// and underflows a late host wake-up caused (`host-late`), both live mode only — paced mode causes none.
// Each also goes to the run's glitch list (RunRecorder.glitch); these counts are the playback's own line.

export type PlaybackGlitchKind = 'sink-drop' | 'host-late';

export interface PlaybackGlitch {
  kind: PlaybackGlitchKind;
  /** Output frames where it is heard (as in rendered.wav). */
  startFrame: number;
  frameCount: number;
  timeNs: number;
  packetNumber: number | null;
  cause: string;
}

const MAX_LISTED = 1000;

export class PlaybackGlitches {
  readonly listed: PlaybackGlitch[] = [];
  readonly counts: Record<PlaybackGlitchKind, number> = { 'sink-drop': 0, 'host-late': 0 };
  frames = 0;

  add(glitch: PlaybackGlitch): void {
    this.counts[glitch.kind]++;
    this.frames += glitch.frameCount;
    if (this.listed.length < MAX_LISTED) this.listed.push(glitch);
  }

  get total(): number {
    return this.counts['sink-drop'] + this.counts['host-late'];
  }
}
