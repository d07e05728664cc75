import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareFiles } from '../src/compare/index.js';
import { pcmFormat } from '../src/wav/index.js';
import { UsageError } from '../src/errors.js';
import { CHANNELS, concat, frames, referenceAudio, scaled, silence, writeWav, RATE } from './support/recordings.js';

// Recordings of a reference with each kind of defect at a known frame; compare must name each, to the frame.

const dir = mkdtempSync(join(tmpdir(), 'wavert-compare-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const ref = referenceAudio(RATE * 2);
const referencePath = join(dir, 'reference.wav');

function heard(name: string, audio: Int16Array, format = undefined as Parameters<typeof writeWav>[2]): string {
  const path = join(dir, `${name}.wav`);
  writeWav(path, audio, format);
  return path;
}

const summary = (path: string) => compareFiles(path, referencePath).result;
const shape = (path: string) => summary(path).departures.map((d) => ({
  kind: d.kind, heardFrame: d.heardFrame, referenceFrame: d.referenceFrame, frameCount: d.frameCount, realign: d.realign,
  ...(d.repeatDistanceFrames !== undefined ? { repeatDistanceFrames: d.repeatDistanceFrames } : {}),
  ...(d.gainDb !== undefined ? { gainDb: d.gainDb } : {}),
}));

describe('compare on synthetic recordings', () => {
  before(() => writeWav(referencePath, ref));

  test('when the recording holds the reference after leading silence and before trailing silence then it is exact, with the offset', () => {
    const result = summary(heard('exact', concat(silence(12_345), ref, silence(777))));
    assert.deepEqual({ exact: result.exact, offset: result.offsetFrames, leading: result.leadingSilenceFrames, trailing: result.trailingSilenceFrames, departures: result.departures },
      { exact: true, offset: 12_345, leading: 12_345, trailing: 777, departures: [] });
  });

  test('when 480 frames of silence are inserted at frame 20000 then it is one gap there that realigns 480 frames on', () => {
    assert.deepEqual(shape(heard('gap', concat(frames(ref, 0, 20_000), silence(480), frames(ref, 20_000, RATE * 2)))),
      [{ kind: 'gap', heardFrame: 20_000, referenceFrame: 20_000, frameCount: 480, realign: { heardFrame: 20_480, referenceFrame: 20_000 } }]);
  });

  test('when a 960-frame buffer is played again at frame 30000 then it is a repeat from 960 frames earlier', () => {
    assert.deepEqual(shape(heard('repeat', concat(frames(ref, 0, 30_000), frames(ref, 29_040, 30_000), frames(ref, 30_000, RATE * 2)))),
      [{ kind: 'repeat', heardFrame: 30_000, referenceFrame: 30_000, frameCount: 960, realign: { heardFrame: 30_960, referenceFrame: 30_000 }, repeatDistanceFrames: 960 }]);
  });

  test('when 300 reference frames are missing at frame 40000 then it is a drop of 300', () => {
    assert.deepEqual(shape(heard('drop', concat(frames(ref, 0, 40_000), frames(ref, 40_300, RATE * 2)))),
      [{ kind: 'drop', heardFrame: 40_000, referenceFrame: 40_000, frameCount: 300, realign: { heardFrame: 40_000, referenceFrame: 40_300 } }]);
  });

  test('when 200 foreign frames are inserted at frame 50000 then it is an insert of 200', () => {
    const foreign = referenceAudio(200, 99);
    assert.deepEqual(shape(heard('insert', concat(frames(ref, 0, 50_000), foreign, frames(ref, 50_000, RATE * 2)))),
      [{ kind: 'insert', heardFrame: 50_000, referenceFrame: 50_000, frameCount: 200, realign: { heardFrame: 50_200, referenceFrame: 50_000 } }]);
  });

  test('when the level drops by 6 dB from frame 60000 to 70000 then it is one level departure of -6.02 dB', () => {
    assert.deepEqual(shape(heard('level', concat(frames(ref, 0, 60_000), scaled(frames(ref, 60_000, 70_000), 0.5), frames(ref, 70_000, RATE * 2)))),
      [{ kind: 'level', heardFrame: 60_000, referenceFrame: 60_000, frameCount: 10_000, realign: { heardFrame: 70_000, referenceFrame: 70_000 }, gainDb: -6.02 }]);
  });

  test('when the whole recording was made at half the volume then it still aligns, and the level departure spans it', () => {
    const result = summary(heard('quiet', concat(silence(700), scaled(ref, 0.5))));
    assert.equal(result.offsetFrames, 700);
    assert.deepEqual(result.departures.map((d) => [d.kind, d.heardFrame, d.referenceFrame, d.frameCount, d.gainDb, d.realign]), [['level', 700, 0, RATE * 2, -6.02, null]]);
  });

  test('when one recording holds several defects and starts 5000 frames late then each is listed in order at its frame', () => {
    const path = heard('several', concat(
      frames(ref, 5000, 10_000), silence(480), frames(ref, 10_000, 20_000), frames(ref, 19_520, 20_000), frames(ref, 20_000, 30_000), frames(ref, 30_100, RATE * 2),
    ));
    const result = summary(path);
    assert.equal(result.offsetFrames, -5000);
    assert.deepEqual(result.departures.map((d) => [d.kind, d.heardFrame, d.referenceFrame, d.frameCount]), [
      ['drop', 0, 0, 5000],
      ['gap', 5000, 10_000, 480],
      ['repeat', 15_480, 20_000, 480],
      ['drop', 25_960, 30_000, 100],
    ]);
    assert.equal(result.departures[2]!.repeatDistanceFrames, 480);
    assert.deepEqual(result.departureCounts, { gap: 1, repeat: 1, drop: 2, insert: 0, level: 0 });
    assert.equal(result.exact, false);
  });

  test('when the output is shifted by one packet (N = 1) then the start is a drop of a packet and the end a repeat of the last one', () => {
    const end = RATE * 2;
    const result = summary(heard('shifted', concat(frames(ref, 960, end), frames(ref, end - 960, end))));
    assert.equal(result.offsetFrames, -960);
    assert.deepEqual(result.departures.map((d) => [d.kind, d.heardFrame, d.referenceFrame, d.frameCount, d.repeatDistanceFrames ?? null]), [
      ['drop', 0, 0, 960, null],
      ['repeat', end - 960, end, 960, 960],
    ]);
  });

  test('when the recording is float32 or 24-bit of a 16-bit reference then it compares exactly on the 16-bit grid', () => {
    const float = summary(heard('float', concat(silence(100), ref), pcmFormat({ encoding: 'float', bitsPerSample: 32, channels: CHANNELS, sampleRate: RATE })));
    assert.deepEqual({ exact: float.exact, offset: float.offsetFrames, as: float.comparedAs }, { exact: true, offset: 100, as: '16-bit integers' });
    const pcm24 = summary(heard('pcm24', concat(frames(ref, 0, 1000), silence(96), frames(ref, 1000, RATE * 2)), pcmFormat({ bitsPerSample: 24, channels: CHANNELS, sampleRate: RATE })));
    assert.deepEqual(pcm24.departures.map((d) => [d.kind, d.heardFrame, d.frameCount]), [['gap', 1000, 96]]);
  });

  test('when the channel counts or the rates differ then it refuses with one sentence naming both files', () => {
    const mono = heard('mono', new Int16Array(1000).fill(5), pcmFormat({ bitsPerSample: 16, channels: 1, sampleRate: RATE }));
    assert.throws(() => compareFiles(mono, referencePath), (error: unknown) => error instanceof UsageError && /mono\.wav has 1 channel\(s\) and .*reference\.wav has 2; the channel counts must match/.test(error.message));
    const slow = heard('slow', ref, pcmFormat({ bitsPerSample: 16, channels: 2, sampleRate: 44_100 }));
    assert.throws(() => compareFiles(slow, referencePath), (error: unknown) => error instanceof UsageError && /44100 Hz .* 48000 Hz; the rates must match/.test(error.message));
  });

  test('when the recording stops early then the missing end is a drop, and extra audio after the end is an insert', () => {
    assert.deepEqual(shape(heard('short', frames(ref, 0, 80_000))).map((d) => [d.kind, d.referenceFrame, d.frameCount, d.realign]), [['drop', 80_000, RATE * 2 - 80_000, null]]);
    const extra = referenceAudio(500, 3);
    assert.deepEqual(shape(heard('long', concat(ref, extra, silence(10)))).map((d) => [d.kind, d.heardFrame, d.frameCount]), [['insert', RATE * 2, 500]]);
  });
});
