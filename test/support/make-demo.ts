// Writes fixtures/demo.wav, the file the README plays: a 3-second A-minor arpeggio, 48 kHz stereo 16-bit.
// Deterministic: the same bytes on every machine (`npm run demo-fixture`).
import { fileURLToPath } from 'node:url';
import { WavWriter, pcmFormat } from '../../src/wav/index.js';

export function writeDemo(path: string): void {
  const sampleRate = 48000;
  const format = pcmFormat({ channels: 2, sampleRate, bitsPerSample: 16 });
  const notesHz = [220, 261.63, 329.63, 440, 523.25, 659.25, 523.25, 440, 329.63, 261.63, 220, 164.81];
  const noteFrames = sampleRate / 4;
  const audio = Buffer.alloc(notesHz.length * noteFrames * format.blockAlign);
  let phase = 0;
  for (let n = 0; n < notesHz.length; n++) {
    for (let i = 0; i < noteFrames; i++) {
      const envelope = Math.min(1, i / 480) * Math.exp(-i / (noteFrames / 3));
      phase += (2 * Math.PI * notesHz[n]!) / sampleRate;
      const sample = Math.round(Math.sin(phase) * envelope * 14000);
      const offset = (n * noteFrames + i) * format.blockAlign;
      // a little stereo movement: the arpeggio walks from left to right
      const pan = n / (notesHz.length - 1);
      audio.writeInt16LE(Math.round(sample * (1 - 0.5 * pan)), offset);
      audio.writeInt16LE(Math.round(sample * (0.5 + 0.5 * pan)), offset + 2);
    }
  }
  const writer = WavWriter.create(path, format);
  writer.write(audio);
  writer.close();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeDemo(process.argv[2] ?? 'fixtures/demo.wav');
