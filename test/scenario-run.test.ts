import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pcmFormat } from '../src/wav/index.js';
import { WavWriter } from '../src/wav/index.js';
import { renderSignal, runInPool, runScenarioFile, type ScenarioSummary } from '../src/scenario/index.js';

function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wavert-scenario-run-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const JITTER = `name: jitter
seed: 4242
input: { type: noise, format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }, durationMs: 500 }
stream: { bufferMs: 10, notifications: 2 }
client:
  wakeLatency: { distribution: lognormal, medianMs: 1.5, sigma: 1 }
timeline:
  - { atPacket: 20, action: stall, durationMs: 12 }
  - { atMs: 200, action: pause, durationMs: 7 }
expect:
  underrun: { events: { min: 1 } }
`;

function readSummary(dir: string, name: string): ScenarioSummary {
  return JSON.parse(readFileSync(join(dir, name, 'summary.json'), 'utf8')) as ScenarioSummary;
}

function traceWithoutTime(dir: string, name: string): Array<Record<string, unknown>> {
  return readFileSync(join(dir, name, 'trace.ndjson'), 'utf8').trimEnd().split('\n').map((line) => {
    const { time: _time, ...rest } = JSON.parse(line) as Record<string, unknown>;
    return rest;
  });
}

describe('scenario runs', () => {
  test('when the same scenario and seed run twice then rendered.wav is byte-identical and the traces differ only in wall-clock time', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'jitter.yaml');
      writeFileSync(file, JITTER);
      const first = await runScenarioFile(file, { outDir: join(dir, 'a') });
      const second = await runScenarioFile(file, { outDir: join(dir, 'b') });
      assert.equal(first.status, 'passed', JSON.stringify(first));
      assert.equal(second.status, 'passed');
      const wavA = readFileSync(join(dir, 'a', 'jitter', 'rendered.wav'));
      const wavB = readFileSync(join(dir, 'b', 'jitter', 'rendered.wav'));
      assert.ok(wavA.length > 44);
      assert.ok(wavA.equals(wavB));
      const traceA = traceWithoutTime(join(dir, 'a'), 'jitter');
      assert.deepEqual(traceA, traceWithoutTime(join(dir, 'b'), 'jitter'));
      assert.ok(traceA.some((event) => event.event === 'underflow'));
      assert.ok(traceA.some((event) => event.event === 'action' && event.action === 'pause' && event.phase === 'resume'));
      assert.deepEqual(readSummary(join(dir, 'a'), 'jitter'), readSummary(join(dir, 'b'), 'jitter'));
    } finally {
      cleanup();
    }
  });

  test('when only the seed changes then the jittery client glitches differently', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'a.yaml'), JITTER.replace('name: jitter', 'name: a'));
      writeFileSync(join(dir, 'b.yaml'), JITTER.replace('name: jitter', 'name: b').replace('seed: 4242', 'seed: 4243'));
      await runScenarioFile(join(dir, 'a.yaml'), { outDir: dir });
      await runScenarioFile(join(dir, 'b.yaml'), { outDir: dir });
      assert.notEqual(readSummary(dir, 'a').outputSha256, readSummary(dir, 'b').outputSha256);
    } finally {
      cleanup();
    }
  });

  test('when a run ends then summary.json has statuses by name, underrun events and frames, policy, notifications, packets written and each expectation', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'stall.yaml');
      writeFileSync(file, `input: { type: counter, format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }, durationMs: 100 }
stream: { bufferMs: 20, notifications: 2, underflow: silence }
timeline:
  - atPacket: 3
    action: stall
    durationMs: 15
expect:
  statuses: { STATUS_DATA_LATE_ERROR: 1 }
  underrun: { events: 2 }
  ranges:
    - { frames: [1920, 2399], is: stale }
`);
      const result = await runScenarioFile(file, { outDir: dir });
      assert.equal(result.status, 'failed');
      const summary = readSummary(dir, 'stall');
      assert.deepEqual(summary.statuses, { STATUS_SUCCESS: 10, STATUS_DATA_LATE_ERROR: 1 });
      assert.equal(summary.underrun.events, 1);
      assert.equal(summary.underrun.frames, 480);
      assert.equal(summary.underflowPolicy, 'silence');
      assert.equal(summary.notifications, 11);
      assert.equal(summary.packetsWritten, 10);
      assert.equal(summary.passed, false);
      assert.deepEqual(summary.actions.map((action) => [action.action, action.line, action.ranAtNs]), [['stall', 4, 30_000_000]]);
      const byName = Object.fromEntries(summary.expectations.map((e) => [e.name, e]));
      assert.deepEqual(byName['statuses.STATUS_DATA_LATE_ERROR'], { name: 'statuses.STATUS_DATA_LATE_ERROR', line: 8, expected: '1', actual: '1', held: true });
      assert.deepEqual(byName['underrun.events'], { name: 'underrun.events', line: 9, expected: '2', actual: '1', held: false });
      assert.equal(byName['ranges[0]']!.held, false);
      assert.equal(byName['ranges[0]']!.actual, 'frame 1920 differs from frame 960, one buffer earlier');
      assert.equal(byName.timeline!.held, true);
    } finally {
      cleanup();
    }
  });

  test('when an action is due at a packet the stream never reaches then the timeline expectation names it', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'late.yaml');
      writeFileSync(file, `input: { type: silence, format: { bitsPerSample: 16, channels: 1, sampleRate: 8000 }, durationMs: 50 }
timeline:
  - { atPacket: 1000, action: skip }
`);
      const result = await runScenarioFile(file, { outDir: dir });
      assert.equal(result.status, 'failed');
      assert.deepEqual(result.expectations.find((e) => e.name === 'timeline'), {
        name: 'timeline', line: 0, expected: 'all 1 action run', actual: 'not run: #0 skip (line 3)', held: false,
      });
    } finally {
      cleanup();
    }
  });

  test('when the stream never ends then the run stops at the model time limit', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'forever.yaml');
      writeFileSync(file, `maxModelMs: 250
input: { type: sine, format: { bitsPerSample: 16, channels: 1, sampleRate: 48000 }, durationMs: 100 }
timeline:
  - { atPacket: 2, action: stall, durationMs: 600000 }
expect:
  eosReached: false
`);
      const result = await runScenarioFile(file, { outDir: dir });
      assert.equal(result.status, 'passed', JSON.stringify(result.expectations));
      const summary = readSummary(dir, 'forever');
      assert.equal(summary.ended, false);
      assert.ok(summary.modelTimeNs <= 250_000_000);
      assert.equal(summary.output.frames, 12_000);
    } finally {
      cleanup();
    }
  });

  test('when a golden WAV is missing, written, matched and then changed then each run says so', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'gold.yaml');
      writeFileSync(file, `input: { type: counter, format: { bitsPerSample: 16, channels: 1, sampleRate: 8000 }, frames: 400 }
expect:
  goldenWav: golden/gold.wav
`);
      const missing = await runScenarioFile(file, { outDir: dir });
      assert.equal(missing.status, 'failed');
      assert.match(missing.expectations[0]!.actual, /does not exist \(run with --update-golden to create it\)/);
      const written = await runScenarioFile(file, { outDir: dir, updateGolden: true });
      assert.equal(written.status, 'passed');
      const golden = join(dir, 'golden', 'gold.wav');
      assert.ok(readFileSync(golden).equals(readFileSync(join(dir, 'gold', 'rendered.wav'))));
      assert.equal((await runScenarioFile(file, { outDir: dir })).status, 'passed');
      const changed = readFileSync(golden);
      changed[44 + 2 * 123] ^= 0xff;
      writeFileSync(golden, changed);
      const differs = await runScenarioFile(file, { outDir: dir });
      assert.equal(differs.status, 'failed');
      assert.equal(differs.expectations[0]!.actual, 'first difference at frame 123 (golden 400 frames, rendered 400 frames)');
    } finally {
      cleanup();
    }
  });

  test('when the input is a WAV file next to the scenario then it is played and compared with its own frames', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const format = pcmFormat({ bitsPerSample: 24, channels: 2, sampleRate: 44100 });
      const audio = renderSignal({ type: 'noise', format, frames: 3000, frequencyHz: 0, toFrequencyHz: 0, amplitude: 0.9, seed: 11 });
      const writer = WavWriter.create(join(dir, 'in.wav'), format);
      writer.write(audio);
      writer.close();
      writeFileSync(join(dir, 'wav.yaml'), `input: { type: file, path: in.wav }
expect:
  outputFrames: 3000
  ranges: [ { frames: [0, 2999], equalsInput: [0, 2999] } ]
`);
      const result = await runScenarioFile(join(dir, 'wav.yaml'), { outDir: join(dir, 'out') });
      assert.equal(result.status, 'passed', JSON.stringify(result));
    } finally {
      cleanup();
    }
  });
});

