import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readAudio } from '../test/support/audio-files.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WavWriter, pcmFormat } from '../src/wav/index.js';
import { compareHeard, pulseUnavailableReason, startPulse, startSpinner } from '../test/support/pulse.js';
import { table, which } from './support.js';

// `wavert play` (paced) against paplay and the five-line Node script (wav.Reader → speaker), each on a fresh
// cold private PulseAudio server; then with a busy core (heard compared with render), then live mode idle and loaded.
// Lengths: WAVERT_BENCH_PLAY_SECONDS (default 20,60); a subset: WAVERT_BENCH_PLAY_PEERS=pulse,paplay,node,busy,live.

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'wavert.js');
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

const NODE_SCRIPT = `const fs = require('fs');
const wav = require('wav');
const Speaker = require('speaker');
const reader = new wav.Reader();
reader.on('format', (format) => reader.pipe(new Speaker(format)));
fs.createReadStream(process.argv[2]).pipe(reader);
`;

interface PlayMeasurement {
  peer: string;
  status: number | null;
  wallSeconds: number;
  cpuSeconds: number | null;
  peakRssMiB: number | null;
  latenessP50Ms?: number | null;
  latenessP99Ms?: number | null;
  latenessMaxMs?: number | null;
  driftModelVsMonotonicPpm?: number | null;
  driftModelVsSinkPpm?: number | null;
  note?: string;
}

function writeSine(path: string, seconds: number): void {
  const writer = WavWriter.create(path, pcmFormat({ channels: 2, sampleRate: 48_000, bitsPerSample: 16 }));
  const block = Buffer.alloc(48_000 * 4);
  for (let frame = 0; frame < 48_000; frame++) {
    const value = Math.round(Math.sin((2 * Math.PI * 440 * frame) / 48_000) * 12_000);
    block.writeInt16LE(value, frame * 4);
    block.writeInt16LE(value, frame * 4 + 2);
  }
  for (let second = 0; second < seconds; second++) writer.write(block);
  writer.close();
}

/** Wall, CPU (the process and the children it waited for) and peak RSS of one run, via GNU time. */
function measure(peer: string, file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<PlayMeasurement & { stdout: string }> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const argv = gnuTime ? [gnuTime, '-f', 'BENCH %U %S %M', file, ...args] : [file, ...args];
    const child = spawn(argv[0]!, argv.slice(1), { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => { stdout += text; });
    child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text; });
    child.on('close', (status) => {
      const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const line = stderr.split('\n').find((text) => text.startsWith('BENCH ')) ?? null;
      const [user, system, rssKiB] = line ? line.slice(6).split(' ').map(Number) : [Number.NaN, Number.NaN, Number.NaN];
      resolve({
        peer,
        status,
        wallSeconds,
        cpuSeconds: line ? user! + system! : null,
        peakRssMiB: line ? rssKiB! / 1024 : null,
        stdout,
        ...(status !== 0 ? { note: stderr.split('\n').filter((text) => text && !text.startsWith('BENCH ')).slice(-2).join(' ') } : {}),
      });
    });
  });
}

function withSummary(measurement: PlayMeasurement & { stdout: string }): PlayMeasurement {
  const { stdout, ...rest } = measurement;
  try {
    const summary = JSON.parse(stdout) as { notificationLatenessNs: { p50: number | null; p99: number | null; max: number | null }; drift: { modelVsMonotonicPpm: number | null; modelVsSinkPpm: number | null } };
    const ms = (ns: number | null) => (ns === null ? null : ns / 1e6);
    return {
      ...rest,
      latenessP50Ms: ms(summary.notificationLatenessNs.p50),
      latenessP99Ms: ms(summary.notificationLatenessNs.p99),
      latenessMaxMs: ms(summary.notificationLatenessNs.max),
      driftModelVsMonotonicPpm: summary.drift.modelVsMonotonicPpm,
      driftModelVsSinkPpm: summary.drift.modelVsSinkPpm,
    };
  } catch {
    return rest;
  }
}

interface PlayRow extends PlayMeasurement {
  seconds: number;
  framesLost?: number | null;
  hostUnderruns?: number | null;
  glitches?: number | null;
}

function playbackFigures(stdout: string): { hostUnderruns: number | null; glitches: number | null } {
  try {
    const summary = JSON.parse(stdout) as { sink: { stats: { playerUnderruns: number } }; playback: { glitches: { counts: Record<string, number> } } };
    const counts = summary.playback.glitches.counts;
    return { hostUnderruns: summary.sink.stats.playerUnderruns, glitches: Object.values(counts).reduce((a, b) => a + b, 0) };
  } catch {
    return { hostUnderruns: null, glitches: null };
  }
}

