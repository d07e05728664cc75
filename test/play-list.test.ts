import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readAudio } from './support/audio-files.js';
import { runWavert, writeCounterWav } from './support/pulse.js';
import { WavWriter, pcmFormat } from '../src/wav/index.js';

// play with several files, --loop and --volume, through the real CLI, without a sound server.
const noServer: NodeJS.ProcessEnv = { ...process.env, PULSE_SERVER: 'unix:/nonexistent/wavert/native', XDG_RUNTIME_DIR: '/nonexistent/wavert', HOME: '/nonexistent/wavert' };
let directory: string;
let first: string;
let second: string;
let loud: string;

before(async () => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-play-list-'));
  first = path.join(directory, 'first.wav');
  second = path.join(directory, 'second.wav');
  await writeCounterWav(first, 4_800);
  await writeCounterWav(second, 2_400, 24_000);
  loud = path.join(directory, 'loud.wav');
  const writer = WavWriter.create(loud, pcmFormat({ channels: 2, sampleRate: 48_000, bitsPerSample: 16 }));
  const samples = Buffer.alloc(4_800 * 4);
  for (let index = 0; index < 4_800 * 2; index++) samples.writeInt16LE(index % 2 === 0 ? 20_000 : -20_000, index * 2);
  writer.write(samples);
  writer.close();
});

after(() => fs.rmSync(directory, { recursive: true, force: true }));

interface ListJson {
  streams: Array<{ input: { file: string; frames: number }; output: { frames: number }; volume: { factor: number; clippedSamples: number } | null }>;
  total: { streams: number; outputFrames: number; outputSeconds: number; clippedSamples: number };
}

test('when play is given two files then each is its own stream, in order, with its own summary, then one total', async () => {
  const run = await runWavert(['play', first, second, '--sink', 'null', '--quiet'], { env: noServer });
  assert.equal(run.code, 0, run.stderr);
  const headers = [...run.stdout.matchAll(/^play +(\d) of 2: (.*)$/gm)].map((match) => `${match[1]} ${path.basename(match[2]!)}`);
  assert.deepEqual(headers, ['1 first.wav', '2 second.wav']);
  assert.deepEqual([...run.stdout.matchAll(/^input +(.*?): /gm)].map((match) => path.basename(match[1]!)), ['first.wav', 'second.wav']);
  assert.equal([...run.stdout.matchAll(/^output /gm)].length, 2);
  assert.match(run.stdout, /\ntotal +2 streams: \d+ frames, [\d.]+ s; \d+ packets; /);
  const json = JSON.parse((await runWavert(['play', first, second, '--sink', 'null', '--json'], { env: noServer })).stdout) as ListJson;
  assert.deepEqual(json.streams.map((stream) => [path.basename(stream.input.file), stream.input.frames]), [['first.wav', 4_800], ['second.wav', 2_400]]);
  assert.equal(json.total.streams, 2);
  assert.equal(json.total.outputFrames, json.streams[0]!.output.frames + json.streams[1]!.output.frames);
});

test('when --loop 2 is given then the list plays twice; stdin may be one of the files, but not in a loop', async () => {
  const looped = JSON.parse((await runWavert(['play', first, second, '--sink', 'null', '--loop', '2', '--json'], { env: noServer })).stdout) as ListJson;
  assert.deepEqual(looped.streams.map((stream) => path.basename(stream.input.file)), ['first.wav', 'second.wav', 'first.wav', 'second.wav']);
  const withStdin = await runWavert(['play', first, '-', '--sink', 'null', '--quiet'], { env: noServer, stdin: fs.readFileSync(second) });
  assert.equal(withStdin.code, 0, withStdin.stderr);
  assert.match(withStdin.stdout, /^play +2 of 2: -$/m);
  const refused = await runWavert(['play', '-', '--loop', '--sink', 'null'], { env: noServer, stdin: fs.readFileSync(second) });
  assert.equal(refused.code, 2);
  assert.equal(refused.stderr, "wavert: --loop cannot replay '-' (stdin): it can be read only once\nSee 'wavert play --help'.\n");
});

