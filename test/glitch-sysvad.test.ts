import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSignal, MemorySource } from '../src/scenario/index.js';
import { Session, type SessionOptions } from '../src/session/index.js';
import { createLatencySampler } from '../src/client/latency.js';
import type { WavFormat } from '../src/wav/index.js';
import type { StreamConfig } from '../src/session/config.js';
import { CaptureOutput } from './support/model.js';
import { counterValues } from './support/counter.js';

// The glitch kinds the reference driver's choices make heard (DESIGN §10, §13): its 1 ms timer counting apart from
// the DMA, the EOS it never ends, the EOS it ends early. The counter input makes each frame's audio readable.

const stereo16: WavFormat = { encoding: 'pcm', channels: 2, sampleRate: 48000, bitsPerSample: 16, blockAlign: 4 } as WavFormat;
const stereo24At96k: WavFormat = { encoding: 'pcm', channels: 2, sampleRate: 96000, bitsPerSample: 24, blockAlign: 6 } as WavFormat;

function run(format: WavFormat, frames: number, stream: StreamConfig, wakeLatencyNs: number, extra: Partial<SessionOptions> = {}) {
  const output = new CaptureOutput();
  const source = new MemorySource(renderSignal({ type: 'counter', format, frames, frequencyHz: 0, toFrequencyHz: 0, amplitude: 0, seed: 1 }));
  const session = new Session({ format, source, output, stream, wakeLatency: createLatencySampler({ kind: 'fixed', valueNs: wakeLatencyNs }, 1), ...extra });
  const summary = session.runVirtual(10e9);
  // counter value v is input frame v - 1; 0 is silence
  return { summary, input: [...counterValues(output.bytes(), format)].map((value) => value - 1) };
}

const brief = (glitches: ReturnType<typeof run>['summary']['glitches']) => glitches.map((g) => `${g.kind} ${g.startFrame}+${g.frameCount} p${g.packetNumber}`);

describe('sysvad glitches', () => {
  test('when the 1 ms timer (2 ms interval, 2.333 ms packets) runs apart and packet 14 plays its own write after audio written later then it is out-of-order, at frames 1568+64', () => {
    const { summary, input } = run(stereo16, 2400, { bufferMs: 7, notifications: 3, profile: 'sysvad' }, 2e6);
    const outOfOrder = summary.glitches.filter((g) => g.kind === 'out-of-order');
    assert.deepEqual(brief(outOfOrder), ['out-of-order 1568+64 p14', 'out-of-order 3696+48 p33']);
    // packet 13 played input 896…1007 (written later), packet 14 then its own 784…: the audio jumps back 224 frames
    assert.deepEqual([input[1567], input[1568], input[1631]], [1007, 784, 847]);
    assert.match(outOfOrder[0]!.cause, /packet 14 played its own write, but after audio written later had already been heard/);
    assert.equal(summary.glitchCounts['out-of-order'], 2);
  });

  test('when sysvad never ends a full-length EOS on the last slot under the silence policy then the underruns are counted but nothing is listed: a clean end', () => {
    const { summary, input } = run(stereo16, 4800, { bufferMs: 20, notifications: 2, profile: 'sysvad', underflowPolicy: 'silence' }, 0, {});
    assert.notEqual(summary.neverEnded, null);
    assert.equal(summary.underrun.events, 1);
    assert.deepEqual(brief(summary.glitches), []);
    assert.equal(input[4799], 4799);
    assert.ok(input.slice(4800).every((frame) => frame === -1), 'silence after the last input frame');
  });

  test('when sysvad never ends the same EOS under the repeat policy then the loop after the EOS packet is one underflow-repeat that says the driver never ended it', () => {
    const { summary, input } = run(stereo16, 4800, { bufferMs: 20, notifications: 2, profile: 'sysvad', underflowPolicy: 'repeat' }, 0);
    assert.notEqual(summary.neverEnded, null);
    const loop = summary.glitches.filter((g) => g.startFrame >= 4800);
    assert.equal(loop.length, 1);
    assert.equal(loop[0]!.kind, 'underflow-repeat');
    assert.equal(loop[0]!.startFrame, 4800);
    assert.equal(loop[0]!.startFrame + loop[0]!.frameCount, input.length, 'to the end of the run');
    assert.match(loop[0]!.cause, /after the EOS packet, which the driver never ended/);
    assert.equal(input[4800], 3840, 'the buffer again: the last 20 ms');
  });

  test('when sysvad ends the stream inside its EOS packet (offset compared modulo the buffer) then the FIFO reading on in that audio is no eos-overshoot, and the early end is eos-early at the end of the FIFO bytes', () => {
    const { summary, input } = run(stereo24At96k, 11717, { bufferMs: 20, notifications: 3, profile: 'sysvad', underflowPolicy: 'silence', fifoBytes: 96 }, 856004);
    assert.equal(input.length, 9890);
    // the 16 FIFO frames continue the audio heard last, without a jump
    assert.deepEqual(input.slice(9872, 9890).every((frame, i, all) => i === 0 || frame === all[i - 1]! + 1), true);
    assert.equal(summary.glitchCounts['eos-overshoot'], 0);
    assert.deepEqual(brief(summary.glitches.filter((g) => g.kind === 'eos-early')), ['eos-early 9874+16 pnull']);
  });

  test('when the doc profile plays the same FIFO overshoot without silence fill then the stale bytes past the EOS point are still an eos-overshoot', () => {
    const { summary } = run(stereo16, 4700, { bufferMs: 20, notifications: 2, eosSilenceFill: false, fifoBytes: 256 }, 0);
    assert.deepEqual(brief(summary.glitches), ['eos-overshoot 4700+64 pnull']);
  });
});
