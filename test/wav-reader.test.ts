import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { IoError, WavFormatError } from '../src/errors.js';
import { WavReader, pcmFormat, silenceByte, formatDescription, type WavFormat } from '../src/wav/index.js';
import { wavCases, wavCaseFileName, type WavCase } from './support/make-fixtures.js';
import { chunk, concat, fixtureAudio, fmtBodyFor, riff } from './support/wav-bytes.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtureDir = path.join(repoRoot, 'fixtures', 'wav');
const goodCases = wavCases.filter((c) => c.good);
const badCases = wavCases.filter((c) => !c.good);

function fixturePath(wavCase: WavCase): string {
  return path.join(fixtureDir, wavCaseFileName(wavCase));
}

function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-reader-'));
}

function readAll(reader: WavReader, pieceSizeInBytes: number): Uint8Array {
  const piece = new Uint8Array(pieceSizeInBytes);
  const parts: Uint8Array[] = [];
  for (let got = reader.read(piece); got > 0; got = reader.read(piece)) {
    assert.equal(got % reader.format.blockAlign, 0, `read returned ${got} bytes, not whole ${reader.format.blockAlign}-byte frames`);
    parts.push(piece.slice(0, got));
  }
  return concat(parts);
}

function assertWarnings(reader: WavReader, wavCase: WavCase): void {
  const expected = wavCase.warningsInclude ?? [];
  assert.equal(reader.warnings.length, expected.length, `warnings: ${JSON.stringify(reader.warnings)}`);
  expected.forEach((fragment, i) => {
    assert.ok(reader.warnings[i]?.includes(fragment), `warning ${i} ${JSON.stringify(reader.warnings[i])} should include ${JSON.stringify(fragment)}`);
    assert.ok(reader.warnings[i]?.startsWith(`${reader.label}: `), 'a warning names the file');
  });
}

