import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { IoError } from '../src/errors.js';
import { WavReader, WavWriter, pcmFormat, type WavFormat } from '../src/wav/index.js';
import { wavCases } from './support/make-fixtures.js';
import { concat, fixtureAudio } from './support/wav-bytes.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-writer-'));
}

function readAll(reader: WavReader): Uint8Array {
  const piece = new Uint8Array(reader.format.blockAlign * 777);
  const parts: Uint8Array[] = [];
  for (let got = reader.read(piece); got > 0; got = reader.read(piece)) parts.push(piece.slice(0, got));
  return concat(parts);
}

/** Writes the audio in uneven pieces so buffering and piece boundaries are exercised. */
function writeInPieces(writer: WavWriter, audio: Uint8Array): void {
  const sizes = [1, 7, 300, 4096, 65_537];
  let offset = 0;
  for (let i = 0; offset < audio.length; i++) {
    const size = Math.min(sizes[i % sizes.length] as number, audio.length - offset);
    writer.write(audio.subarray(offset, offset + size));
    offset += size;
  }
}

const distinctFormats: WavFormat[] = [];
for (const wavCase of wavCases) {
  const format = wavCase.format;
  if (format !== undefined && !distinctFormats.some((f) => JSON.stringify(f) === JSON.stringify(format))) distinctFormats.push(format);
}

const soxAvailable = spawnSync('sox', ['--version']).status === 0;

function soxInfo(file: string, flag: string): string {
  const result = spawnSync('sox', ['--i', flag, file], { encoding: 'utf8' });
  assert.equal(result.status, 0, `sox --i ${flag} ${file}: ${result.stderr}`);
  return result.stdout.trim();
}

