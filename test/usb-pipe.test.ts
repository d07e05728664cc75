import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler, VirtualClock } from '../src/clock/index.js';
import {
  ERROR_GEN_FAILURE, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_SUCCESS, IsochOutPipe, framesDueBefore, framesDueIn,
  resolveUsbConfig, win32ErrorName, type IsochTransfer, type UsbConfig,
} from '../src/transport/index.js';
import { UsageError } from '../src/errors.js';
import { stereo16 } from './support/model.js';

const MS = 1_000_000;
const stereo44 = { ...stereo16, sampleRate: 44100 };

function pipeFor(config: UsbConfig) {
  const scheduler = new Scheduler(new VirtualClock());
  const completed: Array<{ sequence: number; timeNs: number; start: number; count: number }> = [];
  const pipe = new IsochOutPipe(scheduler, resolveUsbConfig(config, stereo44), (t: IsochTransfer, timeNs) => {
    completed.push({ sequence: t.sequence, timeNs, start: t.startInterval, count: t.intervalCount });
  });
  const handle = pipe.registerIsochBuffer(Buffer.alloc(pipe.config.unitBytes * 4));
  return { scheduler, pipe, handle, completed };
}

describe('USB bus intervals and endpoint sizes', () => {
  test('when the speed is full then a service is a 1 ms frame; when high then 125 µs microframes times the interval', () => {
    assert.equal(resolveUsbConfig({ speed: 'full', interval: 1 }, stereo44).periodNs, 1 * MS);
    assert.equal(resolveUsbConfig({ speed: 'high', interval: 1 }, stereo44).periodNs, 125_000);
    assert.equal(resolveUsbConfig({ speed: 'high', interval: 2 }, stereo44).periodNs, 250_000);
    assert.equal(resolveUsbConfig({ speed: 'high', interval: 8 }, stereo44).periodNs, 1 * MS);
    assert.equal(resolveUsbConfig({ speed: 'high', interval: 4 }, stereo44).intervalsPerSecond, 2000);
  });

  test('when maxBytesPerInterval is given then the transfer unit is maxBytesPerInterval * 8 / interval', () => {
    assert.equal(resolveUsbConfig({ speed: 'high', interval: 1, maxBytesPerInterval: 24 }, stereo44).unitBytes, 192);
    assert.equal(resolveUsbConfig({ speed: 'high', interval: 4, maxBytesPerInterval: 96 }, stereo44).unitBytes, 192);
    assert.equal(resolveUsbConfig({ speed: 'high', interval: 8, maxBytesPerInterval: 180 }, stereo44).unitBytes, 180);
    assert.equal(resolveUsbConfig({ speed: 'full', interval: 1, maxBytesPerInterval: 180 }, stereo44).unitBytes, 1440);
  });

  test('when maxBytesPerInterval cannot carry the frames due in one interval then a UsageError names the option', () => {
    assert.throws(() => resolveUsbConfig({ speed: 'full', maxBytesPerInterval: 176 }, stereo44), (e: unknown) => e instanceof UsageError && /--max-bytes-per-interval 176 is too small: up to 45 frames/.test(e.message));
    assert.throws(() => resolveUsbConfig({ speed: 'full', maxBytesPerInterval: 1024 }, stereo44), /--max-bytes-per-interval must be a whole number from 1 to 1023 at full speed/);
    assert.throws(() => resolveUsbConfig({ speed: 'high', interval: 3 }, stereo44), /--usb-interval must be one of 1, 2, 4, 8/);
    assert.throws(() => resolveUsbConfig({ speed: 'full', interval: 8 }, { ...stereo16, sampleRate: 192000, channels: 8, blockAlign: 16 }), /more than the 1023-byte endpoint limit/);
  });
});

describe('exact rational accumulation: 44.1 kHz in 1 ms frames', () => {
  test('when 44.1 kHz is carried in 1 ms frames then the frames carry 44 nine times, then 45, repeating', () => {
    const pattern = Array.from({ length: 20 }, (_, i) => framesDueIn(i, 44100, 1000));
    assert.deepEqual(pattern, [44, 44, 44, 44, 44, 44, 44, 44, 44, 45, 44, 44, 44, 44, 44, 44, 44, 44, 44, 45]);
  });

  test('when 44.1 kHz is carried in 125 µs microframes then each 1 ms holds 44 or 45 frames and 10 ms hold exactly 441', () => {
    const due = Array.from({ length: 80 }, (_, i) => framesDueIn(i, 44100, 8000));
    assert.ok(due.every((frames) => frames === 5 || frames === 6));
    assert.equal(due.reduce((a, b) => a + b, 0), 441);
  });

  test('when one hour is counted from any starting frame then 3,600,000 frames carry exactly 158,760,000 audio frames', () => {
    for (const start of [0, 1, 7, 999_999, 123_456_789]) {
      assert.equal(framesDueBefore(start + 3_600_000, 44100, 1000) - framesDueBefore(start, 44100, 1000), 158_760_000);
      assert.equal(framesDueBefore(start * 8 + 28_800_000, 44100, 8000) - framesDueBefore(start * 8, 44100, 8000), 158_760_000);
    }
  });
});

