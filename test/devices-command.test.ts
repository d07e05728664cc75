import { test, describe, before, after } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AUTO_SINK_ORDER, parseAlsaPcms, parsePipewireTargets, parsePulseSinks, type DeviceSurvey } from '../src/sinks/index.js';
import { pulseUnavailableReason, runWavert, startPulse, TEST_SINK_NAME, WAVERT_BIN, writeCounterWav, type PulseServer } from './support/pulse.js';

// `wavert devices` as a real process: against a private PulseAudio (its null sink listed by name) and with no server.
const noServer: NodeJS.ProcessEnv = {
  ...process.env,
  PULSE_SERVER: 'unix:/nonexistent/wavert/native',
  XDG_RUNTIME_DIR: '/nonexistent/wavert',
  HOME: '/nonexistent/wavert',
};

test('when there is no sound server at all then devices exits 0, says why pulse cannot play, and auto would play to null', async () => {
  const run = await runWavert(['devices', '--json'], { env: noServer });
  assert.equal(run.code, 0, run.stderr);
  const survey = JSON.parse(run.stdout) as DeviceSurvey;
  assert.deepEqual(survey.backends.map((backend) => backend.kind), [...AUTO_SINK_ORDER, 'file', 'null']);
  const pulse = survey.backends.find((backend) => backend.kind === 'pulse')!;
  assert.equal(pulse.usable, false);
  assert.match(pulse.reason ?? '', /pacat (is not installed|exited with code 1)/);
  assert.deepEqual(pulse.devices, []);
  assert.match(pulse.devicesProblem ?? '', /pactl (is not installed|list short sinks failed)/);
  assert.equal(survey.auto.kind, 'null');
  assert.equal(survey.auto.device, null);
  assert.deepEqual(survey.auto.passedOver.map((passed) => passed.kind), AUTO_SINK_ORDER);
  const text = await runWavert(['devices'], { env: noServer });
  assert.match(text.stdout, /^--sink auto would play to: null: no audio output works here/m);
  assert.match(text.stdout, /^  passed over pulse: /m);
});

test('when there is no sound server then devices --names still lists what ALSA has, and nothing of pulse', async () => {
  const run = await runWavert(['devices', '--names'], { env: noServer });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  const names = run.stdout.split('\n').filter((name) => name !== '');
  if (names.length > 0) assert.ok(names.includes('default'), run.stdout);
  assert.ok(!names.includes(TEST_SINK_NAME));
});

test('when `sinks` is typed then it still works: the same table as devices, and --json the array of back-ends it always printed', async () => {
  const [devices, sinks, sinksText] = await Promise.all([
    runWavert(['devices', '--json'], { env: noServer }), runWavert(['sinks', '--json'], { env: noServer }), runWavert(['sinks'], { env: noServer }),
  ]);
  assert.equal(sinks.code, 0, sinks.stderr);
  const backends = JSON.parse(sinks.stdout) as Array<{ kind: string; usable: boolean; reason: string | null }>;
  assert.ok(Array.isArray(backends));
  assert.deepEqual(backends.map((backend) => [backend.kind, backend.usable]), (JSON.parse(devices.stdout) as DeviceSurvey).backends.map((backend) => [backend.kind, backend.usable]));
  assert.match(sinksText.stdout, /^--sink auto would play to: null: /m);
});

test('when the listers print their usual output then each device is read by name, with the default marked', () => {
  assert.deepEqual(parsePulseSinks('0\talsa_output.pci\tmodule-alsa-card.c\ts16le 2ch 44100Hz\tSUSPENDED\n1\tnull_sink\tmodule-null-sink.c\tfloat32le 2ch 48000Hz\tIDLE\n', 'null_sink'), [
    { name: 'alsa_output.pci', description: 's16le 2ch 44100Hz, SUSPENDED, module-alsa-card.c', isDefault: false },
    { name: 'null_sink', description: 'float32le 2ch 48000Hz, IDLE, module-null-sink.c', isDefault: true },
  ]);
  assert.deepEqual(parseAlsaPcms('default\n    Default ALSA Output\nhw:CARD=PCH,DEV=0\n    HDA Intel PCH, ALC892 Analog\n    Direct hardware device\n'), [
    { name: 'default', description: 'Default ALSA Output', isDefault: true },
    { name: 'hw:CARD=PCH,DEV=0', description: 'HDA Intel PCH, ALC892 Analog; Direct hardware device', isDefault: false },
  ]);
  assert.deepEqual(parsePipewireTargets('Available targets ("*" denotes default): 47\n\t46: description="Built-in Audio Analog Stereo" prio=1009\n*\t47: name="alsa_output.usb" description="USB DAC" prio=1010\n'), [
    { name: '46', description: 'Built-in Audio Analog Stereo', isDefault: false },
    { name: 'alsa_output.usb', description: 'USB DAC', isDefault: true },
  ]);
});

