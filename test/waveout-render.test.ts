import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wavCases, wavCaseFileName } from './support/make-fixtures.js';
import { fixtureAudio } from './support/wav-bytes.js';
import { renderFile } from '../src/render/index.js';
import { renderCommand } from '../src/cli/render.js';
import { main } from '../src/cli/main.js';
import { createMemoryTrace } from '../src/report/index.js';
import { Session, type ClientConfig } from '../src/session/index.js';
import { pcmFormat, type WavFormat } from '../src/wav/index.js';
import type { CliIo } from '../src/cli/io.js';
import { readAudio, memoryIo, writeTestWav } from './support/audio-files.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'fixtures', 'wav');
let dir = '';

const makeWav = (name: string, frames: number, format: WavFormat): string => writeTestWav(dir, name, frames, format);

before(() => { dir = mkdtempSync(join(tmpdir(), 'wavert-waveout-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

/** Runs a waveOut session on a generated signal and returns what the DMA played. */
function runWaveOut(format: WavFormat, frames: number, client: ClientConfig, wakeLatencyNs = 0) {
  const input = Buffer.from(fixtureAudio(format, frames));
  let position = 0;
  const chunks: Buffer[] = [];
  const trace = createMemoryTrace();
  const session = new Session({
    format,
    source: { read(target: Buffer) { const n = Math.min(target.length, input.length - position); input.copy(target, 0, position, position + n); position += n; return n; } },
    output: { writeFrom(source: Buffer, offset: number, length: number) { chunks.push(Buffer.from(source.subarray(offset, offset + length))); } },
    client,
    trace,
    wakeLatency: () => wakeLatencyNs,
  });
  const summary = session.runVirtual(600e9);
  return { input, output: Buffer.concat(chunks), summary, trace: trace.events };
}

const stereo44 = pcmFormat({ channels: 2, sampleRate: 44100, bitsPerSample: 16 });
const stereo48 = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });

describe('waveOut render: a punctual application and host deliver the file bit-exact', () => {
  test('when a 16-bit stereo 48 kHz WAV is rendered with --client waveout then the audio is bit-exact and every header is DONE', () => {
    const input = makeWav('stereo48.wav', 48000 * 3 + 17, stereo48);
    const output = join(dir, 'stereo48-out.wav');
    const { summary } = renderFile(input, output, {}, undefined, { client: { kind: 'waveout', wavehdrBytes: 4096, wavehdrs: 4 } });
    assert.ok(readAudio(output).equals(readAudio(input)));
    assert.equal(summary.ended, true);
    assert.equal(summary.underrun.events, 0);
    assert.equal(summary.waveOut!.starvedPackets, 0);
    assert.equal(summary.waveOut!.headersDone, summary.waveOut!.headersWritten);
    assert.equal(summary.waveOut!.headersWritten, Math.ceil(((48000 * 3 + 17) * 4) / 4096));
  });

  test('when a 44.1 kHz WAV is rendered with --client waveout then the audio is bit-exact', () => {
    const input = makeWav('stereo44.wav', 44100 * 2 + 5, stereo44);
    const output = join(dir, 'stereo44-out.wav');
    const { summary } = renderFile(input, output, {}, undefined, { client: { kind: 'waveout', wavehdrBytes: 8820, wavehdrs: 3 } });
    assert.ok(readAudio(output).equals(readAudio(input)));
    assert.equal(summary.waveOut!.starvedPackets, 0);
  });

  test('when every good WAV fixture is rendered through waveOut then the audio is bit-exact', () => {
    for (const wavCase of wavCases.filter((c) => c.good)) {
      const input = join(fixtures, wavCaseFileName(wavCase));
      const output = join(dir, `wo-${wavCase.name}.wav`);
      const { summary } = renderFile(input, output, {}, undefined, { client: { kind: 'waveout' } });
      assert.ok(readAudio(output).equals(readAudio(input)), `${wavCase.name}: audio differs`);
      assert.equal(summary.waveOut!.starvedPackets, 0, wavCase.name);
    }
  });

  test('when the file ends exactly on a header boundary then the last header still ends the stream bit-exact', () => {
    const { input, output, summary } = runWaveOut(stereo48, 4096 * 5 / 4, { kind: 'waveout', wavehdrBytes: 4096, wavehdrs: 2 });
    assert.ok(output.equals(input));
    assert.equal(summary.eos.reached, true);
  });

  test('when the application refills with a seeded latency inside its slack then the output is still bit-exact and the trace repeats exactly', () => {
    const client: ClientConfig = { kind: 'waveout', wavehdrBytes: 8820, wavehdrs: 4, refillLatency: { kind: 'uniform', minNs: 0, maxNs: 20e6 }, seed: 7 };
    const first = runWaveOut(stereo44, 44100, client);
    const second = runWaveOut(stereo44, 44100, client);
    assert.ok(first.output.equals(first.input));
    assert.deepEqual(first.trace, second.trace);
    assert.equal(first.summary.waveOut!.starvedPackets, 0);
  });
});

describe('waveOut render: starvation and the summary', () => {
  test('when the application is slower than its headers then packets starve, silence is inserted, and the WaveRT stream reports no underrun', () => {
    const client: ClientConfig = { kind: 'waveout', wavehdrBytes: 441 * 4, wavehdrs: 2, refillLatency: { kind: 'fixed', valueNs: 15e6 } };
    const { input, output, summary } = runWaveOut(stereo44, 44100, client);
    const w = summary.waveOut!;
    assert.ok(w.starvedPackets > 0);
    assert.equal(summary.underrun.events, 0);
    assert.equal(output.length, input.length + w.starvedFrames * 4);
    assert.equal(w.headersDone, w.headersWritten);
    assert.deepEqual(w.doneOrder.slice(0, 6), [0, 1, 0, 1, 0, 1]);
  });

  test('when the run is traced then waveout events record each call with its MMRESULT name and each WOM_DONE', () => {
    const { trace } = runWaveOut(stereo48, 4800, { kind: 'waveout', wavehdrBytes: 9600, wavehdrs: 2 });
    const waveout = trace.filter((e) => e.event === 'waveout');
    assert.ok(waveout.some((e) => e.kind === 'call' && e.call === 'write' && e.result === 'MMSYSERR_NOERROR'));
    assert.equal(waveout.filter((e) => e.kind === 'done').length, 2);
  });

  test('when render --client waveout --json runs then the summary has a waveOut section with headersDone and starvedPackets', async () => {
    const input = makeWav('cli.wav', 9600, stereo48);
    const io = memoryIo();
    const code = await renderCommand(input, { output: join(dir, 'cli-out.wav'), json: true, client: 'waveout', wavehdrBytes: '3840', wavehdrs: '3' }, io);
    assert.equal(code, 0);
    const summary = JSON.parse(io.out());
    assert.equal(summary.waveOut.headersDone, 10);
    assert.equal(summary.waveOut.starvedPackets, 0);
    assert.equal(summary.waveOut.headerBytes, 3840);
    assert.ok(readAudio(join(dir, 'cli-out.wav')).equals(readAudio(input)));
  });

  test('when the human summary is printed then it has a waveOut line', async () => {
    const input = makeWav('cli2.wav', 4800, stereo48);
    const io = memoryIo();
    await renderCommand(input, { output: join(dir, 'cli2-out.wav'), client: 'waveout' }, io);
    assert.match(io.out(), /^waveOut +4 headers of 9600 bytes: 2 of 2 writes DONE, 0 starved packets/m);
  });
});

describe('waveOut CLI options', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--wavehdrs', '3'], /--wavehdrs needs --client waveout/],
    [['--wavehdr-bytes', '4096'], /--wavehdr-bytes needs --client waveout/],
    [['--client', 'waveout', '--wavehdr-bytes', '4097'], /--wavehdr-bytes must be a whole number of 4-byte frames, got '4097'/],
    [['--client', 'waveout', '--wavehdrs', '0'], /--wavehdrs must be a whole number from 1 to 1024, got '0'/],
    [['--client', 'wave'], /--client must be one of packet, waveout, got 'wave'/],
    [['--client', 'waveout', '--app-latency-ms', '9-2'], /--app-latency-ms must be milliseconds/],
  ];
  for (const [args, message] of cases) {
    test(`when render gets ${args.join(' ')} then it exits 2 naming the option`, async () => {
      const input = makeWav(`opt-${args.join('_')}.wav`, 480, stereo48);
      const io = memoryIo();
      const code = await main(['render', input, '-o', join(dir, 'opt-out.wav'), ...args], io);
      assert.equal(code, 2);
      assert.match(io.err(), message);
    });
  }

  test('when render --client waveout --app-latency-ms 2-8 --app-seed 3 runs twice then both outputs are identical', async () => {
    const input = makeWav('seeded.wav', 44100, stereo44);
    for (const name of ['s1.wav', 's2.wav']) {
      const io = memoryIo();
      assert.equal(await main(['render', input, '-o', join(dir, name), '--client', 'waveout', '--wavehdr-bytes', '1764', '--wavehdrs', '3', '--app-latency-ms', '2-8', '--app-seed', '3'], io), 0, io.err());
    }
    assert.ok(readFileSync(join(dir, 's1.wav')).equals(readFileSync(join(dir, 's2.wav'))));
  });
});
