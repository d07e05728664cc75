import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareFiles, loadModelGlitches, matchModel } from '../src/compare/index.js';
import { runScenarioFile } from '../src/scenario/index.js';
import { pulseUnavailableReason, startPulse, type PulseServer } from './support/pulse.js';
import { RATE, referenceAudio, writeWav } from './support/recordings.js';

// Real recordings: files played into a private PulseAudio null sink (paplay) and captured from its monitor (parec),
// then compared with what was sent. PulseAudio ramps a new stream in over ~10 ms, so the first departure may be
// that ramp, at the very start of the audio, and nothing else is allowed to differ.

const unavailable = pulseUnavailableReason();
const START_RAMP_FRAMES = 1_000;

describe('compare on recordings from a real sound server', { skip: unavailable }, () => {
  let server: PulseServer;
  let directory: string;
  const referencePath = (): string => path.join(directory, 'reference.wav');

  before(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-compare-pulse-'));
    writeWav(referencePath(), referenceAudio(Math.round(RATE * 1.5), 11));
    server = await startPulse(RATE, 2);
  });

  after(async () => {
    await server?.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  /** Plays `file` through the sink and returns the monitor's recording as a WAV. */
  async function record(file: string, name: string): Promise<string> {
    const recording = await server.startRecording();
    await new Promise<void>((resolve, reject) => {
      const player = spawn('paplay', ['--device', 'wavert_test', file], { env: server.env, stdio: ['ignore', 'ignore', 'pipe'] });
      let errors = '';
      player.stderr.on('data', (chunk: Buffer) => { errors += chunk.toString(); });
      player.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`paplay exited with ${code}: ${errors}`))));
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pcm = await recording.stop();
    const samples = new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.length - (pcm.length % 4)));
    const heard = path.join(directory, `${name}.wav`);
    writeWav(heard, samples);
    return heard;
  }

  /** The departures after the stream's start-up ramp (which must be at the very start of the audio, if any). */
  function afterRamp(result: ReturnType<typeof compareFiles>['result']): typeof result.departures {
    const departures = [...result.departures];
    const audioStart = Math.max(0, result.offsetFrames);
    while (departures.length > 0 && departures[0]!.heardFrame <= audioStart + 1 && departures[0]!.realign && departures[0]!.realign.referenceFrame <= START_RAMP_FRAMES) departures.shift();
    return departures;
  }

  test('when the reference is played through the sound server then the monitor recording holds it from the ramp on, at some offset', async () => {
    const heard = await record(referencePath(), 'clean');
    const { result } = compareFiles(heard, referencePath());
    assert.ok(result.offsetFrames > 0, `the recording starts before the audio (offset ${result.offsetFrames})`);
    assert.deepEqual(afterRamp(result), [], JSON.stringify(result.departures.slice(0, 3)));
    assert.ok(result.trailingSilenceFrames > 0);
  });

  test('when a run with two client stalls is played and recorded then compare lists each repeat, and --model names the underflow behind it', async () => {
    const scenario = path.join(directory, 'stalls.yaml');
    fs.writeFileSync(scenario, `name: stalls
input: { type: file, path: ${JSON.stringify(referencePath())} }
stream: { bufferMs: 20, notifications: 2 }
timeline:
  - { atPacket: 20, action: stall, durationPackets: 1.5 }
  - { atPacket: 80, action: stall, durationPackets: 2.5 }
`);
    const outDir = path.join(directory, 'out');
    const run = await runScenarioFile(scenario, { outDir });
    assert.equal(run.status, 'passed', run.message ?? '');
    const heard = await record(path.join(outDir, 'stalls', 'rendered.wav'), 'stalls');
    const { result } = compareFiles(heard, referencePath());
    const glitches = loadModelGlitches(path.join(outDir, 'stalls', 'trace.ndjson'));
    assert.deepEqual(glitches.map((g) => g.kind), ['underflow-repeat', 'underflow-repeat']);
    matchModel(result, glitches);
    const departures = afterRamp(result);
    assert.ok(departures.length >= 2, JSON.stringify(result.departures));
    // every departure heard is one the model predicted, at the model's output frame (shifted by where the recording began)
    for (const departure of departures) {
      assert.ok(departure.model, `departure ${departure.kind} at heard ${departure.heardFrame} has no model glitch`);
      assert.equal(departure.kind, 'repeat');
    }
    assert.equal(departures[0]!.heardFrame - result.offsetFrames, glitches[0]!.startFrame);
    assert.equal(departures[0]!.repeatDistanceFrames, 960, 'a repeat underflow plays the buffer (960 frames) again');
    assert.equal(result.modelGlitchesUnmatched, 0);
  });
});