const unavailable = pulseUnavailableReason();

describe('wavert devices with a private PulseAudio server', { skip: unavailable }, () => {
  let server: PulseServer;
  let directory: string;
  let wavPath: string;

  before(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-devices-'));
    wavPath = path.join(directory, 'counter.wav');
    await writeCounterWav(wavPath, 4_800);
    server = await startPulse();
  });

  after(async () => {
    await server?.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  test('when the server runs then its null sink is listed by name as the default pulse device, and auto picks a working back-end', async () => {
    const run = await runWavert(['devices', '--json'], { env: server.env });
    assert.equal(run.code, 0, run.stderr);
    const survey = JSON.parse(run.stdout) as DeviceSurvey;
    const pulse = survey.backends.find((backend) => backend.kind === 'pulse')!;
    assert.equal(pulse.usable, true, pulse.reason);
    assert.equal(pulse.devicesFrom, 'pactl list short sinks');
    const sink = pulse.devices.find((device) => device.name === TEST_SINK_NAME);
    assert.ok(sink, JSON.stringify(pulse.devices));
    assert.equal(sink.isDefault, true);
    assert.match(sink.description, /s16le 2ch 48000Hz/);
    // every back-end before pulse in auto's order that works here (speaker through ALSA's pulse plugin) may win
    const pulseAt = AUTO_SINK_ORDER.indexOf('pulse');
    assert.ok(AUTO_SINK_ORDER.indexOf(survey.auto.kind) <= pulseAt, survey.auto.kind);
    assert.match(survey.auto.why, new RegExp(`^${survey.auto.kind} is the first of ${AUTO_SINK_ORDER.join(', ')}`));
    if (survey.auto.kind === 'pulse') assert.equal(survey.auto.device, TEST_SINK_NAME);
    const text = await runWavert(['devices'], { env: server.env });
    assert.match(text.stdout, new RegExp(`^      ${TEST_SINK_NAME} \\*  +s16le 2ch 48000Hz`, 'm'));
  });

  test('when play runs with -vv on pulse then the debug lines give pacat\'s whole command line and the sink\'s buffer', async () => {
    const run = await runWavert(['play', wavPath, '--sink', 'pulse', '--device', TEST_SINK_NAME, '-vv'], { env: server.env, timeoutMs: 20_000 });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`^wavert: debug: sink pulse \\(pacat on ${TEST_SINK_NAME}, \\d+ ms buffer\\): opened in [\\d.]+ ms; command line: pacat --playback --raw --verbose --format=s16le --rate=48000 --channels=2 --latency-msec=\\d+ --client-name=wavert '--stream-name=wavert play' --device=${TEST_SINK_NAME}$`, 'm'));
  });

  test('when the bash completion completes --device then it offers the server\'s sinks by name (from devices --names)', async () => {
    const names = await runWavert(['devices', '--names'], { env: server.env });
    assert.equal(names.code, 0, names.stderr);
    assert.ok(names.stdout.split('\n').includes(TEST_SINK_NAME), names.stdout);
    const bin = path.join(directory, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'wavert'), `#!/bin/sh\nexec "${process.execPath}" "${WAVERT_BIN}" "$@"\n`, { mode: 0o755 });
    const script = path.join(directory, 'wavert.bash');
    fs.writeFileSync(script, (await runWavert(['completion', 'bash'])).stdout);
    const program = `source "$1"\nCOMP_WORDS=(wavert play x.wav --device wavert_t)\nCOMP_CWORD=4\n_wavert\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
    const completed = spawnSync('bash', ['-c', program, 'bash', script], { encoding: 'utf8', env: { ...server.env, PATH: `${bin}:${process.env.PATH}` } });
    assert.equal(completed.status, 0, completed.stderr);
    assert.deepEqual(completed.stdout.split('\n').filter((word) => word !== ''), [TEST_SINK_NAME]);
  });

  test('when play is given a listed pulse sink by name then it plays; a misspelt one is one usage error with the suggestion', async () => {
    const good = await runWavert(['play', wavPath, '--sink', 'pulse', '--device', TEST_SINK_NAME, '--quiet'], { env: server.env, timeoutMs: 20_000 });
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, new RegExp(`^sink +pulse \\(pacat on ${TEST_SINK_NAME}, `, 'm'));
    const bad = await runWavert(['play', wavPath, '--sink', 'pulse', '--device', 'wavert_tset', '--quiet'], { env: server.env, timeoutMs: 20_000 });
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, `wavert: --device 'wavert_tset' is not a pulse sink here (did you mean '${TEST_SINK_NAME}'?); pactl list short sinks lists: ${TEST_SINK_NAME}\nSee 'wavert play --help'.\n`);
  });
});
