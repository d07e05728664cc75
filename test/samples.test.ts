import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SampleSet } from '../src/report/index.js';
import { SeededRandom } from '../src/client/index.js';

describe('percentiles of write margins and lateness', () => {
  test('when there are few samples then p50 and p99 are exact order statistics', () => {
    const set = new SampleSet();
    for (let v = 100; v >= 1; v--) set.add(v);
    assert.deepEqual(set.stats(), { count: 100, min: 1, p50: 50, p99: 99, max: 100 });
  });

  test('when there are more samples than the exact limit then percentiles stay within 2 % and min/max stay exact', () => {
    const set = new SampleSet();
    const random = new SeededRandom(7);
    const values: number[] = [];
    for (let i = 0; i < 300_000; i++) {
      const v = Math.round((random.next() - 0.2) * 20_000_000);
      values.push(v);
      set.add(v);
    }
    values.sort((a, b) => a - b);
    const stats = set.stats();
    const exact = (q: number) => values[Math.ceil(q * values.length) - 1]!;
    assert.equal(stats.min, values[0]);
    assert.equal(stats.max, values.at(-1));
    assert.ok(Math.abs(stats.p50! - exact(0.5)) <= Math.abs(exact(0.5)) * 0.02, `p50 ${stats.p50} vs ${exact(0.5)}`);
    assert.ok(Math.abs(stats.p99! - exact(0.99)) <= Math.abs(exact(0.99)) * 0.02, `p99 ${stats.p99} vs ${exact(0.99)}`);
  });

  test('when nothing was recorded then every statistic is null', () => {
    assert.deepEqual(new SampleSet().stats(), { count: 0, min: null, p50: null, p99: null, max: null });
  });
});
