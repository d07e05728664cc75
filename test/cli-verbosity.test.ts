import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runWavert, writeCounterWav } from './support/pulse.js';

// -v, -q and --log-level through the real CLI: the same on every command, and debug lines worth reading.
let directory: string;
let wavPath: string;
const noServer: NodeJS.ProcessEnv = { ...process.env, PULSE_SERVER: 'unix:/nonexistent/wavert/native', XDG_RUNTIME_DIR: '/nonexistent/wavert', HOME: '/nonexistent/wavert' };

before(async () => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-verbosity-'));
  wavPath = path.join(directory, 'counter.wav');
  await writeCounterWav(wavPath, 4_800);
  fs.writeFileSync(path.join(directory, 'one.yaml'), 'name: one\nseed: 1\ninput: { type: silence, format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }, durationMs: 40 }\nexpect:\n  underrun: { events: 0 }\n');
});

after(() => fs.rmSync(directory, { recursive: true, force: true }));

test('when render runs at the default level then stderr is empty; -v adds what was done; -vv the buffer chosen and the timing', async () => {
  const args = ['render', wavPath, '-o', path.join(directory, 'out.wav')];
  assert.equal((await runWavert(args)).stderr, '');
  const info = await runWavert([...args, '-v']);
  assert.match(info.stderr, /^wavert: rendered .*counter\.wav to .*out\.wav: 0\.100 s of audio$/m);
  assert.doesNotMatch(info.stderr, /debug:/);
  for (const debugArgs of [['-vv'], ['-v', '-v'], ['--log-level', 'debug'], ['-vvv']]) {
    const debug = await runWavert([...args, ...debugArgs]);
    assert.equal(debug.code, 0, debug.stderr);
    assert.match(debug.stderr, /^wavert: debug: buffer 3840 bytes = 2 packets of 1920 bytes \(480 frames, 10\.000 ms each\); profile doc, underflow repeat, EOS fill on, FIFO 0 bytes$/m, debugArgs.join(' '));
    assert.match(debug.stderr, /^wavert: debug: input PCM 16-bit, 2 ch, 48000 Hz: frames 0 to 4800 \(4800 frames\)$/m);
    assert.match(debug.stderr, /^wavert: debug: took [\d.]+ ms wall time for 0\.100 s of audio \(\d+× real time\)$/m);
  }
  const rounded = await runWavert([...args, '-vv', '--buffer-bytes', '4001']);
  assert.match(rounded.stderr, /^wavert: debug: buffer 4000 bytes \(requested 4001, rounded down to whole frames per packet\) = 2 packets of 2000 bytes \(500 frames, 10\.417 ms each\)/m);
});

test('when -q and -v are both given then it is a usage error; --log-level overrides -v', async () => {
  const both = await runWavert(['render', wavPath, '-o', path.join(directory, 'x.wav'), '-q', '-v']);
  assert.equal(both.code, 2);
  assert.equal(both.stderr, "wavert: -q/--quiet and -v/--verbose cannot be used together\nSee 'wavert render --help'.\n");
  const overridden = await runWavert(['render', wavPath, '-o', path.join(directory, 'y.wav'), '-vv', '--log-level', 'warn']);
  assert.equal(overridden.stderr, '');
});

test('when run is given --log-level or -vv then it accepts them and says what it found and how long each scenario took', async () => {
  const run = await runWavert(['run', path.join(directory, 'one.yaml'), '--out', path.join(directory, 'out'), '--log-level', 'debug']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^wavert: 1 scenario found, 1 valid; output in /m);
  assert.match(run.stderr, /^wavert: debug: 1 worker thread, 120 s limit per scenario$/m);
  assert.match(run.stderr, /^wavert: debug: one: passed in [\d.]+ ms$/m);
  const quiet = await runWavert(['run', path.join(directory, 'one.yaml'), '--out', path.join(directory, 'out'), '-q']);
  assert.equal(quiet.code, 0);
  assert.equal(quiet.stderr, '');
});

test('when play is given -vv then it shows the input range, the buffer, the sink with its buffer and the run timing', async () => {
  const run = await runWavert(['play', wavPath, '--sink', 'null', '-vv', '--start', '20ms'], { env: noServer });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^wavert: debug: input PCM 16-bit, 2 ch, 48000 Hz: frames 960 to 4800$/m);
  assert.match(run.stderr, /^wavert: debug: buffer 3840 bytes = 2 packets of 1920 bytes/m);
  assert.match(run.stderr, /^wavert: debug: paced by the sink: the model runs at most \d+ ms ahead of what is heard; the player's buffer is \d+ ms$/m);
  assert.match(run.stderr, /^wavert: debug: sink null \(discards the audio, keeps real time\): opened in [\d.]+ ms$/m);
  assert.match(run.stderr, /^wavert: debug: live view off \(stderr is not a terminal\); keys off$/m);
  assert.match(run.stderr, /^wavert: debug: model ran 0\.080 s in [\d.]+ s wall time; (the sink started playing after [\d.]+ ms; )?\d+ wake-ups?$/m);
});

test('when info, report and devices are given -vv then each prints its own debug line, and nothing without it', async () => {
  const info = await runWavert(['info', wavPath, '-vv']);
  assert.match(info.stderr, /^wavert: debug: read .*counter\.wav in [\d.]+ ms \(frames from the header\)$/m);
  assert.equal((await runWavert(['info', wavPath])).stderr, '');
  const trace = path.join(directory, 'trace.ndjson');
  assert.equal((await runWavert(['render', wavPath, '-o', path.join(directory, 'r.wav'), '--trace', trace])).code, 0);
  const report = await runWavert(['report', trace, '-o', path.join(directory, 'r.svg'), '-vv']);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stderr, /^wavert: debug: drew \d+ panels? from .*trace\.ndjson in [\d.]+ ms$/m);
  assert.equal((await runWavert(['report', trace, '-o', path.join(directory, 'q.svg'), '-q'])).stdout, '');
  const devices = await runWavert(['devices', '-vv'], { env: noServer });
  assert.match(devices.stderr, /^wavert: debug: probed 6 back-ends with 2 ch 48000 Hz s16le in \d+ ms$/m);
});
