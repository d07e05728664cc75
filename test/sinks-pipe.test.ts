import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  aplayArgs, pacatArgs, pwcatArgs, planConversion, parseSinkSpec, PipeSink, NullSink, FileSink, TeeSink, openSink, probeSink,
  type PlayerDialect, type PipeSinkSpec,
} from '../src/sinks/index.js';
import { SinkError, UsageError } from '../src/errors.js';
import { pcmFormat, WavReader } from '../src/wav/index.js';

const stereo16 = pcmFormat({ channels: 2, sampleRate: 48_000, bitsPerSample: 16 });
const float64 = pcmFormat({ channels: 2, sampleRate: 44_100, bitsPerSample: 64, encoding: 'float' });

const plainDialect: PlayerDialect = {
  underrunPattern: /underrun/,
  sinkTimePattern: undefined,
  describeExit: (code, signal, lines) => `fake player ended (code ${code}, signal ${signal})${lines.length ? `: ${lines[lines.length - 1]}` : ''}`,
};

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-sinks-'));
}

/** A player that copies stdin to a file: what the sink sent, byte for byte. */
function copyingPlayer(outputPath: string, format = stereo16): PipeSinkSpec {
  return {
    kind: 'pulse',
    label: 'fake',
    command: process.execPath,
    args: ['-e', `const fs=require('fs');const out=fs.createWriteStream(${JSON.stringify(outputPath)});process.stdin.pipe(out);out.on('finish',()=>process.exit(0));`],
    dialect: plainDialect,
    format,
  };
}

function seededBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

describe('sink formats and command lines', () => {
  test('when the WAV is 16-bit PCM then every player gets its own name for s16le and the format, rate and channels', () => {
    const conversion = planConversion(stereo16);
    assert.deepEqual(pacatArgs(conversion, 30, undefined), [
      '--playback', '--raw', '--verbose', '--format=s16le', '--rate=48000', '--channels=2', '--latency-msec=30', '--client-name=wavert', '--stream-name=wavert play',
    ]);
    assert.deepEqual(aplayArgs(conversion, 30, 'hw:1'), ['-q', '-t', 'raw', '-f', 'S16_LE', '-r', '48000', '-c', '2', '-B', '30000', '-D', 'hw:1', '-']);
    assert.deepEqual(pwcatArgs(conversion, 30, undefined), ['--playback', '--raw', '--format', 's16', '--rate', '48000', '--channels', '2', '--latency', '30ms', '-']);
  });

  test('when the WAV is 8-bit, 24-bit or 32-bit PCM or 32-bit float then the sample kind matches the container', () => {
    const kinds = [
      [pcmFormat({ channels: 1, sampleRate: 8000, bitsPerSample: 8 }), 'u8', 'U8'],
      [pcmFormat({ channels: 2, sampleRate: 96_000, bitsPerSample: 24 }), 's24le', 'S24_3LE'],
      [pcmFormat({ channels: 6, sampleRate: 48_000, bitsPerSample: 32 }), 's32le', 'S32_LE'],
      [pcmFormat({ channels: 2, sampleRate: 48_000, bitsPerSample: 32, encoding: 'float' }), 'float32le', 'FLOAT_LE'],
    ] as const;
    for (const [format, kind, alsaName] of kinds) {
      const conversion = planConversion(format);
      assert.equal(conversion.sampleKind, kind);
      assert.equal(conversion.note, undefined);
      assert.ok(aplayArgs(conversion, 30, undefined).includes(alsaName));
    }
  });

  test('when the WAV is 64-bit float then the sink gets 32-bit float and a note says so', () => {
    const conversion = planConversion(float64);
    assert.equal(conversion.sampleKind, 'float32le');
    assert.equal(conversion.outputBlockAlign, 8);
    assert.match(conversion.note ?? '', /64-bit float samples are converted to 32-bit float/);
  });

  test('when --sink is parsed then names, file:PATH and auto are accepted and anything else is a usage error', () => {
    assert.deepEqual(parseSinkSpec('auto'), { kind: 'auto' });
    assert.deepEqual(parseSinkSpec('pulse'), { kind: 'pulse' });
    assert.deepEqual(parseSinkSpec('file:/tmp/out.wav'), { kind: 'file', path: '/tmp/out.wav' });
    assert.throws(() => parseSinkSpec('file:'), UsageError);
    assert.throws(() => parseSinkSpec('jack'), /--sink 'jack' is not a sink/);
  });
});

