// Buffer allocation, SetFormat and the non-packet stream under both built-in profiles. sysvad expectations
// come from minwavertstream.cpp: AllocateBufferWithNotification, AllocateAudioBuffer, SetFormat,
// SetWritePacket, GetPacketCount and GetOutputStreamPresentationPosition.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler, VirtualClock } from '../src/clock/index.js';
import {
  STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED, STATUS_SUCCESS, STATUS_UNSUCCESSFUL,
  WaveRTMiniport, type AudioFormat, type Profile, type WaveRTStream,
} from '../src/engine/index.js';
import { stereo16 } from './support/model.js';

const stereo32: AudioFormat = { encoding: 'pcm', channels: 2, sampleRate: 48000, bitsPerSample: 32, blockAlign: 8 };
const mono16: AudioFormat = { encoding: 'pcm', channels: 1, sampleRate: 48000, bitsPerSample: 16, blockAlign: 2 };

function newStream(profile: Profile, format: AudioFormat = stereo16): WaveRTStream {
  const miniport = new WaveRTMiniport(new Scheduler(new VirtualClock()));
  miniport.init();
  return miniport.newStream(format, { profile }).stream!;
}

describe('profile choices allocationRounding and allocationDivisibility', () => {
  test('doc: 1001 bytes for N = 2 of 4-byte frames rounds down to 1000 (packets of 125 frames)', () => {
    const result = newStream('doc').allocateBufferWithNotification(1001, 2);
    assert.deepEqual([result.status, result.actualSizeInBytes, result.packetSizeInBytes, result.packetsSplitFrames], [STATUS_SUCCESS, 1000, 500, false]);
  });

  test('doc: 7 bytes for N = 2 (below 2 × 4) is STATUS_UNSUCCESSFUL', () => {
    assert.equal(newStream('doc').allocateBufferWithNotification(7, 2).status, STATUS_UNSUCCESSFUL);
  });

  test('sysvad (AllocateBufferWithNotification: RequestedSize_ % NotificationCount_): 1001 bytes for N = 2 is STATUS_INVALID_PARAMETER', () => {
    assert.equal(newStream('sysvad').allocateBufferWithNotification(1001, 2).status, STATUS_INVALID_PARAMETER);
  });

  test('sysvad (AllocateBufferWithNotification: 0 or below nBlockAlign): 0 and 3 bytes are STATUS_UNSUCCESSFUL, checked before N', () => {
    const stream = newStream('sysvad');
    assert.equal(stream.allocateBufferWithNotification(0, 2).status, STATUS_UNSUCCESSFUL);
    assert.equal(stream.allocateBufferWithNotification(3, 0).status, STATUS_UNSUCCESSFUL);
    assert.equal(stream.allocateBufferWithNotification(4, 0).status, STATUS_INVALID_PARAMETER);
  });

  test('sysvad: 1002 bytes for N = 2 rounds to block align only: 1000 bytes, packets of 500', () => {
    const result = newStream('sysvad').allocateBufferWithNotification(1002, 2);
    assert.deepEqual([result.status, result.actualSizeInBytes, result.packetSizeInBytes, result.packetsSplitFrames], [STATUS_SUCCESS, 1000, 500, false]);
  });

  test('sysvad: 1004 bytes for N = 2 leaves packets of 502 bytes that split a frame; the model allocates it and refuses to leave STOP', () => {
    const stream = newStream('sysvad');
    const result = stream.allocateBufferWithNotification(1004, 2);
    assert.deepEqual([result.status, result.actualSizeInBytes, result.packetSizeInBytes, result.packetsSplitFrames], [STATUS_SUCCESS, 1004, 502, true]);
    assert.equal(stream.setState('ACQUIRE'), STATUS_NOT_SUPPORTED);
    assert.equal(stream.getState(), 'STOP');
  });

  test('sysvad: the notification interval is (size × 1000 / bytes per second) / N in whole ms: 4000 bytes at 192000 B/s, N = 2 → 20 ms / 2 = 10 ms', () => {
    assert.equal(newStream('sysvad').allocateBufferWithNotification(4000, 2).notificationIntervalMs, 10);
    assert.equal(newStream('sysvad').allocateBufferWithNotification(288, 2).notificationIntervalMs, 0);
  });
});

describe('profile choice setFormat', () => {
  test('doc: in STOP, a format whose frames do not divide the 500-byte packets (32-bit stereo) is STATUS_INVALID_PARAMETER and changes nothing', () => {
    const stream = newStream('doc');
    stream.allocateBufferWithNotification(1000, 2);
    assert.equal(stream.setFormat(stereo32), STATUS_INVALID_PARAMETER);
    assert.deepEqual(stream.getFormat(), stereo16);
    assert.equal(stream.packetFrameCount, 125);
  });

  test('doc: in STOP, 16-bit mono divides the packets: STATUS_SUCCESS and 250-frame packets; outside STOP STATUS_INVALID_DEVICE_STATE', () => {
    const stream = newStream('doc');
    stream.allocateBufferWithNotification(1000, 2);
    assert.equal(stream.setFormat(mono16), STATUS_SUCCESS);
    assert.equal(stream.packetFrameCount, 250);
    stream.setState('ACQUIRE');
    assert.equal(stream.setFormat(stereo16), STATUS_INVALID_DEVICE_STATE);
    assert.deepEqual(stream.getFormat(), mono16);
  });

  test('sysvad (SetFormat: return STATUS_NOT_SUPPORTED): refused even in STOP for a format that would fit', () => {
    const stream = newStream('sysvad');
    stream.allocateBufferWithNotification(1000, 2);
    assert.equal(stream.setFormat(mono16), STATUS_NOT_SUPPORTED);
    assert.deepEqual(stream.getFormat(), stereo16);
  });
});

describe('AllocateAudioBuffer: no packet mode, every packet call is STATUS_NOT_SUPPORTED', () => {
  for (const profile of ['doc', 'sysvad'] as const) {
    test(`${profile} (SetWritePacket, GetPacketCount, GetOutputStreamPresentationPosition: m_ulNotificationsPerBuffer == 0): status with the value`, () => {
      const miniport = new WaveRTMiniport(new Scheduler(new VirtualClock()));
      miniport.init();
      const stream = miniport.newStream(stereo16, { profile }).stream!;
      assert.equal(stream.allocateAudioBuffer(3841).actualSizeInBytes, 3840);
      stream.stepTo('RUN');
      assert.equal(stream.setWritePacket(0, 0, 0), STATUS_NOT_SUPPORTED);
      assert.deepEqual(stream.getPacketCount(), { status: STATUS_NOT_SUPPORTED, packetCount: 0 });
      assert.equal(stream.getPresentationPosition().status, STATUS_NOT_SUPPORTED);
      assert.equal(stream.getPosition().status, STATUS_SUCCESS);
    });
  }

  test('the packet count of a non-packet stream stays 0 however many times its buffer wraps', () => {
    const scheduler = new Scheduler(new VirtualClock());
    const miniport = new WaveRTMiniport(scheduler);
    miniport.init();
    const stream = miniport.newStream(stereo16).stream!;
    stream.allocateAudioBuffer(1920);
    stream.stepTo('RUN');
    scheduler.advanceVirtual(95_000_000);
    assert.deepEqual(stream.getPacketCount(), { status: STATUS_NOT_SUPPORTED, packetCount: 0 });
    assert.equal(stream.getLinearPositionInBytes(), 4560 * 4);
  });
});
