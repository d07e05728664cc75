import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STATUS_DATA_LATE_ERROR, STATUS_SUCCESS, type StreamObserver } from '../src/engine/index.js';
import { RunRecorder } from '../src/report/index.js';
import { makeStream, describePackets } from './support/model.js';

const MS = 1_000_000;

describe('the DMA: nominal rate, transfer-time reads, underflow', () => {
  test('when nothing is written after pre-roll then the packet count and notifications still advance at the nominal rate', () => {
    const h = makeStream(2);
    const notified: Array<[number, number]> = [];
    h.stream.registerNotificationEvent((count, timeNs) => notified.push([count, timeNs]));
    h.write(0, 0xa0);
    h.stream.setState('RUN');
    h.runUntil(100 * MS);
    assert.equal(h.stream.getPacketCount().packetCount, 10);
    assert.deepEqual(notified.map(([count]) => count), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(notified.map(([, t]) => t), [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((ms) => ms * MS));
  });

  test('when packets underflow with the repeat policy then the DMA plays the stale slot contents (the circular stutter)', () => {
    const h = makeStream(2, { underflowPolicy: 'repeat' });
    h.write(0, 0xa0);
    h.write(1, 0xa1);
    h.stream.setState('RUN');
    h.runUntil(60 * MS);
    assert.deepEqual(describePackets(h.output.bytes(), h.packetSize), ['a0', 'a1', 'a0', 'a1', 'a0', 'a1']);
  });

  test('when packets underflow with the silence policy then the DMA plays silence until data comes again', () => {
    const h = makeStream(2, { underflowPolicy: 'silence' });
    h.write(0, 0xa0);
    h.write(1, 0xa1);
    h.stream.setState('RUN');
    h.runUntil(35 * MS);
    assert.equal(h.write(4, 0xb4), STATUS_SUCCESS);
    h.runUntil(50 * MS);
    assert.deepEqual(describePackets(h.output.bytes(), h.packetSize), ['a0', 'a1', '0', '0', 'b4']);
  });

  test('when the 8-bit unsigned stream underflows with silence then the silence is 0x80', () => {
    const h = makeStream(2, { underflowPolicy: 'silence' }, { encoding: 'pcm', channels: 1, sampleRate: 48000, bitsPerSample: 8, blockAlign: 1 });
    h.write(0, 0x10);
    h.stream.setState('RUN');
    h.runUntil(20 * MS);
    assert.deepEqual(describePackets(h.output.bytes(), h.packetSize), ['10', '80']);
  });

  test('when a late write lands in the slot being transferred then what is heard changes from that moment, not before', () => {
    const h = makeStream(2);
    h.write(0, 0xa0);
    h.write(1, 0xa1);
    h.stream.setState('RUN');
    h.runUntil(2.5 * MS);
    assert.equal(h.write(0, 0xbb), STATUS_DATA_LATE_ERROR);
    h.runUntil(10 * MS);
    const out = h.output.bytes();
    const split = 120 * 4;
    assert.ok(out.subarray(0, split).every((b) => b === 0xa0));
    assert.ok(out.subarray(split, h.packetSize).every((b) => b === 0xbb));
  });

  test('when underflows come in two separate runs then they count as two underrun events with their packets and frames', () => {
    const h = makeStream(2);
    const recorder = new RunRecorder(48000, 4);
    h.stream.addObserver(recorder);
    h.write(0, 1);
    h.write(1, 1);
    h.stream.setState('RUN');
    h.runUntil(5 * MS);
    h.runUntil(25 * MS); // packets 2 is transferring unwritten
    assert.equal(h.write(3, 3), STATUS_SUCCESS);
    h.runUntil(35 * MS);
    assert.equal(h.write(4, 4), STATUS_SUCCESS);
    h.runUntil(59 * MS); // 5 unwritten; 6 would begin at 60 ms
    assert.equal(recorder.underrunEvents, 2);
    assert.equal(recorder.underrunFrames, 2 * 480);
    assert.deepEqual(recorder.underruns.map((u) => [u.firstPacketNumber, u.packets, u.timeNs]), [[2, 1, 20 * MS], [5, 1, 50 * MS]]);
  });

  test('when consecutive packets underflow then they form one event', () => {
    const h = makeStream(2);
    const recorder = new RunRecorder(48000, 4);
    h.stream.addObserver(recorder);
    h.write(0, 1);
    h.stream.setState('RUN');
    h.runUntil(39 * MS); // packets 1, 2, 3 begin unwritten at 10, 20, 30 ms
    assert.equal(recorder.underrunEvents, 1);
    assert.equal(recorder.underrunPackets, 3);
    assert.equal(recorder.underrunFrames, 3 * 480);
  });

  test('when the rate does not divide a nanosecond grid (44.1 kHz) then packet boundaries stay exact over an hour', () => {
    const format = { encoding: 'pcm' as const, channels: 2, sampleRate: 44100, bitsPerSample: 16, blockAlign: 4 };
    const h = makeStream(2, {}, format, 441);
    const times: number[] = [];
    const observer: StreamObserver = { notification: (_c, t) => { times.push(t); } };
    h.stream.addObserver(observer);
    h.stream.attachOutput(null);
    h.stream.setState('RUN');
    h.runUntil(3600 * 1000 * MS);
    assert.equal(h.stream.getPacketCount().packetCount, 360_000);
    assert.equal(times.at(-1), 3600 * 1000 * MS);
    assert.equal(h.stream.getLinearPositionInBytes(), 44100 * 3600 * 4);
  });
});

describe('positions and hardware registers', () => {
  test('when the stream has run 12.5 ms then the position is sample accurate and the presentation position subtracts the hardware latency', () => {
    const h = makeStream(2, { hwLatency: { fifoSizeInBytes: 64, chipsetDelayIn100ns: 10_000, codecDelayIn100ns: 0 } });
    h.write(0, 1);
    h.write(1, 1);
    h.stream.setState('RUN');
    h.runUntil(12.5 * MS);
    assert.equal(h.stream.getLinearPositionInBytes(), 600 * 4);
    assert.equal(h.stream.getPosition().playOffsetInBytes, 600 * 4);
    assert.equal(h.stream.getPositionRegister().read(), 600 * 4);
    assert.deepEqual(h.stream.getHWLatency(), { fifoSizeInBytes: 64, chipsetDelayIn100ns: 10_000, codecDelayIn100ns: 0 });
    // 64 bytes = 16 frames of FIFO, 1 ms of chipset delay = 48 frames
    assert.deepEqual(h.stream.getPresentationPosition(), { status: 0, positionInBlocks: 600 - 16 - 48, timeNs: 12.5 * MS });
    assert.equal(h.stream.getClockRegister().read(), 600);
  });
});
