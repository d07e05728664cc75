import { join } from 'node:path';
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

/** A CliIo that keeps what a command printed. */
export function memoryIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => { out += text; return true; } },
    stderr: { write: (text: string) => { err += text; return true; } },
    env: {},
    out: () => out,
    err: () => err,
  } as unknown as CliIo & { out: () => string; err: () => string };
}
