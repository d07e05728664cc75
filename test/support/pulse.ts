// A private PulseAudio server with a null sink for tests: started in a temp dir, recorded through its monitor
// with parec, always stopped. Also the frame-counter signal that makes "whole, in order, no gap, no repeat"
// checkable from a recording.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { compareFiles } from '../../src/compare/index.js';
import { WavWriter, pcmFormat } from '../../src/wav/index.js';

export const TEST_SINK_NAME = 'wavert_test';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 3_000;
const NULL_SINK_BLOCK_MS = 2_200;

export interface PulseServer {
  /** Environment for children: XDG_RUNTIME_DIR, PULSE_SERVER, and a HOME whose ~/.asoundrc routes ALSA to pulse. */
  env: NodeJS.ProcessEnv;
  directory: string;
  sampleRate: number;
  channels: number;
  /** Records the monitor; `wait` (default true) waits for its first bytes, which on a cold server wakes the sink first. */
  startRecording(options?: { wait?: boolean }): Promise<Recording>;
  stop(): Promise<void>;
}

export interface Recording {
  /** Stops parec and returns what it captured (s16le at the server's rate and channels). */
  stop(): Promise<Buffer>;
}

function hasCommand(command: string, args: string[] = ['--version']): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 5000 });
  return result.error === undefined;
}

/** Why the pulse tests cannot run here, or undefined when they can. */
export function pulseUnavailableReason(): string | undefined {
  for (const command of ['pulseaudio', 'pacat', 'parec', 'pactl']) {
    if (!hasCommand(command)) return `${command} not installed (apt: pulseaudio pulseaudio-utils)`;
  }
  return undefined;
}

