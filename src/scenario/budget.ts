// A scenario run's budget, from its time limit and before anything big is made: the output it can hold, the
// packets (and so the trace) it can produce, the events --report keeps in memory.
import { statSync } from 'node:fs';
import { framesToNs } from '../clock/time.js';
import { ScenarioError } from '../errors.js';
import { resolveStreamConfig } from '../session/config.js';
import type { WavFormat } from '../wav/index.js';
import { actionDefinition } from './actions.js';
import { MAX_PACKETS_PER_RUN, RUN_MARGIN_NS } from './limits.js';
import type { Scenario } from './model.js';

/** What a run may hold in memory (rendered.wav), checked from its time limit before it runs; packets (and so the trace) by MAX_PACKETS_PER_RUN. */
export const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;
/** Trace events kept in memory for --report (a few hundred bytes each). */
export const MAX_REPORT_EVENTS = 1_000_000;

/**
 * The most the run can output (the DMA runs at the nominal rate until the time limit) and the packets it can
 * trace, from the limit, before the input is made or anything big is allocated: a 285-byte scenario with a long
 * maxModelMs is refused, not run out of memory.
 */
export function budgetRun(scenario: Scenario, format: WavFormat, inputFrames: number, reportInMemory: boolean): { limitNs: number; outputBytes: number } {
  const config = resolveStreamConfig(scenario.stream, format);
  const granule = Math.max(1, config.notifications) * format.blockAlign;
  const packetFrames = Math.max(1, Math.floor(config.requestedBufferBytes / granule));
  const packetNs = framesToNs(packetFrames, format.sampleRate);
  const limitNs = scenario.maxModelNs ?? framesToNs(inputFrames, format.sampleRate) + timelineExtraNs(scenario, packetNs) + RUN_MARGIN_NS;
  const limitMs = Math.round(limitNs / 1e6);
  const limitText = scenario.maxModelNs !== null ? `maxModelMs ${limitMs}` : `a run of ${limitMs} ms (the input, the timeline and the ${RUN_MARGIN_NS / 1e9} s margin)`;
  const frames = Math.ceil((limitNs * format.sampleRate) / 1e9) + packetFrames * 2 * Math.max(1, config.notifications);
  const outputBytes = frames * format.blockAlign + config.fifoBytes;
  if (outputBytes > MAX_OUTPUT_BYTES) {
    throw new ScenarioError(`${scenario.file}: ${limitText} could output ${outputBytes} bytes; a scenario's output is limited to ${MAX_OUTPUT_BYTES} bytes (a lower maxModelMs or a shorter input)`);
  }
  const packets = Math.ceil(limitNs / Math.max(1, packetNs));
  if (packets > MAX_PACKETS_PER_RUN) {
    throw new ScenarioError(`${scenario.file}: ${limitText} is about ${packets} packets of ${packetFrames} frames; a run (and its trace) is limited to ${MAX_PACKETS_PER_RUN} packets (a larger buffer or a lower maxModelMs)`);
  }
  if (reportInMemory && packets * 3 > MAX_REPORT_EVENTS) {
    throw new ScenarioError(`${scenario.file}: ${limitText} is about ${packets} packets, too many to draw with --report (at most ${Math.floor(MAX_REPORT_EVENTS / 3)})`);
  }
  return { limitNs, outputBytes };
}

/** Model time the timeline adds to a run: its actions' durations and its last timed action. */
export function timelineExtraNs(scenario: Scenario, packetNs: number): number {
  let total = 0;
  for (const entry of scenario.timeline) total += actionDefinition(entry.action)?.durationNs?.(entry.fields, packetNs) ?? 0;
  const lastTimed = Math.max(0, ...scenario.timeline.map((entry) => entry.atNs ?? 0));
  return total + lastTimed;
}

/** A relative estimate of what running the scenario costs (the pool starts the costliest first): its input's bytes. */
export function estimateRunCost(scenario: Scenario): number {
  const input = scenario.input;
  if (input.type !== 'file') return input.frames * input.format.blockAlign;
  try {
    return statSync(input.path).size;
  } catch {
    return 0;
  }
}
