import { CircuitState, type IBreaker } from 'cockatiel';

/** One bucket of the rolling window: which bucket period it holds, and its counts. */
interface Bucket {
  period: number;
  successes: number;
  failures: number;
}

/**
 * The opening rule, as cockatiel's `IBreaker` (its extension point for custom breakers): open
 * when more than `errorThresholdPercentage` % of the calls in the last `rollingCountTimeoutMs`
 * failed, once that window holds at least `volumeThreshold` calls. Buckets are keyed by their
 * time period, so calls older than the window never count, however long the voice was idle
 * (cockatiel's own SamplingBreaker keeps stale windows until traffic rotates them out).
 */
export class RollingWindowBreaker implements IBreaker {
  private readonly buckets: Bucket[];
  private readonly bucketMs: number;
  /** The bucket bucket() answered last, and its time range [lastFrom, lastTo). */
  private last: Bucket | undefined;
  private lastFrom = Number.POSITIVE_INFINITY;
  private lastTo = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly thresholdPercentage: number,
    private readonly volumeThreshold: number,
    windowMs: number,
    bucketCount: number,
    private readonly now: () => number = Date.now,
  ) {
    this.bucketMs = Math.max(1, windowMs / bucketCount);
    this.buckets = Array.from({ length: bucketCount }, () => ({ period: -1, successes: 0, failures: 0 }));
  }

  /** Serialized state (cockatiel's toJSON); the counts of the window. */
  get state(): unknown {
    return this.buckets.map((b) => ({ ...b }));
  }

  set state(value: unknown) {
    if (!Array.isArray(value) || value.length !== this.buckets.length) return;
    value.forEach((b: Bucket, i) => Object.assign(this.buckets[i]!, b));
    this.forgetLast();
  }

  /** A call succeeded. */
  success(state: CircuitState): void {
    if (state === CircuitState.HalfOpen) this.reset();
    this.bucket(this.now()).successes += 1;
  }

  /** A call succeeded while closed, at `now` (the caller's clock reading, saving one). */
  countSuccess(now: number): void {
    this.bucket(now).successes += 1;
  }

  /** A call failed: true when the breaker must open. */
  failure(state: CircuitState): boolean {
    const now = this.now();
    this.bucket(now).failures += 1;
    if (state !== CircuitState.Closed) return true;
    const oldest = Math.floor(now / this.bucketMs) - this.buckets.length + 1;
    let failures = 0;
    let total = 0;
    for (const b of this.buckets) {
      if (b.period < oldest) continue;
      failures += b.failures;
      total += b.failures + b.successes;
    }
    return total >= this.volumeThreshold && (failures / total) * 100 > this.thresholdPercentage;
  }

  private bucket(now: number): Bucket {
    // Nearly every count falls in the bucket of the count before: answered without the division.
    if (now >= this.lastFrom && now < this.lastTo) return this.last!;
    const period = Math.floor(now / this.bucketMs);
    const b = this.buckets[period % this.buckets.length]!;
    if (b.period !== period) {
      b.period = period;
      b.successes = 0;
      b.failures = 0;
    }
    this.last = b;
    this.lastFrom = period * this.bucketMs;
    this.lastTo = this.lastFrom + this.bucketMs;
    return b;
  }

  /** Forgets the bucket answered last (the buckets were reset or restored). */
  private forgetLast(): void {
    this.last = undefined;
    this.lastFrom = Number.POSITIVE_INFINITY;
    this.lastTo = Number.NEGATIVE_INFINITY;
  }

  private reset(): void {
    for (const b of this.buckets) {
      b.period = -1;
      b.successes = 0;
      b.failures = 0;
    }
    this.forgetLast();
  }
}
