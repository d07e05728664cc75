import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderFile } from '../src/render/index.js';
import { WavReader, WavWriter, pcmFormat } from '../src/wav/index.js';
import { fixtureAudio } from './support/wav-bytes.js';
import { readAudio, writeTestWav } from './support/audio-files.js';

// Outputs many times the writer's 1 MiB buffer, fed in the DMA's uneven pieces.

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'wavert.js');
const format = pcmFormat({ channels: 2, sampleRate: 44_100, bitsPerSample: 16 });
let dir = '';

before(() => { dir = mkdtempSync(join(tmpdir(), 'wavert-large-output-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('render: outputs larger than the write buffer', () => {
  test('when a 40 s file (7 MB, seven write buffers) is rendered then the output equals the input byte for byte', () => {
    const frames = 40 * 44_100 + 37;
    const input = writeTestWav(dir, 'long.wav', frames, format);
    const output = join(dir, 'long-out.wav');
    const { summary } = renderFile(input, output, {});
    assert.equal(summary.output.frames, frames);
    assert.ok(readAudio(output).equals(readAudio(input)), 'audio differs');
    // the writer's header and the input's are the same layout, so the whole files match
    assert.equal(sha256(output), sha256(input));
    assert.equal(WavReader.open(output).frameCount, frames);
  });

  test('when the writer gets odd-sized audio in DMA-sized pieces then the file equals one written in a single piece, pad byte included', () => {
    const mono8 = pcmFormat({ channels: 1, sampleRate: 8000, bitsPerSample: 8 });
    const audio = Buffer.from(fixtureAudio(mono8, 5 * 1024 * 1024 + 3));
    const paths = [join(dir, 'whole.wav'), join(dir, 'pieces.wav')];
    for (const [index, path] of paths.entries()) {
      const writer = WavWriter.create(path, mono8);
      // uneven pieces, as the DMA hands them over, against one write of everything
      if (index === 0) writer.write(audio);
      else for (let offset = 0; offset < audio.length; offset += 1921) writer.writeFrom(audio, offset, Math.min(1921, audio.length - offset));
      writer.close();
    }
    assert.equal(readFileSync(paths[1]!).length % 2, 0, 'RIFF pad byte');
    assert.equal(sha256(paths[1]!), sha256(paths[0]!));
  });

  test('when the file system refuses a write midway then render says so in one sentence and leaves no output', (t) => {
    if (spawnSync('bash', ['-c', 'ulimit -f 4096'], { stdio: 'ignore' }).status !== 0) {
      t.skip('needs bash with ulimit -f to limit the file size');
      return;
    }
    const input = writeTestWav(dir, 'eight-mb.wav', 48 * 44_100, format);
    const output = join(dir, 'limited.wav');
    // 4096 KiB: the output fails well past the first write
    const result = spawnSync('bash', ['-c', `ulimit -f 4096; exec "${process.execPath}" "${bin}" render "${input}" -o "${output}"`], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stderr, `wavert: cannot write ${output}: file too large\n`);
    assert.equal(existsSync(output), false, 'the partial output is removed');
  });
});

