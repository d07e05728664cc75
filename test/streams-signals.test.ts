import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pcmFormat, WavReader, WavWriter } from '../src/wav/index.js';
import { writeTestWav } from './support/audio-files.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'wavert.js');
let dir = '';
let longWav = '';
const LONG_FRAMES = 8000 * 600;

/** 10 minutes of 8 kHz mono 8-bit: with 1 ms packets its render takes long enough to be signalled. */
function writeLongWav(path: string): void {
  const format = pcmFormat({ channels: 1, sampleRate: 8000, bitsPerSample: 8 });
  const writer = WavWriter.create(path, format);
  const block = Buffer.alloc(8000 * 10, 0x80);
  for (let i = 0; i < block.length; i++) block[i] = (i * 7) & 0xff;
  for (let written = 0; written < LONG_FRAMES; written += block.length) writer.write(block);
  writer.close();
}

function run(args: string[], stdout: 'pipe' | number = 'pipe') {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', stdout, 'pipe'] });
  return { status: result.status, stderr: result.stderr };
}

/** Starts a command, sends `signal` once its temporary output exists (it is rendering), and resolves with its exit code and stderr. */
function signalled(args: string[], signal: NodeJS.Signals, output: string): Promise<{ code: number | null; stderr: string; signalledAfterStart: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let exited = false;
    let sent = false;
    child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text; });
    child.stdout.resume();
    const poll = setInterval(() => {
      if (readdirSync(dir).some((name) => name.startsWith(`.${output}.`))) {
        clearInterval(poll);
        // a moment into the render, not at its first byte
        setTimeout(() => { sent = !exited; child.kill(signal); }, 100);
      }
    }, 10);
    child.on('exit', () => { exited = true; });
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, stderr, signalledAfterStart: sent });
    });
  });
}

const noTemporaries = (): void => assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.tmp')), []);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wavert-streams-'));
  longWav = join(dir, 'long.wav');
  writeLongWav(longWav);
});
after(() => { rmSync(dir, { recursive: true, force: true }); });

describe('stdout that fails: one sentence, non-zero exit, never a stack trace', () => {
  test('when info --json of a big header goes to a pipe closed after 100 bytes then exit 2 with one sentence', async () => {
    // 1000 chunks before data make a JSON far larger than a pipe's buffer
    const format = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    const plain = writeTestWav(dir, 'plain.wav', 480, format);
    const bytes = readFileSync(plain);
    const junk = Buffer.alloc(1000 * 8);
    for (let i = 0; i < 1000; i++) junk.write('JUNK', i * 8, 'latin1');
    const big = Buffer.concat([bytes.subarray(0, 12), junk, bytes.subarray(12)]);
    big.writeUInt32LE(big.length - 8, 4);
    writeFileSync(join(dir, 'big.wav'), big);
    const child = spawn(process.execPath, [bin, 'info', '--json', 'big.wav'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text; });
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (value) => resolve(value)));
    assert.equal(code, 2, stderr);
    assert.equal(stderr, 'wavert: cannot write to stdout: the reading end of the pipe was closed\n');
  });

  test('when stdout is /dev/full then info, render --json, run and sinks each say so in one sentence and exit 2', () => {
    writeTestWav(dir, 'small.wav', 4800, pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }));
    writeFileSync(join(dir, 's.yaml'), 'input: { type: silence, format: { bitsPerSample: 16, channels: 1, sampleRate: 8000 }, durationMs: 20 }\n');
    const full = openSync('/dev/full', 'w');
    try {
      for (const args of [['info', 'small.wav'], ['info', '--json', 'small.wav'], ['render', 'small.wav', '-o', 'full.wav', '--json'], ['run', 's.yaml', '--out', 'out'], ['sinks', '--json']]) {
        const result = run(args, full);
        assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, /^wavert: cannot write to stdout: no space left on device\n$/, args.join(' '));
      }
    } finally {
      closeSync(full);
    }
  });

  test('when render -o - writes into a closed pipe then it stops with one sentence and exit 2', async () => {
    const child = spawn(process.execPath, [bin, 'render', 'long.wav', '-o', '-'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text; });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (value) => resolve(value)));
    assert.equal(code, 2, stderr);
    assert.equal(stderr, 'wavert: cannot write stdout: the reading end of the pipe was closed\n');
  });
});

