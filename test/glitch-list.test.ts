import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, readWholeWav, renderSignal, runScenario, MemorySource } from '../src/scenario/index.js';
import { Session } from '../src/session/index.js';
import { AllocationError } from '../src/errors.js';
import { createLatencySampler } from '../src/client/latency.js';
import { SeededRandom } from '../src/client/random.js';
import { WavReader, type WavFormat } from '../src/wav/index.js';
import type { Glitch } from '../src/report/glitches.js';
import type { RunSummary } from '../src/report/summary.js';
import { CaptureOutput } from './support/model.js';
import { counterPeriod, counterValues, discontinuities, uncovered } from './support/counter.js';

// The rule of DESIGN §13: with a frame-counter input, every discontinuity in what the device played lies inside a
// listed glitch (or on the frame just after one), and a run whose output has none lists no glitch.

const LIBRARY = join(process.cwd(), 'fixtures', 'scenarios');
/** The application itself asks for jumps here: a WAVEHDR loop plays its headers again (dwLoops). */
const LOOPING = new Set(['waveout-loop', 'waveout-break-loop']);

/** The two buffers sysvad allocates but the model cannot play (AllocateBufferWithNotification's choices). */
const REFUSED_BY_SYSVAD = /is not divisible by the notification count|split a \d+-byte frame, which the model cannot play/;

function format(bitsPerSample: number, channels: number, sampleRate: number, encoding: 'pcm' | 'float' = 'pcm'): WavFormat {
  return { encoding, channels, sampleRate, bitsPerSample, blockAlign: channels * (bitsPerSample / 8) } as WavFormat;
}

function counterInput(wavFormat: WavFormat, frames: number): Buffer {
  return renderSignal({ type: 'counter', format: wavFormat, frames, frequencyHz: 0, toFrequencyHz: 0, amplitude: 0, seed: 1 });
}

/** The trace once its last line (the expectations) is on disk: pino's destination may finish its last write later. */
async function wholeTrace(path: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const text = readFileSync(path, 'utf8');
    if (text.includes('"event":"expectations"') || attempt >= 100) return text;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function check(label: string, output: Buffer, wavFormat: WavFormat, inputFrames: number, summary: RunSummary, loopRepeats = 0): void {
  const glitches = summary.glitches;
  const values = counterValues(output, wavFormat);
  const jumps = discontinuities(values, inputFrames, counterPeriod(wavFormat), summary.framesDelivered === inputFrames);
  let missed = uncovered(jumps, glitches);
  if (loopRepeats > 0) {
    // each repeat of the loop is one jump back to the loop's first frame, and nothing else may be left
    const back = missed.filter((frame) => values[frame]! < values[frame - 1]!);
    assert.equal(back.length, loopRepeats, `${label}: ${loopRepeats} loop repeats, ${back.length} jumps back`);
    assert.equal(new Set(back.map((frame) => values[frame])).size, 1, `${label}: every repeat starts at the loop's first frame`);
    missed = missed.filter((frame) => !back.includes(frame));
  }
  assert.deepEqual(missed.slice(0, 10), [], `${label}: discontinuities at output frames ${missed.slice(0, 10).join(', ')} are in no glitch (${glitches.length} listed: ${glitches.slice(0, 3).map((g) => `${g.kind} ${g.startFrame}+${g.frameCount}`).join('; ')})`);
  // and the other way round: every glitch listed is heard (a discontinuity inside it or on the frame after it)
  const unheard = glitches.filter((g) => g.frameCount > 0 && !jumps.some((frame) => frame >= g.startFrame && frame <= g.startFrame + g.frameCount));
  assert.deepEqual(unheard.map((g) => `${g.kind} ${g.startFrame}+${g.frameCount}`), [], `${label}: glitches listed where nothing departs`);
  if (jumps.length === 0) assert.deepEqual(glitches.map((g) => `${g.kind} at ${g.startFrame}`), [], `${label}: a clean output lists no glitch`);
}

test('when every scenario of the library plays a frame counter then every discontinuity heard is inside a listed glitch and every listed glitch is heard', async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'wavert-glitch-library-'));
  try {
    const files = readdirSync(LIBRARY).filter((name) => /\.(ya?ml|json)$/.test(name)).sort();
    assert.ok(files.length >= 30, `the library has ${files.length} scenarios`);
    let checked = 0;
    for (const name of files) {
      const scenario = loadScenario(join(LIBRARY, name));
      let wavFormat: WavFormat;
      let frames: number;
      if (scenario.input.type === 'file') {
        const reader = WavReader.open(scenario.input.path);
        wavFormat = reader.format;
        frames = reader.frameCount ?? 0;
        reader.close();
      } else {
        wavFormat = scenario.input.format;
        frames = scenario.input.frames;
      }
      scenario.input = { type: 'counter', format: wavFormat, frames, frequencyHz: 0, toFrequencyHz: 0, amplitude: 0, seed: 1 };
      const summary = await runScenario(scenario, { outDir });
      const { bytes } = readWholeWav(join(outDir, scenario.name, 'rendered.wav'));
      // one list: the trace's glitch events are the summary's glitches
      const traced = (await wholeTrace(join(outDir, scenario.name, 'trace.ndjson'))).split('\n').filter((line) => line.includes('"event":"glitch"'))
        .map((line) => JSON.parse(line) as Glitch).map(({ kind, startFrame, frameCount, timeNs, packetNumber, packets, cause }) => ({ kind, startFrame, frameCount, timeNs, packetNumber, packets, cause }))
        .sort((a, b) => a.startFrame - b.startFrame || a.timeNs - b.timeNs);
      assert.deepEqual(traced, summary.glitches, `${scenario.name}: the trace and the summary list the same glitches`);
      check(scenario.name, bytes, wavFormat, frames, summary, LOOPING.has(scenario.name) ? summary.waveOut!.loopRepeats : 0);
      checked++;
    }
    assert.equal(checked, files.length, 'every scenario of the library');
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});

