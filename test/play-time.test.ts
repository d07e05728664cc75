import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { formatClockTime, parseTimeOption, timeNsToFrames } from '../src/cli/play-time.js';
import { UsageError } from '../src/errors.js';

describe('--start and --duration times', () => {
  test('when a time is plain seconds, a unit or m:ss / h:mm:ss then it becomes exact nanoseconds', () => {
    const cases: Array<[string, bigint]> = [
      ['90', 90_000_000_000n],
      ['1.5', 1_500_000_000n],
      ['10s', 10_000_000_000n],
      ['500ms', 500_000_000n],
      ['250us', 250_000n],
      ['2m', 120_000_000_000n],
      ['2min', 120_000_000_000n],
      ['1h', 3_600_000_000_000n],
      ['1:23.5', 83_500_000_000n],
      ['0:05', 5_000_000_000n],
      ['1:02:03.25', 3_723_250_000_000n],
      [' 0.000000001 ', 1n],
      ['0.0000000019', 1n],
    ];
    for (const [text, expected] of cases) assert.equal(parseTimeOption(text, '--start'), expected, text);
  });

  test('when a time is malformed then a UsageError names the option and the value', () => {
    for (const text of ['', 'abc', '-1', '1:2:3:4', '1.', '.5', '10 s', '5x']) {
      assert.throws(() => parseTimeOption(text, '--duration'), (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.equal(error.message, `--duration '${text}' is not a time: use seconds (90, 1.5), a unit (10s, 500ms, 2m) or m:ss[.fff] (1:23.5).`);
        return true;
      });
    }
  });

  test('when seconds or minutes after a colon reach 60 then it is a usage error', () => {
    assert.throws(() => parseTimeOption('1:60', '--start'), /--start '1:60': seconds and minutes after a ':' must be below 60\./);
    assert.throws(() => parseTimeOption('1:60:00', '--start'), /must be below 60/);
    assert.equal(parseTimeOption('75:00', '--start'), 4_500_000_000_000n);
  });

  test('when a time becomes frames then it rounds up to the first frame at or after it', () => {
    assert.equal(timeNsToFrames(0n, 48_000), 0n);
    assert.equal(timeNsToFrames(1_000_000_000n, 48_000), 48_000n);
    assert.equal(timeNsToFrames(1n, 44_100), 1n);
    assert.equal(timeNsToFrames(83_500_000_000n, 44_100), 3_682_350n);
  });

  test('when a time is shown then it is m:ss.t, or h:mm:ss.t past an hour', () => {
    assert.equal(formatClockTime(0), '0:00.0');
    assert.equal(formatClockTime(83_560_000_000n), '1:23.5');
    assert.equal(formatClockTime(3_723_250_000_000n), '1:02:03.2');
  });
});
