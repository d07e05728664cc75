import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkFrameCounter, decodeFrameCounter, runWavert, WAVERT_BIN, writeCounterWav } from './support/pulse.js';
import { WavReader } from '../src/wav/index.js';

// `wavert play` as a real process, on machines with no sound server at all: the null and file sinks.
const SAMPLE_RATE = 48_000;
const noServer: NodeJS.ProcessEnv = {
  ...process.env,
  PULSE_SERVER: 'unix:/nonexistent/wavert/native',
  XDG_RUNTIME_DIR: '/nonexistent/wavert',
  HOME: '/nonexistent/wavert',
};

function readAll(filePath: string): Buffer {
  const reader = WavReader.open(filePath);
  const chunks: Buffer[] = [];
  for (;;) {
    const target = Buffer.alloc(65_536);
    const got = reader.read(target);
    if (got === 0) break;
    chunks.push(target.subarray(0, got));
  }
  reader.close();
  return Buffer.concat(chunks);
}

describe('wavert play without a sound server', () => {
  let directory: string;
  let wavPath: string;
  let pcm: Buffer;

  before(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-play-faults-'));
    wavPath = path.join(directory, 'counter.wav');
    pcm = await writeCounterWav(wavPath, SAMPLE_RATE / 2, SAMPLE_RATE);
  });

  after(() => {
    fs.rmSync(directory, { recursive: true, force: true });
  });

  test('when no sink works and the sink is auto then it plays to null in real time and says once that nothing will be heard', async () => {
    const run = await runWavert(['play', wavPath, '--quiet'], { env: noServer });
    assert.equal(run.code, 0, run.stderr);
    const mentions = run.stderr.match(/nothing will be heard/g) ?? [];
    assert.equal(mentions.length, 1, run.stderr);
    assert.match(run.stderr, /^wavert: nothing will be heard: no audio output works here, so the stream plays to the null sink in real time\.\n  pulse: .*\n  pipewire: .*\n  alsa: .*\n  speaker: .*\n/m);
    // the exact count is not asserted: on a loaded machine a late wake-up is a real (repeat) underrun
    assert.match(run.stdout, /^sink +null \(discards the audio, keeps real time\): \d+ frames sent/m);
    assert.ok(run.elapsedMs >= 500, `a 0.5 s file took ${run.elapsedMs.toFixed(0)} ms`);
  });

  test('when pulse is asked for and no server runs then it exits 3 naming the sink and the reason', async () => {
    const run = await runWavert(['play', wavPath, '--sink', 'pulse', '--quiet'], { env: noServer });
    assert.equal(run.code, 3);
    assert.match(run.stderr, /^wavert: sink pulse cannot play here: (pacat is not installed|pacat exited with code 1)/m);
  });

  test('when the speaker addon would abort for want of a device then the CLI survives and exits 3 with ALSA\'s reason', async () => {
    const run = await runWavert(['play', wavPath, '--sink', 'speaker', '--quiet'], { env: noServer });
    assert.equal(run.signal, null);
    assert.equal(run.code, 3);
    assert.match(run.stderr, /^wavert: sink speaker cannot play here: (the speaker addon aborted its process: ALSA has no usable output device|the optional 'speaker' package)/m);
  });

  test('when the sink is file:PATH with --start and --duration then the WAV holds exactly that part of the input', async () => {
    const outPath = path.join(directory, 'part.wav');
    const run = await runWavert(['play', wavPath, '--sink', `file:${outPath}`, '--start', '0.1', '--duration', '250ms', '--quiet'], { env: noServer });
    assert.equal(run.code, 0, run.stderr);
    const played = readAll(outPath);
    assert.equal(played.length, 12_000 * 4);
    assert.deepEqual(played, pcm.subarray(4_800 * 4, 16_800 * 4));
  });

  test('when the input is - then the WAV on stdin is played, and --record keeps a copy of what the DAC played', async () => {
    const outPath = path.join(directory, 'stdin.wav');
    const recordPath = path.join(directory, 'record.wav');
    const run = await runWavert(['play', '-', '--sink', `file:${outPath}`, '--record', recordPath, '--quiet'], { env: noServer, stdin: fs.readFileSync(wavPath) });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(readAll(outPath), pcm);
    assert.deepEqual(readAll(recordPath), pcm);
  });

  test('when the input file is truncated then it plays what there is and says so', async () => {
    const truncatedPath = path.join(directory, 'truncated.wav');
    const whole = fs.readFileSync(wavPath);
    fs.writeFileSync(truncatedPath, whole.subarray(0, whole.length - 4 * 10_000));
    const outPath = path.join(directory, 'truncated-out.wav');
    const run = await runWavert(['play', truncatedPath, '--sink', `file:${outPath}`, '--quiet'], { env: noServer });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /truncated\.wav: .*(declares|truncat)/);
    const played = readAll(outPath);
    assert.equal(played.length, (SAMPLE_RATE / 2 - 10_000) * 4);
    const check = checkFrameCounter(played, SAMPLE_RATE / 2 - 10_001);
    assert.equal(check?.discontinuities, 0);
    assert.equal(decodeFrameCounter(played, 1), 1);
  });

  test('when --start or --duration is not a time then it exits 2 naming the option', async () => {
    const bad = await runWavert(['play', wavPath, '--start', '1:75', '--quiet'], { env: noServer });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^wavert: --start '1:75': seconds and minutes after a ':' must be below 60\.$/m);
    const worse = await runWavert(['play', wavPath, '--duration', 'soon', '--quiet'], { env: noServer });
    assert.equal(worse.code, 2);
    assert.match(worse.stderr, /^wavert: --duration 'soon' is not a time/m);
    const sink = await runWavert(['play', wavPath, '--sink', 'jack', '--quiet'], { env: noServer });
    assert.equal(sink.code, 2);
    assert.match(sink.stderr, /^wavert: --sink 'jack' is not a sink/m);
    const device = await runWavert(['play', wavPath, '--sink', 'null', '--device', 'hw:0', '--quiet'], { env: noServer });
    assert.equal(device.code, 2);
    assert.match(device.stderr, /^wavert: --device: the null sink has no devices/m);
  });

  test('when Ctrl-C arrives then it ends at the current point and exits 130, and a second Ctrl-C stops at once', async (t) => {
    const longPath = path.join(directory, 'long.wav');
    await writeCounterWav(longPath, SAMPLE_RATE * 5, SAMPLE_RATE);
    let signalledAt = 0;
    const once = await runWavert(['play', longPath, '--sink', 'null', '--quiet'], {
      env: noServer,
      timeoutMs: 5_000,
      during: (child) => setTimeout(() => { signalledAt = performance.now(); child.kill('SIGINT'); }, 1500),
    });
    t.diagnostic(`one Ctrl-C: exited ${(performance.now() - signalledAt).toFixed(0)} ms after SIGINT`);
    assert.equal(once.code, 130, once.stderr);
    assert.match(once.stdout, /^output +\d+ frames/m);
    const twice = await runWavert(['play', longPath, '--sink', 'null', '--quiet'], {
      env: noServer,
      timeoutMs: 5_000,
      during: (child) => setTimeout(() => { child.kill('SIGINT'); child.kill('SIGINT'); }, 1500),
    });
    assert.equal(twice.code, 130, twice.stderr);
  });

  test('when stdout is closed early then the player does not crash: one sentence and exit 2', async () => {
    const child = spawn(process.execPath, [WAVERT_BIN, 'play', wavPath, '--sink', 'null', '--quiet', '--duration', '100ms'], { env: noServer, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text; });
    const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
    assert.equal(code, 2, stderr);
    assert.match(stderr, /^wavert: cannot write to stdout: the reading end of the pipe was closed$/m);
    assert.doesNotMatch(stderr, /EPIPE|internal error|Error:/);
  });
});