test('when stream options and client latencies are swept at random (seeded) then every discontinuity is inside a listed glitch and clean runs list none', () => {
  const random = new SeededRandom(20261201);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random.next() * values.length)]!;
  const formats = [format(16, 2, 48000), format(16, 1, 44100), format(24, 2, 96000), format(32, 1, 22050, 'float'), format(8, 1, 8000)];
  let glitchy = 0;
  let clean = 0;
  let refused = 0;
  let timerRunsFast = 0;
  let neverEnded = 0;
  for (let run = 0; run < 400; run++) {
    const wavFormat = pick(formats);
    const notifications = pick([1, 2, 2, 2, 3, 4]);
    const bufferMs = pick([3, 5, 10, 20, 30]);
    const profile = pick(['doc', 'doc', 'sysvad'] as const);
    const packetNs = (bufferMs * 1e6) / notifications;
    const latency = pick([
      { kind: 'fixed', valueNs: 0 } as const,
      { kind: 'fixed', valueNs: Math.round(packetNs * random.next() * 1.5) } as const,
      { kind: 'uniform', minNs: 0, maxNs: Math.round(packetNs * (0.5 + random.next() * 1.5)) } as const,
      { kind: 'lognormal', medianNs: Math.round(packetNs * 0.3), sigma: 1 } as const,
    ]);
    const frames = Math.round((wavFormat.sampleRate * (20 + random.next() * 120)) / 1000);
    const stream = {
      bufferMs, notifications, profile,
      underflowPolicy: pick(['repeat', 'silence'] as const),
      eosSilenceFill: pick([true, false, undefined]),
      fifoBytes: pick([0, 0, wavFormat.blockAlign * 16, wavFormat.blockAlign * 100]),
    };
    const output = new CaptureOutput();
    let session: Session;
    try {
      session = new Session({
        format: wavFormat, source: new MemorySource(counterInput(wavFormat, frames)), output, stream,
        wakeLatency: createLatencySampler(latency, run + 1),
      });
    } catch (error) {
      // sysvad refuses sizes N does not divide, and the model cannot run packets that split a frame: nothing plays,
      // and the CLI refuses the same buffers (the test below)
      if (error instanceof AllocationError && profile === 'sysvad' && REFUSED_BY_SYSVAD.test(error.message)) {
        refused++;
        continue;
      }
      throw error;
    }
    if (session.stream.notificationIntervalMs !== null && session.stream.notificationIntervalMs * wavFormat.sampleRate !== session.stream.packetFrameCount * 1000) timerRunsFast++;
    const summary = session.runVirtual(10e9);
    if (summary.neverEnded !== null) neverEnded++;
    const label = `run ${run} (${JSON.stringify({ ...stream, latency, rate: wavFormat.sampleRate, bits: wavFormat.bitsPerSample, frames })})`;
    if (process.env.GLITCH_DEBUG === String(run)) {
      const values = counterValues(output.bytes(), wavFormat);
      const jumps = discontinuities(values, frames, counterPeriod(wavFormat));
      console.log(JSON.stringify(summary.glitches, null, 1), jumps.slice(0, 20), [...values.slice(Math.max(0, jumps[0]! - 5), jumps[0]! + 5)], values.length);
    }
    check(label, output.bytes(), wavFormat, frames, summary);
    if (summary.glitches.length > 0) glitchy++;
    else clean++;
  }
  // the sweep must exercise both sides of the rule, and sysvad's timer counting faster than the DMA and streams it never ends
  assert.ok(glitchy >= 50 && clean >= 50, `${glitchy} runs with glitches, ${clean} clean`);
  assert.ok(timerRunsFast >= 40 && neverEnded >= 5 && refused <= 40, `sysvad: ${timerRunsFast} runs whose timer counts fast, ${neverEnded} never ended, ${refused} buffers refused`);
});

