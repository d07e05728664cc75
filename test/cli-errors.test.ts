import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatSummary, type RunSummary } from '../src/report/summary.js';
import { count } from '../src/text/index.js';
import { runWavert, writeCounterWav } from './support/pulse.js';

// Every message a user reads about a bad command line, as the real CLI prints it: one style, one exit code.
const noServer: NodeJS.ProcessEnv = { ...process.env, PULSE_SERVER: 'unix:/nonexistent/wavert/native', XDG_RUNTIME_DIR: '/nonexistent/wavert', HOME: '/nonexistent/wavert' };
let directory: string;
let wavPath: string;

before(async () => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-cli-errors-'));
  wavPath = path.join(directory, 'one-second.wav');
  await writeCounterWav(wavPath, 48_000);
});

after(() => fs.rmSync(directory, { recursive: true, force: true }));

async function usage(args: string[]): Promise<string> {
  const run = await runWavert(args, { env: noServer });
  assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
  assert.equal(run.stdout, '');
  return run.stderr;
}

test("when an option is unknown then commander's message is in wavert's style: wavert: <what>, then where the help is, exit 2", async () => {
  assert.equal(await usage(['play', wavPath, '--bogus']), "wavert: unknown option '--bogus'\nSee 'wavert play --help'.\n");
  assert.equal(await usage(['--bogus']), "wavert: unknown option '--bogus'\nSee 'wavert --help'.\n");
});

test('when an option or a command is misspelt then the closest one is suggested on the same line', async () => {
  assert.equal(await usage(['render', wavPath, '-o', path.join(directory, 'x.wav'), '--bufer-ms', '20']), "wavert: unknown option '--bufer-ms' (did you mean --buffer-ms?)\nSee 'wavert render --help'.\n");
  assert.equal(await usage(['ply', wavPath]), "wavert: unknown command 'ply' (did you mean play?)\nSee 'wavert --help'.\n");
  assert.equal(await usage(['devics']), "wavert: unknown command 'devics' (did you mean devices?)\nSee 'wavert --help'.\n");
});

test('when a required option or argument is missing then the message has the same two lines', async () => {
  assert.equal(await usage(['render', wavPath]), "wavert: required option '-o, --output <out.wav>' not specified\nSee 'wavert render --help'.\n");
  assert.equal(await usage(['info']), "wavert: missing required argument 'file'\nSee 'wavert info --help'.\n");
});

test("when a value is misspelt then wavert's own usage error suggests the closest value, in the same style", async () => {
  const out = path.join(directory, 'y.wav');
  assert.equal(await usage(['render', wavPath, '-o', out, '--underflow', 'repaet']), "wavert: --underflow must be one of repeat, silence, got 'repaet' (did you mean 'repeat'?)\nSee 'wavert render --help'.\n");
  assert.match(await usage(['play', wavPath, '--sink', 'pulsee']), /^wavert: --sink 'pulsee' is not a sink \(did you mean 'pulse'\?\): use auto, .*\nSee 'wavert play --help'\.\n$/);
  assert.equal(await usage(['render', wavPath, '-o', out, '--log-level', 'verbose']), "wavert: --log-level must be one of fatal, error, warn, info, debug, trace, silent, got 'verbose'\nSee 'wavert render --help'.\n");
  assert.equal(fs.existsSync(out), false);
});

test('when --live is given a --latency-ms below what the packets need then play warns that the player gets more, and plays', async () => {
  const run = await runWavert(['play', wavPath, '--sink', 'null', '--live', '--latency-ms', '5', '--duration', '50ms', '--quiet'], { env: noServer });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^wavert: warning: --latency-ms 5 is below two packets \(10\.0 ms each\) plus 10 ms: the player gets 30 ms$/m);
  const paced = await runWavert(['play', wavPath, '--sink', 'null', '--latency-ms', '5', '--duration', '50ms', '--quiet'], { env: noServer });
  assert.doesNotMatch(paced.stderr, /--latency-ms/, 'paced: --latency-ms is the lookahead, taken as given');
  const fine = await runWavert(['play', wavPath, '--sink', 'null', '--live', '--latency-ms', '40', '--duration', '50ms', '--quiet'], { env: noServer });
  assert.doesNotMatch(fine.stderr, /--latency-ms/);
});

test('when --buffer-ms is shorter than one frame per packet then render warns that it uses N frames, and renders', async () => {
  const run = await runWavert(['render', wavPath, '-o', path.join(directory, 'tiny.wav'), '--buffer-ms', '0.01', '--duration', '1ms']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, 'wavert: warning: --buffer-ms 0.01 is 0 frames at 48000 Hz, fewer than one per packet: using 2 frames (0.042 ms)\n');
  assert.match(run.stdout, /^stream +8 bytes, 2 notifications, packets of 4 bytes \(1 frame\)$/m);
});

test('when --start is at or past the end of the file then render and play both exit 2 with the same sentence', async () => {
  const out = path.join(directory, 'cut.wav');
  for (const start of ['1s', '1m', '1:23.5']) {
    const expected = `wavert: --start ${start} is at or past the end of ${wavPath} (0:01.0 long)\n`;
    assert.equal(await usage(['render', wavPath, '-o', out, '--start', start]), `${expected}See 'wavert render --help'.\n`);
    assert.equal(await usage(['play', wavPath, '--sink', 'null', '--start', start, '--quiet']), `${expected}See 'wavert play --help'.\n`);
  }
  assert.equal(fs.existsSync(out), false, 'no output is left behind');
});

test('when a count is one then the summary says it in the singular, and in the plural otherwise', async () => {
  const run = await runWavert(['render', wavPath, '-o', path.join(directory, 'n1.wav'), '--notifications', '1', '--duration', '20ms']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^stream +3840 bytes, 1 notification, packets of 3840 bytes \(960 frames\)$/m);
  assert.match(run.stdout, /^packets +\d+ transferred, 1 notification, 1 of 1 write accepted$/m);
  assert.match(run.stdout, /^underruns +0 events, 0 frames \(repeat\)$/m);
  const summary = JSON.parse((await runWavert(['render', wavPath, '-o', path.join(directory, 'n2.wav'), '--json'])).stdout) as RunSummary;
  summary.underrun = { ...summary.underrun, events: 1, frames: 1 };
  assert.match(formatSummary(summary), /^underruns +1 event, 1 frame \(repeat\)/m);
  assert.deepEqual([count(0, 'event'), count(1, 'event'), count(2, 'discontinuity', 'discontinuities')], ['0 events', '1 event', '2 discontinuities']);
});
