import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler, VirtualClock, framesToNs, nsToFrames, EventPriority, type Clock } from '../src/clock/index.js';

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
});
