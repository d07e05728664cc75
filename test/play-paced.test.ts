import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runWavert, writeCounterWav } from './support/pulse.js';
import { readAudio } from './support/audio-files.js';
import { Session } from '../src/session/index.js';
import { MemorySource } from '../src/scenario/signals.js';
import { FileSink } from '../src/sinks/index.js';
import { PlaybackControl, PlaybackOutput, playSession } from '../src/player/index.js';
import { pcmFormat } from '../src/wav/index.js';
import { frameCounterPcm } from './support/pulse.js';

// Paced real time (DESIGN §14) without a sound server: the file and null sinks keep the nominal rate, so
// what they get must be, byte for byte, what `render` writes with the same options.
const SAMPLE_RATE = 48_000;
const noServer: NodeJS.ProcessEnv = { ...process.env, PULSE_SERVER: 'unix:/nonexistent/wavert/native', XDG_RUNTIME_DIR: '/nonexistent/wavert', HOME: '/nonexistent/wavert' };

describe('paced play is heard exactly as rendered', () => {
  let directory: string;
  let wavPath: string;

  before(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-play-paced-'));
    wavPath = path.join(directory, 'counter.wav');
    await writeCounterWav(wavPath, SAMPLE_RATE / 2, SAMPLE_RATE);
  });

  after(() => fs.rmSync(directory, { recursive: true, force: true }));

  for (const [name, options] of [
    ['the defaults', []],
    ['N = 1 (the slot overwritten in transfer: a glitch)', ['--notifications', '1', '--buffer-ms', '10']],
    ['a starving waveOut application', ['--client', 'waveout', '--app-latency-ms', '60', '--wavehdrs', '2']],
  ] as const) {
    test(`when a file is played to file: with ${name} then the sink gets the bytes render writes`, async () => {
      const rendered = path.join(directory, `render-${name.length}.wav`);
      const played = path.join(directory, `play-${name.length}.wav`);
      const render = await runWavert(['render', wavPath, '-o', rendered, ...options], { env: noServer });
      assert.equal(render.code, 0, render.stderr);
      const play = await runWavert(['play', wavPath, '--sink', `file:${played}`, '--quiet', ...options], { env: noServer, timeoutMs: 20_000 });
      assert.equal(play.code, 0, play.stderr);
      assert.deepEqual(readAudio(played), readAudio(rendered));
      assert.match(play.stdout, /^playback +paced by the sink \(lookahead 500 ms\)/m);
      assert.match(play.stdout, /playback glitches: none/);
      // the null sink keeps real time: half a second of audio takes half a second
      assert.ok(play.elapsedMs >= 500, `played in ${play.elapsedMs.toFixed(0)} ms`);
    });
  }

  test('when play is paused and resumed then nothing is lost, the model stood in PAUSE, and the paused time is not model time', async () => {
    const format = pcmFormat({ channels: 2, sampleRate: SAMPLE_RATE, bitsPerSample: 16 });
    const pcm = frameCounterPcm(SAMPLE_RATE / 2);
    const chunks: Buffer[] = [];
    const collect = new Session({ format, source: new MemorySource(pcm), output: { writeFrom: (source, offset, length) => { chunks.push(Buffer.from(source.subarray(offset, offset + length))); } } });
    const reference = collect.runVirtual();
    const outPath = path.join(directory, 'paused.wav');
    const session = new Session({ format, source: new MemorySource(pcm), output: null });
    const output = new PlaybackOutput(SAMPLE_RATE, format.blockAlign);
    session.stream.attachOutput(output);
    const states: string[] = [];
    session.stream.addObserver({ stateChanged: (_from, to) => { states.push(to); } });
    const control = new PlaybackControl();
    setTimeout(() => control.togglePause(), 150);
    setTimeout(() => control.togglePause(), 450);
    const result = await playSession({ session, output, sink: FileSink.open(outPath, format), mode: 'paced', lookaheadMs: 100, control });
    assert.equal(result.sinkFailure, undefined);
    assert.deepEqual(readAudio(outPath), Buffer.concat(chunks));
    assert.ok(states.includes('PAUSE') && states.lastIndexOf('RUN') > states.indexOf('PAUSE'), `states ${states.join(' → ')}`);
    assert.ok(result.report.pausedMs >= 250, `paused ${result.report.pausedMs} ms`);
    // end time, output and statuses are the offline run's: the pause added no model time
    assert.equal(result.summary.eos?.timeNs, reference.eos?.timeNs);
    assert.deepEqual(result.summary.output, reference.output);
    assert.deepEqual(result.summary.statuses, reference.statuses);
    assert.ok(result.report.maxAheadMs <= 100 + 10, `the model ran ${result.report.maxAheadMs} ms ahead`);
  });

  test('when q is pressed then the stream ends where it is heard, drains and exits 0 with its own words', async () => {
    const format = pcmFormat({ channels: 2, sampleRate: SAMPLE_RATE, bitsPerSample: 16 });
    const session = new Session({ format, source: new MemorySource(frameCounterPcm(SAMPLE_RATE * 5)), output: null });
    const output = new PlaybackOutput(SAMPLE_RATE, format.blockAlign);
    session.stream.attachOutput(output);
    const control = new PlaybackControl();
    setTimeout(() => control.end('quit'), 300);
    let ended = false;
    const result = await playSession({ session, output, sink: FileSink.open(path.join(directory, 'q.wav'), format), mode: 'paced', lookaheadMs: 200, control, endSource: () => { ended = true; } });
    assert.equal(ended, true);
    assert.equal(result.report.ended, 'quit');
  });
});

