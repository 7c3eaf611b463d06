/** Options of an {@link Ewma}. */
export interface EwmaOptions {
  /** Weight of the newest observation, in (0, 1]; larger forgets faster. Default 0.2. */
  readonly alpha?: number;
}

/**
 * Exponentially weighted moving average and variance, O(1) time and memory per observation.
 * The variance is the incremental EW variance (Finch, "Incremental calculation of weighted mean
 * and variance", 2009), so z-scores against the average need no stored history.
 */
export class Ewma {
  /** Weight of the newest observation. */
  public readonly alpha: number;
  private mean = 0;
  private ewVariance = 0;
  private n = 0;

  /** Creates an empty average; throws a RangeError when alpha is outside (0, 1]. */
  constructor(options: EwmaOptions = {}) {
    const alpha = options.alpha ?? 0.2;
    if (!(alpha > 0 && alpha <= 1)) {
      throw new RangeError(`Ewma alpha must be in (0, 1], got ${String(alpha)}`);
    }
    this.alpha = alpha;
  }

  /** Adds one observation; non-finite values are ignored. */
  public update(x: number): void {
    if (!Number.isFinite(x)) {
      return;
    }
    if (this.n === 0) {
      // Seed with the first value so the average does not start biased towards 0.
      this.mean = x;
      this.ewVariance = 0;
    } else {
      const diff = x - this.mean;
      const incr = this.alpha * diff;
      this.mean += incr;
      this.ewVariance = (1 - this.alpha) * (this.ewVariance + diff * incr);
    }
    this.n++;
  }

  /** The weighted average; 0 before the first observation. */
  public get value(): number {
    return this.mean;
  }

  /** The exponentially weighted variance of the observations around the average; 0 when empty. */
  public get variance(): number {
    return this.ewVariance;
  }

  /** Square root of {@link Ewma.variance}. */
  public get stdDev(): number {
    return Math.sqrt(this.ewVariance);
  }

  /** Number of observations taken. */
  public get count(): number {
    return this.n;
  }

  /** How many weighted standard deviations `x` lies from the average; 0 when the spread is 0. */
  public zScore(x: number): number {
    const sd = Math.sqrt(this.ewVariance);
    return sd > 0 ? (x - this.mean) / sd : 0;
  }

  /** Forgets every observation. */
  public reset(): void {
    this.mean = 0;
    this.ewVariance = 0;
    this.n = 0;
  }
}
