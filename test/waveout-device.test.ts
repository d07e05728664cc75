import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { framesToNs } from '../src/clock/time.js';
import { KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM, type StreamObserver } from '../src/engine/index.js';
import {
  MMSYSERR_INVALHANDLE, MMSYSERR_INVALPARAM, MMSYSERR_NOERROR, WAVERR_BADFORMAT, WAVERR_STILLPLAYING, WAVERR_SYNC,
  WAVERR_UNPREPARED, WHDR_BEGINLOOP, WHDR_DONE, WHDR_ENDLOOP, WHDR_INQUEUE, WHDR_PREPARED, WOM_CLOSE, WOM_DONE, WOM_OPEN,
  headerFlagsName, mmResultName,
} from '../src/client/waveout-constants.js';
import { WaveHeader, WaveOutDevice } from '../src/client/waveout.js';
import { makeStream, stereo16, type Harness } from './support/model.js';

const MS = 1_000_000;
/** 48 kHz stereo 16-bit, 480-frame (10 ms) packets, N = 2. */
const FRAME = 4;

interface Setup extends Harness {
  device: WaveOutDevice;
  messages: Array<{ message: number; id: number; timeNs: number }>;
  writes: Array<{ packetNumber: number; flags: number; eosPacketLength: number; status: number }>;
}

function setup(notifications = 2): Setup {
  const h = makeStream(notifications, {}, stereo16, 480);
  const messages: Setup['messages'] = [];
  const writes: Setup['writes'] = [];
  const observer: StreamObserver = {
    writePacket: (packetNumber, flags, eosPacketLength, status) => { writes.push({ packetNumber, flags, eosPacketLength, status }); },
  };
  h.stream.addObserver(observer);
  const device = new WaveOutDevice(h.scheduler, h.stream);
  assert.equal(device.open((message, header, timeNs) => messages.push({ message, id: header?.id ?? -1, timeNs })), MMSYSERR_NOERROR);
  return { ...h, device, messages, writes };
}

function header(id: number, frames: number, fill: number): WaveHeader {
  return new WaveHeader(id, Buffer.alloc(frames * FRAME, fill));
}

function prepared(s: Setup, id: number, frames: number, fill: number): WaveHeader {
  const h = header(id, frames, fill);
  assert.equal(s.device.prepareHeader(h), MMSYSERR_NOERROR);
  return h;
}

const done = (s: Setup): Array<[number, number]> => s.messages.filter((m) => m.message === WOM_DONE).map((m) => [m.id, m.timeNs]);

/** The output as runs of [fill byte, frames]. */
function runs(bytes: Buffer): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  for (let offset = 0; offset < bytes.length; offset += FRAME) {
    const value = bytes[offset]!;
    const last = result[result.length - 1];
    if (last && last[0] === value) last[1]++;
    else result.push([value, 1]);
  }
  return result;
}

describe('waveOut: mmsystem names and values', () => {
  test('when the constants are read then they carry the mmsystem.h values', () => {
    assert.deepEqual([MMSYSERR_NOERROR, MMSYSERR_INVALHANDLE, MMSYSERR_INVALPARAM, WAVERR_BADFORMAT, WAVERR_STILLPLAYING, WAVERR_UNPREPARED, WAVERR_SYNC], [0, 5, 11, 32, 33, 34, 35]);
    assert.deepEqual([WHDR_DONE, WHDR_PREPARED, WHDR_BEGINLOOP, WHDR_ENDLOOP, WHDR_INQUEUE], [0x1, 0x2, 0x4, 0x8, 0x10]);
    assert.deepEqual([WOM_OPEN, WOM_CLOSE, WOM_DONE], [0x3bb, 0x3bc, 0x3bd]);
    assert.equal(mmResultName(34), 'WAVERR_UNPREPARED');
    assert.equal(headerFlagsName(WHDR_DONE | WHDR_PREPARED), 'WHDR_DONE|WHDR_PREPARED');
  });
});

