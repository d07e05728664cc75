// What the driver reports about where the audio is: GetHWLatency and the presentation position.
import { nsToFrames } from '../clock/time.js';
import type { ProfileChoices } from './profile.js';
import type { AudioFormat, HwLatency } from './types.js';

const ZERO_LATENCY: HwLatency = Object.freeze({ fifoSizeInBytes: 0, chipsetDelayIn100ns: 0, codecDelayIn100ns: 0 });

/** GetHWLatency: the modelled FIFO and delays (doc), or zero (the reference's GetHWLatency). */
export function reportedHwLatency(choices: ProfileChoices, modelled: HwLatency): HwLatency {
  return choices.hwLatency === 'zero' ? { ...ZERO_LATENCY } : { ...modelled };
}

/** Frames of latency between the DMA and the listener: the FIFO's whole frames plus the delays. */
export function hwLatencyFrames(latency: HwLatency, format: AudioFormat): number {
  const delayNs = (latency.chipsetDelayIn100ns + latency.codecDelayIn100ns) * 100;
  return Math.floor(latency.fifoSizeInBytes / format.blockAlign) + nsToFrames(delayNs, format.sampleRate);
}

/**
 * Frames that have left the device after `runFrames` frames of time in RUN. Doc: the DMA position minus
 * the latency, which reaches the EOS point once the FIFO and delays have drained and stays there. The
 * reference (UpdatePosition) adds every elapsed byte, after the last buffer too.
 */
export function presentationFrames(choices: ProfileChoices, runFrames: number, latencyFrames: number, eosFrame: number): number {
  const played = Math.max(0, runFrames - latencyFrames);
  return choices.presentationAfterEos === 'keeps-growing' ? played : Math.min(played, eosFrame);
}
