// Percentiles in bounded memory: exact while there are at most EXACT_LIMIT samples, then a fixed log-linear
// histogram (about 1.1 % relative resolution) so a run of any length costs the same few hundred KiB.

const EXACT_LIMIT = 65_536;
const SUB_BUCKETS = 64;
const MAX_OCTAVE = 48;
const LINEAR_LIMIT = SUB_BUCKETS;
const BUCKETS_PER_SIGN = LINEAR_LIMIT + MAX_OCTAVE * SUB_BUCKETS;

export class SampleSet {
  private readonly exact = new Float64Array(EXACT_LIMIT);
  private readonly histogram = new Float64Array(2 * BUCKETS_PER_SIGN);
  private length = 0;
  private minimum = Number.POSITIVE_INFINITY;
  private maximum = Number.NEGATIVE_INFINITY;
  private lastValue = Number.NaN;
  private lastBucket = 0;

  add(value: number): void {
    if (this.length < EXACT_LIMIT) this.exact[this.length] = value;
    this.length++;
    if (value < this.minimum) this.minimum = value;
    if (value > this.maximum) this.maximum = value;
    // a steady run repeats one value (every write margin 10 ms): its bucket is not recomputed
    if (value !== this.lastValue) {
      this.lastValue = value;
      this.lastBucket = bucketOf(value);
    }
    this.histogram[this.lastBucket]!++;
  }

  get count(): number {
    return this.length;
  }

  /** p50/p99/min/max of what was recorded; all null when nothing was. */
  stats(): SampleStats {
    if (this.length === 0) return { count: 0, min: null, p50: null, p99: null, max: null };
    // one sort serves both percentiles (60,000 samples in a 10-minute render)
    const sorted = this.length <= EXACT_LIMIT ? this.exact.slice(0, this.length).sort() : null;
    return { count: this.length, min: this.minimum, p50: this.quantile(0.5, sorted), p99: this.quantile(0.99, sorted), max: this.maximum };
  }

  private quantile(q: number, sorted: Float64Array | null): number {
    const rank = Math.min(this.length - 1, Math.ceil(q * this.length) - 1);
    if (sorted !== null) return sorted[rank]!;
    let seen = 0;
    // negative buckets run from the most negative upwards, then the positive ones
    for (let i = BUCKETS_PER_SIGN - 1; i >= 0; i--) {
      seen += this.histogram[i]!;
      if (seen > rank) return clamp(-bucketValue(i), this.minimum, this.maximum);
    }
    for (let i = 0; i < BUCKETS_PER_SIGN; i++) {
      seen += this.histogram[BUCKETS_PER_SIGN + i]!;
      if (seen > rank) return clamp(bucketValue(i), this.minimum, this.maximum);
    }
    return this.maximum;
  }
}

function magnitudeBucket(magnitude: number): number {
  if (magnitude < LINEAR_LIMIT) return Math.floor(magnitude);
  const octave = Math.min(MAX_OCTAVE - 1, Math.floor(Math.log2(magnitude / LINEAR_LIMIT)));
  const base = LINEAR_LIMIT * 2 ** octave;
  const sub = Math.min(SUB_BUCKETS - 1, Math.floor(((magnitude - base) / base) * SUB_BUCKETS));
  return LINEAR_LIMIT + octave * SUB_BUCKETS + sub;
}

function bucketOf(value: number): number {
  // index 0 … BUCKETS_PER_SIGN-1: negative values by magnitude; the rest: zero and positive values
  return value < 0 ? magnitudeBucket(-value) : BUCKETS_PER_SIGN + magnitudeBucket(value);
}

/** The lower edge of a magnitude bucket. */
function bucketValue(index: number): number {
  if (index < LINEAR_LIMIT) return index;
  const octave = Math.floor((index - LINEAR_LIMIT) / SUB_BUCKETS);
  const sub = (index - LINEAR_LIMIT) % SUB_BUCKETS;
  const base = LINEAR_LIMIT * 2 ** octave;
  return base + (base * sub) / SUB_BUCKETS;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

export interface SampleStats {
  count: number;
  min: number | null;
  p50: number | null;
  p99: number | null;
  max: number | null;
}
