import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkExpectations, renderSignal, type RangeExpectation, type Scenario } from '../src/scenario/index.js';
import type { RunSummary } from '../src/report/summary.js';
import { pcmFormat, silenceByte, type WavFormat } from '../src/wav/index.js';
import { count } from '../src/text/count.js';

/** mulberry32: a small seeded generator, so every case can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The range check as it was written first, frame by frame: the whole-range version must say exactly the same. */
function referenceRange(range: RangeExpectation, format: WavFormat, output: Buffer, input: Buffer, bufferFrames: number): { held: boolean; actual: string } {
  const blockAlign = format.blockAlign;
  const outputFrames = output.length / blockAlign;
  const result = (held: boolean, actual: string) => ({ held, actual });
  if (range.lastFrame >= outputFrames) return result(false, `the output has only ${count(outputFrames, 'frame')}`);
  const frameAt = (bytes: Buffer, frame: number): Buffer => bytes.subarray(frame * blockAlign, (frame + 1) * blockAlign);
  const silence = silenceByte(format);
  const isSilent = (frame: number): boolean => frameAt(output, frame).every((byte) => byte === silence);
  switch (range.check.kind) {
    case 'silence':
      for (let frame = range.firstFrame; frame <= range.lastFrame; frame++) if (!isSilent(frame)) return result(false, `frame ${frame} is not silence`);
      return result(true, 'silence');
    case 'not-silence':
      for (let frame = range.firstFrame; frame <= range.lastFrame; frame++) if (!isSilent(frame)) return result(true, `frame ${frame} is not silence`);
      return result(false, 'all silence');
    case 'stale':
      for (let frame = range.firstFrame; frame <= range.lastFrame; frame++) {
        if (frame < bufferFrames) return result(false, `frame ${frame} has no frame one buffer (${bufferFrames} frames) earlier`);
        if (!frameAt(output, frame).equals(frameAt(output, frame - bufferFrames))) return result(false, `frame ${frame} differs from frame ${frame - bufferFrames}, one buffer earlier`);
      }
      return result(true, `stale (each frame repeats the one ${bufferFrames} frames earlier)`);
    case 'input': {
      const inputFrames = input.length / blockAlign;
      for (let frame = range.firstFrame; frame <= range.lastFrame; frame++) {
        const inputFrame = range.check.firstInputFrame + frame - range.firstFrame;
        if (inputFrame >= inputFrames) return result(false, `the input has only ${count(inputFrames, 'frame')}`);
        if (!frameAt(output, frame).equals(frameAt(input, inputFrame))) return result(false, `output frame ${frame} differs from input frame ${inputFrame}`);
      }
      return result(true, 'equal');
    }
  }
}

/** An output made of the pieces a run produces: input frames, silence, stale repeats, and the odd changed byte. */
function makeOutput(random: () => number, format: WavFormat, input: Buffer, bufferFrames: number): Buffer {
  const blockAlign = format.blockAlign;
  const frames = 1 + Math.floor(random() * 12_000);
  const output = Buffer.alloc(frames * blockAlign);
  let frame = 0;
  let inputFrame = 0;
  while (frame < frames) {
    const length = Math.min(frames - frame, 1 + Math.floor(random() * 3000));
    const piece = random();
    if (piece < 0.4) {
      for (let i = 0; i < length; i++, frame++, inputFrame++) input.copy(output, frame * blockAlign, (inputFrame % (input.length / blockAlign)) * blockAlign, ((inputFrame % (input.length / blockAlign)) + 1) * blockAlign);
    } else if (piece < 0.65) {
      output.fill(silenceByte(format), frame * blockAlign, (frame + length) * blockAlign);
      frame += length;
    } else {
      for (let i = 0; i < length; i++, frame++) {
        if (frame >= bufferFrames) output.copy(output, frame * blockAlign, (frame - bufferFrames) * blockAlign, (frame - bufferFrames + 1) * blockAlign);
      }
    }
    if (random() < 0.3) output[Math.floor(random() * output.length)] ^= 1 << Math.floor(random() * 8);
  }
  return output;
}