describe('waveOut: WODM_WRITE', () => {
  test('when an unprepared header is written then WAVERR_UNPREPARED and nothing is queued or started', () => {
    const s = setup();
    const h = header(0, 480, 0xa0);
    assert.equal(s.device.write(h), WAVERR_UNPREPARED);
    assert.equal(s.device.queue.length, 0);
    assert.equal(h.flags & WHDR_INQUEUE, 0);
    s.runUntil(50 * MS);
    assert.equal(s.stream.getState(), 'PAUSE');
    assert.equal(s.output.bytes().length, 0);
  });

  test('when a prepared header is written then DONE is cleared, INQUEUE set, and the call returns MMSYSERR_NOERROR before anything plays', () => {
    const s = setup();
    const h = prepared(s, 0, 480, 0xa0);
    h.flags |= WHDR_DONE;
    assert.equal(s.device.write(h), MMSYSERR_NOERROR);
    assert.equal(h.flags, WHDR_PREPARED | WHDR_INQUEUE);
    assert.equal(s.device.queue.length, 1);
    assert.equal(s.output.bytes().length, 0);
  });

  test('when the first header is written then playback starts (the stream enters RUN)', () => {
    const s = setup();
    s.device.write(prepared(s, 0, 960, 0xa0));
    s.runUntil(1 * MS);
    assert.equal(s.stream.getState(), 'RUN');
    assert.equal(s.device.state, 'playing');
  });

  test('when the device is paused before the first write then nothing plays until WODM_RESTART', () => {
    const s = setup();
    assert.equal(s.device.pause(), MMSYSERR_NOERROR);
    s.device.write(prepared(s, 0, 480, 0xa0));
    s.runUntil(30 * MS);
    assert.equal(s.output.bytes().length, 0);
    assert.notEqual(s.stream.getState(), 'RUN');
    assert.equal(s.device.restart(), MMSYSERR_NOERROR);
    s.runUntil(31 * MS);
    assert.equal(s.stream.getState(), 'RUN');
  });

  test('when a header still in the queue is written again then WAVERR_STILLPLAYING (model choice) and the queue is unchanged', () => {
    const s = setup();
    const h = prepared(s, 0, 480, 0xa0);
    s.device.write(h);
    assert.equal(s.device.write(h), WAVERR_STILLPLAYING);
    assert.equal(s.device.queue.length, 1);
  });

  test('when a header length is not whole frames or exceeds its buffer then MMSYSERR_INVALPARAM', () => {
    const s = setup();
    const h = prepared(s, 0, 480, 0xa0);
    h.bufferLength = 3;
    assert.equal(s.device.write(h), MMSYSERR_INVALPARAM);
    h.bufferLength = 480 * FRAME + 4;
    assert.equal(s.device.write(h), MMSYSERR_INVALPARAM);
  });

  test('when the device is closed then every call answers MMSYSERR_INVALHANDLE', () => {
    const s = setup();
    assert.equal(s.device.close(), MMSYSERR_NOERROR);
    assert.deepEqual(s.messages.map((m) => m.message), [WOM_OPEN, WOM_CLOSE]);
    const h = header(0, 480, 0xa0);
    assert.deepEqual([s.device.prepareHeader(h), s.device.write(h), s.device.pause(), s.device.reset()], [MMSYSERR_INVALHANDLE, MMSYSERR_INVALHANDLE, MMSYSERR_INVALHANDLE, MMSYSERR_INVALHANDLE]);
  });
});

describe('waveOut: DONE when the last byte has been played', () => {
  test('when a header ends mid-packet then its WOM_DONE comes at the exact time the DMA plays its last frame', () => {
    const s = setup();
    s.device.write(prepared(s, 0, 100, 0xa0));
    s.device.write(prepared(s, 1, 1000, 0xa1));
    s.runUntil(100 * MS);
    assert.deepEqual(done(s), [[0, framesToNs(100, 48000)], [1, framesToNs(1100, 48000)]]);
  });

  test('when a header is DONE then WHDR_DONE is set and WHDR_INQUEUE cleared, and it may be unprepared', () => {
    const s = setup();
    const h = prepared(s, 0, 480, 0xa0);
    s.device.write(h);
    s.runUntil(5 * MS);
    assert.equal(s.device.unprepareHeader(h), WAVERR_STILLPLAYING);
    assert.equal(h.flags & WHDR_PREPARED, WHDR_PREPARED);
    s.runUntil(10 * MS);
    assert.equal(h.flags, WHDR_PREPARED | WHDR_DONE);
    assert.equal(s.device.unprepareHeader(h), MMSYSERR_NOERROR);
    assert.equal(h.flags, WHDR_DONE);
  });

  test('when headers are played then their data reaches the DMA output in write order, bit for bit', () => {
    const s = setup();
    s.device.write(prepared(s, 0, 300, 0xa0));
    s.device.write(prepared(s, 1, 700, 0xa1));
    s.device.write(prepared(s, 2, 440, 0xa2));
    s.device.endOfData();
    s.runUntil(100 * MS);
    assert.deepEqual(runs(s.output.bytes()), [[0xa0, 300], [0xa1, 700], [0xa2, 440]]);
    assert.deepEqual(done(s).map(([id]) => id), [0, 1, 2]);
  });
});

