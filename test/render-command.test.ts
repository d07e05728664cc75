import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wavCases, wavCaseFileName } from './support/make-fixtures.js';
import { renderFile } from '../src/render/index.js';
import { WavReader, pcmFormat } from '../src/wav/index.js';
import { readAudio, writeTestWav } from './support/audio-files.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'wavert.js');
const fixtures = join(root, 'fixtures', 'wav');
let dir = '';

const makeWav = (name: string, frames: number, format = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 })): string => writeTestWav(dir, name, frames, format);

function wavert(args: string[], input?: Buffer) {
  const result = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'buffer', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

before(() => { dir = mkdtempSync(join(tmpdir(), 'wavert-render-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

describe('wavert render: what the device played', () => {
  test('when every good WAV fixture is rendered with a punctual client then the audio is bit-exact and the format is kept', () => {
    const good = wavCases.filter((c) => c.good);
    assert.ok(good.length >= 20);
    for (const wavCase of good) {
      const input = join(fixtures, wavCaseFileName(wavCase));
      const output = join(dir, `out-${wavCase.name}.wav`);
      const { summary } = renderFile(input, output, {});
      assert.ok(readAudio(output).equals(readAudio(input)), `${wavCase.name}: audio differs`);
      assert.deepEqual(WavReader.open(output).format, WavReader.open(input).format, `${wavCase.name}: format differs`);
      assert.equal(summary.underrun.events, 0, wavCase.name);
    }
  });

  test('when every bad WAV fixture is rendered then the CLI exits 2 with one sentence naming the file, and leaves no output', () => {
    for (const wavCase of wavCases.filter((c) => !c.good)) {
      const input = join(fixtures, wavCaseFileName(wavCase));
      const output = join(dir, `bad-${wavCase.name}.wav`);
      const result = wavert(['render', input, '-o', output]);
      assert.equal(result.status, 2, wavCase.name);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${wavCase.name}: ${result.stderr}`);
      assert.match(lines[0]!, new RegExp(`^wavert: .*${wavCaseFileName(wavCase).replace('.', '\\.')}`));
      assert.ok(lines[0]!.includes(wavCase.errorIncludes!), `${wavCase.name}: ${lines[0]}`);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(existsSync(output), false, `${wavCase.name}: output left behind`);
    }
  });

  test('when a FIFO is modelled with silence fill then the output is the input followed by FIFO-size bytes of silence', () => {
    const input = makeWav('fifo.wav', 5000);
    const output = join(dir, 'fifo-out.wav');
    const result = wavert(['render', input, '-o', output, '--fifo-bytes', '256', '--json']);
    assert.equal(result.status, 0, result.stderr);
    const audio = readAudio(output);
    const original = readAudio(input);
    assert.equal(audio.length, original.length + 256);
    assert.ok(audio.subarray(0, original.length).equals(original));
    assert.ok(audio.subarray(original.length).every((b) => b === 0));
    assert.equal(JSON.parse(result.stdout.toString()).fifoOvershootBytes, 256);
  });

  test('when -o - is given then the WAV goes to stdout and the summary to stderr', () => {
    const input = makeWav('stdout.wav', 3000);
    const result = wavert(['render', input, '-o', '-']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.subarray(0, 4).toString('latin1'), 'RIFF');
    const piped = join(dir, 'piped.wav');
    writeFileSync(piped, result.stdout);
    assert.ok(readAudio(piped).equals(readAudio(input)));
    assert.match(result.stderr, /statuses +STATUS_SUCCESS/);
  });

  test('when the input is - then the WAV is read from stdin', () => {
    const input = makeWav('stdin.wav', 2000);
    const output = join(dir, 'stdin-out.wav');
    const result = wavert(['render', '-', '-o', output], readFileSync(input));
    assert.equal(result.status, 0, result.stderr);
    assert.ok(readAudio(output).equals(readAudio(input)));
  });

  test('when --json is given then the summary is JSON with statuses by NTSTATUS name, underruns and the stream as allocated', () => {
    const input = makeWav('json.wav', 4800);
    const result = wavert(['render', input, '-o', join(dir, 'json-out.wav'), '--json', '--buffer-bytes', '3850', '--notifications', '2']);
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout.toString());
    assert.deepEqual(summary.statuses, { STATUS_SUCCESS: summary.writes });
    assert.deepEqual(summary.underrun, { events: 0, frames: 0, packets: 0, list: [] });
    assert.equal(summary.stream.requestedBufferBytes, 3850);
    assert.equal(summary.stream.bufferBytes, 3848);
    assert.equal(summary.output.frames, 4800);
  });

  test('when --trace is given then every line is one JSON event with model time in ns and frames', () => {
    const input = makeWav('trace.wav', 4800);
    const tracePath = join(dir, 'trace.ndjson');
    const result = wavert(['render', input, '-o', join(dir, 'trace-out.wav'), '--trace', tracePath, '--underflow', 'silence']);
    assert.equal(result.status, 0, result.stderr);
    const events = readFileSync(tracePath, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(events[0].event, 'stream');
    assert.equal(events.at(-1).event, 'summary');
    const kinds = new Set(events.map((e) => e.event));
    for (const kind of ['state', 'write', 'notification', 'eos']) assert.ok(kinds.has(kind), kind);
    assert.ok(events.every((e) => Number.isInteger(e.timeNs) && Number.isInteger(e.timeFrames)));
    // 4800 frames are exactly 10 packets: the EOS point is the 10th packet end, signalled once
    assert.equal(events.filter((e) => e.event === 'notification').length, 10);
  });

  test('when N = 3 is asked for then it works and a warning says it is a model extension', () => {
    const input = makeWav('n3.wav', 4800);
    const output = join(dir, 'n3-out.wav');
    const result = wavert(['render', input, '-o', output, '--notifications', '3', '--buffer-ms', '30']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /warning: 3 notifications per buffer is a model extension/);
    assert.ok(readAudio(output).equals(readAudio(input)));
  });
});

describe('wavert render: diagnostics', () => {
  test('when --log-level is silent then the warning that warn shows is not printed, and the run is the same', () => {
    const input = makeWav('quiet.wav', 4800);
    const loud = wavert(['render', input, '-o', join(dir, 'loud-out.wav'), '--notifications', '3', '--buffer-ms', '30', '--json']);
    const quiet = wavert(['render', input, '-o', join(dir, 'quiet-out.wav'), '--notifications', '3', '--buffer-ms', '30', '--json', '--log-level', 'silent']);
    assert.equal(loud.status, 0, loud.stderr);
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.match(loud.stderr, /warning: 3 notifications per buffer is a model extension/);
    assert.equal(quiet.stderr, '');
    assert.deepEqual(JSON.parse(quiet.stdout.toString()).statuses, JSON.parse(loud.stdout.toString()).statuses);
  });
});

describe('wavert render: bad usage', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['a non-number buffer size', ['--buffer-ms', 'abc'], /--buffer-ms must be a number from 0\.01 to 10000, got 'abc'/],
    ['both buffer options', ['--buffer-ms', '20', '--buffer-bytes', '4000'], /--buffer-ms and --buffer-bytes cannot be used together/],
    ['nine notifications', ['--notifications', '9'], /--notifications must be a whole number from 1 to 8, got '9'/],
    ['an unknown underflow policy', ['--underflow', 'loop'], /--underflow must be one of repeat, silence, got 'loop'/],
    ['an unknown profile', ['--profile', 'win'], /^wavert: unknown profile 'win': give doc or sysvad, or a profile file \(\.yaml, \.yml, \.json\)$/m],
    ['a negative FIFO', ['--fifo-bytes', '-1'], /--fifo-bytes must be a whole number/],
    ['a buffer too small for N frames', ['--buffer-bytes', '6'], /cannot allocate the WaveRT buffer: requested size 6 bytes is smaller than 2 packets/],
    ['an unknown log level', ['--log-level', 'loud'], /--log-level must be one of/],
  ];
  for (const [what, args, message] of cases) {
    test(`when render gets ${what} then it exits 2 with one sentence and writes no output`, () => {
      const input = makeWav(`usage-${args[0]}.wav`, 100);
      const output = join(dir, `usage-out-${args[0]}.wav`);
      const result = wavert(['render', input, '-o', output, ...args]);
      assert.equal(result.status, 2);
      assert.match(result.stderr, message);
      // one sentence; a usage error adds where the help is
      const lines = result.stderr.trim().split('\n');
      assert.ok(lines.length === 1 || (lines.length === 2 && lines[1] === "See 'wavert render --help'."), result.stderr);
      assert.equal(existsSync(output), false);
    });
  }

  test('when the input file does not exist then exit 2 naming it', () => {
    const result = wavert(['render', join(dir, 'missing.wav'), '-o', join(dir, 'x.wav')]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /missing\.wav/);
  });

  test('when the output is the input then exit 2 and the input is untouched', () => {
    const input = makeWav('same.wav', 100);
    const before = readFileSync(input);
    const result = wavert(['render', input, '-o', input]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /is the same file as the input/);
    assert.ok(readFileSync(input).equals(before));
  });

  test('when -o is missing then commander says so and exits 2', () => {
    const input = makeWav('noout.wav', 100);
    const result = wavert(['render', input]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /required option '-o, --output <out\.wav>' not specified/);
  });
});
