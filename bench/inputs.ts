import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { WavWriter, pcmFormat, wavHeader } from '../src/wav/index.js';

// Generated benchmark inputs (under bench/out, never committed): a 440 Hz tone, 48 kHz stereo 16-bit.

export const BENCH_FORMAT = pcmFormat({ channels: 2, sampleRate: 48_000, bitsPerSample: 16 });

/** One second of the tone, both channels alike. */
function toneSecond(): Buffer {
  const frames = BENCH_FORMAT.sampleRate;
  const block = Buffer.alloc(frames * BENCH_FORMAT.blockAlign);
  for (let frame = 0; frame < frames; frame++) {
    const value = Math.round(Math.sin((2 * Math.PI * 440 * frame) / frames) * 12_000);
    block.writeInt16LE(value, frame * 4);
    block.writeInt16LE(value, frame * 4 + 2);
  }
  return block;
}

/** `seconds` of the tone. */
export function writeSineWav(path: string, seconds: number): void {
  const writer = WavWriter.create(path, BENCH_FORMAT);
  const block = toneSecond();
  for (let second = 0; second < seconds; second++) writer.write(block);
  writer.close();
}

/**
 * A WAV of real (non-sparse) tone data, `dataBytes` long; kept when it already exists with that size,
 * so repeated benchmark runs do not rewrite gigabytes.
 */
export function ensureToneWav(path: string, dataBytes: number): void {
  const header = wavHeader(BENCH_FORMAT);
  const totalBytes = header.bytes.length + dataBytes;
  if (existsSync(path) && statSync(path).size === totalBytes) return;
  const bytes = Buffer.from(header.bytes);
  const riffSize = header.bytes.length - 8 + dataBytes;
  bytes.writeUInt32LE(riffSize <= 0xfffffffe ? riffSize : 0xffffffff, 4);
  bytes.writeUInt32LE(dataBytes, header.dataSizeOffset);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, bytes);
    const block = Buffer.concat(Array.from({ length: 16 }, () => toneSecond()));
    let remaining = dataBytes;
    while (remaining > 0) {
      const size = Math.min(remaining, block.length);
      writeSync(fd, block, 0, size);
      remaining -= size;
    }
  } finally {
    closeSync(fd);
  }
}
