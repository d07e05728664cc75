import type { WavFormat } from '../../src/wav/index.js';
import type { Glitch } from '../../src/report/glitches.js';

// Reading a frame-counter signal back (scenario `input: { type: counter }`): channel 0 of frame i holds
// 1 + (i mod period), silence is 0. Used to find every discontinuity in what the device played.

const FLOAT_COUNTER_STEPS = 2 ** 24;

export function counterPeriod(format: WavFormat): number {
  return format.encoding === 'float' ? FLOAT_COUNTER_STEPS - 1 : 2 ** (format.bitsPerSample - 1) - 1;
}

/** The counter value of every frame (channel 0); 0 is silence. */
export function counterValues(bytes: Buffer, format: WavFormat): Int32Array {
  const frames = Math.floor(bytes.length / format.blockAlign);
  const values = new Int32Array(frames);
  for (let frame = 0; frame < frames; frame++) {
    const at = frame * format.blockAlign;
    if (format.encoding === 'float') {
      const sample = format.bitsPerSample === 32 ? bytes.readFloatLE(at) : bytes.readDoubleLE(at);
      values[frame] = Math.round(sample * FLOAT_COUNTER_STEPS);
      continue;
    }
    switch (format.bitsPerSample) {
      case 8: values[frame] = bytes[at]! - 0x80; break;
      case 16: values[frame] = bytes.readInt16LE(at); break;
      case 24: values[frame] = bytes.readIntLE(at, 3); break;
      default: values[frame] = bytes.readInt32LE(at); break;
    }
  }
  return values;
}

/**
 * Output frames where the played counter does not continue from the frame before: not the next count, and
 * not the silence a punctual client's run ends in (after the last input frame, or the silence fill after it). With
 * `wholeInputDelivered`, stopping short of the last input frame is a departure too (at the frame after the output).
 */
export function discontinuities(values: Int32Array, inputFrames: number, period: number, wholeInputDelivered = false): number[] {
  const lastValue = inputFrames > 0 ? 1 + ((inputFrames - 1) % period) : 0;
  // the silence a run ends in (FIFO fill, nothing more to play) continues the last input frame
  let tailStart = values.length;
  while (tailStart > 0 && values[tailStart - 1] === 0) tailStart--;
  const endsClean = tailStart === 0 ? inputFrames === 0 : values[tailStart - 1] === lastValue;
  const found: number[] = [];
  let previous = 0;
  for (let frame = 0; frame < values.length; frame++) {
    const value = values[frame]!;
    if (frame >= tailStart && endsClean) break;
    const next = previous === period ? 1 : previous + 1;
    if (value !== next || (previous === 0 && frame > 0)) found.push(frame);
    previous = value;
  }
  // once the client handed over the whole input, an output that stops on another frame departs where its next should be
  if (wholeInputDelivered && !endsClean && tailStart === values.length && values.length > 0) found.push(values.length);
  return found;
}

/** Discontinuities that lie neither inside a listed glitch nor on the frame just after one. */
export function uncovered(frames: readonly number[], glitches: readonly Glitch[]): number[] {
  const sorted = [...glitches].sort((a, b) => a.startFrame - b.startFrame);
  return frames.filter((frame) => !sorted.some((g) => frame >= g.startFrame && frame <= g.startFrame + g.frameCount));
}
