// A stream the profile never lets end: render stops it after a grace second, and the summary, JSON and
// report say it never ended and why (sysvad: minwavertstream.cpp, UpdatePosition; SetState with no timer).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderFile } from '../src/render/index.js';
import { formatSummary } from '../src/report/summary.js';
import { NEVER_ENDING_GRACE_NS } from '../src/session/session.js';
import { pcmFormat } from '../src/wav/index.js';
import { readAudio, writeTestWav } from './support/audio-files.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const format = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
let dir = '';

before(() => { dir = mkdtempSync(join(tmpdir(), 'wavert-never-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

describe('a stream that never ends', () => {
  test('when sysvad gets a full-length EOS on the last slot then render stops 1 s later and the summary says the stream never ended and why', () => {
    // 960 frames = two 10 ms packets: the EOS packet is full and lives in slot 1 of 2
    const input = writeTestWav(dir, 'two-packets.wav', 960, format);
    const { summary } = renderFile(input, join(dir, 'out.wav'), { profile: 'sysvad' });
    assert.equal(summary.ended, false);
    assert.match(summary.neverEnded ?? '', /^the EOS is a full-length packet on the last slot: its end offset equals the buffer size/);
    assert.equal(summary.output.frames, (NEVER_ENDING_GRACE_NS / 1e9) * 48000);
    assert.match(formatSummary(summary), /^end {10}never ended: the EOS is a full-length packet on the last slot/m);
    const audio = readAudio(join(dir, 'out.wav'));
    assert.ok(audio.subarray(0, 960 * 4).equals(readAudio(input)), 'the file plays once, then the buffer loops');
    assert.ok(audio.subarray(960 * 4, 1920 * 4).equals(readAudio(input)));
  });

  test('when doc gets the same file then it ends at 20 ms with nothing more', () => {
    const input = writeTestWav(dir, 'two-packets-doc.wav', 960, format);
    const { summary } = renderFile(input, join(dir, 'out-doc.wav'), { profile: 'doc' });
    assert.equal(summary.ended, true);
    assert.equal(summary.neverEnded, null);
    assert.equal(summary.output.frames, 960);
  });

  test('when sysvad has a notification interval of 0 ms then render stops 1 s after the input\'s length and says there was no timer', () => {
    const input = writeTestWav(dir, 'short-buffer.wav', 4800, format);
    const { summary } = renderFile(input, join(dir, 'out-short.wav'), { profile: 'sysvad', bufferMs: 1.5 });
    assert.equal(summary.ended, false);
    assert.equal(summary.notifications, 0);
    assert.match(summary.neverEnded ?? '', /^the notification interval truncates to 0 ms/);
    assert.equal(summary.output.frames, 4800 + 48000);
  });

  test('when the CLI renders it then exit 0 and --json and the HTML report say it never ended', () => {
    const input = writeTestWav(dir, 'cli.wav', 960, format);
    const report = join(dir, 'cli.html');
    const run = spawnSync(process.execPath, [join(root, 'bin', 'wavert.js'), 'render', input, '-o', join(dir, 'cli-out.wav'), '--profile', 'sysvad', '--json', '--report', report], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const json = JSON.parse(run.stdout) as { ended: boolean; neverEnded: string };
    assert.equal(json.ended, false);
    assert.match(json.neverEnded, /eosAtBufferEnd: never-ends; sysvad UpdatePosition/);
    assert.match(readFileSync(report, 'utf8'), /never ended: the EOS is a full-length packet on the last slot/);
  });
});