export function aplayUnavailableReason(): string | undefined {
  if (!hasCommand('aplay')) return 'aplay not installed (apt: alsa-utils)';
  const plugin = ['/usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so', '/usr/lib/aarch64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so', '/usr/lib/alsa-lib/libasound_module_pcm_pulse.so'];
  if (!plugin.some((file) => fs.existsSync(file))) return 'the ALSA pulse plugin is not installed (apt: libasound2-plugins)';
  return undefined;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
    child.kill('SIGKILL');
    await waitForExit(child, STOP_TIMEOUT_MS);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the server cold by default: nothing keeps its null sink awake, so the first stream starts when the
 * sink's idle block ends (up to ~2 s late, like a suspended card). `warm` adds a monitor reader that makes it tick.
 */
export async function startPulse(sampleRate = 48_000, channels = 2, options: { warm?: boolean } = {}): Promise<PulseServer> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-pulse-'));
  const runtimeDir = path.join(directory, 'run');
  const home = path.join(directory, 'home');
  fs.mkdirSync(runtimeDir, { mode: 0o700 });
  fs.mkdirSync(home);
  fs.writeFileSync(path.join(home, '.asoundrc'), 'pcm.!default { type pulse }\nctl.!default { type pulse }\n');
  const socket = path.join(runtimeDir, 'pulse', 'native');
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: runtimeDir, HOME: home, PULSE_SERVER: `unix:${socket}` };
  delete env.PULSE_SINK;
  const daemon = spawn('pulseaudio', [
    '-n', '--daemonize=no', '--exit-idle-time=-1', '--system=false', '--disallow-exit', '--use-pid-file=false',
    '-F', '/dev/null', '--log-target=stderr', '--log-level=error',
    '-L', `module-null-sink sink_name=${TEST_SINK_NAME} rate=${sampleRate} channels=${channels} format=s16le`,
    '-L', 'module-native-protocol-unix auth-anonymous=1',
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...env, PULSE_SERVER: undefined } });
  let daemonLog = '';
  daemon.stderr?.setEncoding('utf8');
  daemon.stderr?.on('data', (text: string) => { daemonLog = (daemonLog + text).slice(-4000); });
  const children = new Set<ChildProcess>([daemon]);

  const stop = async () => {
    for (const child of [...children].reverse()) await stopChild(child);
    fs.rmSync(directory, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (daemon.exitCode !== null) {
      await stop();
      throw new Error(`pulseaudio exited at start: ${daemonLog.trim()}`);
    }
    if (fs.existsSync(socket) && spawnSync('pactl', ['info'], { env, stdio: 'ignore', timeout: 3000 }).status === 0) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`pulseaudio did not open ${socket} within ${START_TIMEOUT_MS} ms: ${daemonLog.trim()}`);
    }
    await sleep(50);
  }
  spawnSync('pactl', ['set-sink-volume', TEST_SINK_NAME, '100%'], { env, stdio: 'ignore', timeout: 3000 });
  spawnSync('pactl', ['set-default-sink', TEST_SINK_NAME], { env, stdio: 'ignore', timeout: 3000 });
  // An idle null sink sleeps in 2 s blocks, so the first stream starts up to 2 s late. Only when asked (`warm`),
  // a low-latency reader on its monitor, kept for the server's life, makes it tick every 10 ms.
  if (options.warm) {
  const keeper = spawn('parec', ['--raw', '--format=s16le', `--rate=${sampleRate}`, `--channels=${channels}`, `--device=${TEST_SINK_NAME}.monitor`, '--latency-msec=10'], { stdio: ['ignore', 'ignore', 'ignore'], env });
  children.add(keeper);
  await sleep(NULL_SINK_BLOCK_MS);
  }

  const startRecording = async (recordOptions: { wait?: boolean } = {}): Promise<Recording> => {
    const parec = spawn('parec', ['--raw', '--format=s16le', `--rate=${sampleRate}`, `--channels=${channels}`, `--device=${TEST_SINK_NAME}.monitor`, '--latency-msec=10'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    children.add(parec);
    const chunks: Buffer[] = [];
    parec.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    parec.stderr?.resume();
    // parec has no "ready" signal; the first bytes of monitor silence are one
    const readyBy = recordOptions.wait === false ? Date.now() : Date.now() + START_TIMEOUT_MS;
    while (chunks.length === 0 && parec.exitCode === null && Date.now() < readyBy) await sleep(10);
    return {
      stop: async () => {
        await stopChild(parec);
        children.delete(parec);
        return Buffer.concat(chunks);
      },
    };
  };

  return { env, directory, sampleRate, channels, startRecording, stop };
}

/** 16-bit stereo frame counter: left = frame mod 32768, right = floor(frame / 32768); both non-negative. */
export function frameCounterPcm(frameCount: number, firstFrame = 0): Buffer {
  const bytes = Buffer.alloc(frameCount * 4);
  for (let index = 0; index < frameCount; index++) {
    const frame = firstFrame + index;
    bytes.writeInt16LE(frame % 32768, index * 4);
    bytes.writeInt16LE(Math.floor(frame / 32768), index * 4 + 2);
  }
  return bytes;
}

export function decodeFrameCounter(bytes: Buffer, index: number): number {
  return bytes.readInt16LE(index * 4 + 2) * 32768 + bytes.readInt16LE(index * 4);
}

export interface CounterCheck {
  /** First counter value heard intact (after the server's start-up ramp). */
  firstFrame: number;
  /** Last counter value heard. */
  lastFrame: number;
  /** Frames after firstFrame that were not exactly the previous one plus one (gaps, repeats, reorders). */
  discontinuities: number;
  /** Where in the recording the first intact frame was. */
  recordingIndex: number;
}

/**
 * Aligns a recording of the counter with the counter frames 0 … lastExpectedFrame using `wavert compare`: the
 * departures at the very start (the server's start-up ramp) and a missing end are reported as firstFrame and
 * lastFrame; every other departure (gap, repeat, drop, insert, level) counts as a discontinuity.
 */
export function checkFrameCounter(recording: Buffer, lastExpectedFrame: number): CounterCheck | undefined {
  const result = compareBuffers(recording, frameCounterPcm(lastExpectedFrame + 1));
  if (result.notes.some((note) => note.includes('no audio in common'))) return undefined;
  const departures = [...result.departures];
  let firstFrame = Math.max(1, -result.offsetFrames);
  let recordingIndex = Math.max(0, result.offsetFrames) + firstFrame;
  // the start-up ramp: departures that begin where the recording's audio begins
  while (departures.length > 0 && departures[0]!.realign && departures[0]!.heardFrame <= Math.max(result.leadingSilenceFrames, result.offsetFrames + 1)) {
    const ramp = departures.shift()!;
    firstFrame = ramp.realign!.referenceFrame;
    recordingIndex = ramp.realign!.heardFrame;
  }
  let lastFrame = lastExpectedFrame;
  const last = departures[departures.length - 1];
  if (last && last.kind === 'drop' && last.realign === null) {
    lastFrame = last.referenceFrame - 1;
    departures.pop();
  }
  return { firstFrame, lastFrame, discontinuities: departures.length, recordingIndex };
}

export const WAVERT_BIN = fileURLToPath(new URL('../../../bin/wavert.js', import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs `node bin/wavert.js ...args` as a real process; `during` may poke it (signals); killed after timeoutMs. */
export function runWavert(args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: Buffer; timeoutMs?: number; during?: (child: ChildProcess) => void } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [WAVERT_BIN, ...args], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => { stdout += text; });
    child.stderr?.setEncoding('utf8').on('data', (text: string) => { stderr += text; });
    child.stdin?.on('error', () => undefined);
    if (options.stdin) child.stdin?.end(options.stdin);
    else child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    options.during?.(child);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: performance.now() - started });
    });
  });
}

