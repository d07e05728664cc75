import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { KeyControl, LiveView, renderStatus, type LiveSnapshot } from '../src/cli/live-view.js';

const snapshot: LiveSnapshot = {
  elapsedNs: 30_000_000_000,
  totalNs: 120_000_000_000,
  paused: false,
  packetCount: 3000,
  bufferFillBytes: 1920,
  bufferSizeBytes: 3840,
  underrunEvents: 0,
  underrunFrames: 0,
  statusCounts: [['STATUS_SUCCESS', 3000]],
  sinkLabel: 'pulse (pacat, 50 ms buffer)',
};

describe('live view', () => {
  test('when the run is a quarter through then the status area shows time, a progress bar, packets, buffer fill and statuses', () => {
    assert.equal(
      renderStatus(snapshot, 100, false),
      'PLAYING 0:30.0 / 2:00.0 [##########------------------------------]  25%  pulse (pacat, 50 ms buffer)\n' +
        'packets 3000  buffer [#####-----]  50%  underruns 0 (0 frames)  SUCCESS 3000',
    );
  });

  test('when the terminal is narrow then every line is cut to its width', () => {
    const text = renderStatus({ ...snapshot, statusCounts: [['STATUS_SUCCESS', 10], ['STATUS_DATA_LATE_ERROR', 2]] }, 40, false);
    for (const line of text.split('\n')) assert.ok(line.length <= 40, line);
    assert.equal(text.split('\n')[0], 'PLAYING 0:30.0 / 2:00.0 [##-------]  25%');
  });

  test('when paused, with underruns, unknown length and colour then the state and the glitches are coloured and the width ignores colour codes', () => {
    const text = renderStatus({ ...snapshot, paused: true, totalNs: undefined, underrunEvents: 2, underrunFrames: 960, statusCounts: [['STATUS_SUCCESS', 5], ['STATUS_DATA_LATE_ERROR', 1]] }, 200, true);
    assert.equal(
      text,
      '\x1b[33mPAUSED \x1b[0m 0:30.0\x1b[2m  pulse (pacat, 50 ms buffer)\x1b[0m\n' +
        'packets 3000  buffer [#####-----]  50%  \x1b[31munderruns 2 (960 frames)\x1b[0m  SUCCESS 5\x1b[31m  DATA_LATE_ERROR 1\x1b[0m',
    );
  });

  test('when the view is updated many times then it draws at most once per refresh and stop restores the cursor', async () => {
    const written: string[] = [];
    const view = new LiveView({ write: (text) => written.push(text), columns: 100 }, false);
    view.start();
    for (let index = 0; index < 50; index++) view.update({ ...snapshot, packetCount: index });
    await new Promise((resolve) => setTimeout(resolve, 150));
    view.stop();
    const frames = written.filter((text) => text.startsWith('PLAYING'));
    assert.ok(frames.length >= 1 && frames.length <= 3, `${frames.length} frames drawn`);
    assert.equal(written[0], '\x1b[?25l');
    assert.equal(written[written.length - 1], '\x1b[?25h');
  });

  test('when keys arrive in raw mode then space pauses, q quits, Ctrl-C interrupts, Ctrl-Z suspends, and release restores cooked mode', () => {
    const rawModes: boolean[] = [];
    const stdin = Object.assign(new EventEmitter(), {
      isTTY: true,
      setRawMode: (raw: boolean) => rawModes.push(raw),
      resume: () => undefined,
      pause: () => undefined,
    });
    const seen: string[] = [];
    const keys = new KeyControl(stdin, { togglePause: () => seen.push('pause'), quit: () => seen.push('quit'), interrupt: () => seen.push('interrupt'), suspend: () => seen.push('suspend') });
    assert.equal(keys.attach(), true);
    stdin.emit('data', Buffer.from(' xq\x03\x1a'));
    // around a job-control stop the terminal is cooked, then raw again
    keys.suspend();
    keys.resume();
    keys.release();
    keys.release();
    stdin.emit('data', Buffer.from(' '));
    assert.deepEqual(seen, ['pause', 'quit', 'interrupt', 'suspend']);
    assert.deepEqual(rawModes, [true, false, true, false]);
  });

  test('when stdin is not a terminal then there are no keys and nothing changes its mode', () => {
    const keys = new KeyControl(Object.assign(new EventEmitter(), { isTTY: false, resume: () => undefined, pause: () => undefined }), { togglePause: () => undefined, quit: () => undefined, interrupt: () => undefined });
    assert.equal(keys.attach(), false);
  });
});
