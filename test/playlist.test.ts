import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addToTotals, emptyTotals, formatTotals, parseLoop, Playlist, type PlaylistEntry } from '../src/playlist/index.js';
import type { RunSummary } from '../src/report/summary.js';

// The playlist of `play a.wav b.wav … --loop` as a library: order, passes, stop, stdin rules, one total.

function drain(playlist: Playlist, limit = 100): PlaylistEntry[] {
  const entries: PlaylistEntry[] = [];
  for (let entry = playlist.next(); entry !== null && entries.length < limit; entry = playlist.next()) entries.push(entry);
  return entries;
}

test('when several files are given then they play once each, in the order given', () => {
  assert.deepEqual(drain(new Playlist(['a.wav', 'b.wav', 'c.wav'])), [
    { input: 'a.wav', index: 0, pass: 1 }, { input: 'b.wav', index: 1, pass: 1 }, { input: 'c.wav', index: 2, pass: 1 },
  ]);
});

test('when --loop 2 is given then the whole list plays twice; --loop alone repeats until stopped', () => {
  assert.deepEqual(drain(new Playlist(['a.wav', 'b.wav'], 2)).map((entry) => `${entry.input}#${entry.pass}`), ['a.wav#1', 'b.wav#1', 'a.wav#2', 'b.wav#2']);
  const forever = new Playlist(['a.wav'], 'forever');
  assert.equal(drain(forever, 50).length, 50);
  forever.stop();
  assert.equal(forever.next(), null);
});

test('when stdin is given twice or in a loop then it is refused: it can be read only once', () => {
  assert.throws(() => new Playlist(['-', '-']), /'-' \(stdin\) can be given only once/);
  assert.throws(() => new Playlist(['-'], 'forever'), /--loop cannot replay '-' \(stdin\)/);
  assert.throws(() => new Playlist([]), /play needs at least one WAV file/);
  assert.deepEqual(drain(new Playlist(['a.wav', '-'])).map((entry) => entry.input), ['a.wav', '-']);
});

test('when --loop has a value then it is a number of passes from 1; nothing, 0 or forever mean until stopped', () => {
  assert.equal(parseLoop(undefined), 1);
  assert.equal(parseLoop(true), 'forever');
  assert.equal(parseLoop('3'), 3);
  assert.equal(parseLoop('0'), 'forever');
  assert.equal(parseLoop('forever'), 'forever');
  assert.throws(() => parseLoop('two'), /--loop must be a whole number of passes from 1 \(or nothing, for forever\), got 'two'/);
  assert.throws(() => parseLoop('-1'), /got '-1'/);
});

function summary(frames: number, rate: number, underruns: number, glitches: number): RunSummary {
  return {
    statuses: { STATUS_SUCCESS: 10, ...(underruns > 0 ? { STATUS_DATA_LATE_ERROR: underruns } : {}) },
    output: { frames, bytes: frames * 4, durationSeconds: frames / rate },
    packets: 10, writes: 10 + underruns,
    underrun: { events: underruns, frames: underruns * 480, packets: underruns, list: [] },
    glitchTotal: glitches,
  } as unknown as RunSummary;
}

test('when streams end then the total adds them up: frames, seconds across rates, statuses, underruns, glitches, clipping', () => {
  let totals = emptyTotals();
  totals = addToTotals(totals, summary(48_000, 48_000, 0, 0));
  totals = addToTotals(totals, summary(22_050, 44_100, 1, 1), { clippedSamples: 3 });
  assert.deepEqual(totals.statuses, { STATUS_SUCCESS: 20, STATUS_DATA_LATE_ERROR: 1 });
  assert.equal(formatTotals(totals), 'total        2 streams: 70050 frames, 1.500 s; 20 packets; 1 underrun event (480 frames); 1 glitch; 3 samples clipped by --volume\n');
  assert.equal(formatTotals(addToTotals(emptyTotals(), summary(480, 48_000, 0, 0), { interrupted: true })), 'total        1 stream: 480 frames, 0.010 s; 10 packets; 0 underrun events (0 frames); no glitches; interrupted\n');
});
