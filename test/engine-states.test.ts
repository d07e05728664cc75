import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, STATUS_UNSUCCESSFUL, STATUS_NOT_SUPPORTED,
  WaveRTMiniport, KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM as EOS,
} from '../src/engine/index.js';
import { Scheduler } from '../src/clock/index.js';
import { makeStream, stereo16, describePackets } from './support/model.js';

const MS = 1_000_000;

function freshStream() {
  const scheduler = new Scheduler();
  const miniport = new WaveRTMiniport(scheduler);
  assert.equal(miniport.newStream(stereo16).status, STATUS_INVALID_DEVICE_STATE, 'NewStream before Init is refused');
  miniport.init();
  assert.equal(miniport.getDeviceDescription().master, true);
  return miniport.newStream(stereo16).stream!;
}

describe('states: STOP ⇄ ACQUIRE ⇄ PAUSE ⇄ RUN', () => {
  test('when a state is skipped then STATUS_INVALID_DEVICE_STATE; neighbouring steps succeed', () => {
    const h = makeStream(2);
    h.stream.stepTo('STOP');
    assert.equal(h.stream.setState('RUN'), STATUS_INVALID_DEVICE_STATE);
    assert.equal(h.stream.setState('PAUSE'), STATUS_INVALID_DEVICE_STATE);
    assert.equal(h.stream.setState('ACQUIRE'), STATUS_SUCCESS);
    assert.equal(h.stream.setState('PAUSE'), STATUS_SUCCESS);
    assert.equal(h.stream.setState('RUN'), STATUS_SUCCESS);
    assert.equal(h.stream.setState('ACQUIRE'), STATUS_INVALID_DEVICE_STATE);
  });

  test('when RUN is paused then positions freeze, the phase inside the packet is kept, and paused time does not count', () => {
    const h = makeStream(2);
    h.write(0, 0xa0);
    h.write(1, 0xa1);
    h.stream.setState('RUN');
    h.runUntil(5 * MS);
    h.stream.setState('PAUSE');
    const frozen = h.stream.getLinearPositionInBytes();
    h.runUntil(25 * MS);
    assert.equal(h.stream.getLinearPositionInBytes(), frozen);
    assert.equal(h.stream.getPacketCount().packetCount, 0);
    h.stream.setState('RUN');
    h.runUntil(29.9 * MS);
    assert.equal(h.stream.getPacketCount().packetCount, 0);
    h.runUntil(30 * MS);
    assert.equal(h.stream.getPacketCount().packetCount, 1, 'the packet ends 5 ms of running after the resume');
    assert.deepEqual(describePackets(h.output.bytes(), h.packetSize), ['a0']);
  });

  test('when the stream goes to STOP then packet count, positions, write bookkeeping and EOS are cleared', () => {
    const h = makeStream(2);
    h.write(0, 0xa0);
    h.write(1, 0xa1, EOS, 8);
    h.stream.setState('RUN');
    h.runUntil(15 * MS);
    assert.equal(h.stream.stepTo('STOP'), STATUS_SUCCESS);
    assert.equal(h.stream.getPacketCount().packetCount, 0);
    assert.deepEqual(h.stream.getPosition(), { status: 0, playOffsetInBytes: 0, writeOffsetInBytes: 0 });
    assert.equal(h.stream.isFinished, false);
    h.stream.stepTo('PAUSE');
    assert.equal(h.write(1, 0xb1), STATUS_SUCCESS, 'EOS cleared');
  });

  test('when STOP clears the bookkeeping then a packet written before STOP counts as unwritten after restart', () => {
    const h = makeStream(2, { underflowPolicy: 'silence' });
    h.write(0, 0xa0);
    h.write(1, 0xa1);
    h.stream.stepTo('STOP');
    h.stream.stepTo('RUN');
    h.runUntil(10 * MS);
    assert.deepEqual(describePackets(h.output.bytes(), h.packetSize), ['0']);
  });

  test('when SetFormat is called outside STOP then STATUS_INVALID_DEVICE_STATE; in STOP it succeeds', () => {
    const h = makeStream(2);
    const mono = { encoding: 'pcm' as const, channels: 1, sampleRate: 48000, bitsPerSample: 16, blockAlign: 2 };
    assert.equal(h.stream.setFormat(mono), STATUS_INVALID_DEVICE_STATE);
    h.stream.stepTo('STOP');
    assert.equal(h.stream.setFormat(mono), STATUS_SUCCESS);
    assert.equal(h.stream.getFormat().blockAlign, 2);
    assert.equal(h.stream.packetFrameCount, 960);
  });
});

