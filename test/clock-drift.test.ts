import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DriftEstimator, SystemClock } from '../src/clock/system-clock.js';
import { LinearFit } from '../src/clock/linear-fit.js';
import { SeededRandom } from '../src/client/index.js';

const MS = 1_000_000;

/** 10 ms events for `seconds`, each late by `lateness(dueNs)` plus seeded jitter. */
function feed(estimator: DriftEstimator, seconds: number, lateness: (dueNs: number) => number, seed = 3): void {
  const random = new SeededRandom(seed);
  for (let dueNs = 0; dueNs < seconds * 1e9; dueNs += 10 * MS) {
    estimator.add(dueNs, dueNs + lateness(dueNs) + Math.round(random.next() * 0.2 * MS));
  }
  estimator.finish();
}

describe('drift of the model clock against the monotonic clock', () => {
  test('when lateness grows by 5 µs per second then the drift is 5 ppm', () => {
    const drift = new DriftEstimator();
    feed(drift, 60, (dueNs) => (dueNs / 1e9) * 5_000);
    assert.ok(Math.abs(drift.ppm()! - 5) < 0.2, `got ${drift.ppm()}`);
  });

  test('when single events are very late and the first second is slow (JIT warm-up) then the drift stays near 0', () => {
    const drift = new DriftEstimator();
    feed(drift, 20, (dueNs) => (dueNs < 1e9 ? 3 * MS : 0) + (dueNs % (3e9 + 10 * MS) === 0 ? 4 * MS : 0));
    assert.ok(Math.abs(drift.ppm()!) < 1, `got ${drift.ppm()}`);
  });

  test('when fewer than 11 seconds were played then there is no drift figure yet', () => {
    const drift = new DriftEstimator();
    feed(drift, 5, () => 0);
    assert.equal(drift.ppm(), null);
  });

  test('when points lie on a line then the least-squares fit returns its slope', () => {
    const fit = new LinearFit();
    for (let x = 0; x < 20; x++) fit.add(x, 3 * x + 1);
    assert.equal(fit.slope(), 3);
  });
});

describe('the system clock', () => {
  test('when a short deadline is slept then it returns at or after it, and a long one is left to the timer path', () => {
    const clock = new SystemClock();
    const deadline = clock.nowNs() + 2 * MS;
    assert.equal(clock.sleepUntil(deadline), true);
    assert.ok(clock.nowNs() >= deadline);
    assert.equal(clock.sleepUntil(clock.nowNs() + 10_000 * MS), false);
  });

  test('when waitUntil resolves then the deadline has passed', async () => {
    const clock = new SystemClock();
    const deadline = clock.nowNs() + 30 * MS;
    await clock.waitUntil(deadline);
    assert.ok(clock.nowNs() >= deadline);
  });
});
