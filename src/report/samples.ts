// A growable list of numbers for percentiles: doubles its storage, so recording is amortised allocation-free.
export class SampleSet {
  private values = new Float64Array(1024);
  private length = 0;

  add(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  get count(): number {
    return this.length;
  }

  /** p50/p99/min/max of what was recorded; all null when nothing was. */
  stats(): SampleStats {
    if (this.length === 0) return { count: 0, min: null, p50: null, p99: null, max: null };
    const sorted = this.values.slice(0, this.length).sort();
    const at = (q: number): number => sorted[Math.min(this.length - 1, Math.ceil(q * this.length) - 1)]!;
    return { count: this.length, min: sorted[0]!, p50: at(0.5), p99: at(0.99), max: sorted[this.length - 1]! };
  }
}

export interface SampleStats {
  count: number;
  min: number | null;
  p50: number | null;
  p99: number | null;
  max: number | null;
}
