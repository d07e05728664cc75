// Runs the `speaker` native addon in its own process, so that its abort (no ALSA device) cannot take wavert down.
// Usage: node speaker-worker.js '<json SpeakerWorkerConfig>' — reads raw PCM on stdin; with "probe": true it
// opens the device, plays 10 ms of silence and exits 0.
import { createRequire } from 'node:module';
import { SPEAKER_ERROR_EXIT, SPEAKER_NOT_INSTALLED_EXIT, type SpeakerWorkerConfig } from './speaker-protocol.js';

interface SpeakerStream extends NodeJS.WritableStream {
  once(event: 'close', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

function run(config: SpeakerWorkerConfig): void {
  const require = createRequire(import.meta.url);
  let Speaker: new (options: object) => SpeakerStream;
  try {
    Speaker = require('speaker') as typeof Speaker;
  } catch (error) {
    process.stderr.write(`the optional 'speaker' package is not installed or not built (${(error as Error).message.split('\n')[0]}); on Debian: apt-get install libasound2-dev, then npm rebuild speaker\n`);
    process.exit(SPEAKER_NOT_INSTALLED_EXIT);
  }
  const speaker = new Speaker({
    channels: config.channels,
    sampleRate: config.sampleRate,
    bitDepth: config.bitDepth,
    float: config.float,
    signed: config.signed,
    ...(config.device !== undefined ? { device: config.device } : {}),
  });
  speaker.on('error', (error) => {
    process.stderr.write(`speaker: ${error.message}\n`);
    process.exit(SPEAKER_ERROR_EXIT);
  });
  speaker.once('close', () => process.exit(0));
  if (config.probe) {
    const blockAlign = (config.bitDepth / 8) * config.channels;
    speaker.end(Buffer.alloc(blockAlign * Math.ceil(config.sampleRate / 100), config.bitDepth === 8 && !config.signed ? 0x80 : 0));
  } else {
    process.stdin.pipe(speaker);
  }
}

if (process.argv[2] !== undefined) run(JSON.parse(process.argv[2]) as SpeakerWorkerConfig);