describe('buffer allocation', () => {
  test('when the requested size is not a multiple of N × block align then it is rounded down and both sizes are reported', () => {
    const stream = freshStream();
    const result = stream.allocateBufferWithNotification(3850, 2);
    assert.equal(result.status, STATUS_SUCCESS);
    assert.equal(result.requestedSizeInBytes, 3850);
    assert.equal(result.actualSizeInBytes, 3848);
    assert.equal(result.packetSizeInBytes, 1924);
    assert.equal(result.packetSizeInBytes % 4, 0, 'whole frames per packet');
  });

  test('when the size would split a frame across packets (3 packets of 4-byte frames) then it rounds to 12-byte steps', () => {
    const result = freshStream().allocateBufferWithNotification(100, 3);
    assert.equal(result.actualSizeInBytes, 96);
    assert.equal(result.packetSizeInBytes, 32);
    assert.equal(result.extension, true, 'N > 2 is reported as a model extension');
  });

  test('when the requested size is 0 or smaller than N frames then the allocation fails with STATUS_UNSUCCESSFUL', () => {
    assert.equal(freshStream().allocateBufferWithNotification(0, 2).status, STATUS_UNSUCCESSFUL);
    assert.equal(freshStream().allocateBufferWithNotification(7, 2).status, STATUS_UNSUCCESSFUL);
    assert.equal(freshStream().allocateBufferWithNotification(8, 2).status, STATUS_SUCCESS);
  });

  test('when the notification count is 0 or above 8 then STATUS_INVALID_PARAMETER', () => {
    assert.equal(freshStream().allocateBufferWithNotification(4000, 0).status, STATUS_INVALID_PARAMETER);
    assert.equal(freshStream().allocateBufferWithNotification(4000, 9).status, STATUS_INVALID_PARAMETER);
    assert.equal(freshStream().allocateBufferWithNotification(4000, 8).status, STATUS_SUCCESS);
  });

  test('when the buffer comes from AllocateAudioBuffer then packet calls are not supported, and FreeAudioBuffer releases it', () => {
    const stream = freshStream();
    const result = stream.allocateAudioBuffer(4001);
    assert.equal(result.actualSizeInBytes, 4000);
    assert.equal(stream.setWritePacket(0, 0, 0), STATUS_NOT_SUPPORTED);
    stream.freeAudioBuffer();
    assert.equal(stream.bufferSizeInBytes, 0);
  });
});

describe('a stream without notifications (AllocateAudioBuffer)', () => {
  test('when it runs then the DMA loops over the buffer with no notification and no underflow', () => {
    const scheduler = new Scheduler();
    const miniport = new WaveRTMiniport(scheduler);
    miniport.init();
    const stream = miniport.newStream(stereo16).stream!;
    stream.allocateAudioBuffer(1920);
    let notifications = 0;
    let underflows = 0;
    stream.registerNotificationEvent(() => notifications++);
    stream.addObserver({ underflow: () => { underflows++; } });
    let outputBytes = 0;
    stream.attachOutput({ writeFrom: (_s, _o, length) => { outputBytes += length; } });
    stream.stepTo('RUN');
    scheduler.advanceVirtual(25 * MS);
    assert.equal(notifications, 0);
    assert.equal(underflows, 0);
    assert.equal(stream.getLinearPositionInBytes(), 1200 * 4);
    assert.equal(stream.getPosition().playOffsetInBytes, (1200 * 4) % 1920);
    assert.equal(outputBytes, 1200 * 4);
  });
});
