import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  aplayUnavailableReason, checkFrameCounter, pulseUnavailableReason, runWavert, startPulse, writeCounterWav, type PulseServer,
} from './support/pulse.js';

// A real sound server: a private PulseAudio with a null sink, recorded through its monitor with parec.
const SAMPLE_RATE = 48_000;
const FILE_FRAMES = 2 * SAMPLE_RATE;
/** PulseAudio ramps a new stream in over ~10 ms; the recording may start this late into the file, no later. */
const START_RAMP_FRAMES = 1_000;

const unavailable = pulseUnavailableReason();

describe('wavert play through a private PulseAudio server', { skip: unavailable }, () => {
  let server: PulseServer;
  let directory: string;
  let wavPath: string;

  before(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-play-pulse-'));
    wavPath = path.join(directory, 'counter.wav');
    await writeCounterWav(wavPath, FILE_FRAMES, SAMPLE_RATE);
    server = await startPulse(SAMPLE_RATE, 2);
  });

  after(async () => {
    await server?.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  /** Plays the counter file through `sink`, records the monitor, and checks the whole file was heard once, in order. */
  async function playAndCheck(sink: string): Promise<{ stdout: string; stderr: string; elapsedMs: number }> {
    const recording = await server.startRecording();
    // a 100 ms WaveRT buffer: a busy test machine must not turn a late wake-up into a model underrun here
    const run = await runWavert(['play', wavPath, '--sink', sink, '--quiet', '--buffer-ms', '100'], { env: server.env, timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const recorded = await recording.stop();
    assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr}`);
    const check = checkFrameCounter(recorded, FILE_FRAMES - 1);
    assert.ok(check, `the recording (${recorded.length} bytes) holds no run of the counter signal`);
    assert.ok(check.firstFrame <= START_RAMP_FRAMES, `the first intact frame is ${check.firstFrame}: more than the start-up ramp is missing`);
    assert.equal(check.lastFrame, FILE_FRAMES - 1, 'the recording does not reach the last frame');
    assert.equal(check.discontinuities, 0, 'a gap or a repeat in the recording');
    // playing took real time: a 2 s file cannot have been heard in less than 2 s
    assert.ok(run.elapsedMs >= (FILE_FRAMES / SAMPLE_RATE) * 1000, `played in ${run.elapsedMs.toFixed(0)} ms`);
    return run;
  }

  test('when a file is played with --sink pulse then the sink monitor hears every frame once, in order, in real time', async () => {
    const run = await playAndCheck('pulse');
    assert.match(run.stdout, /^sink +pulse \(pacat, \d+ ms buffer\): 96000 frames sent, \d+ backpressure events .* 0 frames dropped/m);
    assert.match(run.stdout, /^statuses +STATUS_SUCCESS 40$/m);
    assert.match(run.stdout, /^lateness +notifications p50 /m);
  });

  test('when a file is played with --sink speaker then the addon, in its own process, plays it through ALSA into pulse', async (t) => {
    const sinks = await runWavert(['sinks', '--json'], { env: server.env });
    const speaker = (JSON.parse(sinks.stdout) as { backends: Array<{ kind: string; usable: boolean; reason: string }> }).backends.find((probe) => probe.kind === 'speaker');
    if (!speaker?.usable) {
      t.skip(`speaker sink not usable here: ${speaker?.reason}`);
      return;
    }
    const run = await playAndCheck('speaker');
    assert.match(run.stdout, /^sink +speaker \(native addon in a child process\)/m);
  });

  test('when a file is played with --sink alsa then aplay plays it through the ALSA pulse plugin', async (t) => {
    const reason = aplayUnavailableReason();
    if (reason) {
      t.skip(reason);
      return;
    }
    await playAndCheck('alsa');
  });

  test('when the sound server works then wavert sinks reports pulse and alsa usable and auto does not fall back', async () => {
    const sinks = await runWavert(['sinks'], { env: server.env });
    assert.equal(sinks.code, 0);
    assert.match(sinks.stdout, /^pulse +yes +pulse \(pacat/m);
    assert.match(sinks.stdout, /^null +yes/m);
    const run = await runWavert(['play', wavPath, '--duration', '200ms', '--quiet'], { env: server.env, timeoutMs: 20_000 });
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /nothing will be heard/);
  });

  test('when Ctrl-C arrives during play then the stream ends at that point, drains, prints the summary and exits 130', async (t) => {
    let signalledAt = 0;
    const run = await runWavert(['play', wavPath, '--sink', 'pulse', '--quiet'], {
      env: server.env,
      timeoutMs: 5_000,
      during: (child) => {
        setTimeout(() => {
          signalledAt = performance.now();
          child.kill('SIGINT');
        }, 700);
      },
    });
    const stopMs = performance.now() - signalledAt;
    t.diagnostic(`stopped ${stopMs.toFixed(0)} ms after SIGINT (includes process exit)`);
    assert.equal(run.code, 130, run.stderr);
    assert.match(run.stderr, /wavert: interrupted/);
    assert.match(run.stdout, /^end +packet \d+, length \d+ bytes/m);
    const frames = Number(/^output +(\d+) frames/m.exec(run.stdout)?.[1]);
    assert.ok(frames > 0 && frames < FILE_FRAMES, `output ${frames} frames`);
  });

  test('when the sound server dies mid-play then the player exits 3 with a clear message and does not hang', async () => {
    const doomed = await startPulse(SAMPLE_RATE, 2);
    try {
      const run = await runWavert(['play', wavPath, '--sink', 'pulse', '--quiet'], {
        env: doomed.env,
        timeoutMs: 15_000,
        during: () => {
          setTimeout(() => void doomed.stop(), 600);
        },
      });
      assert.equal(run.code, 3, `exit ${run.code}: ${run.stderr}`);
      assert.match(run.stderr, /^wavert: pulse \(pacat, \d+ ms buffer\): (pacat exited with code 1|the pipe to pacat broke|pacat was killed)/m);
    } finally {
      await doomed.stop();
    }
  });
});
