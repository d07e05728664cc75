/** Least-squares slope of y over x, in constant memory: drift estimates on the real-time path. */
export class LinearFit {
  private count = 0;
  private sumX = 0;
  private sumY = 0;
  private sumXX = 0;
  private sumXY = 0;

  add(x: number, y: number): void {
    this.count++;
    this.sumX += x;
    this.sumY += y;
    this.sumXX += x * x;
    this.sumXY += x * y;
  }

  /** null until there are at least 10 points spread over x. */
  slope(): number | null {
    const denominator = this.count * this.sumXX - this.sumX * this.sumX;
    if (this.count < 10 || denominator <= 1e-12) return null;
    return (this.count * this.sumXY - this.sumX * this.sumY) / denominator;
  }
}
