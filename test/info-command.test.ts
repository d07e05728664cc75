import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WavFormatError } from '../src/errors.js';
import { infoCommand, formatDurationMs, type WavInfo } from '../src/cli/info.js';
import { wavCases, wavCaseFileName } from './support/make-fixtures.js';
import { captureIo } from './support/audio-files.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const relativeFixture = (name: string) => path.join('fixtures', 'wav', `${name}.wav`);
const fixture = (name: string) => path.join(repoRoot, relativeFixture(name));
const cli = path.join(repoRoot, 'bin', 'wavert.js');


async function infoJson(file: string): Promise<WavInfo> {
  const capture = captureIo(repoRoot);
  assert.equal(await infoCommand(file, { json: true }, capture.io), 0);
  const lines = capture.stdout().trimEnd().split('\n');
  assert.equal(lines.length, 1, 'one JSON object on one line');
  return JSON.parse(lines[0] as string) as WavInfo;
}

describe('wavert info (function)', () => {
  test('when an extensible float file is shown as text then format, sub-format, mask, frames, duration and chunks appear', async () => {
    const capture = captureIo(repoRoot);
    const file = fixture('extensible-float32-stereo');
    assert.equal(await infoCommand(file, {}, capture.io), 0);
    assert.equal(capture.stdout(), [
      `file:          ${file}`,
      'format:        WAVE_FORMAT_EXTENSIBLE / KSDATAFORMAT_SUBTYPE_IEEE_FLOAT (format tag 0xFFFE)',
      'description:   IEEE float 32-bit (extensible), 2 ch, 48000 Hz',
      'channels:      2',
      'sample rate:   48000 Hz',
      'bits:          32 (valid 32)',
      'block align:   8 bytes',
      'channel mask:  0x00000003 (FL FR)',
      'frames:        2400',
      'duration:      0:00:00.050',
      'data:          offset 80, declared 19200 bytes',
      'chunks:',
      '  "fmt "  offset         12  size 40',
      '  "fact"  offset         60  size 4',
      '  "data"  offset         72  size 19200',
      'warnings:      none',
      '',
    ].join('\n'));
    assert.equal(capture.stderr(), '');
  });

  test('when --json is given then one object carries the same facts under stable camelCase keys', async () => {
    const info = await infoJson(fixture('extensible-pcm32-valid24'));
    assert.deepEqual(Object.keys(info), [
      'file', 'formatTag', 'formatName', 'description', 'encoding', 'channels', 'sampleRate', 'bitsPerSample', 'validBitsPerSample',
      'blockAlign', 'extensible', 'channelMask', 'channelLayout', 'frameCount', 'frameCountSource', 'durationMs', 'duration',
      'dataOffset', 'declaredDataSizeInBytes', 'chunks', 'warnings',
    ]);
    assert.equal(info.formatTag, 0xfffe);
    assert.equal(info.formatName, 'WAVE_FORMAT_EXTENSIBLE / KSDATAFORMAT_SUBTYPE_PCM');
    assert.equal(info.bitsPerSample, 32);
    assert.equal(info.validBitsPerSample, 24);
    assert.equal(info.channelMask, 3);
    assert.equal(info.frameCount, 2400);
    assert.deepEqual(info.warnings, []);
  });

  for (const wavCase of wavCases.filter((c) => c.good)) {
    test(`when ${wavCase.name} is inspected then frames and warnings match the manifest`, async () => {
      const info = await infoJson(fixture(wavCase.name));
      assert.equal(info.frameCount, wavCase.framesRead);
      assert.equal(info.frameCountSource, wavCase.frameCount === null ? 'counted' : 'header');
      assert.equal(info.channels, wavCase.format?.channels);
      assert.equal(info.sampleRate, wavCase.format?.sampleRate);
      assert.equal(info.warnings.length, (wavCase.warningsInclude ?? []).length, JSON.stringify(info.warnings));
      assert.equal(info.durationMs, Math.floor(((wavCase.framesRead as number) * 1000) / (wavCase.format?.sampleRate as number)));
    });
  }

  test('when the data size is unknown and the last frame is partial then info reads through and lists both warnings', async () => {
    const info = await infoJson(fixture('partial-trailing-frame-unknown-size'));
    assert.equal(info.frameCount, 2400);
    assert.equal(info.frameCountSource, 'counted');
    assert.match(info.warnings[0] as string, /declares size 0xFFFFFFFF/);
    assert.match(info.warnings[1] as string, /partial frame of 3 bytes \(a frame is 4\); it is dropped/);
  });

  test('when a bad file is inspected then infoCommand rejects with the WavFormatError sentence', async () => {
    await assert.rejects(infoCommand(fixture('short-fmt'), {}, captureIo(repoRoot).io), (error: unknown) => error instanceof WavFormatError && /shorter than the 16 bytes/.test(error.message));
  });

  test('when durations are formatted then they read h:mm:ss.mmm', () => {
    assert.equal(formatDurationMs(0), '0:00:00.000');
    assert.equal(formatDurationMs(50), '0:00:00.050');
    assert.equal(formatDurationMs(3_723_004), '1:02:03.004');
    assert.equal(formatDurationMs(36_000_000 * 3), '30:00:00.000');
  });
});

describe('wavert info (real CLI)', () => {
  for (const wavCase of wavCases.filter((c) => !c.good)) {
    test(`when info is run on ${wavCaseFileName(wavCase)} then exit code 2, one line on stderr naming the file, no stack trace`, () => {
      const file = relativeFixture(wavCase.name);
      const result = spawnSync(process.execPath, [cli, 'info', file], { cwd: repoRoot, encoding: 'utf8' });
      assert.equal(result.status, 2, result.stderr);
      assert.equal(result.stdout, '');
      const lines = result.stderr.split('\n').filter((line) => line !== '');
      assert.equal(lines.length, 1, result.stderr);
      assert.ok(lines[0]?.startsWith(`wavert: ${file}: `), lines[0]);
      assert.ok(lines[0]?.includes(wavCase.errorIncludes as string), lines[0]);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    });
  }

  test('when info is run on a missing file then exit code 2 and "cannot open <file>: no such file"', () => {
    const result = spawnSync(process.execPath, [cli, 'info', 'no-such-file.wav'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.equal(result.stderr, 'wavert: cannot open no-such-file.wav: no such file\n');
  });

  test('when info reads "-" then the file comes from stdin and is labelled stdin', () => {
    const input = fs.readFileSync(fixture('odd-data-pad-trailing'));
    const result = spawnSync(process.execPath, [cli, 'info', '-', '--json'], { cwd: repoRoot, input, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const info = JSON.parse(result.stdout) as WavInfo;
    assert.equal(info.file, 'stdin');
    assert.equal(info.frameCount, 1001);
    assert.equal(info.frameCountSource, 'counted');
  });

  test('when info is run on a good file then exit code 0 and the text goes to stdout', () => {
    const result = spawnSync(process.execPath, [cli, 'info', relativeFixture('pcm16-8ch-48000')], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /channel mask: {2}0x0000063F \(FL FR FC LFE BL BR SL SR\)/);
    assert.equal(result.stderr, '');
  });
});