describe('waveOut: the driver side feeds the WaveRT stream', () => {
  test('when the queue runs dry then the packet carries silence, a starved packet is counted, and the WaveRT stream does not underflow', () => {
    const s = setup();
    const underflows: number[] = [];
    s.stream.addObserver({ underflow: (packetNumber) => { underflows.push(packetNumber); } });
    s.device.write(prepared(s, 0, 720, 0xa0));
    s.runUntil(40 * MS);
    assert.deepEqual(runs(s.output.bytes()), [[0xa0, 720], [0, 1200]]);
    assert.ok(s.device.feeder.starvedPackets >= 3);
    assert.equal(s.device.feeder.starvedFrames % 1, 0);
    assert.deepEqual(underflows, []);
    assert.ok(s.writes.every((w) => w.status === 0));
  });

  test('when the application has no more data then the packet with its last byte carries the EOS flag with the exact length', () => {
    const s = setup();
    s.device.write(prepared(s, 0, 600, 0xa0));
    s.device.endOfData();
    s.runUntil(100 * MS);
    const last = s.writes[s.writes.length - 1]!;
    assert.deepEqual(last, { packetNumber: 1, flags: KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM, eosPacketLength: 120 * FRAME, status: 0 });
    assert.equal(s.stream.isFinished, true);
    assert.deepEqual(runs(s.output.bytes()), [[0xa0, 600]]);
    assert.deepEqual(done(s), [[0, framesToNs(600, 48000)]]);
  });

  test('when a late write comes after a starved packet then the audio continues after the silence, delayed not dropped', () => {
    const s = setup();
    s.device.write(prepared(s, 0, 480, 0xa0));
    s.runUntil(15 * MS);
    s.device.write(prepared(s, 1, 480, 0xa1));
    s.device.endOfData();
    s.runUntil(100 * MS);
    // packet 1 (pre-rolled) and packet 2 (written at 10 ms) found the queue dry; the late header lands in packet 3
    assert.deepEqual(runs(s.output.bytes()), [[0xa0, 480], [0, 960], [0xa1, 480]]);
    assert.equal(s.device.feeder.starvedPackets, 2);
    assert.equal(s.device.feeder.starvedFrames, 960);
  });
});

describe('waveOut: pause, restart, reset', () => {
  test('when WODM_PAUSE is sent twice then both answer MMSYSERR_NOERROR and the position stays frozen until WODM_RESTART', () => {
    const s = setup();
    s.device.write(prepared(s, 0, 4800, 0xa0));
    s.runUntil(15 * MS);
    assert.equal(s.device.pause(), MMSYSERR_NOERROR);
    const frozen = s.device.getPositionInBytes();
    assert.equal(frozen, 720 * FRAME);
    s.runUntil(30 * MS);
    assert.equal(s.device.pause(), MMSYSERR_NOERROR);
    assert.equal(s.device.pauses, 1);
    assert.equal(s.device.getPositionInBytes(), frozen);
    assert.equal(s.device.restart(), MMSYSERR_NOERROR);
    s.runUntil(40 * MS);
    assert.equal(s.device.getPositionInBytes(), frozen + 480 * FRAME);
  });

  test('when WODM_RESTART is sent while playing then it is a no-op', () => {
    const s = setup();
    s.device.write(prepared(s, 0, 4800, 0xa0));
    s.runUntil(15 * MS);
    assert.equal(s.device.restart(), MMSYSERR_NOERROR);
    s.runUntil(25 * MS);
    assert.equal(s.device.getPositionInBytes(), 1200 * FRAME);
  });

  test('when a pause lasts 20 ms then a header DONE is delivered 20 ms later than without it', () => {
    const s = setup();
    s.device.write(prepared(s, 0, 960, 0xa0));
    s.runUntil(5 * MS);
    s.device.pause();
    s.runUntil(25 * MS);
    s.device.restart();
    s.runUntil(100 * MS);
    assert.deepEqual(done(s), [[0, 40 * MS]]);
  });

  test('when WODM_RESET is sent mid-stream then the stream stops, every pending header is DONE in order with a WOM_DONE each, the position is 0 and pause is left', () => {
    const s = setup();
    const headers = [0, 1, 2].map((id) => prepared(s, id, 960, 0xa0 + id));
    for (const h of headers) s.device.write(h);
    s.runUntil(15 * MS);
    s.device.pause();
    assert.equal(s.device.reset(), MMSYSERR_NOERROR);
    assert.deepEqual(done(s), [[0, 15 * MS], [1, 15 * MS], [2, 15 * MS]]);
    assert.ok(headers.every((h) => h.flags === (WHDR_PREPARED | WHDR_DONE)));
    assert.equal(s.stream.getState(), 'STOP');
    assert.equal(s.device.getPositionInBytes(), 0);
    assert.equal(s.device.state, 'idle');
    assert.equal(s.device.queue.length, 0);
    s.device.write(headers[0]!);
    s.runUntil(16 * MS);
    assert.equal(s.stream.getState(), 'RUN');
    s.runUntil(100 * MS);
    // the position restarted at 0 with the new RUN: the rewritten header is DONE after its 20 ms
    assert.deepEqual(done(s).slice(3), [[0, 35 * MS]]);
  });

  test('when WODM_CLOSE is sent with headers queued then WAVERR_STILLPLAYING', () => {
    const s = setup();
    s.device.write(prepared(s, 0, 960, 0xa0));
    assert.equal(s.device.close(), WAVERR_STILLPLAYING);
  });
});

