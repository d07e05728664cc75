import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTraceWriter } from '../src/report/trace.js';

test('when two traces are open in one thread and their events interleave then each file holds its own lines, in order, as pino writes them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wavert-trace-writer-'));
  try {
    const first = createTraceWriter(join(dir, 'first.ndjson'));
    const second = createTraceWriter(join(dir, 'second.ndjson'));
    const events = (name: string) => Array.from({ length: 3000 }, (_, index) => ({ event: name, timeNs: index * 1000, timeFrames: index, note: `"${name}" \\ ${index}`, nested: { index, values: [index, null, true] } }));
    const firstEvents = events('first');
    const secondEvents = events('second');
    firstEvents.forEach((fields, index) => {
      first.event(fields);
      second.event(secondEvents[index]!);
    });
    first.close();
    second.event({ event: 'last', timeNs: 1, timeFrames: 0 });
    second.close();
    second.event({ event: 'after close', timeNs: 2, timeFrames: 0 });
    const lines = (name: string) => readFileSync(join(dir, name), 'utf8').split('\n');
    const check = (name: string, expected: Array<Record<string, unknown>>) => {
      const written = lines(name);
      assert.equal(written.pop(), '');
      assert.equal(written.length, expected.length);
      written.forEach((line, index) => {
        const time = /^\{"level":30,"time":(\d+),/.exec(line)?.[1];
        assert.ok(time !== undefined, line);
        assert.equal(line, `{"level":30,"time":${time},${JSON.stringify(expected[index]).slice(1)}`);
      });
    };
    check('first.ndjson', firstEvents);
    check('second.ndjson', [...secondEvents, { event: 'last', timeNs: 1, timeFrames: 0 }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