test('when --volume 50% plays to a file sink with --record then the sink hears the model halved and the recording is the model', async () => {
  const heard = path.join(directory, 'heard.wav');
  const recorded = path.join(directory, 'recorded.wav');
  const run = await runWavert(['play', first, '--sink', `file:${heard}`, '--record', recorded, '--volume', '50%', '--quiet'], { env: noServer });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^volume +-6\.0 dB \(×0\.5\) at the sink: 0 samples clipped$/m);
  const model = readAudio(recorded);
  const scaled = readAudio(heard);
  assert.equal(scaled.length, model.length);
  for (let offset = 0; offset < model.length; offset += 2) {
    if (scaled.readInt16LE(offset) !== Math.round(model.readInt16LE(offset) * 0.5)) assert.fail(`sample at byte ${offset}: ${scaled.readInt16LE(offset)} is not half of ${model.readInt16LE(offset)}`);
  }
});

test('when --volume pushes samples past full scale then each clipped sample is counted, in the summary and a warning', async () => {
  const run = await runWavert(['play', loud, '--sink', 'null', '--volume', '+6dB', '--json'], { env: noServer });
  assert.equal(run.code, 0, run.stderr);
  const summary = JSON.parse(run.stdout) as { volume: { factor: number; clippedSamples: number; samplesScaled: number }; output: { frames: number } };
  assert.equal(summary.volume.factor, 10 ** (6 / 20));
  // every sample is ±20000: doubled, each one passes full scale (silence the model adds at the end would not)
  assert.equal(summary.volume.clippedSamples, summary.volume.samplesScaled);
  assert.ok(summary.volume.clippedSamples >= 4_800 * 2);
  assert.match(run.stderr, /^wavert: warning: --volume \+6dB clipped \d+ samples of .*loud\.wav$/m);
});

test('when --volume is not a gain, or the list cannot keep one --record, then it is one usage error', async () => {
  const bad = await runWavert(['play', first, '--volume', 'loud', '--sink', 'null'], { env: noServer });
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, "wavert: --volume 'loud' is not a gain: use decibels (-6dB), a percentage (50%) or a factor (0.5)\nSee 'wavert play --help'.\n");
  const huge = await runWavert(['play', first, '--volume', '30dB', '--sink', 'null'], { env: noServer });
  assert.match(huge.stderr, /^wavert: --volume 30dB is \+30\.0 dB \(×31\.6\), more than the \+24 dB wavert allows\n/);
  const record = await runWavert(['play', first, second, '--record', path.join(directory, 'r.wav'), '--sink', 'null'], { env: noServer });
  assert.equal(record.code, 2);
  assert.match(record.stderr, /^wavert: --record keeps one stream: give one input file, without --loop\n/);
});

test('when Ctrl-C comes during the first file then the list stops there: that stream is summed as interrupted, exit 130', async () => {
  const long = path.join(directory, 'long.wav');
  await writeCounterWav(long, 48_000 * 10);
  // late enough that the handler is installed even on a loaded machine, early enough that the file is still playing
  const run = await runWavert(['play', long, first, '--sink', 'null', '--quiet'], {
    env: noServer, timeoutMs: 30_000, during: (child) => setTimeout(() => child.kill('SIGINT'), 2_500),
  });
  assert.equal(run.code, 130, run.stderr);
  assert.match(run.stdout, /^play +1 of 2: .*long\.wav$/m);
  assert.doesNotMatch(run.stdout, /^play +2 of 2/m);
  assert.match(run.stdout, /^total +1 stream: \d+ frames, [\d.]+ s; .*; interrupted$/m);
});

test('when a file of the list cannot be read then what played is totalled and the error names the file, exit 2', async () => {
  const broken = path.join(directory, 'broken.wav');
  fs.writeFileSync(broken, 'not a wav file at all');
  const run = await runWavert(['play', first, broken, second, '--sink', 'null', '--quiet'], { env: noServer });
  assert.equal(run.code, 2);
  assert.match(run.stdout, /^total +1 stream: \d+ frames, [\d.]+ s; /m);
  assert.doesNotMatch(run.stdout, /second\.wav/);
  assert.match(run.stderr, /^wavert: .*broken\.wav: /m);
});
