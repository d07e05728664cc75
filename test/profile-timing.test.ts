// The packet clock, the count after EOS, positions, latency and where an EOS ends, under both built-ins.
// sysvad expectations come from minwavertstream.cpp: AllocateBufferWithNotification (m_ulNotificationIntervalMs),
// SetState (ExSetTimer, m_hnsDPCTimeCarryForward), TimerNotifyRT, UpdatePosition, GetHWLatency, GetPositions.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM as EOS, STATUS_SUCCESS, type Profile, type StreamOptions } from '../src/engine/index.js';
import { describePackets, makeStream, stereo16 } from './support/model.js';

const MS = 1_000_000;

function timed(profile: Profile, notificationCount: number, packetFrames: number, options: StreamOptions = {}) {
  const h = makeStream(notificationCount, { profile, ...options }, stereo16, packetFrames);
  const events: Array<[number, number]> = [];
  const ended: number[] = [];
  h.stream.registerNotificationEvent((count, timeNs) => events.push([timeNs, count]));
  h.stream.onEnd((timeNs) => ended.push(timeNs));
  return { h, events, ended };
}

describe('profile choice packetClock', () => {
  test('doc: 500-frame packets (10.417 ms) complete at the nominal rate: events at exact frame times, count 9 at 100 ms', () => {
    const { h, events } = timed('doc', 2, 500);
    h.stream.setState('RUN');
    h.runUntil(100 * MS);
    assert.deepEqual(events.slice(0, 3), [[10_416_667, 1], [20_833_334, 2], [31_250_000, 3]]);
    assert.equal(h.stream.getPacketCount().packetCount, 9);
  });

  test('sysvad (TimerNotifyRT, interval (20 ms truncated) / 2 = 10 ms): the same stream counts every 10 ms, so at 100 ms the count is 10 while 9.6 packets have played', () => {
    const { h, events } = timed('sysvad', 2, 500);
    h.stream.setState('RUN');
    h.runUntil(100 * MS);
    assert.deepEqual(events.map(([timeNs]) => timeNs), [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((ms) => ms * MS));
    assert.deepEqual(events.map(([, count]) => count), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(h.stream.getPacketCount().packetCount, 10);
    assert.equal(h.stream.getLinearPositionInBytes(), 4800 * 4);
  });

  test('sysvad (SetState: no ExSetTimer when m_ulNotificationIntervalMs is 0): a 1.5 ms buffer gives no event and no count', () => {
    const { h, events } = timed('sysvad', 2, 36);
    assert.equal(h.stream.notificationIntervalMs, 0);
    h.stream.setState('RUN');
    h.runUntil(100 * MS);
    assert.deepEqual(events, []);
    assert.equal(h.stream.getPacketCount().packetCount, 0);
    assert.equal(h.stream.neverEndedReason, 'no-timer');
  });

  const pauses: Array<[Profile, string, Array<[number, number]>]> = [
    ['doc', 'doc: paused at 15.5 ms and resumed at 100 ms, the DMA keeps its phase: events at 10, 104.5 and 114.5 ms',
      [[10 * MS, 1], [104.5 * MS, 2], [114.5 * MS, 3]]],
    ['sysvad', 'sysvad (SetState PAUSE: m_hnsDPCTimeCarryForward; TimerNotifyRT on 1 ms ticks): the same pause gives events at 10, 105 and 115 ms',
      [[10 * MS, 1], [105 * MS, 2], [115 * MS, 3]]],
  ];
  for (const [profile, name, expected] of pauses) {
    test(name, () => {
      const { h, events } = timed(profile, 2, 480);
      h.stream.setState('RUN');
      h.runUntil(15.5 * MS);
      h.stream.setState('PAUSE');
      h.runUntil(100 * MS);
      h.stream.setState('RUN');
      h.runUntil(120 * MS);
      assert.deepEqual(events, expected);
    });
  }
});

describe('profile choice packetClock across STOP', () => {
  const restarts: Array<[Profile, string, number]> = [
    ['doc', 'doc: paused at 15.5 ms, stopped and restarted at 100 ms, the first event comes a packet after the restart (110 ms)', 110 * MS],
    ['sysvad', 'sysvad (m_hnsDPCTimeCarryForward is set only in Init, not reset by SetState STOP): the restart keeps the 5.5 ms carried at PAUSE, so the first event comes at 105 ms', 105 * MS],
  ];
  for (const [profile, name, firstEventNs] of restarts) {
    test(name, () => {
      const { h, events } = timed(profile, 2, 480);
      h.stream.setState('RUN');
      h.runUntil(15.5 * MS);
      h.stream.stepTo('STOP');
      assert.equal(h.stream.getPacketCount().packetCount, 0);
      h.runUntil(100 * MS);
      h.stream.stepTo('RUN');
      h.runUntil(111 * MS);
      assert.deepEqual(events.slice(1), [[firstEventNs, 1]]);
    });
  }
});

/** Packet 0 pre-rolled, RUN, then at 5 ms packet 1 with EOS and `eosLength` bytes. */
function endAfterOnePacket(profile: Profile, eosLength: number, options: StreamOptions = {}) {
  const run = timed(profile, 2, 480, options);
  run.h.write(0, 0xa0);
  run.h.stream.setState('RUN');
  run.h.runUntil(5 * MS);
  assert.equal(run.h.write(1, 0xa1, EOS, eosLength), STATUS_SUCCESS);
  return run;
}

describe('profile choice countAfterEos', () => {
  test('doc: the count runs on to the EOS point (15 ms) and then stays at 1', () => {
    const { h, events, ended } = endAfterOnePacket('doc', 960);
    h.runUntil(12 * MS);
    assert.equal(h.stream.getPacketCount().packetCount, 1);
    h.runUntil(100 * MS);
    assert.deepEqual(events, [[10 * MS, 1], [15 * MS, 1]]);
    assert.deepEqual(ended, [15 * MS]);
    assert.equal(h.stream.getPacketCount().packetCount, 1);
  });

  test('sysvad (TimerNotifyRT: if (!m_bEoSReceived) m_llPacketCounter++): the count stops at 0 when the EOS arrives; events still come', () => {
    const { h, events, ended } = endAfterOnePacket('sysvad', 960);
    h.runUntil(12 * MS);
    assert.equal(h.stream.getPacketCount().packetCount, 0);
    h.runUntil(100 * MS);
    assert.deepEqual(events, [[10 * MS, 0], [15 * MS, 0]]);
    assert.deepEqual(ended, [15 * MS]);
  });
});

describe('profile choices presentationAfterEos and hwLatency', () => {
  const latency = { hwLatency: { fifoSizeInBytes: 64, chipsetDelayIn100ns: 10_000, codecDelayIn100ns: 0 } };

  test('doc: GetHWLatency reports the FIFO and delays (16 + 48 frames); the presentation position reaches the EOS point (720) once they drained, and stays', () => {
    const { h } = endAfterOnePacket('doc', 960, latency);
    assert.deepEqual(h.stream.getHWLatency(), { fifoSizeInBytes: 64, chipsetDelayIn100ns: 10_000, codecDelayIn100ns: 0 });
    h.runUntil(15 * MS);
    assert.equal(h.stream.isFinished, true);
    assert.equal(h.stream.getPresentationPosition().positionInBlocks, 720 - 64);
    h.runUntil(15 * MS + h.nsAtFrame(63));
    assert.equal(h.stream.getPresentationPosition().positionInBlocks, 719);
    h.runUntil(15 * MS + h.nsAtFrame(64));
    assert.equal(h.stream.getPresentationPosition().positionInBlocks, 720);
    h.runUntil(500 * MS);
    assert.deepEqual(h.stream.getPresentationPosition(), { status: STATUS_SUCCESS, positionInBlocks: 720, timeNs: 500 * MS });
  });

  test('sysvad (GetHWLatency: all 0; UpdatePosition: "Increment presentation position even after last buffer is rendered"): zero latency, and the position grows with the running time', () => {
    const { h } = endAfterOnePacket('sysvad', 960, latency);
    assert.deepEqual(h.stream.getHWLatency(), { fifoSizeInBytes: 0, chipsetDelayIn100ns: 0, codecDelayIn100ns: 0 });
    h.runUntil(500 * MS);
    assert.equal(h.stream.isFinished, true);
    assert.equal(h.stream.getPresentationPosition().positionInBlocks, 500 * 48);
    assert.equal(h.output.bytes().length, 720 * 4 + 64, 'the modelled FIFO still reads past the EOS point');
  });
});

describe('profile choice eosOffset (N = 1)', () => {
  /** N = 1: packet 0 pre-rolled; at 2 ms (96 frames into the only slot) packet 1 with EOS, 240 frames long. */
  function n1(profile: Profile) {
    const run = timed(profile, 1, 480);
    run.h.write(0, 0xa0);
    run.h.stream.setState('RUN');
    run.h.runUntil(2 * MS);
    assert.equal(run.h.write(1, 0xa1, EOS, 960), STATUS_SUCCESS);
    run.h.runUntil(100 * MS);
    return run;
  }

  test('doc: the EOS point is 240 frames into packet 1: the stream ends at frame 720 (15 ms)', () => {
    const { h, ended } = n1('doc');
    assert.deepEqual(ended, [15 * MS]);
    const out = h.output.bytes();
    assert.equal(out.length, 720 * 4);
    assert.deepEqual([out[95 * 4], out[96 * 4], out[719 * 4]], [0xa0, 0xa1, 0xa1]);
  });

  test('sysvad (SetWritePacket: ulCurrentWritePosition = 0 + EosPacketLength; UpdatePosition compares modulo the buffer): the DMA, at 96 frames, stops at offset 240 of this pass (5 ms)', () => {
    const { h, ended } = n1('sysvad');
    assert.deepEqual(ended, [5 * MS]);
    assert.deepEqual(describePackets(h.output.bytes(), 96 * 4), ['a0', 'a1', 'a1:192']);
  });
});

describe('profile choice eosOffset (N = 2, a full-length EOS written at the event)', () => {
  /** Packets 0 and 1 written; at the 10 ms event packet 2 (slot 0) with a full-length EOS: its end offset is slot 1's start. */
  function atEvent(profile: Profile, writeAtNs: number) {
    const run = timed(profile, 2, 480);
    run.h.write(0, 0xa0);
    run.h.stream.setState('RUN');
    run.h.runUntil(5 * MS);
    run.h.write(1, 0xa1);
    run.h.runUntil(writeAtNs);
    assert.equal(run.h.write(2, 0xa2, EOS, 1920), STATUS_SUCCESS);
    run.h.runUntil(100 * MS);
    return run;
  }

  test('doc: the stream ends at the end of packet 2 (30 ms)', () => {
    const { h, ended } = atEvent('doc', 10 * MS);
    assert.deepEqual(ended, [30 * MS]);
    assert.deepEqual(describePackets(h.output.bytes(), h.packetSize), ['a0', 'a1', 'a2']);
  });

  test('sysvad (UpdatePosition: m_ullWritePosition <= m_ulCurrentWritePosition gives a displacement of 0): the DMA is at that offset, so it ends at once, packets 1 and 2 unplayed', () => {
    const { h, ended } = atEvent('sysvad', 10 * MS);
    assert.deepEqual(ended, [11 * MS], 'the next 1 ms DPC');
    assert.deepEqual(describePackets(h.output.bytes(), h.packetSize), ['a0']);
  });

  test('sysvad: written 0.5 ms after the event, the position the driver compares has not moved (whole ms since RUN): it ends where the DMA is', () => {
    const { h, ended } = atEvent('sysvad', 10.5 * MS);
    assert.deepEqual(ended, [11 * MS]);
    assert.equal(h.output.bytes().length, (480 + 24) * 4);
  });
});

describe('profile choice eosAtBufferEnd', () => {
  test('doc: a full-length EOS on the last slot ends the stream at the end of the buffer (960 frames, 20 ms)', () => {
    const { h, ended } = endAfterOnePacket('doc', 1920);
    h.runUntil(200 * MS);
    assert.deepEqual(ended, [20 * MS]);
    assert.equal(h.output.bytes().length, 960 * 4);
    assert.equal(h.stream.neverEndedReason, null);
  });

  test('sysvad (UpdatePosition: position % m_ulDmaBufferSize never equals the buffer size): it never ends; the DMA loops the buffer and events go on', () => {
    const { h, events, ended } = endAfterOnePacket('sysvad', 1920);
    h.runUntil(200 * MS);
    assert.deepEqual(ended, []);
    assert.equal(h.stream.isFinished, false);
    assert.equal(h.stream.neverEndedReason, 'eos-at-buffer-end');
    assert.equal(events.length, 20);
    assert.ok(events.every(([, count]) => count === 0));
    assert.deepEqual(describePackets(h.output.bytes(), h.packetSize), Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'a0' : 'a1')));
  });
});
