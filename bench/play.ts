import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WavWriter, pcmFormat } from '../src/wav/index.js';
import { pulseUnavailableReason, startPulse } from '../test/support/pulse.js';
import { table, which } from './support.js';

// `wavert play` against paplay, aplay (ALSA → pulse) and the five-line Node script (wav.Reader → speaker):
// the same 48 kHz stereo file, the same private PulseAudio server, one after the other on an idle machine.
// Seconds of audio: WAVERT_BENCH_PLAY_SECONDS (default 60); a subset: WAVERT_BENCH_PLAY_PEERS=pulse,speaker,alsa,paplay,aplay,node.

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

export async function runPlayBench(outDir: string): Promise<unknown> {
  const unavailable = pulseUnavailableReason();
  if (unavailable) {
    console.log(`play bench skipped: ${unavailable}`);
    return { skipped: unavailable };
  }
  const seconds = Number(process.env.WAVERT_BENCH_PLAY_SECONDS ?? 60);
  mkdirSync(outDir, { recursive: true });
  const input = join(outDir, `play-${seconds}s.wav`);
  writeSine(input, seconds);
  const scriptPath = join(outDir, 'play-node-speaker.cjs');
  writeFileSync(scriptPath, NODE_SCRIPT);
  const server = await startPulse(48_000, 2);
  const results: PlayMeasurement[] = [];
  try {
    const env = server.env;
    const peers = new Set((process.env.WAVERT_BENCH_PLAY_PEERS ?? 'pulse,speaker,alsa,paplay,aplay,node').split(','));
    const play = (sink: string) => [bin, 'play', input, '--sink', sink, '--quiet', '--json'];
    for (const sink of ['pulse', 'speaker', 'alsa']) {
      if (peers.has(sink)) results.push(withSummary(await measure(`wavert play --sink ${sink}`, process.execPath, play(sink), env, root)));
    }
    if (peers.has('paplay') && which('paplay')) results.push(withSummary(await measure('paplay', 'paplay', [input], env, root)));
    if (peers.has('aplay') && which('aplay')) results.push(withSummary(await measure('aplay (ALSA → pulse)', 'aplay', ['-q', input], env, root)));
    // the script lives in the output folder; it finds wav and speaker in the project's node_modules
    const scriptEnv = { ...env, NODE_PATH: join(root, 'node_modules') };
    if (peers.has('node')) results.push(withSummary(await measure('node: wav.Reader → speaker', process.execPath, [scriptPath, input], scriptEnv, outDir)));
  } finally {
    await server.stop();
    rmSync(input, { force: true });
  }
  const fixed = (value: number | null | undefined, digits: number) => (value === null || value === undefined ? '–' : value.toFixed(digits));
  console.log(`\nplay: ${seconds} s of 48 kHz stereo 16-bit through a private PulseAudio null sink`);
  console.log(table(results.map((r) => ({
    peer: r.peer,
    exit: r.status ?? '–',
    'wall s': fixed(r.wallSeconds, 2),
    'CPU s': fixed(r.cpuSeconds, 2),
    'peak RSS MiB': fixed(r.peakRssMiB, 1),
    'late p50 ms': fixed(r.latenessP50Ms, 3),
    'late p99 ms': fixed(r.latenessP99Ms, 3),
    'late max ms': fixed(r.latenessMaxMs, 3),
    'drift ppm (model/mono)': fixed(r.driftModelVsMonotonicPpm, 2),
    'drift ppm (model/sink)': fixed(r.driftModelVsSinkPpm, 1),
  }))));
  for (const r of results) if (r.note) console.log(`${r.peer}: ${r.note}`);
  return { seconds, results };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runPlayBench(fileURLToPath(new URL('../../bench/out', import.meta.url)));
}
