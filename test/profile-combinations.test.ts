// Any combination of choices is a driver someone may have: seeded random profiles over random streams and
// client latencies must run to an end or to their limit without throwing, and never play past an EOS point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choiceDefinitions, docProfile, type DriverProfile, type ProfileChoices } from '../src/engine/index.js';
import { AllocationError } from '../src/errors.js';
import { Session } from '../src/session/index.js';
import { MemorySource, renderSignal } from '../src/scenario/index.js';
import { createLatencySampler } from '../src/client/latency.js';
import { SeededRandom } from '../src/client/random.js';
import { pcmFormat } from '../src/wav/index.js';
import { CaptureOutput } from './support/model.js';

test('when profile choices, streams and client latencies are combined at random (seeded) then every run ends or stops at its limit, and after the end only the FIFO plays', () => {
  const random = new SeededRandom(11);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random.next() * values.length)]!;
  let ended = 0;
  let refused = 0;
  for (let run = 0; run < 300; run++) {
    const choices = Object.fromEntries(choiceDefinitions.map((definition) => [
      definition.name, definition.values === 'boolean' ? random.next() < 0.5 : pick(definition.values),
    ])) as unknown as ProfileChoices;
    const profile: DriverProfile = { ...docProfile, name: `random-${run}`, extends: 'doc', file: null, choices };
    const format = pick([pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }), pcmFormat({ channels: 1, sampleRate: 44100, bitsPerSample: 16 })]);
    const frames = Math.round(format.sampleRate * (0.02 + random.next() * 0.1));
    const fifoBytes = pick([0, format.blockAlign * 16]);
    const stream = { profile, bufferMs: pick([1.5, 5, 10, 20, 21]), notifications: pick([1, 2, 3, 4]), fifoBytes };
    const latencyNs = pick([0, 2_000_000, 12_000_000]);
    const output = new CaptureOutput();
    let session: Session;
    try {
      session = new Session({
        format, output, stream, wakeLatency: createLatencySampler({ kind: 'fixed', valueNs: latencyNs }, run),
        source: new MemorySource(renderSignal({ type: 'counter', format, frames, frequencyHz: 0, toFrequencyHz: 0, amplitude: 0, seed: 1 })),
      });
    } catch (error) {
      assert.ok(error instanceof AllocationError, `run ${run}: ${String(error)}`);
      refused++;
      continue;
    }
    const limitNs = 2e9;
    const summary = session.runVirtual(limitNs);
    const label = `run ${run} ${JSON.stringify({ choices, bufferMs: stream.bufferMs, n: stream.notifications, latencyNs, frames })}`;
    assert.equal(output.bytes().length, summary.output.bytes, label);
    const dmaBytes = session.stream.getLinearPositionInBytes();
    assert.equal(output.bytes().length, dmaBytes + (summary.ended ? fifoBytes : 0), label);
    if (summary.ended) {
      ended++;
      assert.equal(summary.neverEnded, null, label);
      assert.ok(summary.eos.reached, label);
    } else {
      assert.ok(session.scheduler.timeNs <= limitNs, label);
    }
  }
  assert.ok(ended > 100 && refused > 0, `${ended} ended, ${refused} refused`);
});