describe('paced play when a sink fails', () => {
  let directory: string;
  let wavPath: string;
  let fakeBin: string;

  before(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-play-sinkfail-'));
    wavPath = path.join(directory, 'counter.wav');
    await writeCounterWav(wavPath, SAMPLE_RATE * 3, SAMPLE_RATE);
    fakeBin = path.join(directory, 'bin');
    fs.mkdirSync(fakeBin);
  });

  after(() => fs.rmSync(directory, { recursive: true, force: true }));

  function fakePacat(script: string): NodeJS.ProcessEnv {
    fs.writeFileSync(path.join(fakeBin, 'pacat'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return { ...noServer, PATH: `${fakeBin}:${process.env.PATH}` };
  }

  test('when the sink auto chose fails at start then the next one is tried and the run says why', async () => {
    // passes the probe (no input: exit 0), refuses the stream once audio comes, as a server refusing a format would
    const env = fakePacat('if [ "$(head -c 4 | wc -c)" -gt 0 ]; then echo "Stream error: Invalid argument" >&2; exit 1; fi; exit 0');
    const run = await runWavert(['play', wavPath, '--quiet', '--duration', '300ms'], { env, timeoutMs: 20_000 });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^wavert: pulse failed at start \(pulse \(pacat, 500 ms buffer\): pacat exited with code 1: Stream error: Invalid argument\.\); trying the next sink$/m);
    assert.match(run.stderr, /nothing will be heard/);
    assert.match(run.stdout, /^sink +null /m);
  });

  test('when the sink dies mid-play then play exits 3 with its words within a second', async () => {
    const diedAt = path.join(directory, 'died-at');
    // passes the probe (no input: exit 0), plays 0.8 s, then dies as a server going away would
    const env = fakePacat(`[ "$(head -c 4 | wc -c)" -gt 0 ] || exit 0; cat > /dev/null & sleep 0.8; node -e "require('fs').writeFileSync('${diedAt}', String(Date.now()))"; echo "Connection terminated" >&2; exit 1`);
    const run = await runWavert(['play', wavPath, '--sink', 'pulse', '--quiet'], { env, timeoutMs: 20_000 });
    const exitedAt = Date.now();
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /^wavert: pulse \(pacat, 500 ms buffer\): pacat exited with code 1: Connection terminated\.$/m);
    const afterDeathMs = exitedAt - Number(fs.readFileSync(diedAt, 'utf8'));
    assert.ok(afterDeathMs < 1000, `exited ${afterDeathMs} ms after the sink died`);
  });
});
