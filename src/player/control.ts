// What keys and signals ask of a running playback. The loop acts on it at its next wake-up, which a
// request brings forward, so a key is answered within milliseconds.

export type EndRequest = 'quit' | 'interrupt';

export class PlaybackControl {
  private toggles = 0;
  private endRequest: EndRequest | null = null;
  private stopRequested = false;
  private waker: (() => void) | null = null;

  togglePause(): void {
    this.toggles++;
    this.poke();
  }

  /** The first request ends the stream at the point being played (EOS, then the buffer drains); a second stops at once. */
  end(request: EndRequest): 'ending' | 'stopping' {
    if (this.endRequest !== null) {
      this.stopRequested = true;
      this.poke();
      return 'stopping';
    }
    this.endRequest = request;
    this.poke();
    return 'ending';
  }

  get ended(): EndRequest | null {
    return this.endRequest;
  }

  get stopped(): boolean {
    return this.stopRequested;
  }

  /** Pause toggles asked for since the last call. */
  takeToggles(): number {
    const toggles = this.toggles;
    this.toggles = 0;
    return toggles;
  }

  /** The loop's sleep: ends early on any request. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waker = null;
        resolve();
      }, ms);
      this.waker = () => {
        clearTimeout(timer);
        this.waker = null;
        resolve();
      };
    });
  }

  private poke(): void {
    this.waker?.();
  }
}