test('when waveOut clients and USB transports are swept at random (seeded) then every discontinuity is inside a listed glitch and every glitch is heard', () => {
  const random = new SeededRandom(12);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random.next() * values.length)]!;
  const formats = [format(16, 2, 48000), format(16, 1, 44100), format(24, 2, 96000)];
  let glitchy = 0;
  const sysvadRuns = { usb: 0, waveout: 0 };
  for (let run = 0; run < 120; run++) {
    const wavFormat = pick(formats);
    const frames = Math.round((wavFormat.sampleRate * (50 + random.next() * 150)) / 1000);
    const usb = run % 2 === 1;
    const profile = pick(['doc', 'doc', 'sysvad'] as const);
    const output = new CaptureOutput();
    const headerMs = pick([5, 10, 20]);
    const stream = { bufferMs: pick([5, 10, 20]), notifications: pick([1, 2, 2, 3]), underflowPolicy: pick(['repeat', 'silence'] as const), profile };
    const wakeLatency = createLatencySampler({ kind: 'uniform', minNs: 0, maxNs: Math.round(random.next() * 12e6) }, run + 7);
    const client = usb ? { kind: 'packet' } as const : {
      kind: 'waveout', wavehdrs: pick([2, 3, 4]), wavehdrBytes: Math.round((headerMs * wavFormat.sampleRate) / 1000) * wavFormat.blockAlign,
      refillLatency: { kind: 'uniform', minNs: 0, maxNs: Math.round(random.next() * 30e6) }, seed: run,
    } as const;
    const transport = usb ? { kind: 'usb', speed: pick(['full', 'high'] as const), interval: 1 } as const : { kind: 'direct' } as const;
    let session: Session;
    try {
      session = new Session({ format: wavFormat, source: new MemorySource(counterInput(wavFormat, frames)), output, stream, wakeLatency, client, transport });
    } catch (error) {
      if (error instanceof AllocationError && profile === 'sysvad' && REFUSED_BY_SYSVAD.test(error.message)) continue;
      throw error;
    }
    const summary = session.runVirtual(10e9);
    check(`${usb ? 'usb' : 'waveout'} run ${run} (${JSON.stringify({ ...stream, client, transport, rate: wavFormat.sampleRate, frames })})`, output.bytes(), wavFormat, frames, summary);
    if (summary.glitches.length > 0) glitchy++;
    if (profile === 'sysvad') sysvadRuns[usb ? 'usb' : 'waveout']++;
  }
  assert.ok(glitchy >= 20, `${glitchy} runs with glitches`);
  assert.ok(sysvadRuns.usb >= 10 && sysvadRuns.waveout >= 10, `sysvad runs: ${JSON.stringify(sysvadRuns)}`);
});

test('when the sweep skips a sysvad buffer (size N does not divide, packets that split a frame) then `wavert render` refuses it too: one sentence, exit 2, nothing written', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'wavert-glitch-refused-'));
  try {
    // 44.1 kHz 16-bit mono: 10 ms is 441 frames, 882 bytes; N = 4 does not divide 882, N = 2 leaves 441-byte packets
    for (const [notifications, reason] of [['4', 'is not divisible by the notification count'], ['2', 'split a 2-byte frame']] as const) {
      const out = join(outDir, `n${notifications}.wav`);
      const result = spawnSync(process.execPath, [join(process.cwd(), 'bin', 'wavert.js'), 'render', join(process.cwd(), 'fixtures', 'wav', 'pcm16-mono-44100.wav'),
        '-o', out, '--profile', 'sysvad', '--buffer-ms', '10', '--notifications', notifications], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(result.status, 2, result.stderr);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.ok(lines[0]!.includes(reason) && REFUSED_BY_SYSVAD.test(lines[0]!), lines[0]);
      assert.equal(existsSync(out), false, 'nothing written');
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