/** One measured run on a fresh, cold server (nothing keeps its null sink awake), optionally with a busy core and a recording. */
async function onColdServer(
  seconds: number, peer: string, file: string, args: string[], cwd: string,
  options: { busy?: boolean; rendered?: Buffer; env?: NodeJS.ProcessEnv } = {},
): Promise<PlayRow> {
  const server = await startPulse(48_000, 2);
  const spinner = options.busy ? startSpinner(seconds + 10) : null;
  try {
    const recording = options.rendered ? await server.startRecording({ wait: false }) : null;
    const measured = await measure(peer, file, args, { ...server.env, ...options.env }, cwd);
    const recorded = recording ? await recording.stop() : null;
    const row: PlayRow = { ...withSummary(measured), seconds, ...playbackFigures(measured.stdout) };
    if (recorded && options.rendered) {
      const comparison = compareHeard(recorded, options.rendered);
      row.framesLost = comparison ? comparison.mismatchedFrames : null;
    }
    return row;
  } finally {
    spinner?.kill();
    await server.stop();
  }
}

export async function runPlayBench(outDir: string): Promise<unknown> {
  const unavailable = pulseUnavailableReason();
  if (unavailable) {
    console.log(`play bench skipped: ${unavailable}`);
    return { skipped: unavailable };
  }
  const lengths = (process.env.WAVERT_BENCH_PLAY_SECONDS ?? '20,60').split(',').map(Number);
  const peers = new Set((process.env.WAVERT_BENCH_PLAY_PEERS ?? 'pulse,paplay,node,busy,live').split(','));
  mkdirSync(outDir, { recursive: true });
  const scriptPath = join(outDir, 'play-node-speaker.cjs');
  writeFileSync(scriptPath, NODE_SCRIPT);
  const scriptEnv = { NODE_PATH: join(root, 'node_modules') };
  const rows: PlayRow[] = [];
  for (const seconds of lengths) {
    const input = join(outDir, `play-${seconds}s.wav`);
    writeSine(input, seconds);
    const play = (...extra: string[]) => [bin, 'play', input, '--sink', 'pulse', '--quiet', '--json', ...extra];
    try {
      if (peers.has('pulse')) {
        rows.push(await onColdServer(seconds, 'wavert play --sink pulse (paced)', process.execPath, play(), root));
        // the cost follows the lookahead: pacat wakes for every quarter of its buffer, and so does the loop
        rows.push(await onColdServer(seconds, 'wavert play --sink pulse --latency-ms 100', process.execPath, play('--latency-ms', '100'), root));
        rows.push(await onColdServer(seconds, 'wavert play --sink null (no player)', process.execPath, [bin, 'play', input, '--sink', 'null', '--quiet', '--json'], root));
      }
      if (peers.has('paplay') && which('paplay')) rows.push(await onColdServer(seconds, 'paplay', 'paplay', [input], root));
      if (peers.has('node')) rows.push(await onColdServer(seconds, 'node: wav.Reader → speaker', process.execPath, [scriptPath, input], outDir, { env: scriptEnv }));
      if (peers.has('busy')) {
        // busy core + cold sink: what was heard is compared with what render writes, frame by frame
        const renderedPath = join(outDir, `rendered-${seconds}s.wav`);
        spawnSync(process.execPath, [bin, 'render', input, '-o', renderedPath], { stdio: 'ignore' });
        const rendered = readAudio(renderedPath);
        rows.push(await onColdServer(seconds, 'wavert play --sink pulse (paced), busy core', process.execPath, play(), root, { busy: true, rendered }));
        rows.push(await onColdServer(seconds, 'wavert play --sink pulse --latency-ms 200, busy core', process.execPath, play('--latency-ms', '200'), root, { busy: true, rendered }));
        if (which('paplay')) rows.push(await onColdServer(seconds, 'paplay, busy core', 'paplay', [input], root, { busy: true, rendered }));
        rmSync(renderedPath, { force: true });
      }
      if (peers.has('live')) {
        rows.push(await onColdServer(seconds, 'wavert play --live --sink pulse, idle', process.execPath, play('--live'), root));
        rows.push(await onColdServer(seconds, 'wavert play --live --sink pulse, busy core', process.execPath, play('--live'), root, { busy: true }));
      }
    } finally {
      rmSync(input, { force: true });
    }
  }
  const fixed = (value: number | null | undefined, digits: number) => (value === null || value === undefined ? '–' : value.toFixed(digits));
  console.log('\nplay: 48 kHz stereo 16-bit sine through a private PulseAudio null sink, a fresh cold server per run');
  console.log(table(rows.map((r) => ({
    peer: r.peer,
    's audio': r.seconds,
    exit: r.status ?? '–',
    'wall s': fixed(r.wallSeconds, 2),
    'CPU s': fixed(r.cpuSeconds, 2),
    'peak RSS MiB': fixed(r.peakRssMiB, 1),
    'frames lost': r.framesLost ?? '–',
    'sink underruns': r.hostUnderruns ?? '–',
    glitches: r.glitches ?? '–',
    'late p50 ms': fixed(r.latenessP50Ms, 3),
    'late p99 ms': fixed(r.latenessP99Ms, 3),
    'late max ms': fixed(r.latenessMaxMs, 3),
  }))));
  for (const r of rows) if (r.note) console.log(`${r.peer}: ${r.note}`);
  return { rows };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runPlayBench(fileURLToPath(new URL('../../bench/out', import.meta.url)));
}
