import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';
import { WavReader, WavWriter, type WavFormat } from '../../src/wav/index.js';
import { fixtureAudio } from './wav-bytes.js';

/** Every audio byte of a WAV file (whole frames), for byte-exact comparisons. */
export function readAudio(path: string): Buffer {
  const reader = WavReader.open(path);
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(65536 - (65536 % reader.format.blockAlign));
  for (let n = reader.read(buffer); n > 0; n = reader.read(buffer)) chunks.push(Buffer.from(buffer.subarray(0, n)));
  reader.close();
  return Buffer.concat(chunks);
}

/** Writes `dir/name` holding `frames` frames of the deterministic fixture signal; returns its path. */
export function writeTestWav(dir: string, name: string, frames: number, format: WavFormat): string {
  const path = join(dir, name);
  const writer = WavWriter.create(path, format);
  writer.write(fixtureAudio(format, frames));
  writer.close();
  return path;
}

/** A CliIo over real streams that keeps what a command printed. */
export function captureIo(cwd = process.cwd()): { io: CliIo; stdout: () => string; stderr: () => string } {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdoutText = '';
  let stderrText = '';
  out.on('data', (data: Buffer) => { stdoutText += data.toString(); });
  err.on('data', (data: Buffer) => { stderrText += data.toString(); });
  return { io: { stdout: out, stderr: err, stdin: new PassThrough(), env: {}, cwd }, stdout: () => stdoutText, stderr: () => stderrText };
}

/** The same capture, read back from the io itself. */
export function memoryIo(): CliIo & { out: () => string; err: () => string } {
  const capture = captureIo();
  return Object.assign(capture.io, { out: capture.stdout, err: capture.stderr });
}
