import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM as EOS, STATUS_DATA_LATE_ERROR, STATUS_DATA_OVERRUN, STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED, STATUS_SUCCESS, STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_DEVICE_REQUEST,
  WaveRTMiniport, handleSetWritePacketProperty, encodeSetWritePacketInfo, KSPROPERTY_RTAUDIO_SETWRITEPACKET,
  KSPROPERTY_TYPE_GET, KSPROPERTY_TYPE_SET, statusName,
} from '../src/engine/index.js';
import { Scheduler } from '../src/clock/index.js';
import { makeStream, stereo16, describePackets } from './support/model.js';

const MS = 1_000_000;

describe('SetWritePacket: status codes and their NTSTATUS values', () => {
  test('the status constants keep their ntstatus.h values', () => {
    assert.equal(STATUS_SUCCESS, 0);
    assert.equal(STATUS_DATA_OVERRUN, 0xc000003c);
    assert.equal(STATUS_DATA_LATE_ERROR, 0xc000003d);
    assert.equal(STATUS_INVALID_PARAMETER, 0xc000000d);
    assert.equal(STATUS_INVALID_DEVICE_STATE, 0xc0000184);
    assert.equal(STATUS_NOT_SUPPORTED, 0xc00000bb);
    assert.equal(statusName(STATUS_DATA_LATE_ERROR), 'STATUS_DATA_LATE_ERROR');
  });
});

describe('SetWritePacket before RUN (pre-roll)', () => {
  test('when packets c … c+N-1 are written before RUN (doc) then STATUS_SUCCESS, and c+N is STATUS_DATA_OVERRUN', () => {
    const h = makeStream(2);
    assert.equal(h.write(0, 0xa0), STATUS_SUCCESS);
    assert.equal(h.write(1, 0xa1), STATUS_SUCCESS);
    assert.equal(h.write(2, 0xa2), STATUS_DATA_OVERRUN);
  });

  test('when packet c-1 (0xFFFFFFFF) is written before RUN then STATUS_DATA_LATE_ERROR (modulo 2^32)', () => {
    const h = makeStream(2);
    assert.equal(h.write(0xffffffff, 0xa0), STATUS_DATA_LATE_ERROR);
  });

  test('when N = 4 (model extension) then pre-roll accepts packets 0 … 3 and refuses 4', () => {
    const h = makeStream(4);
    for (let p = 0; p < 4; p++) assert.equal(h.write(p, p), STATUS_SUCCESS);
    assert.equal(h.write(4, 4), STATUS_DATA_OVERRUN);
  });

  test('when the sysvad profile pre-rolls then only packet c is storable', () => {
    const h = makeStream(2, { profile: 'sysvad' });
    assert.equal(h.write(0, 0xa0), STATUS_SUCCESS);
    assert.equal(h.write(1, 0xa1), STATUS_DATA_OVERRUN);
  });

  test('when N = 1 pre-rolls then packet 0 is storable and packet 1 is STATUS_DATA_OVERRUN', () => {
    const h = makeStream(1);
    assert.equal(h.write(0, 0xa0), STATUS_SUCCESS);
    assert.equal(h.write(1, 0xa1), STATUS_DATA_OVERRUN);
  });
});

describe('SetWritePacket during RUN', () => {
  test('when packet c is written during RUN then STATUS_DATA_LATE_ERROR; c+1 is STATUS_SUCCESS; c+2 is STATUS_DATA_OVERRUN (N = 2)', () => {
    const h = makeStream(2);
    h.write(0, 0xa0);
    h.stream.setState('RUN');
    h.runUntil(5 * MS);
    assert.equal(h.stream.getPacketCount().packetCount, 0);
    assert.equal(h.write(0, 0xb0), STATUS_DATA_LATE_ERROR);
    assert.equal(h.write(1, 0xb1), STATUS_SUCCESS);
    assert.equal(h.write(2, 0xb2), STATUS_DATA_OVERRUN);
  });

  test('when N = 3 during RUN then c+1 and c+2 are storable, c is late and c+3 overruns', () => {
    const h = makeStream(3);
    h.write(0, 1);
    h.stream.setState('RUN');
    h.runUntil(15 * MS);
    assert.equal(h.stream.getPacketCount().packetCount, 1);
    assert.equal(h.write(1, 0), STATUS_DATA_LATE_ERROR);
    assert.equal(h.write(0, 0), STATUS_DATA_LATE_ERROR);
    assert.equal(h.write(2, 2), STATUS_SUCCESS);
    assert.equal(h.write(3, 3), STATUS_SUCCESS);
    assert.equal(h.write(4, 4), STATUS_DATA_OVERRUN);
  });

  test('when the packet number is c + 2^31 then it is STATUS_DATA_LATE_ERROR, and c + 2^31 - 1 is STATUS_DATA_OVERRUN (signed 32-bit difference)', () => {
    const h = makeStream(2);
    h.stream.setState('RUN');
    assert.equal(h.stream.setWritePacket(0x80000000, 0, 0), STATUS_DATA_LATE_ERROR);
    assert.equal(h.stream.setWritePacket(0x7fffffff, 0, 0), STATUS_DATA_OVERRUN);
  });

  test('when a storable packet is written twice then the second write replaces its data and is not late', () => {
    const h = makeStream(2);
    h.write(0, 0xa0);
    assert.equal(h.write(1, 0x11), STATUS_SUCCESS);
    assert.equal(h.write(1, 0x22), STATUS_SUCCESS);
    h.stream.setState('RUN');
    h.runUntil(20 * MS);
    assert.deepEqual(describePackets(h.output.bytes(), h.packetSize), ['a0', '22']);
  });

  test('when N = 1 and packet c+1 is written mid-transfer then it is accepted and overwrites the rest of the slot from that moment', () => {
    const h = makeStream(1);
    h.write(0, 0xa0);
    h.stream.setState('RUN');
    h.runUntil(5 * MS);
    assert.equal(h.write(1, 0xb1), STATUS_SUCCESS);
    h.runUntil(10 * MS);
    const out = h.output.bytes();
    assert.equal(out.length, h.packetSize);
    const half = h.packetSize / 2;
    assert.ok(out.subarray(0, half).every((b) => b === 0xa0), 'first half is the old packet');
    assert.ok(out.subarray(half).every((b) => b === 0xb1), 'second half is the new packet');
  });
});

