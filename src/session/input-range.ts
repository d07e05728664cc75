// The part of an input a run plays: from a start frame, for at most a number of frames (render and play alike).
import { UsageError } from '../errors.js';
import type { WavReader } from '../wav/index.js';
import type { FrameReader } from './wav-source.js';

export interface InputRangeRequest {
  /** First frame to play (0 = the beginning). */
  startFrame: number;
  /** At most this many frames; undefined = to the end. */
  frameLimit: number | undefined;
  /** How the start is named in the error when it is past the end, e.g. "--start 1m". */
  startLabel: string;
  /** The input's length as a reader reads it, e.g. "1:00.0"; built only for the error. */
  formatLength: (frames: number) => string;
}

export interface InputRange {
  /** Reads the range only, whole frames. */
  reader: FrameReader & { end(): void };
  startFrame: number;
  /** Frames the range holds, when the input's length is known. */
  frames: number | null;
}

/**
 * Skips to the start (seeking when the input can) and limits what is read after it. A start at or past the
 * end is one UsageError, whether the length is in the header or found by reading (stdin).
 */
export function cutInput(input: WavReader, request: InputRangeRequest): InputRange {
  const { startFrame, frameLimit } = request;
  const pastEnd = (lengthFrames: number) =>
    new UsageError(`${request.startLabel} is at or past the end of ${input.label} (${request.formatLength(lengthFrames)} long)`);
  if (input.frameCount !== null && startFrame > 0 && startFrame >= input.frameCount) throw pastEnd(input.frameCount);
  if (startFrame > 0) {
    const skipped = input.skipFrames(startFrame);
    if (skipped < startFrame) throw pastEnd(skipped);
  }
  const blockAlign = input.format.blockAlign;
  let remainingBytes = frameLimit === undefined ? Number.POSITIVE_INFINITY : frameLimit * blockAlign;
  let firstRead = true;
  const reader = {
    read(target: Uint8Array): number {
      if (remainingBytes <= 0) return 0;
      const view = target.length <= remainingBytes ? target : target.subarray(0, remainingBytes);
      const read = input.read(view);
      // a stream of unknown length (stdin) that ends exactly at the start: nothing to play is the same error
      if (firstRead && read === 0 && startFrame > 0) throw pastEnd(startFrame);
      firstRead = false;
      remainingBytes -= read;
      return read;
    },
    end(): void {
      remainingBytes = 0;
    },
  };
  const available = input.frameCount === null ? null : input.frameCount - startFrame;
  const frames = available === null ? (frameLimit ?? null) : Math.min(available, frameLimit ?? Number.POSITIVE_INFINITY);
  return { reader, startFrame, frames };
}
