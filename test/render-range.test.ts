import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readAudio } from './support/audio-files.js';
import { runWavert, writeCounterWav } from './support/pulse.js';

// render --start/--duration through the real CLI: exactly the frames asked for, from a file or from stdin.
let directory: string;
let wavPath: string;
let pcm: Buffer;
const FRAMES = 48_000;

before(async () => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-render-range-'));
  wavPath = path.join(directory, 'counter.wav');
  pcm = await writeCounterWav(wavPath, FRAMES);
});

after(() => fs.rmSync(directory, { recursive: true, force: true }));

test('when render is given --start 0.25 and --duration 100ms then the output is exactly input frames 12000 to 16800', async () => {
  const out = path.join(directory, 'part.wav');
  const run = await runWavert(['render', wavPath, '-o', out, '--start', '0.25', '--duration', '100ms', '--json']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(readAudio(out), pcm.subarray(12_000 * 4, 16_800 * 4));
  const summary = JSON.parse(run.stdout) as { input: { frames: number }; output: { frames: number } };
  assert.equal(summary.input.frames, 4_800);
  assert.equal(summary.output.frames, 4_800);
});

test('when the input is stdin then --start skips by reading and the part is the same bytes', async () => {
  const out = path.join(directory, 'stdin-part.wav');
  const run = await runWavert(['render', '-', '-o', out, '--start', '0:00.5', '--duration', '0.1'], { stdin: fs.readFileSync(wavPath) });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(readAudio(out), pcm.subarray(24_000 * 4, 28_800 * 4));
});

test('when --duration reaches past the end then the rest of the file is rendered, nothing more', async () => {
  const out = path.join(directory, 'tail.wav');
  const run = await runWavert(['render', wavPath, '-o', out, '--start', '900ms', '--duration', '5s']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(readAudio(out), pcm.subarray(43_200 * 4));
});

test('when --start is past the end of stdin then it is the same usage error as for a file, and no output is left', async () => {
  const out = path.join(directory, 'none.wav');
  const run = await runWavert(['render', '-', '-o', out, '--start', '2s'], { stdin: fs.readFileSync(wavPath) });
  assert.equal(run.code, 2);
  assert.equal(run.stderr, "wavert: --start 2s is at or past the end of stdin (0:01.0 long)\nSee 'wavert render --help'.\n");
  assert.equal(fs.existsSync(out), false);
});

test('when --duration is 0 or not a time then render refuses it naming the option', async () => {
  const zero = await runWavert(['render', wavPath, '-o', path.join(directory, 'z.wav'), '--duration', '0']);
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /^wavert: --duration must be longer than 0\.\n/);
  const bad = await runWavert(['render', wavPath, '-o', path.join(directory, 'z.wav'), '--start', 'soon']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^wavert: --start 'soon' is not a time/);
});
