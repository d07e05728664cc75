import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../src/session/index.js';
import { createLatencySampler, type PcmSource } from '../src/client/index.js';
import { STATUS_DATA_LATE_ERROR, KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM } from '../src/engine/index.js';
import { createMemoryTrace } from '../src/report/index.js';
import { CaptureOutput, stereo16 } from './support/model.js';

const MS = 1_000_000;

/** A 16-bit stereo signal whose every frame carries its own index: output frames can be traced to input frames. */
function counterSource(frames: number): PcmSource & { bytes: Buffer } {
  const bytes = Buffer.alloc(frames * 4);
  for (let f = 0; f < frames; f++) bytes.writeUInt32LE(f, f * 4);
  let offset = 0;
  return {
    bytes,
    read(target: Buffer) {
      const n = Math.min(target.length, bytes.length - offset);
      bytes.copy(target, 0, offset, offset + n);
      offset += n;
      return n;
    },
  };
}

function session(frames: number, extra: Partial<ConstructorParameters<typeof Session>[0]> = {}) {
  const source = counterSource(frames);
  const output = new CaptureOutput();
  const trace = createMemoryTrace();
  const s = new Session({ format: stereo16, source, output, trace, ...extra });
  return { s, source, output, trace };
}

describe('the packet-mode render client', () => {
  test('when the client is punctual then the output equals the input byte for byte, and no write is late', () => {
    const { s, source, output } = session(48000 + 123);
    const summary = s.runVirtual();
    assert.ok(output.bytes().equals(source.bytes));
    assert.deepEqual(summary.statuses, { STATUS_SUCCESS: summary.writes });
    assert.equal(summary.underrun.events, 0);
    assert.equal(summary.eos.eosPacketLength, 123 * 4);
    assert.equal(summary.ended, true);
  });

  test('when the data ends exactly on a packet boundary then the last full packet carries EOS with length = packet size', () => {
    const { s, trace } = session(480 * 7);
    s.runVirtual();
    const writes = trace.events.filter((e) => e.event === 'write');
    const last = writes.at(-1)!;
    assert.equal(last.packetNumber, 6);
    assert.equal(last.flags, KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM);
    assert.equal(last.eosPacketLength, 1920);
    assert.equal(writes.length, 7);
  });

  test('when the file is shorter than one packet then the EOS is written in pre-roll', () => {
    const { s, trace, output } = session(100);
    s.runVirtual();
    const writes = trace.events.filter((e) => e.event === 'write');
    assert.equal(writes.length, 1);
    assert.equal(writes[0]!.packetCount, 0);
    assert.equal(writes[0]!.eosPacketLength, 400);
    assert.equal(output.bytes().length, 400);
  });

  test('when the file has no frames then the stream ends at once with EOS length 0', () => {
    const { s, output } = session(0);
    const summary = s.runVirtual();
    assert.equal(output.bytes().length, 0);
    assert.equal(summary.ended, true);
    assert.equal(summary.eos.eosPacketLength, 0);
  });

  test('when the client stalls for 1.5 packets then it writes late once, resynchronises from the packet count, and delays (never drops) the audio', () => {
    const { s, source, output, trace } = session(4800);
    s.start();
    s.scheduler.advanceVirtual(19 * MS);
    s.client.stallUntil(34 * MS); // misses the 20 ms notification: packet 3 begins unwritten at 30 ms
    s.scheduler.runVirtual();
    const summary = s.summary();
    assert.equal(summary.statuses.STATUS_DATA_LATE_ERROR, 1);
    assert.equal(summary.underrun.events, 1);
    const late = trace.events.find((e) => e.status === 'STATUS_DATA_LATE_ERROR')!;
    assert.equal(late.timeNs, 34 * MS);
    assert.equal(late.packetNumber, 3);
    assert.equal(late.packetCount, 3);
    // every input frame is played, in order, after the glitch
    const out = output.bytes();
    const tail = out.subarray(out.length - source.bytes.length + 3 * 1920);
    assert.ok(tail.equals(source.bytes.subarray(3 * 1920)));
    assert.equal(s.client.framesDelivered, 4800);
    assert.equal(STATUS_DATA_LATE_ERROR, 0xc000003d);
  });

  test('when the client has seeded wake-up jitter then two runs give identical output and statuses', () => {
    const run = () => {
      const { s, output } = session(48000, {
        wakeLatency: createLatencySampler({ kind: 'lognormal', medianNs: 2 * MS, sigma: 1.2 }, 42),
        stream: { bufferMs: 10, notifications: 2 },
      });
      const summary = s.runVirtual();
      return { bytes: output.bytes(), statuses: summary.statuses, underrun: summary.underrun.events };
    };
    const a = run();
    const b = run();
    assert.ok(a.bytes.equals(b.bytes));
    assert.deepEqual(a.statuses, b.statuses);
    assert.ok(a.underrun > 0, 'this seed glitches');
    assert.equal(a.underrun, b.underrun);
  });

  test('when the sysvad profile is used then the client pre-rolls one packet and still plays the file bit-exact', () => {
    const { s, source, output } = session(9000, { stream: { profile: 'sysvad' } });
    const summary = s.runVirtual();
    assert.ok(output.bytes().equals(source.bytes));
    assert.equal(summary.stream.eosSilenceFill, false);
    assert.deepEqual(Object.keys(summary.statuses), ['STATUS_SUCCESS']);
  });
});
