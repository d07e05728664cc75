// SetWritePacket's profile choices, each under both built-ins. The sysvad expectations come from
// Windows-driver-samples audio/sysvad/EndpointsCommon/minwavertstream.cpp, CMiniportWaveRTStream::SetWritePacket.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM as EOS, STATUS_DATA_LATE_ERROR, STATUS_DATA_OVERRUN, STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER, STATUS_SUCCESS,
} from '../src/engine/index.js';
import { describePackets, makeStream } from './support/model.js';

const MS = 1_000_000;

describe('profile choice runWindow (packets storable in RUN)', () => {
  test('doc: with N = 4 in RUN, c+1 … c+3 are STATUS_SUCCESS and c+4 is STATUS_DATA_OVERRUN', () => {
    const h = makeStream(4, { profile: 'doc' });
    h.write(0, 0xa0);
    h.stream.setState('RUN');
    h.runUntil(5 * MS);
    assert.deepEqual([1, 2, 3, 4].map((p) => h.write(p, p)), [STATUS_SUCCESS, STATUS_SUCCESS, STATUS_SUCCESS, STATUS_DATA_OVERRUN]);
  });

  test('sysvad (SetWritePacket: expectedPacket = currentPacket + 1 in RUN): with N = 4 only c+1 is storable, c+2 is STATUS_DATA_OVERRUN', () => {
    const h = makeStream(4, { profile: 'sysvad' });
    h.write(0, 0xa0);
    h.stream.setState('RUN');
    h.runUntil(5 * MS);
    assert.deepEqual([0, 1, 2, 3].map((p) => h.write(p, p)), [STATUS_DATA_LATE_ERROR, STATUS_SUCCESS, STATUS_DATA_OVERRUN, STATUS_DATA_OVERRUN]);
  });
});

describe('profile choice prerollWindow (packets storable before RUN)', () => {
  test('doc: before RUN, packets 0 … N-1 are storable (N = 4)', () => {
    const h = makeStream(4, { profile: 'doc' });
    assert.deepEqual([0, 1, 2, 3, 4].map((p) => h.write(p, p)), [STATUS_SUCCESS, STATUS_SUCCESS, STATUS_SUCCESS, STATUS_SUCCESS, STATUS_DATA_OVERRUN]);
  });

  test('sysvad (SetWritePacket: expectedPacket = currentPacket outside RUN): before RUN only packet c is storable (N = 4)', () => {
    const h = makeStream(4, { profile: 'sysvad' });
    assert.deepEqual([0, 1].map((p) => h.write(p, p)), [STATUS_SUCCESS, STATUS_DATA_OVERRUN]);
  });
});

describe('profile choice pausedWindow (PAUSE after RUN, the DMA inside packet c)', () => {
  test('doc: paused 3 ms into packet 2, a write of packet 2 and an EOS of length 0 for it are STATUS_DATA_LATE_ERROR; packet 3 is storable', () => {
    const h = makeStream(2, { profile: 'doc' });
    h.write(0, 0xa0);
    h.write(1, 0xa1);
    h.stream.setState('RUN');
    h.runUntil(10 * MS);
    assert.equal(h.write(2, 0xa2), STATUS_SUCCESS);
    h.runUntil(23 * MS);
    assert.equal(h.stream.setState('PAUSE'), STATUS_SUCCESS);
    assert.equal(h.stream.getPacketCount().packetCount, 2);
    assert.equal(h.stream.setWritePacket(2, EOS, 0), STATUS_DATA_LATE_ERROR);
    assert.equal(h.write(2, 0xb2), STATUS_DATA_LATE_ERROR);
    assert.equal(h.write(3, 0xa3, EOS, 960), STATUS_SUCCESS);
    h.stream.setState('RUN');
    h.runUntil(100 * MS);
    // the refused write's bytes landed in the slot at the pause point: 144 frames of a2, then b2 (a glitch, heard)
    const out = h.output.bytes();
    assert.equal(out.length, (3 * 480 + 240) * 4);
    assert.equal(out[(960 + 143) * 4], 0xa2);
    assert.equal(out[(960 + 144) * 4], 0xb2);
    assert.equal(h.stream.getPosition().playOffsetInBytes, (1440 + 240) * 4 % 3840);
  });

  test('doc: paused exactly at RUN time (no byte transferred), packet 0 may still be written as pre-roll', () => {
    const h = makeStream(2, { profile: 'doc' });
    h.stream.setState('RUN');
    h.stream.setState('PAUSE');
    assert.equal(h.stream.storableWindow().lowest, 1, 'RUN began packet 0, so it counts as transferring');
    const fresh = makeStream(2, { profile: 'doc' });
    assert.deepEqual(fresh.stream.storableWindow(), { lowest: 0, highest: 1 });
  });

  test('sysvad (SetWritePacket: not KSSTATE_RUN, so expectedPacket = currentPacket): paused inside packet 2, an EOS of length 0 for packet 2 is accepted and ends where the DMA next reaches that offset', () => {
    const h = makeStream(2, { profile: 'sysvad' });
    const ended: number[] = [];
    h.stream.onEnd((t) => ended.push(t));
    h.write(0, 0xa0);
    h.stream.setState('RUN');
    h.runUntil(5 * MS);
    assert.equal(h.write(1, 0xa1), STATUS_SUCCESS);
    h.runUntil(15 * MS);
    assert.equal(h.write(2, 0xa2), STATUS_SUCCESS);
    h.runUntil(23 * MS);
    h.stream.setState('PAUSE');
    assert.equal(h.stream.getPacketCount().packetCount, 2);
    assert.equal(h.stream.setWritePacket(2, EOS, 0), STATUS_SUCCESS);
    h.stream.setState('RUN');
    h.runUntil(200 * MS);
    // UpdatePosition stops at the write position modulo the buffer: slot 0, offset 0, one buffer on (frame 1920)
    assert.equal(h.output.bytes().length, 1920 * 4);
    assert.deepEqual(ended, [40 * MS], 'the 1 ms timer DPC that sees the DMA at 1920 frames (40 ms of running)');
  });
});