describe('streaming traces', () => {
  test('when a long render writes a trace then its lines are in model-time order, the first is stream, the last summary, and memory stays bounded', () => {
    const script = join(dir, 'trace-rss.mjs');
    writeFileSync(script, `const { renderFile } = await import(${JSON.stringify(join(root, 'dist', 'src', 'render', 'index.js'))});
      renderFile(${JSON.stringify(longWav)}, ${JSON.stringify(join(dir, 'traced.wav'))}, { bufferBytes: 32 }, ${JSON.stringify(join(dir, 'traced.ndjson'))});
      console.log(process.resourceUsage().maxRSS);\n`);
    const result = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(result.status, 0, result.stderr);
    const maxRssKb = Number(result.stdout.trim());
    const text = readFileSync(join(dir, 'traced.ndjson'), 'utf8');
    const lines = text.trimEnd().split('\n');
    // 300 000 packets: about 600 000 lines, ~120 MB of trace, written through a bounded buffer
    assert.ok(lines.length > 600_000, `${lines.length} lines`);
    assert.ok(maxRssKb < 200 * 1024, `peak RSS ${maxRssKb} KB for a ${text.length}-byte trace`);
    let previousNs = -1;
    for (const [index, line] of lines.entries()) {
      const timeNs = Number(/"timeNs":(\d+)/.exec(line)?.[1]);
      assert.ok(timeNs >= previousNs, `line ${index + 1} at ${timeNs} ns after ${previousNs} ns: ${line.slice(0, 80)}`);
      previousNs = timeNs;
    }
    assert.equal(JSON.parse(lines[0]!).event, 'stream');
    assert.equal(JSON.parse(lines.at(-1)!).event, 'summary');
    rmSync(join(dir, 'traced.ndjson'));
  });

  test('when the trace goes to /dev/full then exit 2 within a second of starting, one sentence, and no output is left', async () => {
    const started = Date.now();
    const result = run(['render', 'long.wav', '-o', 'nospace.wav', '--trace', '/dev/full', '--buffer-bytes', '16']);
    const elapsedMs = Date.now() - started;
    assert.equal(result.status, 2);
    assert.equal(result.stderr, 'wavert: cannot write /dev/full: no space left on device\n');
    assert.ok(elapsedMs < 10_000, `${elapsedMs} ms (sonic-boom retried ENOSPC forever)`);
    assert.equal(existsSync(join(dir, 'nospace.wav')), false);
    noTemporaries();
  });

  test('when the trace fills a small tmpfs then the message names the file and nothing half-written is left', (t) => {
    const mountPoint = join(dir, 'small-fs');
    mkdirSync(mountPoint);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint]);
    if (mounted.status !== 0) {
      t.skip('mounting a tmpfs needs root and a kernel that allows it here (the /dev/full test covers ENOSPC)');
      return;
    }
    try {
      const result = run(['render', 'long.wav', '-o', 'tmpfs.wav', '--trace', join(mountPoint, 'trace.ndjson'), '--buffer-bytes', '16']);
      assert.equal(result.status, 2);
      assert.equal(result.stderr, `wavert: cannot write ${join(mountPoint, 'trace.ndjson')}: no space left on device\n`);
      assert.deepEqual(readdirSync(mountPoint), []);
      assert.equal(existsSync(join(dir, 'tmpfs.wav')), false);
    } finally {
      spawnSync('umount', [mountPoint]);
    }
  });
});