describe('generated signals', () => {
  test('when the counter signal is rendered then every sample of frame i holds 1 + (i mod (2^(bits-1) - 1))', () => {
    const spec = { type: 'counter' as const, frequencyHz: 0, toFrequencyHz: 0, amplitude: 0, seed: 0 };
    const s16 = renderSignal({ ...spec, format: pcmFormat({ bitsPerSample: 16, channels: 2, sampleRate: 48000 }), frames: 32770 });
    assert.deepEqual([s16.readInt16LE(0), s16.readInt16LE(2), s16.readInt16LE(4 * 7), s16.readInt16LE(4 * 32766), s16.readInt16LE(4 * 32767)], [1, 1, 8, 32767, 1]);
    const u8 = renderSignal({ ...spec, format: pcmFormat({ bitsPerSample: 8, channels: 1, sampleRate: 8000 }), frames: 130 });
    assert.deepEqual([u8[0], u8[126], u8[127]], [0x81, 0xff, 0x81]);
    const s24 = renderSignal({ ...spec, format: pcmFormat({ bitsPerSample: 24, channels: 1, sampleRate: 8000 }), frames: 3 });
    assert.equal(s24.readIntLE(6, 3), 3);
    const f32 = renderSignal({ ...spec, format: pcmFormat({ encoding: 'float', bitsPerSample: 32, channels: 1, sampleRate: 8000 }), frames: 3 });
    assert.equal(f32.readFloatLE(8), 3 / 2 ** 24);
  });

  test('when noise is rendered twice with one seed then it is identical, and with another seed it differs', () => {
    const format = pcmFormat({ bitsPerSample: 16, channels: 2, sampleRate: 48000 });
    const spec = { type: 'noise' as const, format, frames: 1000, frequencyHz: 0, toFrequencyHz: 0, amplitude: 0.5 };
    assert.ok(renderSignal({ ...spec, seed: 1 }).equals(renderSignal({ ...spec, seed: 1 })));
    assert.ok(!renderSignal({ ...spec, seed: 1 }).equals(renderSignal({ ...spec, seed: 2 })));
  });

  test('when silence is rendered in 8-bit then it is 0x80, and in float it is zero', () => {
    const spec = { type: 'silence' as const, frames: 10, frequencyHz: 0, toFrequencyHz: 0, amplitude: 0, seed: 0 };
    assert.ok(renderSignal({ ...spec, format: pcmFormat({ bitsPerSample: 8, channels: 2, sampleRate: 8000 }) }).every((byte) => byte === 0x80));
    assert.ok(renderSignal({ ...spec, format: pcmFormat({ encoding: 'float', bitsPerSample: 64, channels: 1, sampleRate: 8000 }) }).every((byte) => byte === 0));
  });
});