/** A 16-bit stereo WAV of the frame counter (see frameCounterPcm). */
export async function writeCounterWav(filePath: string, frameCount: number, sampleRate = 48_000): Promise<Buffer> {
  const { WavWriter, pcmFormat } = await import('../../src/wav/index.js');
  const pcm = frameCounterPcm(frameCount);
  const writer = WavWriter.create(filePath, pcmFormat({ channels: 2, sampleRate, bitsPerSample: 16 }));
  writer.write(pcm);
  writer.close();
  return pcm;
}

export interface HeardComparison {
  /** Rendered frames missing at the start of the recording (the monitor starts capturing with the sink's first block). */
  missingAtStart: number;
  /** Frames after that which differ from the rendered file, or are missing at the end. */
  mismatchedFrames: number;
  comparedFrames: number;
}

/** Runs `wavert compare` (the library) on two s16le stereo buffers, through temporary WAV files. */
function compareBuffers(heard: Buffer, reference: Buffer): ReturnType<typeof compareFiles>['result'] {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-compare-heard-'));
  try {
    const heardPath = path.join(directory, 'heard.wav');
    const referencePath = path.join(directory, 'reference.wav');
    const format = pcmFormat({ bitsPerSample: 16, channels: 2, sampleRate: 48_000 });
    for (const [file, bytes] of [[heardPath, heard], [referencePath, reference]] as const) {
      const writer = WavWriter.create(file, format);
      writer.write(bytes.subarray(0, bytes.length - (bytes.length % 4)));
      writer.close();
    }
    return compareFiles(heardPath, referencePath).result;
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * Aligns a monitor recording (s16le stereo) with the rendered bytes using `wavert compare`, and counts what was
 * heard differently from what `render` wrote: rendered frames missing at the start (the monitor starts capturing
 * with the sink's first block) are reported apart; every other departure's frames count as mismatched.
 */
export function compareHeard(recording: Buffer, rendered: Buffer, startWindowFrames = 4_800): HeardComparison | undefined {
  const result = compareBuffers(recording, rendered);
  if (result.notes.some((note) => note.includes('no audio in common'))) return undefined;
  const departures = [...result.departures];
  let missingAtStart = 0;
  // the start: a capture that began after the audio did (a drop at heard frame 0), or a stream's first frames
  // ramped in or taken for silence (a counter's first values are tiny) — departures that end inside the window
  while (departures[0]?.realign && departures[0].realign.referenceFrame <= startWindowFrames && departures[0].referenceFrame <= missingAtStart + 1) {
    missingAtStart = departures.shift()!.realign!.referenceFrame;
  }
  const renderedFrames = rendered.length / 4;
  const mismatchedFrames = departures.reduce((sum, d) => sum + Math.max(d.heardFrames, d.referenceFrames), 0);
  return { missingAtStart, mismatchedFrames, comparedFrames: renderedFrames - missingAtStart };
}

/** A process that keeps one core busy for at most `seconds` (the test's loaded host); kill it when done. */
export function startSpinner(seconds: number): ChildProcess {
  return spawn(process.execPath, ['-e', `const end = Date.now() + ${Math.round(seconds * 1000)}; while (Date.now() < end) {}`], { stdio: 'ignore' });
}