describe('waveOut: loops', () => {
  test('when BEGINLOOP is on the first header and ENDLOOP on the last with dwLoops 3 then the pair plays three times and both are DONE after the loop', () => {
    const s = setup();
    const first = prepared(s, 0, 100, 0xa0);
    const last = prepared(s, 1, 60, 0xa1);
    first.flags |= WHDR_BEGINLOOP;
    first.loops = 3;
    last.flags |= WHDR_ENDLOOP;
    s.device.write(first);
    s.device.write(last);
    s.device.write(prepared(s, 2, 40, 0xa2));
    s.device.endOfData();
    s.runUntil(100 * MS);
    assert.deepEqual(runs(s.output.bytes()), [[0xa0, 100], [0xa1, 60], [0xa0, 100], [0xa1, 60], [0xa0, 100], [0xa1, 60], [0xa2, 40]]);
    assert.deepEqual(done(s), [[0, framesToNs(480, 48000)], [1, framesToNs(480, 48000)], [2, framesToNs(520, 48000)]]);
    assert.equal(s.device.queue.loopRepeats, 2);
  });

  test('when one header carries both BEGINLOOP and ENDLOOP then it loops itself dwLoops times', () => {
    const s = setup();
    const h = prepared(s, 0, 50, 0xa0);
    h.flags |= WHDR_BEGINLOOP | WHDR_ENDLOOP;
    h.loops = 4;
    s.device.write(h);
    s.device.write(prepared(s, 1, 10, 0xa1));
    s.device.endOfData();
    s.runUntil(100 * MS);
    assert.deepEqual(runs(s.output.bytes()), [[0xa0, 200], [0xa1, 10]]);
    assert.deepEqual(done(s).map(([id]) => id), [0, 1]);
  });

  test('when WODM_BREAKLOOP is sent then the loop ends after its current play and the next header follows', () => {
    const s = setup();
    const h = prepared(s, 0, 480, 0xa0);
    h.flags |= WHDR_BEGINLOOP | WHDR_ENDLOOP;
    h.loops = 1000;
    s.device.write(h);
    s.device.write(prepared(s, 1, 480, 0xa1));
    s.device.endOfData();
    s.runUntil(45 * MS);
    assert.equal(s.device.breakLoop(), MMSYSERR_NOERROR);
    s.runUntil(200 * MS);
    const out = runs(s.output.bytes());
    assert.equal(out.length, 2);
    assert.equal(out[0]![0], 0xa0);
    // the feed runs one packet ahead of the DMA: the plays already in the buffer still sound
    assert.ok(out[0]![1] >= 5 * 480 && out[0]![1] <= 7 * 480, `looped ${out[0]![1]} frames`);
    assert.deepEqual(out[1], [0xa1, 480]);
    assert.equal(s.stream.isFinished, true);
  });

  test('when WODM_BREAKLOOP is sent with no loop playing then it answers MMSYSERR_NOERROR and changes nothing', () => {
    const s = setup();
    s.device.write(prepared(s, 0, 480, 0xa0));
    s.device.endOfData();
    assert.equal(s.device.breakLoop(), MMSYSERR_NOERROR);
    s.runUntil(50 * MS);
    assert.deepEqual(runs(s.output.bytes()), [[0xa0, 480]]);
  });
});
