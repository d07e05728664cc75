// Writes dist/wavert.cjs.cache: the bundle is compiled, the common commands are run once on a small WAV (so V8 has
// compiled the functions they call), and V8's code cache of the script is saved; bin/entry.js hands it to V8.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Script } from 'node:vm';

type Main = (argv: string[], io: unknown) => Promise<number>;
interface Entry {
  BUNDLE_PATH: string;
  compileBundle(path: string, options: { useCache: boolean }): { exports: { main: Main }; script: Script };
}

/** A 0.1 s 48 kHz stereo 16-bit tone: enough packets for the model's functions to be compiled. */
function toneWav(): Buffer {
  const frames = 4800;
  const wav = Buffer.alloc(44 + frames * 4);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(36 + frames * 4, 4);
  wav.write('WAVEfmt ', 8, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(2, 22);
  wav.writeUInt32LE(48_000, 24);
  wav.writeUInt32LE(192_000, 28);
  wav.writeUInt16LE(4, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(frames * 4, 40);
  for (let frame = 0; frame < frames; frame++) {
    const sample = Math.round(8000 * Math.sin((2 * Math.PI * 440 * frame) / 48_000));
    wav.writeInt16LE(sample, 44 + frame * 4);
    wav.writeInt16LE(sample, 46 + frame * 4);
  }
  return wav;
}

function silentIo(cwd: string): unknown {
  const sink = (): PassThrough => new PassThrough().on('data', () => undefined);
  return { stdout: sink(), stderr: sink(), stdin: new PassThrough(), env: {}, cwd };
}

async function makeCodeCache(): Promise<void> {
  const entry = createRequire(import.meta.url)(fileURLToPath(new URL('../../bin/entry.js', import.meta.url))) as Entry;
  const { exports, script } = entry.compileBundle(entry.BUNDLE_PATH, { useCache: false });
  const dir = mkdtempSync(join(tmpdir(), 'wavert-code-cache-'));
  try {
    const wav = join(dir, 'tone.wav');
    writeFileSync(wav, toneWav());
    const warmUps = [
      ['--version'], ['--help'], ['render', '--help'],
      ['info', wav], ['info', join(dir, 'missing.wav')],
      ['render', wav, '-o', join(dir, 'out.wav')], ['render', wav, '-o', join(dir, 'one.wav'), '--notifications', '1'],
      ['render', wav, '--no-such-option'],
      ['compare', join(dir, 'one.wav'), wav],
    ];
    for (const argv of warmUps) await exports.main(argv, silentIo(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const cachePath = `${entry.BUNDLE_PATH}.cache`;
  writeFileSync(`${cachePath}.tmp`, script.createCachedData());
  renameSync(`${cachePath}.tmp`, cachePath);
}

await makeCodeCache();