describe('profile choice unknownFlags', () => {
  test('doc: a flag other than 0x200 is STATUS_INVALID_PARAMETER and stores nothing', () => {
    const h = makeStream(2, { profile: 'doc' });
    assert.equal(h.write(0, 0xa0, 0x1), STATUS_INVALID_PARAMETER);
    assert.equal(h.write(0, 0xa0), STATUS_SUCCESS);
  });

  test('sysvad (SetWritePacket tests only KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM): flag 0x1 is ignored, 0x201 is an EOS', () => {
    const h = makeStream(2, { profile: 'sysvad' });
    assert.equal(h.write(0, 0xa0, 0x201, 960), STATUS_SUCCESS);
    assert.equal(h.stream.setWritePacket(1, 0x1, 0), STATUS_INVALID_DEVICE_STATE);
  });

  test('doc checks the flags before the EOS-received state; sysvad (SetWritePacket: m_bEoSReceived first) answers STATUS_INVALID_DEVICE_STATE', () => {
    const doc = makeStream(2, { profile: 'doc' });
    doc.write(0, 0xa0, EOS, 1920);
    assert.equal(doc.stream.setWritePacket(1, 0x1, 0), STATUS_INVALID_PARAMETER);
    const sysvad = makeStream(2, { profile: 'sysvad' });
    sysvad.write(0, 0xa0, EOS, 1920);
    assert.equal(sysvad.stream.setWritePacket(1, 0x1, 0), STATUS_INVALID_DEVICE_STATE);
  });
});

describe('profile choice eosLengthCheck', () => {
  test('doc: an EOS length that is not a multiple of block align (6 bytes of 4-byte frames) is STATUS_INVALID_PARAMETER', () => {
    const h = makeStream(2, { profile: 'doc' });
    assert.equal(h.write(0, 0xa0, EOS, 6), STATUS_INVALID_PARAMETER);
    assert.equal(h.write(0, 0xa0, EOS, 1921), STATUS_INVALID_PARAMETER);
  });

  test('sysvad (SetWritePacket: only EosPacketLength > packetSize): 6 bytes is accepted and the model ends at the whole frame before it; 1921 is refused', () => {
    const h = makeStream(2, { profile: 'sysvad' });
    assert.equal(h.write(0, 0xa0, EOS, 1921), STATUS_INVALID_PARAMETER);
    assert.equal(h.write(0, 0xa0, EOS, 6), STATUS_SUCCESS);
    h.stream.setState('RUN');
    h.runUntil(10 * MS);
    assert.equal(h.output.bytes().length, 4);
    assert.equal(h.stream.isFinished, true);
  });
});

describe('profile choice eosSilenceFill', () => {
  const run = (profile: 'doc' | 'sysvad'): Buffer => {
    const h = makeStream(2, { profile, hwLatency: { fifoSizeInBytes: 64 } });
    h.write(0, 0xa0);
    h.stream.setState('RUN');
    h.runUntil(5 * MS);
    assert.equal(h.write(1, 0xa1, EOS, 960), STATUS_SUCCESS);
    h.runUntil(100 * MS);
    const out = h.output.bytes();
    assert.equal(out.length, (480 + 240) * 4 + 64);
    return out.subarray((480 + 240) * 4);
  };

  test('doc: the 64 FIFO bytes read past the EOS point are silence', () => {
    assert.deepEqual(run('doc'), Buffer.alloc(64, 0));
  });

  test('sysvad (nothing fills the buffer after EOS; UpdatePosition only clamps): the FIFO reads the stale rest of packet 1', () => {
    assert.deepEqual(run('sysvad'), Buffer.alloc(64, 0xa1));
  });
});

describe('profile choice underflow', () => {
  for (const profile of ['doc', 'sysvad'] as const) {
    test(`${profile}: an unwritten packet repeats what its slot held (repeat; sysvad TimerNotifyRT only reports the glitch)`, () => {
      const h = makeStream(2, { profile });
      h.write(0, 0xa0);
      h.stream.setState('RUN');
      h.runUntil(5 * MS);
      assert.equal(h.write(1, 0xa1), STATUS_SUCCESS);
      h.runUntil(40 * MS);
      assert.deepEqual(describePackets(h.output.bytes(), h.packetSize), ['a0', 'a1', 'a0', 'a1']);
    });
  }
});
