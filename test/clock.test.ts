import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler, VirtualClock, framesToNs, nsToFrames, EventPriority, type Clock } from '../src/clock/index.js';
import { SeededRandom } from '../src/client/random.js';
import { modUlong } from '../src/engine/index.js';

describe('the integer frame clock', () => {
  test('when frames are converted to ns and back then the result is exact, with no drift after 24 hours at 44.1 kHz', () => {
    const day = 44100 * 86400;
    assert.equal(framesToNs(day, 44100), 86400 * 1e9);
    assert.equal(nsToFrames(86400 * 1e9, 44100), day);
    for (const frames of [0, 1, 2, 440, 441, 44099, 44100, 44101, day - 1, day + 1]) {
      const ns = framesToNs(frames, 44100);
      assert.equal(nsToFrames(ns, 44100), frames, `round trip of ${frames}`);
      assert.equal(nsToFrames(ns - 1, 44100), frames - 1 < 0 ? -1 : frames - 1, `ns is the first instant of frame ${frames}`);
    }
  });

  test('when the rate is 768 kHz then 10 hours of frames still convert exactly', () => {
    const frames = 768000 * 36000 + 12345;
    assert.equal(nsToFrames(framesToNs(frames, 768000), 768000), frames);
  });
});

describe('the discrete-event scheduler', () => {
  test('when events share a time then hardware runs before scripted actions, actions before the client, and ties keep insertion order', () => {
    const scheduler = new Scheduler(new VirtualClock());
    const order: string[] = [];
    scheduler.at(10, EventPriority.client, () => order.push('client'));
    scheduler.at(10, EventPriority.action, () => order.push('action-1'));
    scheduler.at(10, EventPriority.dma, () => order.push('dma'));
    scheduler.at(10, EventPriority.action, () => order.push('action-2'));
    scheduler.at(5, EventPriority.client, () => order.push('early'));
    scheduler.runVirtual();
    assert.deepEqual(order, ['early', 'dma', 'action-1', 'action-2', 'client']);
    assert.equal(scheduler.timeNs, 10);
  });

  test('when an event is scheduled in the past then it runs now, never before the current model time', () => {
    const scheduler = new Scheduler(new VirtualClock());
    const times: number[] = [];
    scheduler.at(100, 0, (t) => { times.push(t); scheduler.at(50, 0, (t2) => times.push(t2)); });
    scheduler.runVirtual();
    assert.deepEqual(times, [100, 100]);
  });

  test('when a floating client event runs late on a real clock then hardware events due before it run first', async () => {
    let nowNs = 0;
    const clock: Clock = { realtime: true, nowNs: () => nowNs, waitUntil: async (t) => { nowNs = Math.max(nowNs, t); } };
    const scheduler = new Scheduler(clock);
    const order: Array<[string, number]> = [];
    const lateness: number[] = [];
    scheduler.onLateness = (due, actual) => lateness.push(actual - due);
    scheduler.at(10, EventPriority.client, (t) => { order.push(['client', t]); }, 0, true);
    scheduler.at(12, EventPriority.dma, (t) => { order.push(['dma', t]); });
    // the process stalls: by the time the client runs, it is 15 ns
    const originalWait = clock.waitUntil;
    clock.waitUntil = async (t) => { await originalWait(t); if (t === 10) nowNs = 15; };
    await scheduler.runRealtime();
    assert.deepEqual(order, [['dma', 12], ['client', 15]]);
    assert.ok(lateness.every((l) => l >= 0));
  });

  test('when a run is stopped then no further events run', () => {
    const scheduler = new Scheduler(new VirtualClock());
    let ran = 0;
    scheduler.at(1, 0, () => { ran++; scheduler.stop(); });
    scheduler.at(2, 0, () => { ran++; });
    scheduler.runVirtual();
    assert.equal(ran, 1);
  });

  test('when thousands of events are scheduled in random order, some from inside handlers, then they run as a plain sorted queue runs them', () => {
    // the same seeded process on the scheduler and on a linear-scan reference queue: any difference in order
    // changes what the handlers draw next, so the two logs must be identical
    const run = (queue: { at(timeNs: number, priority: number, handler: (now: number) => void): void; now(): number; run(): void }): string[] => {
      const random = new SeededRandom(14);
      const log: string[] = [];
      let id = 0;
      const schedule = (timeNs: number, priority: number): void => {
        const name = id++;
        queue.at(timeNs, priority, (now) => {
          log.push(`${name}@${now}/${priority}`);
          if (random.next() < 0.3) schedule(now + Math.floor(random.next() * 50) - 10, Math.floor(random.next() * 4));
        });
      };
      for (let i = 0; i < 3000; i++) schedule(Math.floor(random.next() * 1000), Math.floor(random.next() * 4));
      queue.run();
      return log;
    };
    const scheduler = new Scheduler(new VirtualClock());
    const viaScheduler = run({
      at: (timeNs, priority, handler) => scheduler.at(timeNs, priority, handler),
      now: () => scheduler.timeNs,
      run: () => scheduler.runVirtual(),
    });
    const pending: Array<{ timeNs: number; priority: number; sequence: number; handler: (now: number) => void }> = [];
    let nowNs = 0;
    let sequence = 0;
    const viaReference = run({
      at: (timeNs, priority, handler) => { pending.push({ timeNs: Math.max(timeNs, nowNs), priority, sequence: sequence++, handler }); },
      now: () => nowNs,
      run: () => {
        while (pending.length > 0) {
          let best = 0;
          for (let i = 1; i < pending.length; i++) {
            const a = pending[i]!;
            const b = pending[best]!;
            if (a.timeNs < b.timeNs || (a.timeNs === b.timeNs && (a.priority < b.priority || (a.priority === b.priority && a.sequence < b.sequence)))) best = i;
          }
          const [event] = pending.splice(best, 1);
          nowNs = event!.timeNs;
          event!.handler(nowNs);
        }
      },
    });
    assert.ok(viaScheduler.length > 3000);
    assert.deepEqual(viaScheduler, viaReference);
  });
});

describe('frame and time round trips', () => {
  test('when a frame is converted to its first nanosecond and back then it is the same frame, at every rate', () => {
    // the DMA event at a packet boundary relies on it: the frame of the boundary's time is the boundary
    const random = new SeededRandom(3);
    for (const rate of [1, 7, 8000, 11025, 22050, 44100, 48000, 88200, 96000, 176400, 192000, 384000, 768000]) {
      for (let i = 0; i < 2000; i++) {
        // up to 100 days: nanoseconds stay below 2^53, the range the clock is exact in
        const frames = i < 1000 ? i : Math.floor(random.next() * rate * 8_640_000);
        assert.equal(nsToFrames(framesToNs(frames, rate), rate), frames, `${frames} frames at ${rate} Hz`);
      }
    }
  });
});

describe('ULONG packet numbers', () => {
  test('when a linear packet number is wrapped to 32 bits then the result equals the % operator for every kind of value', () => {
    const values = [0, -0, 1, 479, 0xffff_ffff, 0x1_0000_0000, 0x1_0000_0001, 2 ** 40 + 7, -1, -(2 ** 33), 2 ** 53 - 1, Number.NaN, Number.POSITIVE_INFINITY];
    for (const value of values) assert.ok(Object.is(modUlong(value), value % 0x1_0000_0000), `${value}`);
  });
});
