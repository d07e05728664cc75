import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM as EOS, STATUS_INVALID_DEVICE_STATE, STATUS_SUCCESS } from '../src/engine/index.js';
import { RunRecorder } from '../src/report/index.js';
import { makeStream, describePackets } from './support/model.js';

const MS = 1_000_000;

function withRecorder(h: ReturnType<typeof makeStream>): { recorder: RunRecorder; notified: number[]; ended: number[] } {
  const recorder = new RunRecorder(48000, h.stream.getFormat().blockAlign);
  h.stream.addObserver(recorder);
  const notified: number[] = [];
  const ended: number[] = [];
  h.stream.registerNotificationEvent((_c, t) => notified.push(t));
  h.stream.onEnd((t) => ended.push(t));
  return { recorder, notified, ended };
}

describe('end of stream', () => {
  test('when EOS has a partial length then the DMA plays exactly that much, signals one last notification, and freezes count and position', () => {
    const h = makeStream(2);
    const { notified, ended } = withRecorder(h);
    h.write(0, 0xa0);
    assert.equal(h.write(1, 0xa1, EOS, 960), STATUS_SUCCESS);
    h.stream.setState('RUN');
    h.runUntil(100 * MS);
    assert.deepEqual(describePackets(h.output.bytes(), h.packetSize), ['a0', 'a1:960']);
    assert.deepEqual(notified, [10 * MS, 15 * MS]);
    assert.deepEqual(ended, [15 * MS]);
    assert.equal(h.stream.getPacketCount().packetCount, 1);
    assert.equal(h.stream.getPosition().playOffsetInBytes, 1920 + 960);
    assert.equal(h.stream.isFinished, true);
  });

  test('when EOS has length 0 then the stream ends where that packet would begin', () => {
    const h = makeStream(2);
    const { notified, ended } = withRecorder(h);
    h.write(0, 0xa0);
    h.write(1, 0xa1, EOS, 0);
    h.stream.setState('RUN');
    h.runUntil(100 * MS);
    assert.equal(h.output.bytes().length, 1920);
    assert.deepEqual(notified, [10 * MS]);
    assert.deepEqual(ended, [10 * MS]);
    assert.equal(h.stream.getPacketCount().packetCount, 1);
  });

  test('when EOS is on the last packet of the buffer at full length then the stream ends (no loop)', () => {
    for (const n of [2, 3]) {
      const h = makeStream(n);
      const { notified, ended } = withRecorder(h);
      for (let p = 0; p < n - 1; p++) h.write(p, 0xa0 + p);
      h.write(n - 1, 0xee, EOS, h.packetSize);
      h.stream.setState('RUN');
      h.runUntil(200 * MS);
      assert.equal(h.output.bytes().length, n * h.packetSize, `N=${n}`);
      assert.deepEqual(ended, [n * 10 * MS]);
      assert.equal(notified.length, n, 'one notification per packet, none after the end');
      assert.equal(h.stream.getPacketCount().packetCount, n);
    }
  });

  test('when EOS is written in pre-roll then RUN plays just that packet up to its length', () => {
    const h = makeStream(2);
    const { ended } = withRecorder(h);
    h.write(0, 0xa0, EOS, 400);
    h.stream.setState('RUN');
    h.runUntil(50 * MS);
    assert.deepEqual(describePackets(h.output.bytes(), h.packetSize), ['a0:400']);
    assert.deepEqual(ended, [Math.ceil((100 * 1e9) / 48000)]);
  });

  test('when a write comes after EOS then STATUS_INVALID_DEVICE_STATE, and STOP clears the EOS', () => {
    const h = makeStream(2);
    h.write(0, 0xa0, EOS, 4);
    assert.equal(h.write(1, 0xa1), STATUS_INVALID_DEVICE_STATE);
    assert.equal(h.stream.stepTo('STOP'), STATUS_SUCCESS);
    h.stream.stepTo('PAUSE');
    assert.equal(h.write(0, 0xa0), STATUS_SUCCESS);
    assert.equal(h.write(1, 0xa1), STATUS_SUCCESS);
  });

  test('when EOS silence fill is on then the FIFO overshoot past the EOS point is silence', () => {
    const h = makeStream(2, { eosSilenceFill: true, hwLatency: { fifoSizeInBytes: 64 } });
    const { recorder } = withRecorder(h);
    h.write(0, 0xa0);
    h.write(1, 0xa1, EOS, 960);
    h.stream.setState('RUN');
    h.runUntil(50 * MS);
    const out = h.output.bytes();
    assert.equal(out.length, 1920 + 960 + 64);
    assert.ok(out.subarray(1920 + 960).every((b) => b === 0));
    assert.equal(recorder.fifoOvershootBytes, 64);
  });

  test('when EOS silence fill is off then the FIFO overshoot plays stale buffer contents (the end-of-stream blip)', () => {
    const h = makeStream(2, { eosSilenceFill: false, hwLatency: { fifoSizeInBytes: 64 } });
    h.write(0, 0xa0);
    h.write(1, 0xa1, EOS, 960);
    h.stream.setState('RUN');
    h.runUntil(50 * MS);
    const out = h.output.bytes();
    assert.equal(out.length, 1920 + 960 + 64);
    assert.ok(out.subarray(1920 + 960).every((b) => b === 0xa1), 'the rest of the EOS slot still held old data');
  });

  test('when an 8-bit unsigned stream ends with fill on then the overshoot is 0x80', () => {
    const format = { encoding: 'pcm' as const, channels: 1, sampleRate: 48000, bitsPerSample: 8, blockAlign: 1 };
    const h = makeStream(2, { eosSilenceFill: true, hwLatency: { fifoSizeInBytes: 32 } }, format);
    h.write(0, 0x10, EOS, 100);
    h.stream.setState('RUN');
    h.runUntil(50 * MS);
    const out = h.output.bytes();
    assert.equal(out.length, 132);
    assert.ok(out.subarray(100).every((b) => b === 0x80));
  });

  test('when the EOS overshoot wraps past the end of the buffer then it reads cyclically', () => {
    const h = makeStream(2, { eosSilenceFill: false, hwLatency: { fifoSizeInBytes: 2000 } });
    h.write(0, 0xa0);
    h.write(1, 0xa1, EOS, 1920);
    h.stream.setState('RUN');
    h.runUntil(50 * MS);
    const overshoot = h.output.bytes().subarray(3840);
    assert.equal(overshoot.length, 2000);
    assert.ok(overshoot.subarray(0, 1920).every((b) => b === 0xa0));
    assert.ok(overshoot.subarray(1920).every((b) => b === 0xa1));
  });
});