describe('pipe sink', () => {
  test('when frames arrive in uneven pieces then the player receives exactly the same bytes in order', async () => {
    const directory = tempDir();
    try {
      const outputPath = path.join(directory, 'out.raw');
      const sink = await PipeSink.open(copyingPlayer(outputPath));
      const pcm = seededBytes(4 * 10_007, 7);
      const pieces = [4, 1920, 4 * 333, 4 * 1, 4 * 2400, 4 * 5000];
      let offset = 0;
      for (let index = 0; offset < pcm.length; index++) {
        const length = Math.min(pieces[index % pieces.length]!, pcm.length - offset);
        assert.equal(sink.write(pcm, offset, length), true);
        offset += length;
      }
      assert.equal(await sink.finish(), undefined);
      assert.equal(sink.state(), 'finished');
      assert.deepEqual(fs.readFileSync(outputPath), pcm);
      const stats = sink.stats();
      assert.equal(stats.framesWritten, 10_007);
      assert.equal(stats.bytesAccepted, pcm.length);
      assert.equal(stats.droppedFrames, 0);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  test('when the WAV is 64-bit float then the player receives the same samples as 32-bit float', async () => {
    const directory = tempDir();
    try {
      const outputPath = path.join(directory, 'out.raw');
      const sink = await PipeSink.open(copyingPlayer(outputPath, float64));
      const samples = new Float64Array(2 * 3001);
      for (let index = 0; index < samples.length; index++) samples[index] = Math.sin(index / 7) * 0.75;
      const bytes = Buffer.from(samples.buffer);
      sink.write(bytes, 0, 16 * 1000);
      sink.write(bytes, 16 * 1000, bytes.length - 16 * 1000);
      assert.equal(await sink.finish(), undefined);
      const received = fs.readFileSync(outputPath);
      assert.equal(received.length, samples.length * 4);
      for (let index = 0; index < samples.length; index++) assert.equal(received.readFloatLE(index * 4), Math.fround(samples[index]!));
      assert.deepEqual(sink.notes, ['64-bit float samples are converted to 32-bit float for the sink (no player takes 64-bit float on a pipe).']);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  test('when the player exits mid-play then the sink reports a SinkError, writes return false and finish does not hang', async () => {
    const sink = await PipeSink.open({
      ...copyingPlayer('/dev/null'),
      args: ['-e', "process.stdin.once('data',()=>{process.stderr.write('device vanished\\n');process.exit(3)})"],
    });
    const silence = Buffer.alloc(1920);
    const deadline = Date.now() + 5000;
    while (sink.failure() === undefined && Date.now() < deadline) {
      sink.write(silence, 0, silence.length);
      sink.flush();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const failure = sink.failure();
    assert.ok(failure instanceof SinkError);
    assert.match(failure.message, /fake player ended \(code 3, signal null\): device vanished|the pipe to .* broke/);
    assert.equal(sink.state(), 'failed');
    assert.equal(sink.write(silence, 0, silence.length), false);
    assert.equal(await sink.finish(), failure);
  });

  test('when the player is not installed then opening fails with a sentence naming it', async () => {
    await assert.rejects(PipeSink.open({ ...copyingPlayer('/dev/null'), command: 'wavert-no-such-player' }), (error: unknown) => {
      assert.ok(error instanceof SinkError);
      assert.equal(error.message, 'fake: wavert-no-such-player is not installed (not found on PATH).');
      return true;
    });
  });

  test('when the player stops reading then the ring fills, no more room is offered, the excess (live mode) is counted as dropped and abort ends it at once', async () => {
    const sink = await PipeSink.open({ ...copyingPlayer('/dev/null'), args: ['-e', 'setTimeout(()=>{},60000)'] });
    const second = Buffer.alloc(48_000 * 4);
    for (let index = 0; index < 3; index++) {
      sink.write(second, 0, second.length);
      sink.flush();
    }
    const stats = sink.stats();
    assert.ok(stats.droppedFrames >= 48_000, `dropped ${stats.droppedFrames}`);
    assert.ok(sink.roomFrames() < 48_000, `room ${sink.roomFrames()}`);
    assert.ok(stats.backpressureEvents >= 1);
    const started = Date.now();
    sink.abort();
    assert.equal(sink.state(), 'aborted');
    assert.equal(await sink.exitedPromise(5000), true);
    assert.ok(Date.now() - started < 5000);
  });
});

describe('local sinks', () => {
  test('when the null sink is written then it counts frames and never fails', async () => {
    const sink = new NullSink(4, 48_000);
    assert.equal(sink.write(Buffer.alloc(400), 0, 400), true);
    assert.equal(await sink.finish(), undefined);
    assert.equal(sink.stats().framesWritten, 100);
  });

  test('when the file sink and a recording tee are written then both WAVs hold exactly the bytes played', async () => {
    const directory = tempDir();
    try {
      const pcm = seededBytes(4 * 40_000, 3);
      const main = FileSink.open(path.join(directory, 'dac.wav'), stereo16);
      const copy = FileSink.open(path.join(directory, 'copy.wav'), stereo16);
      const tee = new TeeSink(main, copy);
      for (let offset = 0; offset < pcm.length; offset += 4 * 700) tee.write(pcm, offset, Math.min(4 * 700, pcm.length - offset));
      assert.equal(await tee.finish(), undefined);
      for (const name of ['dac.wav', 'copy.wav']) {
        const reader = WavReader.open(path.join(directory, name));
        const target = Buffer.alloc(pcm.length + 16);
        assert.equal(reader.read(target), pcm.length);
        reader.close();
        assert.deepEqual(target.subarray(0, pcm.length), pcm);
      }
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  test('when the file sink cannot create its file then opening throws a SinkError naming it', () => {
    assert.throws(() => FileSink.open('/nonexistent-dir/x.wav', stereo16), (error: unknown) => error instanceof SinkError && /file:\/nonexistent-dir\/x\.wav/.test(error.message));
  });
});

describe('choosing a sink when there is no sound server', () => {
  const noServer: NodeJS.ProcessEnv = { ...process.env, PULSE_SERVER: 'unix:/nonexistent/wavert/native', XDG_RUNTIME_DIR: '/nonexistent/wavert', HOME: '/nonexistent/wavert' };

  test('when pulse is asked for explicitly and no server runs then opening throws a SinkError with the reason', async () => {
    await assert.rejects(openSink({ kind: 'pulse' }, stereo16, { env: noServer }), (error: unknown) => {
      assert.ok(error instanceof SinkError);
      assert.match(error.message, /^sink pulse cannot play here: (pacat is not installed|pacat exited with code 1.*(Connection refused|No such file|Connection failure))/);
      return true;
    });
  });

  test('when the speaker addon cannot open a device then the probe reports it instead of the process aborting', async () => {
    const probe = await probeSink('speaker', stereo16, { env: noServer });
    assert.equal(probe.usable, false);
    assert.match(probe.reason ?? '', /speaker addon aborted its process: ALSA has no usable output device|'speaker' package is not installed|speaker worker/);
  });

  test('when auto finds no usable device then it plays to null and says once that nothing will be heard and why', async () => {
    const opened = await openSink({ kind: 'auto' }, stereo16, { env: noServer });
    assert.equal(opened.sink.kind, 'null');
    assert.deepEqual(opened.passedOver.map((probe) => probe.kind), ['pulse', 'pipewire', 'alsa', 'speaker']);
    assert.match(opened.fallbackMessage ?? '', /^nothing will be heard: no audio output works here, so the stream plays to the null sink in real time\.\n  pulse: .+\n  pipewire: .+\n  alsa: .+\n  speaker: .+$/);
    opened.sink.abort();
  });
});
