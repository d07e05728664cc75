import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wavCases, wavCaseFileName } from './support/make-fixtures.js';
import { fixtureAudio } from './support/wav-bytes.js';
import { EventPriority } from '../src/clock/scheduler.js';
import { renderFile } from '../src/render/index.js';
import { renderCommand } from '../src/cli/render.js';
import { main } from '../src/cli/main.js';
import { UsageError } from '../src/errors.js';
import { createMemoryTrace } from '../src/report/index.js';
import { Session, type ClientConfig, type TransportConfig } from '../src/session/index.js';
import { pcmFormat, type WavFormat } from '../src/wav/index.js';
import type { CliIo } from '../src/cli/io.js';
import { readAudio, memoryIo, writeTestWav } from './support/audio-files.js';

const MS = 1_000_000;
const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'fixtures', 'wav');
let dir = '';

const makeWav = (name: string, frames: number, format: WavFormat): string => writeTestWav(dir, name, frames, format);

before(() => { dir = mkdtempSync(join(tmpdir(), 'wavert-usb-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

const stereo44 = pcmFormat({ channels: 2, sampleRate: 44100, bitsPerSample: 16 });
const stereo48 = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
const usbFull: TransportConfig = { kind: 'usb', speed: 'full', interval: 1 };

interface UsbRun {
  input: Buffer;
  output: Buffer;
  /** Length of every piece the transport handed to the sink (one per service, plus silence pieces). */
  pieces: number[];
  session: Session;
  trace: Array<Record<string, unknown>>;
}

/** Runs a session through the USB transport; `script` may schedule scenario hooks before the run starts. */
function runUsb(format: WavFormat, frames: number, transport: TransportConfig, script?: (session: Session) => void, client?: ClientConfig): UsbRun {
  const input = Buffer.from(fixtureAudio(format, frames));
  let position = 0;
  const chunks: Buffer[] = [];
  const pieces: number[] = [];
  const trace = createMemoryTrace();
  const session = new Session({
    format,
    source: { read(target: Buffer) { const n = Math.min(target.length, input.length - position); input.copy(target, 0, position, position + n); position += n; return n; } },
    output: { writeFrom(source: Buffer, offset: number, length: number) { pieces.push(length); chunks.push(Buffer.from(source.subarray(offset, offset + length))); } },
    transport,
    client,
    trace,
  });
  script?.(session);
  session.runVirtual(600e9);
  return { input, output: Buffer.concat(chunks), pieces, session, trace: trace.events };
}

const at = (session: Session, timeNs: number, action: () => void): void => {
  session.scheduler.at(timeNs, EventPriority.action, action);
};

describe('USB transport: exact frames of audio per (micro)frame', () => {
  test('when 44.1 kHz stereo goes through full-speed frames then the packets carry 176 bytes nine times then 180, and the output is bit-exact', () => {
    const run = runUsb(stereo44, 44100, usbFull);
    assert.ok(run.output.equals(run.input));
    // the pattern is anchored to the bus frame number: frame n carries 45 frames when n ends in 9
    const start = run.trace.find((e) => e.event === 'usb' && e.kind === 'submit')!.startInterval as number;
    assert.deepEqual(run.pieces.slice(0, 20), Array.from({ length: 20 }, (_, k) => ((start + k) % 10 === 9 ? 180 : 176)));
    const usb = run.session.summary().usb!;
    assert.deepEqual(usb.bytesPerFrame, { min: 176, max: 180 });
    assert.equal(usb.frames, 1000);
    assert.equal(usb.emptyFrames, 0);
    assert.equal(usb.discontinuities, 0);
  });

  test('when 44.1 kHz goes through high-speed microframes then each carries 5 or 6 frames and the output is bit-exact', () => {
    const run = runUsb(stereo44, 44100 + 3, { kind: 'usb', speed: 'high', interval: 1 });
    assert.ok(run.output.equals(run.input));
    const usb = run.session.summary().usb!;
    assert.deepEqual(usb.bytesPerFrame, { min: 20, max: 24 });
    assert.equal(usb.frames, 8001);
  });

  test('when high speed uses interval 4 with a larger maxBytesPerInterval then the output is still bit-exact', () => {
    const run = runUsb(stereo48, 48000, { kind: 'usb', speed: 'high', interval: 4, maxBytesPerInterval: 400 });
    assert.ok(run.output.equals(run.input));
    assert.deepEqual(run.session.summary().usb!.bytesPerFrame, { min: 96, max: 96 });
  });

  test('when one hour of 44.1 kHz plays through full-speed USB on virtual time then exactly 158,760,000 frames ride in exactly 3,600,000 USB frames, each sample in place', () => {
    const format = stereo44;
    const totalFrames = 44100 * 3600;
    // a pattern whose period (a prime number of frames) lines up with no packet or transfer: copies and compares stay cheap
    const periodFrames = 48_017;
    const pattern = Buffer.alloc(periodFrames * 2 * 4);
    for (let frame = 0; frame < periodFrames * 2; frame++) pattern.writeUInt32LE(Math.imul(frame % periodFrames, 2654435761) >>> 0, frame * 4);
    let produced = 0;
    let checked = 0;
    let mismatches = 0;
    const session = new Session({
      format,
      source: {
        read(target: Buffer) {
          const frames = Math.min(target.length / 4, totalFrames - produced);
          let done = 0;
          while (done < frames) {
            const phase = (produced + done) % periodFrames;
            const size = Math.min(frames - done, periodFrames - phase);
            pattern.copy(target, done * 4, phase * 4, (phase + size) * 4);
            done += size;
          }
          produced += frames;
          return frames * 4;
        },
      },
      output: {
        writeFrom(source: Buffer, offset: number, length: number) {
          const phase = checked % periodFrames;
          if (source.compare(pattern, phase * 4, phase * 4 + length, offset, offset + length) !== 0) mismatches++;
          checked += length / 4;
        },
      },
      transport: usbFull,
    });
    const summary = session.runVirtual();
    assert.equal(checked, 158_760_000);
    assert.equal(mismatches, 0);
    assert.equal(summary.usb!.frames, 3_600_000);
    assert.equal(summary.usb!.audioFrames, 158_760_000);
    assert.equal(summary.usb!.emptyFrames, 0);
    assert.equal(summary.usb!.underrunFrames, 0);
    assert.equal(summary.ended, true);
  });

  test('when the run ends then it ends after the device has played the last transfer, not when the DMA stopped', () => {
    const run = runUsb(stereo48, 4800, usbFull);
    const summary = run.session.summary();
    assert.equal(summary.ended, true);
    assert.ok(run.session.endTimeNs! > summary.eos.timeNs!);
    assert.ok(run.output.equals(run.input));
  });
});

describe('USB transport: discontinuities, drops and wrong sizes', () => {
  test('when the host submits late (past every pending transfer) then ContinueStream fails, the stream restarts without it, and the skipped frames play as silence', () => {
    const run = runUsb(stereo44, 44100, usbFull, (session) => at(session, 200 * MS, () => session.usb!.delaySubmissionsUntil(260 * MS)));
    const usb = run.session.summary().usb!;
    assert.equal(usb.discontinuities, 1);
    assert.deepEqual(usb.failures, { ERROR_GEN_FAILURE: 1 });
    assert.ok(usb.emptyFrames > 0);
    assert.equal(usb.silenceFrames, run.output.length / 4 - 44100);
    assert.equal(usb.audioFrames, 44100);
    // after the gap the audio sits at another phase of the 44/45 pattern: its last frame may be a partial 1001st
    assert.ok(usb.frames - usb.emptyFrames === 1000 || usb.frames - usb.emptyFrames === 1001, `frames ${usb.frames}`);
    const failed = run.trace.filter((e) => e.event === 'usb' && e.kind === 'submit-failed');
    assert.deepEqual(failed.map((e) => [e.error, e.errorCode, e.continueStream]), [['ERROR_GEN_FAILURE', 31, true]]);
    const restart = run.trace.find((e) => e.event === 'usb' && e.kind === 'submit' && (e.gapIntervals as number) > 0)!;
    assert.equal(restart.gapIntervals, usb.emptyFrames);
    // the audio is delayed, not lost: removing the silent stretch gives back the input
    const silenceStart = run.output.findIndex((_, i) => i % 4 === 0 && run.output.readUInt32LE(i) === 0 && run.input.readUInt32LE(i) !== 0);
    const silenceBytes = usb.silenceFrames * 4;
    assert.ok(Buffer.concat([run.output.subarray(0, silenceStart), run.output.subarray(silenceStart + silenceBytes)]).equals(run.input));
  });

  test('when a transfer is dropped on the bus then its frames are empty, its audio is lost as silence, and the output length is unchanged', () => {
    const run = runUsb(stereo44, 44100, usbFull, (session) => at(session, 300 * MS, () => session.usb!.dropNextTransfers(1)));
    const usb = run.session.summary().usb!;
    assert.equal(usb.droppedTransfers, 1);
    assert.equal(usb.emptyFrames, 8);
    assert.equal(usb.discontinuities, 0);
    assert.equal(run.output.length, run.input.length);
    assert.ok(usb.silenceFrames === 352 || usb.silenceFrames === 353, `silence ${usb.silenceFrames}`);
    assert.equal(usb.audioFrames, 44100 - usb.silenceFrames);
  });

  test('when a transfer of the wrong size is submitted then it fails with ERROR_INVALID_PARAMETER, is resubmitted right, and the output stays bit-exact', () => {
    const run = runUsb(stereo44, 44100, usbFull, (session) => at(session, 300 * MS, () => session.usb!.submitWrongSizeNext(1000)));
    const usb = run.session.summary().usb!;
    assert.deepEqual(usb.failures, { ERROR_INVALID_PARAMETER: 1 });
    assert.equal(usb.discontinuities, 0);
    assert.ok(run.output.equals(run.input));
  });
});

describe('USB transport: the host stops when the DMA pauses', () => {
  test('when the WaveRT stream pauses for 200 ms then the host lets its pending transfers finish, primes again and restarts without ContinueStream: no gap, no discontinuity, bit-exact', () => {
    const run = runUsb(stereo44, 44100, usbFull, (session) => {
      at(session, 300 * MS, () => session.stream.stepTo('PAUSE'));
      at(session, 500 * MS, () => session.stream.stepTo('RUN'));
    });
    assert.ok(run.output.equals(run.input));
    const usb = run.session.summary().usb!;
    assert.deepEqual([usb.discontinuities, usb.emptyFrames, usb.underrunFrames, usb.silenceFrames], [0, 0, 0, 0]);
    assert.deepEqual(usb.failures, {});
    const restarts = run.trace.filter((e) => e.event === 'usb' && e.kind === 'submit' && (e.gapIntervals as number) > 0);
    assert.equal(restarts.length, 1);
  });

  test('when a waveOut application pauses and restarts over USB then the device plays the file bit-exact', () => {
    const run = runUsb(stereo44, 44100, usbFull, (session) => {
      at(session, 250 * MS, () => session.waveOut!.device.pause());
      at(session, 400 * MS, () => session.waveOut!.device.restart());
    }, { kind: 'waveout', wavehdrBytes: 17640, wavehdrs: 4 });
    assert.ok(run.output.equals(run.input));
    assert.equal(run.session.summary().usb!.emptyFrames, 0);
  });
});

describe('USB transport: files, waveOut and the CLI', () => {
  test('when every good WAV fixture the endpoint can carry is rendered through full- and high-speed USB then the audio is bit-exact', () => {
    let rendered = 0;
    for (const wavCase of wavCases.filter((c) => c.good)) {
      const input = join(fixtures, wavCaseFileName(wavCase));
      for (const transport of [usbFull, { kind: 'usb', speed: 'high', interval: 1 }] as TransportConfig[]) {
        const output = join(dir, `usb-${wavCase.name}.wav`);
        try {
          renderFile(input, output, {}, undefined, { transport });
        } catch (error) {
          assert.ok(error instanceof UsageError && /endpoint limit/.test(error.message), `${wavCase.name}: ${String(error)}`);
          continue;
        }
        assert.ok(readAudio(output).equals(readAudio(input)), `${wavCase.name}: audio differs`);
        rendered++;
      }
    }
    assert.ok(rendered >= 30, `rendered ${rendered}`);
  });

  test('when a waveOut application feeds the stream and USB carries it then a 44.1 kHz file is bit-exact', () => {
    const run = runUsb(stereo44, 44100 * 2 + 7, { kind: 'usb', speed: 'high', interval: 2 }, undefined, { kind: 'waveout', wavehdrBytes: 4410 * 4, wavehdrs: 3 });
    assert.ok(run.output.equals(run.input));
    const summary = run.session.summary();
    assert.equal(summary.waveOut!.starvedPackets, 0);
    assert.equal(summary.usb!.emptyFrames, 0);
  });

  test('when render --transport usb --json runs then the summary has a usb section with frames, bytesPerFrame, emptyFrames and discontinuities', async () => {
    const input = makeWav('cli.wav', 44100, stereo44);
    const io = memoryIo();
    assert.equal(await renderCommand(input, { output: join(dir, 'cli-out.wav'), json: true, transport: 'usb', usbSpeed: 'full', usbInterval: '1', maxBytesPerInterval: '192' }, io), 0);
    const summary = JSON.parse(io.out());
    assert.equal(summary.usb.frames, 1000);
    assert.deepEqual(summary.usb.bytesPerFrame, { min: 176, max: 180 });
    assert.equal(summary.usb.emptyFrames, 0);
    assert.equal(summary.usb.discontinuities, 0);
    assert.equal(summary.usb.maxBytesPerInterval, 192);
    assert.ok(readAudio(join(dir, 'cli-out.wav')).equals(readAudio(input)));
  });

  test('when the human summary is printed then it has a usb line', async () => {
    const input = makeWav('cli2.wav', 4410, stereo44);
    const io = memoryIo();
    await renderCommand(input, { output: join(dir, 'cli2-out.wav'), transport: 'usb' }, io);
    assert.match(io.out(), /^usb +full speed, interval 1, 180 bytes max: 100 frames \(176–180 bytes each\), 0 empty, 0 discontinuities$/m);
  });

  const cases: Array<[string[], RegExp]> = [
    [['--usb-speed', 'high'], /--usb-speed needs --transport usb/],
    [['--max-bytes-per-interval', '192'], /--max-bytes-per-interval needs --transport usb/],
    [['--transport', 'usb', '--usb-speed', 'super'], /--usb-speed must be one of full, high, got 'super'/],
    [['--transport', 'usb', '--usb-interval', '3'], /--usb-interval must be one of 1, 2, 4, 8, got '3'/],
    [['--transport', 'usb', '--max-bytes-per-interval', '100'], /--max-bytes-per-interval 100 is too small/],
    [['--transport', 'usb', '--max-bytes-per-interval', '2000'], /--max-bytes-per-interval must be a whole number from 1 to 1023/],
    [['--transport', 'pci'], /--transport must be one of direct, usb, got 'pci'/],
  ];
  for (const [args, message] of cases) {
    test(`when render gets ${args.join(' ')} then it exits 2 naming the option`, async () => {
      const input = makeWav(`opt-${args.join('_')}.wav`, 480, stereo48);
      const io = memoryIo();
      assert.equal(await main(['render', input, '-o', join(dir, 'opt-out.wav'), ...args], io), 2);
      assert.match(io.err(), message);
    });
  }
});