describe('WinUsb_WriteIsochPipeAsap: size rules', () => {
  test('when the length is not a multiple of maxBytesPerInterval * 8 / interval then FALSE with ERROR_INVALID_PARAMETER (87) and nothing is scheduled', () => {
    const { pipe, handle } = pipeFor({ speed: 'high', interval: 1, maxBytesPerInterval: 24 });
    assert.equal(pipe.writeIsochPipeAsap(handle, 0, 190, false), false);
    assert.equal(pipe.getLastError(), ERROR_INVALID_PARAMETER);
    assert.equal(ERROR_INVALID_PARAMETER, 87);
    assert.equal(win32ErrorName(pipe.getLastError()), 'ERROR_INVALID_PARAMETER');
    assert.equal(pipe.pendingTransfers, 0);
    assert.equal(pipe.writeIsochPipeAsap(handle, 0, 0, false), false);
    assert.equal(pipe.getLastError(), ERROR_INVALID_PARAMETER);
  });

  test('when the transfer does not lie inside the registered buffer then ERROR_INVALID_PARAMETER', () => {
    const { pipe, handle } = pipeFor({ speed: 'high', interval: 1, maxBytesPerInterval: 24 });
    assert.equal(pipe.writeIsochPipeAsap(handle, 192 * 3, 192 * 2, false), false);
    assert.equal(pipe.getLastError(), ERROR_INVALID_PARAMETER);
    assert.equal(pipe.writeIsochPipeAsap(handle, -192, 192, false), false);
    assert.equal(pipe.writeIsochPipeAsap(handle, 192 * 3, 192, false), true);
    assert.equal(pipe.getLastError(), ERROR_SUCCESS);
  });

  test('when the buffer handle was never registered then ERROR_INVALID_HANDLE', () => {
    const { pipe, handle } = pipeFor({ speed: 'full' });
    assert.equal(pipe.writeIsochPipeAsap(handle + 5, 0, pipe.config.unitBytes, false), false);
    assert.equal(pipe.getLastError(), ERROR_INVALID_HANDLE);
  });

  test('when a transfer is accepted then it is packetized into one maxBytesPerInterval packet per interval', () => {
    const { pipe, handle } = pipeFor({ speed: 'high', interval: 2, maxBytesPerInterval: 48 });
    assert.equal(pipe.writeIsochPipeAsap(handle, 0, pipe.config.unitBytes * 2, false), true);
    assert.equal(pipe.lastTransfer!.intervalCount, 8);
  });
});

describe('WinUsb_WriteIsochPipeAsap: ASAP scheduling and ContinueStream', () => {
  test('when nothing is pending then the transfer starts ASAP after the current frame; the next one right after the last pending one', () => {
    const { scheduler, pipe, handle, completed } = pipeFor({ speed: 'full', maxBytesPerInterval: 180 });
    scheduler.advanceVirtual(2.5 * MS);
    assert.equal(pipe.writeIsochPipeAsap(handle, 0, 1440, false), true);
    assert.equal(pipe.lastTransfer!.startInterval, 3);
    assert.equal(pipe.writeIsochPipeAsap(handle, 1440, 1440, true), true);
    assert.equal(pipe.lastTransfer!.startInterval, 11);
    assert.equal(pipe.writeIsochPipeAsap(handle, 2880, 1440, false), true);
    assert.equal(pipe.lastTransfer!.startInterval, 19);
    scheduler.advanceVirtual(30 * MS);
    assert.deepEqual(completed.map((c) => [c.start, c.count, c.timeNs]), [[3, 8, 11 * MS], [11, 8, 19 * MS], [19, 8, 27 * MS]]);
  });

  test('when a ContinueStream write comes after the frame following the last transfer has passed then FALSE with ERROR_GEN_FAILURE and a discontinuity', () => {
    const { scheduler, pipe, handle } = pipeFor({ speed: 'full', maxBytesPerInterval: 180 });
    assert.equal(pipe.writeIsochPipeAsap(handle, 0, 1440, false), true);
    scheduler.advanceVirtual(9 * MS);
    assert.equal(pipe.pendingTransfers, 0);
    assert.equal(pipe.writeIsochPipeAsap(handle, 1440, 1440, true), false);
    assert.equal(pipe.getLastError(), ERROR_GEN_FAILURE);
    assert.equal(pipe.discontinuities, 1);
    assert.equal(pipe.pendingTransfers, 0);
  });

  test('when the stream is restarted without ContinueStream after a discontinuity then the skipped frames are a gap before the new transfer', () => {
    const { scheduler, pipe, handle } = pipeFor({ speed: 'full', maxBytesPerInterval: 180 });
    pipe.writeIsochPipeAsap(handle, 0, 1440, false);
    scheduler.advanceVirtual(12.2 * MS);
    assert.equal(pipe.writeIsochPipeAsap(handle, 1440, 1440, true), false);
    assert.equal(pipe.writeIsochPipeAsap(handle, 1440, 1440, false), true);
    assert.equal(pipe.lastTransfer!.startInterval, 13);
    assert.equal(pipe.lastTransfer!.gapIntervalsBefore, 4);
    assert.equal(pipe.gapIntervals, 4);
  });

  test('when the first transfer of a pipe asks for ContinueStream then there is nothing to continue and it is scheduled ASAP', () => {
    const { pipe, handle } = pipeFor({ speed: 'full', maxBytesPerInterval: 180 });
    assert.equal(pipe.writeIsochPipeAsap(handle, 0, 1440, true), true);
    assert.equal(pipe.lastTransfer!.startInterval, 1);
    assert.equal(pipe.discontinuities, 0);
  });
});
