/** Options of an {@link OutcomeWindow}. */
export interface OutcomeWindowOptions {
  /** How many of the latest outcomes are kept, at least 1. Default 50. */
  readonly capacity?: number;
  /** Length of the short suffix whose failures are counted separately. Default 10, at most capacity. */
  readonly recentSize?: number;
}

/**
 * Ring of the last N call outcomes (failed or not) with running failure counts over the whole
 * window, its newest `recentSize` outcomes and its newer half, so every read and write is O(1)
 * and nothing is allocated after construction.
 */
export class OutcomeWindow {
  /** Maximum number of outcomes kept. */
  public readonly capacity: number;
  /** Length of the short suffix behind {@link OutcomeWindow.recentFailures}. */
  public readonly recentSize: number;
  /** Length of the newer half used by {@link OutcomeWindow.newerHalfFailures}: floor(capacity / 2), at least 1. */
  public readonly halfSize: number;
  private readonly ring: Uint8Array;
  private head = 0;
  private filled = 0;
  private failureCount = 0;
  private recentFailureCount = 0;
  private newerFailureCount = 0;

  /** Creates an empty window; throws a RangeError on an invalid option. */
  constructor(options: OutcomeWindowOptions = {}) {
    const capacity = options.capacity ?? 50;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`OutcomeWindow capacity must be an integer >= 1, got ${String(capacity)}`);
    }
    const recent = options.recentSize ?? 10;
    if (!Number.isInteger(recent) || recent < 1) {
      throw new RangeError(`OutcomeWindow recentSize must be an integer >= 1, got ${String(recent)}`);
    }
    this.capacity = capacity;
    this.recentSize = Math.min(recent, capacity);
    this.halfSize = Math.max(1, Math.floor(capacity / 2));
    this.ring = new Uint8Array(capacity);
  }

  /** Appends one outcome, evicting the oldest when full. */
  public record(failed: boolean): void {
    // A full window without failures is all zeros in any rotation: a success changes nothing.
    if (!failed && this.failureCount === 0 && this.filled === this.capacity) return;
    const bit = failed ? 1 : 0;
    // Each counter loses the outcome that slides out of its suffix; read before the slot is overwritten.
    this.recentFailureCount += bit - this.outcomeAgo(this.recentSize);
    this.newerFailureCount += bit - this.outcomeAgo(this.halfSize);
    this.failureCount += bit - this.outcomeAgo(this.capacity);
    this.ring[this.head] = bit;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    if (this.filled < this.capacity) {
      this.filled++;
    }
  }

  /** Number of outcomes currently held (at most capacity). */
  public get size(): number {
    return this.filled;
  }

  /** Failures among the held outcomes. */
  public get failures(): number {
    return this.failureCount;
  }

  /** Failure share of the held outcomes; 0 when empty. */
  public get errorRate(): number {
    return this.filled === 0 ? 0 : this.failureCount / this.filled;
  }

  /** Failures among the newest `recentSize` outcomes (fewer when not yet filled). */
  public get recentFailures(): number {
    return this.recentFailureCount;
  }

  /** Outcomes in the newer half: min(size, halfSize). */
  public get newerHalfSize(): number {
    return Math.min(this.filled, this.halfSize);
  }

  /** Failures in the newer half. */
  public get newerHalfFailures(): number {
    return this.newerFailureCount;
  }

  /** Outcomes older than the newer half. */
  public get olderHalfSize(): number {
    return this.filled - this.newerHalfSize;
  }

  /** Failures older than the newer half. */
  public get olderHalfFailures(): number {
    return this.failureCount - this.newerFailureCount;
  }

  /** Whether the newest outcome failed; false when empty. */
  public get lastFailed(): boolean {
    return this.outcomeAgo(1) === 1;
  }

  /** Forgets every outcome. */
  public clear(): void {
    this.ring.fill(0);
    this.head = 0;
    this.filled = 0;
    this.failureCount = 0;
    this.recentFailureCount = 0;
    this.newerFailureCount = 0;
  }

  /** The outcome recorded `k` records ago (1 = newest) as 0/1, or 0 when fewer are held. */
  private outcomeAgo(k: number): number {
    if (this.filled < k) {
      return 0;
    }
    const i = this.head - k;
    return this.ring[i < 0 ? i + this.capacity : i]!;
  }
}