describe('worker pool', () => {
  test('when several scenarios run on two workers then each result comes back in order with its outputs written', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const files = ['one', 'two', 'three'].map((name, index) => {
        const path = join(dir, `${name}.yaml`);
        writeFileSync(path, `input: { type: sine, format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }, durationMs: ${50 + index * 10} }\nexpect: { outputFrames: ${(50 + index * 10) * 48} }\n`);
        return { path, file: `${name}.yaml` };
      });
      const results = await runInPool(files, { outDir: join(dir, 'out') }, { jobs: 2, timeoutMs: 60_000 });
      assert.deepEqual(results.map((result) => [result.name, result.file, result.status]), [['one', 'one.yaml', 'passed'], ['two', 'two.yaml', 'passed'], ['three', 'three.yaml', 'passed']]);
      for (const name of ['one', 'two', 'three']) assert.ok(existsSync(join(dir, 'out', name, 'summary.json')));
    } finally {
      cleanup();
    }
  });

  test('when a scenario runs past the wall-clock limit then it becomes that scenario\'s error and the others still run', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const slow = join(dir, 'slow.yaml');
      writeFileSync(slow, 'input: { type: noise, format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }, durationMs: 600000 }\nstream: { bufferBytes: 48 }\n');
      const quick = join(dir, 'quick.yaml');
      writeFileSync(quick, 'input: { type: silence, format: { bitsPerSample: 16, channels: 1, sampleRate: 8000 }, durationMs: 20 }\n');
      const results = await runInPool([{ path: slow, file: 'slow.yaml' }, { path: quick, file: 'quick.yaml' }], { outDir: dir }, { jobs: 1, timeoutMs: 300 });
      assert.equal(results[0]!.status, 'error');
      assert.equal(results[0]!.message, 'did not finish within 0.3 s of wall-clock time (stopped)');
      assert.equal(results[1]!.status, 'passed');
    } finally {
      cleanup();
    }
  });
});
