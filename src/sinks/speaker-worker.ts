// Runs the `speaker` native addon in its own process, so that its abort (no ALSA device) cannot take wavert down.
// Usage: node speaker-worker.js '<json SpeakerWorkerConfig>' — reads raw PCM on stdin and prints, one number a
// line on stdout, how many bytes the device has taken so far (the sink's clock); with "probe": true it opens the
// device, plays 10 ms of silence and exits 0.
// It drives the addon's binding directly: the Speaker stream class fails a write the device takes only in part
// (`write() failed: 4092` with 6 channels at 96 kHz); here the rest is simply written again.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SPEAKER_ERROR_EXIT, SPEAKER_NOT_INSTALLED_EXIT, type SpeakerWorkerConfig } from './speaker-protocol.js';

interface SpeakerClass {
  getFormat(format: { bitDepth: number; float: boolean; signed: boolean }): number | null;
  isSupported(format: number): boolean;
  module_name: string;
}

interface SpeakerBinding {
  open(channels: number, sampleRate: number, format: number, device: string | null): unknown;
  write(handle: unknown, bytes: Buffer): Promise<number>;
  flush(handle: unknown): void;
  close(handle: unknown): void;
}

/** The device is given at most this many frames per call, so its reports come often. */
const WRITE_FRAMES = 2048;
/** A device that takes nothing is asked again after this long (no busy loop). */
const RETRY_MS = 5;

function fail(message: string, code = SPEAKER_ERROR_EXIT): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function load(): { Speaker: SpeakerClass; binding: SpeakerBinding } {
  const require = createRequire(import.meta.url);
  try {
    const Speaker = require('speaker') as SpeakerClass;
    const root = dirname(require.resolve('speaker/package.json'));
    // the same compiled module the Speaker class loaded (require caches it by path)
    const binding = require(join(root, 'build', 'Release', 'binding.node')) as SpeakerBinding;
    return { Speaker, binding };
  } catch (error) {
    return fail(`the optional 'speaker' package is not installed or not built (${(error as Error).message.split('\n')[0]}); on Debian: apt-get install libasound2-dev, then npm rebuild speaker`, SPEAKER_NOT_INSTALLED_EXIT);
  }
}

function run(config: SpeakerWorkerConfig): void {
  const { Speaker, binding } = load();
  const format = Speaker.getFormat({ bitDepth: config.bitDepth, float: config.float, signed: config.signed });
  const described = `${config.float ? 'float' : config.signed ? 'signed' : 'unsigned'} ${config.bitDepth}-bit`;
  if (format === null || !Speaker.isSupported(format)) fail(`speaker: its ${Speaker.module_name} backend cannot play ${described} samples`);
  const handle = binding.open(config.channels, config.sampleRate, format!, config.device ?? null);
  if (!handle) fail(`speaker: the device would not open for ${config.channels} channels at ${config.sampleRate} Hz`);
  const blockAlign = (config.bitDepth / 8) * config.channels;
  let deviceBytes = 0;
  const pending: Buffer[] = [];
  let carry: Buffer = Buffer.alloc(0);
  let writing = false;
  let ended = false;

  // close drains what the device holds; the binding's flush would drop it (snd_pcm_drop: the end cut off)
  const close = (): void => {
    binding.close(handle);
    process.exit(0);
  };
  const writeFrom = (bytes: Buffer, offset: number): void => {
    if (offset >= bytes.length) {
      writing = false;
      pump();
      return;
    }
    const end = Math.min(bytes.length, offset + WRITE_FRAMES * blockAlign);
    binding.write(handle, bytes.subarray(offset, end)).then((written) => {
      if (written < 0) fail(`speaker: the device refused the audio (${written})`);
      deviceBytes += written;
      process.stdout.write(`${deviceBytes}\n`);
      if (written === 0) setTimeout(() => writeFrom(bytes, offset), RETRY_MS);
      else writeFrom(bytes, offset + written);
    }, (error: Error) => fail(`speaker: ${error.message}`));
  };
  const pump = (): void => {
    if (writing) return;
    const next = pending.shift();
    if (next === undefined) {
      if (ended) close();
      else process.stdin.resume();
      return;
    }
    // whole frames only: a chunk of the pipe can end inside a frame
    const joined = carry.length > 0 ? Buffer.concat([carry, next]) : next;
    const whole = joined.length - (joined.length % blockAlign);
    carry = Buffer.from(joined.subarray(whole));
    writing = true;
    writeFrom(joined.subarray(0, whole), 0);
  };

  if (config.probe) {
    pending.push(Buffer.alloc(blockAlign * Math.ceil(config.sampleRate / 100), config.bitDepth === 8 && !config.signed ? 0x80 : 0));
    ended = true;
    pump();
    return;
  }
  process.stdin.on('data', (chunk: Buffer) => {
    pending.push(chunk);
    if (pending.length > 2) process.stdin.pause();
    pump();
  });
  process.stdin.on('end', () => {
    ended = true;
    pump();
  });
}

if (process.argv[2] !== undefined) run(JSON.parse(process.argv[2]) as SpeakerWorkerConfig);