describe('WavWriter round trip', () => {
  for (const format of distinctFormats) {
    const name = `${format.encoding}${format.bitsPerSample}${format.validBitsPerSample !== format.bitsPerSample ? `v${format.validBitsPerSample}` : ''}-${format.channels}ch-${format.sampleRate}${format.extensible ? '-extensible' : ''}`;
    test(`when ${name} audio is written and read back then format, frame count and bytes are identical, with no warnings`, () => {
      const dir = makeTempDir();
      try {
        const file = path.join(dir, `${name}.wav`);
        const frames = 1001;
        const audio = fixtureAudio(format, frames);
        const writer = WavWriter.create(file, format);
        writeInPieces(writer, audio);
        assert.equal(writer.bytesWritten, audio.length);
        writer.close();
        const reader = WavReader.open(file);
        assert.deepEqual(reader.format, format);
        assert.equal(reader.frameCount, frames);
        assert.deepEqual(readAll(reader), audio);
        assert.deepEqual(reader.warnings, []);
        const ids = reader.chunks.map((c) => c.id);
        const expectFact = format.extensible || format.encoding === 'float';
        assert.deepEqual(ids, expectFact ? ['fmt ', 'fact', 'data'] : ['fmt ', 'data']);
        assert.equal(reader.chunks[0]?.sizeInBytes, format.extensible ? 40 : format.encoding === 'float' ? 18 : 16);
        reader.close();
        const bytes = fs.readFileSync(file);
        assert.equal(bytes.length % 2, 0, 'the file ends on a word boundary (pad byte after odd data)');
        assert.equal(bytes.readUInt32LE(4), bytes.length - 8, 'RIFF size');
        if (expectFact) assert.equal(bytes.readUInt32LE(reader.chunks[1]!.offset + 8), frames, 'fact sample count');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test('when one write is larger than the 1 MiB buffer then the file still holds every byte in order', () => {
    const dir = makeTempDir();
    try {
      const file = path.join(dir, 'large.wav');
      const format = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
      const audio = fixtureAudio(format, 800_000);
      const writer = WavWriter.create(file, format);
      writer.write(audio.subarray(0, 1000));
      writer.write(audio.subarray(1000));
      writer.close();
      const reader = WavReader.open(file);
      assert.equal(reader.frameCount, 800_000);
      assert.deepEqual(readAll(reader), audio);
      reader.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('when nothing is written then the file is a valid WAV with an empty data chunk', () => {
    const dir = makeTempDir();
    try {
      const file = path.join(dir, 'empty.wav');
      const format = pcmFormat({ channels: 1, sampleRate: 8000, bitsPerSample: 8 });
      WavWriter.create(file, format).close();
      const reader = WavReader.open(file);
      assert.equal(reader.frameCount, 0);
      assert.equal(reader.read(new Uint8Array(16)), 0);
      reader.close();
      assert.equal(fs.statSync(file).size, 44);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('WavWriter failure paths', () => {
  test('when abort is called then the partial file is deleted (it was never at the target path)', () => {
    const dir = makeTempDir();
    try {
      const file = path.join(dir, 'partial.wav');
      const writer = WavWriter.create(file, pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }));
      writer.write(new Uint8Array(4000));
      assert.equal(fs.existsSync(file), false);
      assert.equal(fs.readdirSync(dir).length, 1, 'one temporary file while writing');
      writer.abort();
      assert.deepEqual(fs.readdirSync(dir), []);
      writer.abort();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('when the output folder does not exist then IoError says "cannot create <file>: no such file"', () => {
    const file = path.join(os.tmpdir(), 'wavert-no-such-dir', 'out.wav');
    assert.throws(() => WavWriter.create(file, pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 })),
      (error: unknown) => error instanceof IoError && error.message === `cannot create ${file}: no such file`);
  });
});

describe('WavWriter to stdout', () => {
  test('when the output is a pipe then the header carries 0xFFFFFFFF sizes and the stream reads back until end of file', () => {
    const writerModule = path.join(repoRoot, 'dist', 'src', 'wav', 'index.js');
    const script = `
      const { WavWriter, pcmFormat } = await import(${JSON.stringify(writerModule)});
      const format = pcmFormat({ channels: 2, sampleRate: 44100, bitsPerSample: 32, encoding: 'float' });
      const writer = WavWriter.create('-', format);
      const frame = new Uint8Array(8);
      for (let i = 0; i < 1000; i++) { new DataView(frame.buffer).setFloat32(0, i / 1000, true); writer.write(frame); }
      writer.close();`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { maxBuffer: 1 << 20 });
    assert.equal(child.status, 0, child.stderr.toString());
    const bytes = child.stdout;
    assert.equal(bytes.readUInt32LE(4), 0xffffffff, 'RIFF size');
    assert.equal(bytes.toString('latin1', 38, 42), 'fact');
    assert.equal(bytes.toString('latin1', 50, 54), 'data');
    assert.equal(bytes.readUInt32LE(54), 0xffffffff, 'data size');
    const dir = makeTempDir();
    try {
      const file = path.join(dir, 'streamed.wav');
      fs.writeFileSync(file, bytes);
      const reader = WavReader.open(file);
      assert.equal(reader.frameCount, null);
      assert.equal(readAll(reader).length, 8000);
      assert.equal(reader.warnings.length, 1);
      assert.match(reader.warnings[0] as string, /0xFFFFFFFF/);
      reader.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('WavWriter output checked by sox', () => {
  // sox 14.4 refuses extensible files whose valid bits are fewer than the container bits ("padded samples")
  const soxFormats = distinctFormats.filter((f) => f.validBitsPerSample === f.bitsPerSample);
  for (const format of soxFormats) {
    const name = `${format.encoding}${format.bitsPerSample}-${format.channels}ch-${format.sampleRate}${format.extensible ? '-extensible' : ''}`;
    test(`when sox reads a written ${name} file then it reports the same channels, rate, precision and sample count`, (t) => {
      if (!soxAvailable) {
        t.skip('sox is not installed');
        return;
      }
      const dir = makeTempDir();
      try {
        const file = path.join(dir, `${name}.wav`);
        const writer = WavWriter.create(file, format);
        writer.write(fixtureAudio(format, 1001));
        writer.close();
        assert.equal(soxInfo(file, '-c'), String(format.channels));
        assert.equal(soxInfo(file, '-r'), String(format.sampleRate));
        assert.equal(soxInfo(file, '-s'), '1001');
        assert.equal(soxInfo(file, '-e'), format.encoding === 'float' ? 'Floating Point PCM' : format.bitsPerSample === 8 ? 'Unsigned Integer PCM' : 'Signed Integer PCM');
        assert.equal(soxInfo(file, '-b'), String(format.bitsPerSample));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
