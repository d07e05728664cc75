import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScenarioError } from '../src/errors.js';
import { loadScenario, runScenarioFile } from '../src/scenario/index.js';
import { RunRecorder } from '../src/report/index.js';
import { formatSummary } from '../src/report/summary.js';
import { Session } from '../src/session/index.js';
import { MemorySource, renderSignal } from '../src/scenario/index.js';
import { CaptureOutput } from './support/model.js';
import type { WavFormat } from '../src/wav/index.js';

const STALL = (expect: string): string => `
seed: 1
input: { type: counter, format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }, durationMs: 100 }
stream: { bufferMs: 20, notifications: 2 }
timeline:
  - { atPacket: 3, action: stall, durationPackets: 1.5 }
expect:
${expect}`;

async function runText(text: string): Promise<{ status: string; expectations: Array<{ name: string; expected: string; actual: string; held: boolean }>; summary: Record<string, unknown> }> {
  const dir = mkdtempSync(join(tmpdir(), 'wavert-glitch-expect-'));
  try {
    const file = join(dir, 'g.yaml');
    writeFileSync(file, text);
    const result = await runScenarioFile(file, { outDir: dir });
    const summary = JSON.parse(readFileSync(join(dir, 'g', 'summary.json'), 'utf8')) as Record<string, unknown>;
    return { status: result.status, expectations: result.expectations, summary };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('when a scenario expects its glitch list then the run is checked entry by entry on the fields given', async () => {
  const held = await runText(STALL('  glitches:\n    - { kind: underflow-repeat, startFrame: 1920, frameCount: 480, packetNumber: 4 }\n  glitchCounts: { underflow-repeat: 1, total: 1, late-write-audio: 0 }\n'));
  assert.equal(held.status, 'passed', JSON.stringify(held.expectations));
  const glitches = held.summary.glitches as Array<Record<string, unknown>>;
  assert.equal(glitches.length, 1);
  assert.match(String(glitches[0]!.cause), /^packet 4 began transferring unwritten/);

  const failed = await runText(STALL('  glitches:\n    - { kind: underflow-silence, startFrame: 1920 }\n  glitchCounts: { total: 0 }\n'));
  assert.equal(failed.status, 'failed');
  const list = failed.expectations.find((result) => result.name === 'glitches')!;
  assert.deepEqual({ held: list.held, expected: list.expected, actual: list.actual }, { held: false, expected: 'underflow-silence from 1920', actual: 'underflow-repeat from 1920' });
  const total = failed.expectations.find((result) => result.name === 'glitches.total')!;
  assert.deepEqual({ held: total.held, actual: total.actual }, { held: false, actual: '1' });
});

test('when a glitch expectation names an unknown kind then loading says where and which kinds there are', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wavert-glitch-expect-'));
  try {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, STALL('  glitches:\n    - { kind: underflow-repet }\n'));
    assert.throws(() => loadScenario(file, 'bad.yaml'), (error: unknown) => {
      assert.ok(error instanceof ScenarioError);
      assert.match(error.message, /^bad\.yaml:9:/);
      assert.match(error.message, /underflow-repeat/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('when another module records a glitch through recorder.glitch then the summary, its text and the trace show it', () => {
  const events: Array<Record<string, unknown>> = [];
  const recorder = new RunRecorder(48000, 4, { event: (fields) => events.push({ ...fields }), close() {} });
  recorder.glitch({ kind: 'sink-drop', startFrame: 4800, frameCount: 480, timeNs: 100e6, cause: 'the sink was full: it did not take the frames' });
  recorder.glitch({ kind: 'sink-drop', startFrame: 5280, frameCount: 480, timeNs: 110e6, cause: 'the sink was full: it did not take the frames' });
  recorder.glitch({ kind: 'host-late', startFrame: 9600, frameCount: 480, timeNs: 200e6, packetNumber: 20, cause: 'the client woke 12 ms late' });
  assert.deepEqual(recorder.glitches().map((g) => [g.kind, g.startFrame, g.frameCount, g.packetNumber]), [['sink-drop', 4800, 960, null], ['host-late', 9600, 480, 20]]);
  assert.equal(recorder.glitchCounts()['sink-drop'], 1);
  assert.deepEqual(events.filter((e) => e.event === 'glitch').map((e) => e.kind), ['sink-drop', 'host-late']);
});

test('when a run is clean then the text summary says "glitches none", and when not it counts per kind and lists the first with times', () => {
  const format = { encoding: 'pcm', channels: 2, sampleRate: 48000, bitsPerSample: 16, blockAlign: 4 } as WavFormat;
  const input = renderSignal({ type: 'counter', format, frames: 4800, frequencyHz: 0, toFrequencyHz: 0, amplitude: 0, seed: 1 });
  const clean = new Session({ format, source: new MemorySource(input), output: new CaptureOutput() }).runVirtual();
  assert.deepEqual(clean.glitches, []);
  assert.match(formatSummary(clean), /^glitches {5}none$/m);
  const n1 = new Session({ format, source: new MemorySource(input), output: new CaptureOutput(), stream: { notifications: 1 } }).runVirtual();
  const text = formatSummary(n1);
  assert.match(text, /^glitches {5}1: overwrite-in-transfer 1$/m);
  assert.match(text, /^ {13}overwrite-in-transfer at 0\.000 ms, frames 0–3839 \(3840 frames, 80\.000 ms\): packets 0–3 were overwritten while transferring/m);
});

test('when a live run attributes its underflows to the host then they are listed as host-late, once, with the packets', () => {
  const format = { encoding: 'pcm', channels: 2, sampleRate: 48000, bitsPerSample: 16, blockAlign: 4 } as WavFormat;
  const input = renderSignal({ type: 'counter', format, frames: 4800, frequencyHz: 0, toFrequencyHz: 0, amplitude: 0, seed: 1 });
  const session = new Session({ format, source: new MemorySource(input), output: new CaptureOutput(), wakeLatency: () => 15e6 });
  session.recorder.attributeUnderflows('host-late', 'the client woke too late on the real event loop');
  const summary = session.runVirtual();
  assert.ok(summary.glitches.length > 0);
  assert.deepEqual([...new Set(summary.glitches.map((g) => g.kind))], ['host-late']);
  assert.match(summary.glitches[0]!.cause, /^packets? \d+(–\d+)? began transferring unwritten \(stale bytes\): the client woke too late on the real event loop$/);
  assert.equal(summary.glitchCounts['underflow-repeat'], 0);
});