describe('SetWritePacket: checks in order; a rejected call changes nothing', () => {
  test('when the stream has no notification buffer then STATUS_NOT_SUPPORTED, whatever the other arguments', () => {
    const scheduler = new Scheduler();
    const miniport = new WaveRTMiniport(scheduler);
    miniport.init();
    const stream = miniport.newStream(stereo16).stream!;
    assert.equal(stream.allocateAudioBuffer(4000).status, STATUS_SUCCESS);
    assert.equal(stream.setWritePacket(0, 0, 0), STATUS_NOT_SUPPORTED);
    assert.equal(stream.setWritePacket(7, 0x1, 3), STATUS_NOT_SUPPORTED);
  });

  test('when an unknown flag is set (doc) then STATUS_INVALID_PARAMETER before the packet number is looked at', () => {
    const h = makeStream(2);
    assert.equal(h.write(0, 0, 0x1), STATUS_INVALID_PARAMETER);
    assert.equal(h.write(99, 0, 0x1 | EOS, 0), STATUS_INVALID_PARAMETER);
  });

  test('when an unknown flag is set (sysvad) then it is ignored', () => {
    const h = makeStream(2, { profile: 'sysvad' });
    assert.equal(h.write(0, 0, 0x1), STATUS_SUCCESS);
  });

  test('when EOS was already received then STATUS_INVALID_DEVICE_STATE, even for an otherwise late packet', () => {
    const h = makeStream(2);
    assert.equal(h.write(0, 0, EOS, 16), STATUS_SUCCESS);
    assert.equal(h.write(1, 0), STATUS_INVALID_DEVICE_STATE);
    assert.equal(h.write(0xffffffff, 0), STATUS_INVALID_DEVICE_STATE);
  });

  test('when the EOS length is larger than a packet or not a multiple of block align then STATUS_INVALID_PARAMETER and no EOS is recorded', () => {
    const h = makeStream(2);
    assert.equal(h.write(0, 0, EOS, h.packetSize + 4), STATUS_INVALID_PARAMETER);
    assert.equal(h.write(0, 0, EOS, 6), STATUS_INVALID_PARAMETER);
    assert.equal(h.write(0, 0, EOS, 0), STATUS_SUCCESS, 'length 0 is valid');
  });

  test('when a late write is rejected then the packet still counts as unwritten (underflow follows)', () => {
    const h = makeStream(2, { underflowPolicy: 'silence' });
    h.write(0, 0xa0);
    h.stream.setState('RUN');
    h.runUntil(12 * MS);
    assert.equal(h.write(1, 0xb1), STATUS_DATA_LATE_ERROR);
    h.runUntil(20 * MS);
    assert.deepEqual(describePackets(h.output.bytes(), h.packetSize), ['a0', '0'], 'silence policy: the whole unwritten packet is silent');
  });
});

describe('KSPROPERTY_RTAUDIO_SETWRITEPACKET (the KS property form)', () => {
  const request = (value: Uint8Array, flags = KSPROPERTY_TYPE_SET, target: 'pin' | 'filter' = 'pin') =>
    ({ id: KSPROPERTY_RTAUDIO_SETWRITEPACKET, flags, target, value });

  test('when the property is Set on a pin then it ends in the same rules and status as the method', () => {
    const h = makeStream(2);
    assert.equal(handleSetWritePacketProperty(h.stream, request(encodeSetWritePacketInfo(0, 0, 0))), STATUS_SUCCESS);
    assert.equal(handleSetWritePacketProperty(h.stream, request(encodeSetWritePacketInfo(2, 0, 0))), STATUS_DATA_OVERRUN);
    assert.equal(handleSetWritePacketProperty(h.stream, request(encodeSetWritePacketInfo(1, EOS, 6))), STATUS_INVALID_PARAMETER);
    assert.equal(handleSetWritePacketProperty(h.stream, request(encodeSetWritePacketInfo(1, EOS, 8))), STATUS_SUCCESS);
    assert.equal(handleSetWritePacketProperty(h.stream, request(encodeSetWritePacketInfo(1, 0, 0))), STATUS_INVALID_DEVICE_STATE);
  });

  test('when the property is read (Get), sent to a filter, or its value is short then it is refused', () => {
    const h = makeStream(2);
    assert.equal(handleSetWritePacketProperty(h.stream, request(encodeSetWritePacketInfo(0, 0, 0), KSPROPERTY_TYPE_GET)), STATUS_INVALID_DEVICE_REQUEST);
    assert.equal(handleSetWritePacketProperty(h.stream, request(encodeSetWritePacketInfo(0, 0, 0), KSPROPERTY_TYPE_SET, 'filter')), STATUS_INVALID_DEVICE_REQUEST);
    assert.equal(handleSetWritePacketProperty(h.stream, request(new Uint8Array(8))), STATUS_BUFFER_TOO_SMALL);
  });
});
