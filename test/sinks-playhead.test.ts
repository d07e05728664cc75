import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { NominalPlayhead, ReportedPlayhead } from '../src/sinks/index.js';
import { HeardTimeline } from '../src/player/index.js';

// The master clock of paced real time: how far each kind of sink has played, with an injected clock.
const RATE = 48_000;

function fakeClock(): { now: () => number; advance(ms: number): void } {
  let ms = 1000;
  return { now: () => ms, advance: (step) => { ms += step; } };
}

describe('how far a sink has played', () => {
  test('when a nominal device is given frames then it plays them at the rate from its first frame and stands still when starved', () => {
    const clock = fakeClock();
    const playhead = new NominalPlayhead(RATE, clock.now);
    assert.equal(playhead.update(0), 0);
    clock.advance(500);
    assert.equal(playhead.update(4800), 0, 'the device starts with its first frame, not before');
    clock.advance(50);
    assert.equal(playhead.update(4800), 2400);
    clock.advance(200);
    assert.equal(playhead.update(4800), 4800, 'never more than it was given');
  });

  test('when a cold sink reports time 0 then nothing has been played until its time moves', () => {
    const clock = fakeClock();
    const playhead = new ReportedPlayhead(RATE, clock.now);
    for (let index = 0; index < 30; index++) {
      playhead.report(0);
      clock.advance(50);
      assert.equal(playhead.played(9600), 0);
    }
    playhead.report(0.01);
    assert.equal(playhead.played(9600), 480);
    clock.advance(50);
    assert.equal(playhead.played(9600), 480 + 2400);
  });

  test('when the reports stand still for 150 ms while the sink plays then the position runs on; after 250 ms it is a stall', () => {
    const clock = fakeClock();
    const playhead = new ReportedPlayhead(RATE, clock.now);
    playhead.report(1);
    clock.advance(150);
    playhead.report(1);
    // ran on at the nominal rate, pulled back an eighth of the way towards the late report
    assert.equal(playhead.played(1e9), 48_000 + 7_200 - 900);
    clock.advance(150);
    playhead.report(1);
    assert.equal(playhead.played(1e9), 48_000, 'a report 300 ms behind is the sink stopping: the model waits for it');
  });
});

describe('which model time is heard', () => {
  test('when the sink has played into a DMA piece then the heard time is that frame\'s time in the model', () => {
    const timeline = new HeardTimeline(RATE);
    timeline.record(480, 10_000_000);
    timeline.record(480, 20_000_000);
    assert.equal(timeline.heardNs(0, 0), 0);
    assert.equal(timeline.heardNs(240, 0), 5_000_000);
    assert.equal(timeline.heardNs(720, 0), 15_000_000);
  });

  test('when the sink has played everything (a DMA pause) then heard time runs with the wall clock, but not while playback is paused', () => {
    const timeline = new HeardTimeline(RATE);
    timeline.record(480, 10_000_000);
    assert.equal(timeline.heardNs(480, 100), 10_000_000);
    assert.equal(timeline.heardNs(480, 130), 40_000_000);
    assert.equal(timeline.heardNs(480, 4_000, true), 40_000_000, 'held by a pause: it stays where it was');
    assert.equal(timeline.heardNs(480, 5_000, true), 40_000_000);
    assert.equal(timeline.heardNs(480, 5_010), 50_000_000);
  });
});
