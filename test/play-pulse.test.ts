import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  aplayUnavailableReason, compareHeard, pulseUnavailableReason, runWavert, startPulse, startSpinner, writeCounterWav, type PulseServer,
} from './support/pulse.js';
import { readAudio } from './support/audio-files.js';

// A real sound server: a private PulseAudio with a null sink, recorded through its monitor with parec.
const SAMPLE_RATE = 48_000;
const FILE_FRAMES = 2 * SAMPLE_RATE;
/**
 * On a cold server the monitor starts capturing with the sink's first block, so the first few hundred frames are
 * not in the recording — for paplay too (480 frames here); the recording may start this late into the file, no later.
 */
const START_RAMP_FRAMES = 4_800;

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

  /** Why the speaker sink cannot play on the test server, or undefined when it can. */
  async function speakerUnusable(): Promise<string | undefined> {
    const sinks = await runWavert(['sinks', '--json'], { env: server.env });
    const speaker = (JSON.parse(sinks.stdout) as Array<{ kind: string; usable: boolean; reason: string }>).find((probe) => probe.kind === 'speaker');
    return speaker?.usable ? undefined : `speaker sink not usable here: ${speaker?.reason}`;
  }

  after(async () => {
    await server?.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  /**
   * On a cold server (a fresh one per play: nothing has woken its null sink) with one core kept busy, plays the
   * counter file through `sink`, records the monitor, and compares what was heard with what `render` wrote.
   */
  async function playColdAndCompare(sink: string, t: { diagnostic(message: string): void }): Promise<{ stdout: string; stderr: string; elapsedMs: number }> {
    const cold = await startPulse(SAMPLE_RATE, 2);
    const spinner = startSpinner(20);
    try {
      const renderedPath = path.join(directory, `rendered-${sink}.wav`);
      const render = await runWavert(['render', wavPath, '-o', renderedPath], { env: cold.env });
      assert.equal(render.code, 0, render.stderr);
      const recording = await cold.startRecording({ wait: false });
      const run = await runWavert(['play', wavPath, '--sink', sink, '--quiet'], { env: cold.env, timeoutMs: 20_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const recorded = await recording.stop();
      assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr}`);
      const comparison = compareHeard(recorded, readAudio(renderedPath));
      assert.ok(comparison, `the recording (${recorded.length} bytes) does not hold the rendered audio`);
      t.diagnostic(`${sink}: ${comparison.comparedFrames} frames compared, ${comparison.missingAtStart} not captured at the start; ${/the sink started playing after [0-9.]+ ms/.exec(run.stdout)?.[0] ?? ''}`);
      assert.ok(comparison.missingAtStart <= START_RAMP_FRAMES, `the first ${comparison.missingAtStart} frames were not heard`);
      assert.equal(comparison.mismatchedFrames, 0, 'heard differs from rendered (a gap, a repeat or a loss)');
      assert.match(run.stdout, /playback glitches: none/);
      // playing took real time: a 2 s file cannot have been heard in less than 2 s
      assert.ok(run.elapsedMs >= (FILE_FRAMES / SAMPLE_RATE) * 1000, `played in ${run.elapsedMs.toFixed(0)} ms`);
      return run;
    } finally {
      spinner.kill();
      await cold.stop();
    }
  }

  test('when a file is played with --sink pulse on a cold server with a busy core then the monitor hears exactly what render wrote', async (t) => {
    const run = await playColdAndCompare('pulse', t);
    assert.match(run.stdout, /^sink +pulse \(pacat, \d+ ms buffer\): 96000 frames sent, \d+ backpressure events .* 0 frames dropped/m);
    assert.match(run.stdout, /^statuses +STATUS_SUCCESS 200$/m);
  });

  test('when a file is played with --sink speaker then the addon, in its own process, plays it through ALSA into pulse exactly', async (t) => {
    const unusable = await speakerUnusable();
    if (unusable) {
      t.skip(unusable);
      return;
    }
    const run = await playColdAndCompare('speaker', t);
    assert.match(run.stdout, /^sink +speaker \(native addon in a child process\)/m);
  });

  test('when files of every format are played with --sink speaker then each plays to the end (96 kHz 6 ch included: partial device writes are written again)', async (t) => {
    const unusable = await speakerUnusable();
    if (unusable) {
      t.skip(unusable);
      return;
    }
    const { WavWriter, pcmFormat } = await import('../src/wav/index.js');
    const formats = [
      { channels: 1, sampleRate: 8_000, bitsPerSample: 8, encoding: 'pcm' },
      { channels: 2, sampleRate: 192_000, bitsPerSample: 24, encoding: 'pcm' },
      { channels: 8, sampleRate: 44_100, bitsPerSample: 32, encoding: 'float' },
      { channels: 2, sampleRate: 48_000, bitsPerSample: 64, encoding: 'float' },
      { channels: 6, sampleRate: 96_000, bitsPerSample: 16, encoding: 'pcm' },
    ] as const;
    for (const spec of formats) {
      const format = pcmFormat(spec);
      const filePath = path.join(directory, `format-${spec.channels}-${spec.sampleRate}-${spec.bitsPerSample}.wav`);
      const frames = Math.round(spec.sampleRate * 0.3);
      const writer = WavWriter.create(filePath, format);
      writer.write(Buffer.alloc(frames * format.blockAlign, spec.bitsPerSample === 8 ? 0x80 : 0x11));
      writer.close();
      const run = await runWavert(['play', filePath, '--sink', 'speaker', '--quiet'], { env: server.env, timeoutMs: 20_000 });
      assert.equal(run.code, 0, `${spec.channels} ch ${spec.sampleRate} Hz ${spec.bitsPerSample}-bit ${spec.encoding}: ${run.stderr}`);
      assert.match(run.stdout, new RegExp(`^sink +speaker \\(native addon in a child process\\): ${frames} frames sent`, 'm'));
    }
  });

  test('when a file is played with --sink alsa then aplay plays it through the ALSA pulse plugin exactly', async (t) => {
    const reason = aplayUnavailableReason();
    if (reason) {
      t.skip(reason);
      return;
    }
    await playColdAndCompare('alsa', t);
  });

  test('when a glitch scenario runs with --realtime through pulse then it is heard exactly as its rendered.wav', async (t) => {
    const cold = await startPulse(SAMPLE_RATE, 2);
    const spinner = startSpinner(20);
    try {
      const out = path.join(directory, 'realtime-out');
      const recording = await cold.startRecording({ wait: false });
      const scenario = path.join(directory, 'stall.yaml');
      fs.writeFileSync(scenario, [
        'name: realtime-stall',
        'input:',
        // seeded noise: no stretch of it repeats, so the recording aligns in one place only
        '  type: noise',
        '  format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }',
        '  durationMs: 2000',
        '  amplitude: 0.5',
        'stream: { bufferMs: 20, notifications: 2 }',
        'timeline:',
        '  - { atPacket: 40, action: stall, durationPackets: 1.5 }',
        'expect:',
        '  underrun: { events: 1, frames: 480 }',
        '',
      ].join('\n'));
      const run = await runWavert(['run', scenario, '--realtime', '--sink', 'pulse', '--out', out], { env: cold.env, timeoutMs: 30_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const recorded = await recording.stop();
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      const comparison = compareHeard(recorded, readAudio(path.join(out, 'realtime-stall', 'rendered.wav')));
      assert.ok(comparison, 'the recording does not hold the rendered audio');
      t.diagnostic(`${comparison.comparedFrames} frames compared, ${comparison.missingAtStart} not captured at the start`);
      assert.ok(comparison.missingAtStart <= START_RAMP_FRAMES);
      assert.equal(comparison.mismatchedFrames, 0, 'the glitch was not heard exactly as rendered');
    } finally {
      spinner.kill();
      await cold.stop();
    }
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
        // the server goes away once the player's stream exists (however long a loaded machine took to get there)
        during: () => {
          const poll = setInterval(() => {
            const inputs = spawnSync('pactl', ['list', 'short', 'sink-inputs'], { env: doomed.env, encoding: 'utf8', timeout: 2000 });
            if (inputs.stdout?.trim()) {
              clearInterval(poll);
              setTimeout(() => void doomed.stop(), 300);
            }
          }, 50);
          setTimeout(() => clearInterval(poll), 12_000);
        },
      });
      assert.equal(run.code, 3, `exit ${run.code}: ${run.stderr}`);
      assert.match(run.stderr, /^wavert: pulse \(pacat, \d+ ms buffer\): (pacat exited with code 1|the pipe to pacat broke|pacat was killed)/m);
    } finally {
      await doomed.stop();
    }
  });
});