function randomRange(random: () => number, outputFrames: number, inputFrames: number): RangeExpectation {
  const pick = (limit: number): number => Math.floor(random() * limit);
  const firstFrame = pick(outputFrames + 2);
  const lastFrame = random() < 0.05 ? Math.max(0, firstFrame - 1 - pick(3)) : firstFrame + pick(Math.max(1, outputFrames + 2 - firstFrame));
  const kind = (['silence', 'not-silence', 'stale', 'input'] as const)[pick(4)]!;
  const position = { line: 1, column: 1 };
  if (kind !== 'input') return { position, firstFrame, lastFrame, check: { kind } };
  const firstInputFrame = pick(inputFrames + 100);
  return { position, firstFrame, lastFrame, check: { kind, firstInputFrame, lastInputFrame: firstInputFrame + lastFrame - firstFrame } };
}

const emptyExpectations = { statuses: [], counts: [], eosReached: null, outputSha256: null, goldenWav: null, glitches: null, doneOrder: null };

describe('range expectations', () => {
  test('when 3,000 seeded outputs and ranges are checked then every result and message equals the frame-by-frame check', () => {
    const formats = [
      pcmFormat({ bitsPerSample: 16, channels: 2, sampleRate: 48000 }),
      pcmFormat({ bitsPerSample: 8, channels: 1, sampleRate: 8000 }),
      pcmFormat({ bitsPerSample: 24, channels: 3, sampleRate: 44100 }),
      pcmFormat({ encoding: 'float', bitsPerSample: 32, channels: 1, sampleRate: 48000 }),
    ];
    const random = seeded(14);
    for (let round = 0; round < 150; round++) {
      const format = formats[round % formats.length]!;
      const inputFrames = 1 + Math.floor(random() * 9000);
      const input = renderSignal({ type: 'counter', format, frames: inputFrames, frequencyHz: 0, toFrequencyHz: 0, amplitude: 0, seed: 0 });
      const bufferFrames = [0, 1, 480, 960, 5000][Math.floor(random() * 5)]!;
      const output = makeOutput(random, format, input, Math.max(1, bufferFrames));
      const ranges = Array.from({ length: 20 }, () => randomRange(random, output.length / format.blockAlign, inputFrames));
      const scenario = { expect: { ...emptyExpectations, ranges }, timeline: [] } as unknown as Scenario;
      const results = checkExpectations(scenario, { summary: {} as RunSummary, format, output, input, bufferFrames, actionsNotRun: [] }, false);
      ranges.forEach((range, index) => {
        const expected = referenceRange(range, format, output, input, bufferFrames);
        assert.deepEqual({ held: results[index]!.held, actual: results[index]!.actual }, expected, `round ${round}, range ${JSON.stringify(range)}`);
      });
    }
  });

  test('when the output ends in a partial frame then a range over it is checked on the bytes it has', () => {
    const format = pcmFormat({ bitsPerSample: 16, channels: 2, sampleRate: 48000 });
    const input = renderSignal({ type: 'counter', format, frames: 10, frequencyHz: 0, toFrequencyHz: 0, amplitude: 0, seed: 0 });
    const output = Buffer.concat([input, Buffer.alloc(2)]);
    const position = { line: 1, column: 1 };
    const ranges: RangeExpectation[] = [
      { position, firstFrame: 0, lastFrame: 10, check: { kind: 'silence' } },
      { position, firstFrame: 10, lastFrame: 10, check: { kind: 'silence' } },
      { position, firstFrame: 0, lastFrame: 10, check: { kind: 'input', firstInputFrame: 0, lastInputFrame: 10 } },
      { position, firstFrame: 5, lastFrame: 10, check: { kind: 'stale' } },
    ];
    const scenario = { expect: { ...emptyExpectations, ranges }, timeline: [] } as unknown as Scenario;
    const results = checkExpectations(scenario, { summary: {} as RunSummary, format, output, input, bufferFrames: 5, actionsNotRun: [] }, false);
    assert.deepEqual(results.map((result) => result.actual), ranges.map((range) => referenceRange(range, format, output, input, 5).actual));
  });
});
