import { UsageError } from '../errors.js';
import { WavReader, type WavFormat } from '../wav/index.js';
import { columnOf, outputFrameTimeNs, type PanelData, type TimelineScan } from './timeline-model.js';

// The output waveform under the timeline: the rendered WAV read in chunks, each frame placed on the model
// clock where it left the device, reduced to min/max per pixel column of every panel.

const CHUNK_BYTES = 256 * 1024;

type SampleDecoder = (bytes: Buffer, offset: number) => number;

function decoderFor(format: WavFormat): SampleDecoder {
  if (format.encoding === 'float') {
    return format.bitsPerSample === 64 ? (b, o) => b.readDoubleLE(o) : (b, o) => b.readFloatLE(o);
  }
  switch (format.bitsPerSample) {
    case 8: return (b, o) => (b[o]! - 128) / 128;
    case 16: return (b, o) => b.readInt16LE(o) / 32768;
    case 24: return (b, o) => b.readIntLE(o, 3) / 8388608;
    default: return (b, o) => b.readInt32LE(o) / 2147483648;
  }
}

/** Fills waveMin/waveMax of every panel from the rendered WAV; the WAV must have the trace's format. */
export function addWaveform(wavPath: string, scan: TimelineScan, panels: PanelData[]): void {
  const reader = WavReader.open(wavPath);
  try {
    const format = reader.format;
    const stream = scan.stream;
    if (format.sampleRate !== stream.sampleRate || format.channels !== stream.channels || format.blockAlign !== stream.blockAlign) {
      throw new UsageError(
        `${wavPath} is ${format.sampleRate} Hz, ${format.channels} ch, ${format.blockAlign}-byte frames but the trace ${scan.label} ` +
        `is ${stream.sampleRate} Hz, ${stream.channels} ch, ${stream.blockAlign}-byte frames; pass the WAV this run rendered`,
      );
    }
    for (const panel of panels) {
      panel.waveMin = new Float32Array(panel.columns).fill(Number.NaN);
      panel.waveMax = new Float32Array(panel.columns).fill(Number.NaN);
    }
    const decode = decoderFor(format);
    const bytesPerSample = format.blockAlign / format.channels;
    const chunk = Buffer.alloc(Math.max(format.blockAlign, CHUNK_BYTES - (CHUNK_BYTES % format.blockAlign)));
    const nsPerFrame = 1e9 / format.sampleRate;
    let frameIndex = 0;
    // frames inside one DMA piece are evenly spaced, so the time is re-anchored only once per chunk
    for (let got = reader.read(chunk); got > 0; got = reader.read(chunk)) {
      const frames = got / format.blockAlign;
      const anchorNs = outputFrameTimeNs(scan, frameIndex);
      const anchorEndNs = outputFrameTimeNs(scan, frameIndex + frames - 1);
      const evenlySpaced = Math.abs(anchorEndNs - anchorNs - (frames - 1) * nsPerFrame) < nsPerFrame;
      for (let frame = 0; frame < frames; frame++) {
        const timeNs = evenlySpaced ? anchorNs + frame * nsPerFrame : outputFrameTimeNs(scan, frameIndex + frame);
        let low = Number.POSITIVE_INFINITY;
        let high = Number.NEGATIVE_INFINITY;
        const base = frame * format.blockAlign;
        for (let channel = 0; channel < format.channels; channel++) {
          const value = decode(chunk, base + channel * bytesPerSample);
          if (value < low) low = value;
          if (value > high) high = value;
        }
        for (const panel of panels) {
          const column = columnOf(panel, timeNs);
          if (column < 0) continue;
          const min = panel.waveMin!;
          const max = panel.waveMax!;
          if (!(low >= min[column]!)) min[column] = low;
          if (!(high <= max[column]!)) max[column] = high;
        }
      }
      frameIndex += frames;
    }
  } finally {
    reader.close();
  }
}