/** Opens the file through a FIFO fed by `cat`, so the reader sees a non-seekable stream like stdin. */
function openThroughFifo(file: string, dir: string): { reader: () => WavReader; feeder: ChildProcess } {
  const fifo = path.join(dir, `fifo-${path.basename(file)}`);
  const made = spawnSync('mkfifo', [fifo]);
  assert.equal(made.status, 0, 'mkfifo failed');
  const feeder = spawn('sh', ['-c', 'cat "$1" > "$2" 2>/dev/null || true', 'sh', file, fifo], { stdio: 'ignore' });
  return { reader: () => WavReader.open(fifo), feeder };
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

describe('WavReader on the good fixtures (seekable files)', () => {
  for (const wavCase of goodCases) {
    test(`when ${wavCase.name} is read then format, frame count, audio bytes and warnings are exact`, () => {
      const reader = WavReader.open(fixturePath(wavCase));
      try {
        assert.equal(reader.seekable, true);
        assert.deepEqual(reader.format, wavCase.format);
        assert.equal(reader.frameCount, wavCase.frameCount);
        const format = wavCase.format as WavFormat;
        const audio = readAll(reader, 4096 - (4096 % format.blockAlign));
        assert.deepEqual(audio, fixtureAudio(format, wavCase.framesRead as number));
        assert.equal(reader.read(new Uint8Array(format.blockAlign * 4)), 0, 'stays at the end');
        assertWarnings(reader, wavCase);
        assert.equal(reader.chunks.find((c) => c.id === 'data')?.offset, reader.dataOffset - 8);
      } finally {
        reader.close();
      }
    });
  }
});

describe('WavReader on the good fixtures through a pipe (sequential, no seeking)', () => {
  for (const wavCase of goodCases) {
    test(`when ${wavCase.name} arrives through a FIFO then the reader delivers the same frames and warnings`, async () => {
      const dir = makeTempDir();
      const { reader: open, feeder } = openThroughFifo(fixturePath(wavCase), dir);
      try {
        const reader = open();
        try {
          assert.equal(reader.seekable, false);
          assert.deepEqual(reader.format, wavCase.format);
          const format = wavCase.format as WavFormat;
          const audio = readAll(reader, 1000 * format.blockAlign);
          assert.deepEqual(audio, fixtureAudio(format, wavCase.framesRead as number));
          if (wavCase.name === 'data-size-larger-than-file') {
            assert.equal(reader.warnings.length, 1, 'a pipe cannot tell the size up front; the truncation is found while reading');
            assert.match(reader.warnings[0] as string, /the data ends at byte 9644, 990400 bytes before the end the header declares/);
          } else {
            assertWarnings(reader, wavCase);
          }
        } finally {
          reader.close();
        }
      } finally {
        await waitForExit(feeder);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('WavReader on the bad fixtures', () => {
  for (const wavCase of badCases) {
    test(`when ${wavCase.name} is opened then WavFormatError names the file and says ${JSON.stringify(wavCase.errorIncludes)}`, () => {
      const file = fixturePath(wavCase);
      assert.throws(() => WavReader.open(file), (error: unknown) => {
        assert.ok(error instanceof WavFormatError, `expected WavFormatError, got ${String(error)}`);
        assert.equal(error.code, 'E_WAV');
        assert.equal(error.file, file);
        assert.ok(error.message.startsWith(`${file}: `), error.message);
        assert.ok(error.message.includes(wavCase.errorIncludes as string), error.message);
        assert.ok(!error.message.includes('\n'), 'one line');
        return true;
      });
    });
  }

  test('when a bad fixture arrives through a FIFO then the error is the same sentence with the FIFO as the file', async () => {
    const dir = makeTempDir();
    try {
      for (const wavCase of badCases) {
        const { reader: open, feeder } = openThroughFifo(fixturePath(wavCase), dir);
        assert.throws(open, (error: unknown) => error instanceof WavFormatError && error.message.includes(wavCase.errorIncludes as string), wavCase.name);
        await waitForExit(feeder);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('WavReader reads', () => {
  const wavCase = wavCases.find((c) => c.name === 'pcm24-stereo-48000') as WavCase;
  const format = wavCase.format as WavFormat;

  test('when the target size is not a multiple of the 6-byte frame then every read is rounded down to whole frames', () => {
    for (const targetSize of [7, 13, 1001, 4097, 6 * 400 + 5]) {
      const reader = WavReader.open(fixturePath(wavCase));
      const target = new Uint8Array(targetSize);
      const parts: Uint8Array[] = [];
      for (let got = reader.read(target); got > 0; got = reader.read(target)) {
        assert.equal(got, Math.min(targetSize - (targetSize % 6), got));
        assert.equal(got % 6, 0);
        parts.push(target.slice(0, got));
      }
      reader.close();
      assert.deepEqual(concat(parts), fixtureAudio(format, 2400), `target ${targetSize}`);
    }
  });

  test('when the target cannot hold one frame then read throws RangeError (a programming error, not end of data)', () => {
    const reader = WavReader.open(fixturePath(wavCase));
    try {
      assert.throws(() => reader.read(new Uint8Array(5)), RangeError);
      assert.equal(reader.read(new Uint8Array(0)), 0);
    } finally {
      reader.close();
    }
  });

  test('when 100 frames are skipped then the next read starts at frame 100, in a file and in a pipe', async () => {
    const reader = WavReader.open(fixturePath(wavCase));
    assert.equal(reader.skipFrames(100), 100);
    assert.deepEqual(readAll(reader, 600), fixtureAudio(format, 2300, 100));
    reader.close();
    const dir = makeTempDir();
    const { reader: open, feeder } = openThroughFifo(fixturePath(wavCase), dir);
    const piped = open();
    assert.equal(piped.skipFrames(100), 100);
    assert.deepEqual(readAll(piped, 600), fixtureAudio(format, 2300, 100));
    piped.close();
    await waitForExit(feeder);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('when more frames are skipped than remain then skipFrames returns the frames that were there and read returns 0', () => {
    const reader = WavReader.open(fixturePath(wavCase));
    assert.equal(reader.skipFrames(2000), 2000);
    assert.equal(reader.skipFrames(1000), 400);
    assert.equal(reader.read(new Uint8Array(600)), 0);
    reader.close();
    const streaming = WavReader.open(path.join(fixtureDir, 'data-size-unknown.wav'));
    assert.equal(streaming.skipFrames(5000), 2400);
    assert.equal(streaming.read(new Uint8Array(400)), 0);
    streaming.close();
  });

  test('when a file cannot be opened then IoError says "cannot open <file>: no such file"', () => {
    const missing = path.join(os.tmpdir(), 'wavert-definitely-missing.wav');
    assert.throws(() => WavReader.open(missing), (error: unknown) => error instanceof IoError && error.message === `cannot open ${missing}: no such file`);
    const dir = makeTempDir();
    assert.throws(() => WavReader.open(dir), (error: unknown) => error instanceof IoError && error.message === `cannot open ${dir}: is a directory`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('when the chunks after data are listed then their offsets and sizes are those in the file', () => {
    const reader = WavReader.open(path.join(fixtureDir, 'odd-data-pad-trailing.wav'));
    assert.deepEqual(reader.chunks, [
      { id: 'fmt ', offset: 12, sizeInBytes: 16 },
      { id: 'data', offset: 36, sizeInBytes: 1001 },
      { id: 'LIST', offset: 1046, sizeInBytes: 24 },
    ]);
    reader.close();
  });
});

describe('WavReader with untrusted sizes', () => {
  test('when a chunk before data declares 0xFFFFFFF0 bytes then the header is reported truncated without allocating', () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'huge-list.wav');
    fs.writeFileSync(file, riff([chunk('LIST', new Uint8Array(8), { declaredSizeInBytes: 0xfffffff0 }), chunk('fmt ', fmtBodyFor(pcmFormat({ channels: 1, sampleRate: 8000, bitsPerSample: 8 })))]));
    assert.throws(() => WavReader.open(file), /huge-list\.wav: has a truncated header: the "LIST" chunk at offset 12 declares 4294967280 bytes/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('when a fmt chunk declares 2 GiB then reading stops at the 64 KiB cap and the header is reported truncated', () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'huge-fmt.wav');
    fs.writeFileSync(file, riff([chunk('fmt ', fmtBodyFor(pcmFormat({ channels: 1, sampleRate: 8000, bitsPerSample: 8 })), { declaredSizeInBytes: 0x7fffffff })]));
    assert.throws(() => WavReader.open(file), /huge-fmt\.wav: has a truncated header: the file ends at byte 36, inside the "fmt " chunk that declares 2147483647 bytes/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('when a fmt chunk is 100000 bytes long then the first 64 KiB are parsed and the rest is skipped', () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'long-fmt.wav');
    const format = pcmFormat({ channels: 2, sampleRate: 44100, bitsPerSample: 16 });
    const fmt = concat([fmtBodyFor(format), new Uint8Array(100_000 - 16)]);
    fs.writeFileSync(file, riff([chunk('fmt ', fmt), chunk('data', fixtureAudio(format, 10))]));
    const reader = WavReader.open(file);
    assert.deepEqual(reader.format, format);
    assert.deepEqual(readAll(reader, 400), fixtureAudio(format, 10));
    reader.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const declared of ['exact', 'unknown'] as const) {
    test(`when a 200 MB data chunk (${declared} size) is read through then RSS does not grow with the file`, () => {
      const dir = makeTempDir();
      const file = path.join(dir, 'big.wav');
      const format = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
      const dataSize = 200 * 1024 * 1024;
      const header = riff([chunk('fmt ', fmtBodyFor(format)), chunk('data', new Uint8Array(0), { declaredSizeInBytes: declared === 'exact' ? dataSize : 0xffffffff })]);
      fs.writeFileSync(file, header);
      fs.truncateSync(file, header.length + dataSize);
      try {
        const reader = WavReader.open(file);
        const piece = new Uint8Array(64 * 1024);
        let total = reader.read(piece);
        const rssBefore = process.memoryUsage().rss;
        for (let got = reader.read(piece); got > 0; got = reader.read(piece)) total += got;
        const growthInBytes = process.memoryUsage().rss - rssBefore;
        reader.close();
        assert.equal(total, dataSize);
        assert.ok(growthInBytes < 24 * 1024 * 1024, `RSS grew by ${growthInBytes} bytes while reading ${dataSize}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('format helpers', () => {
  test('when the format is unsigned 8-bit PCM then silence is 0x80, otherwise 0', () => {
    assert.equal(silenceByte(pcmFormat({ channels: 1, sampleRate: 8000, bitsPerSample: 8 })), 0x80);
    assert.equal(silenceByte(pcmFormat({ channels: 2, sampleRate: 8000, bitsPerSample: 16 })), 0);
    assert.equal(silenceByte(pcmFormat({ channels: 2, sampleRate: 8000, bitsPerSample: 32, encoding: 'float' })), 0);
  });

  test('when formats are described then the text names encoding, bits, extensible, channels and rate', () => {
    assert.equal(formatDescription(pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 })), 'PCM 16-bit, 2 ch, 48000 Hz');
    assert.equal(formatDescription(pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 32, encoding: 'float', extensible: true })), 'IEEE float 32-bit (extensible), 2 ch, 48000 Hz');
    assert.equal(formatDescription(pcmFormat({ channels: 2, sampleRate: 96000, bitsPerSample: 32, validBitsPerSample: 24, extensible: true })), 'PCM 32-bit (24 valid, extensible), 2 ch, 96000 Hz');
  });

  test('when pcmFormat builds a format then block align and channel mask are consistent', () => {
    assert.deepEqual(pcmFormat({ channels: 8, sampleRate: 48000, bitsPerSample: 24, extensible: true }), {
      encoding: 'pcm', channels: 8, sampleRate: 48000, bitsPerSample: 24, validBitsPerSample: 24, blockAlign: 24, extensible: true, channelMask: 0x63f,
    });
    assert.throws(() => pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 12 }), RangeError);
    assert.throws(() => pcmFormat({ channels: 0, sampleRate: 48000, bitsPerSample: 16 }), RangeError);
  });
});

describe('cross-check with the npm wav package Reader', () => {
  const require = createRequire(import.meta.url);
  const wavPackage = require('wav') as { Reader: new () => NodeJS.ReadWriteStream };
  const plainCases = ['pcm8-mono-8000', 'pcm8-stereo-22050', 'pcm16-mono-44100', 'pcm16-stereo-48000', 'pcm24-stereo-48000', 'pcm32-stereo-44100', 'float32-stereo-48000'];
  for (const name of plainCases) {
    test(`when ${name} (plain header) is read by both readers then format and audio bytes agree`, async () => {
      const file = path.join(fixtureDir, `${name}.wav`);
      const theirs = await new Promise<{ format: { channels: number; sampleRate: number; bitDepth: number; float?: boolean }; audio: Uint8Array }>((resolve, reject) => {
        const reader = new wavPackage.Reader();
        let format: { channels: number; sampleRate: number; bitDepth: number; float?: boolean } | undefined;
        const parts: Buffer[] = [];
        reader.on('format', (f: typeof format) => { format = f; });
        reader.on('data', (data: Buffer) => parts.push(data));
        reader.on('end', () => resolve({ format: format as NonNullable<typeof format>, audio: Buffer.concat(parts) }));
        reader.on('error', reject);
        fs.createReadStream(file).pipe(reader);
      });
      const ours = WavReader.open(file);
      const audio = readAll(ours, 4096 - (4096 % ours.format.blockAlign));
      ours.close();
      assert.equal(theirs.format.channels, ours.format.channels);
      assert.equal(theirs.format.sampleRate, ours.format.sampleRate);
      assert.equal(theirs.format.bitDepth, ours.format.bitsPerSample);
      assert.equal(theirs.format.float === true, ours.format.encoding === 'float');
      assert.deepEqual(new Uint8Array(theirs.audio), audio);
    });
  }
});
