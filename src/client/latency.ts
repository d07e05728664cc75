import { SeededRandom } from './random.js';

// How long the OS client takes to wake after its event. All values in nanoseconds; never negative.

export type LatencySpec =
  | { kind: 'fixed'; valueNs: number }
  | { kind: 'uniform'; minNs: number; maxNs: number }
  | { kind: 'normal'; meanNs: number; stddevNs: number }
  | { kind: 'lognormal'; medianNs: number; sigma: number };

export type LatencySampler = () => number;

export const punctual: LatencySpec = { kind: 'fixed', valueNs: 0 };

export function createLatencySampler(spec: LatencySpec, seed: number): LatencySampler {
  const random = new SeededRandom(seed);
  switch (spec.kind) {
    case 'fixed':
      return () => spec.valueNs;
    case 'uniform':
      return () => Math.round(spec.minNs + random.next() * (spec.maxNs - spec.minNs));
    case 'normal':
      return () => Math.max(0, Math.round(spec.meanNs + random.nextGaussian() * spec.stddevNs));
    case 'lognormal':
      return () => Math.max(0, Math.round(spec.medianNs * Math.exp(spec.sigma * random.nextGaussian())));
  }
}