describe('signals end every command cleanly', () => {
  for (const [signal, code, message] of [['SIGINT', 130, 'interrupted'], ['SIGTERM', 143, 'stopped by SIGTERM'], ['SIGHUP', 129, 'stopped by SIGHUP'], ['SIGQUIT', 131, 'stopped by SIGQUIT']] as const) {
    test(`when render gets ${signal} then it exits ${code} with one line and leaves neither output nor trace`, async () => {
      const result = await signalled(['render', 'long.wav', '-o', `sig-${signal}.wav`, '--buffer-bytes', '8', '--trace', `sig-${signal}.ndjson`], signal, `sig-${signal}.wav`);
      assert.ok(result.signalledAfterStart);
      assert.equal(result.code, code, result.stderr);
      assert.equal(result.stderr, `wavert: ${message}: the render was stopped and its partial output removed\n`);
      assert.equal(existsSync(join(dir, `sig-${signal}.wav`)), false);
      assert.equal(existsSync(join(dir, `sig-${signal}.ndjson`)), false);
      noTemporaries();
    });
  }

  test('when render --keep-partial gets SIGINT then the WAV holds what was rendered with correct sizes', async () => {
    const result = await signalled(['render', 'long.wav', '-o', 'partial.wav', '--buffer-bytes', '8', '--keep-partial'], 'SIGINT', 'partial.wav');
    assert.equal(result.code, 130, result.stderr);
    const match = /^wavert: interrupted: kept the (\d+) frames rendered so far in partial\.wav\n$/.exec(result.stderr);
    assert.ok(match, result.stderr);
    const frames = Number(match[1]);
    assert.ok(frames > 0 && frames < LONG_FRAMES, `${frames} frames`);
    const reader = WavReader.open(join(dir, 'partial.wav'));
    assert.equal(reader.frameCount, frames);
    assert.deepEqual(reader.warnings, []);
    reader.close();
    noTemporaries();
  });

  test('when play on a terminal gets SIGTERM or SIGHUP then the cursor is shown again and the exit code is 143 or 129', { skip: spawnSync('script', ['--version']).status !== 0 ? 'needs script(1) from util-linux for a pseudo-terminal' : false }, async () => {
    for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
      const log = join(dir, `tty-${signal}.log`);
      const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} play ${JSON.stringify(longWav)} --sink null & pid=$!; sleep 1.5; kill -${signal.slice(3)} $pid; wait $pid; echo "exit=$?"`;
      const result = spawnSync('script', ['-qefc', command, log], { cwd: dir, encoding: 'utf8', timeout: 30_000, env: { ...process.env, TERM: 'xterm' } });
      const output = readFileSync(log, 'latin1');
      assert.ok(output.includes('\u001b[?25l'), `${signal}: the live view hid the cursor (status ${result.status})`);
      assert.ok(output.lastIndexOf('\u001b[?25h') > output.lastIndexOf('\u001b[?25l'), `${signal}: the cursor is shown again`);
      assert.match(output, new RegExp(`exit=${code}`));
    }
  });

  test('when play on a terminal is stopped by SIGTSTP then the cursor is shown while it is stopped and hidden again on SIGCONT', { skip: spawnSync('script', ['--version']).status !== 0 ? 'needs script(1) from util-linux for a pseudo-terminal' : false }, () => {
    const log = join(dir, 'tty-SIGTSTP.log');
    // the marker lines are written by the shell between the signals, so the log shows what the terminal had at each point
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} play ${JSON.stringify(longWav)} --sink null & pid=$!; sleep 1.5; kill -TSTP $pid; sleep 0.5; echo "state=$(ps -o stat= -p $pid)"; kill -CONT $pid; sleep 0.5; echo resumed; kill -TERM $pid; wait $pid; echo "exit=$?"`;
    const result = spawnSync('script', ['-qefc', command, log], { cwd: dir, encoding: 'utf8', timeout: 30_000, env: { ...process.env, TERM: 'xterm' } });
    const output = readFileSync(log, 'latin1');
    // script(1)'s own first line quotes the command: the markers are searched after it
    const stoppedAt = output.indexOf('state=', output.indexOf('\n'));
    const resumedAt = output.indexOf('resumed', stoppedAt);
    assert.ok(stoppedAt > 0 && resumedAt > stoppedAt, `markers missing (status ${result.status}): ${JSON.stringify(output.slice(-400))}`);
    assert.match(output.slice(stoppedAt, stoppedAt + 12), /state=T/, 'the process was stopped');
    const beforeStop = output.slice(0, stoppedAt);
    assert.ok(beforeStop.lastIndexOf('\u001b[?25h') > beforeStop.lastIndexOf('\u001b[?25l'), 'the cursor is shown while stopped');
    const whileResumed = output.slice(stoppedAt, resumedAt);
    assert.ok(whileResumed.includes('\u001b[?25l'), 'the cursor is hidden again after SIGCONT');
    assert.ok(output.lastIndexOf('\u001b[?25h') > output.lastIndexOf('\u001b[?25l'), 'the cursor is shown at the end');
    assert.match(output, /exit=143/);
  });
});
