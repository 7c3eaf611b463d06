import CircuitBreaker from 'opossum';
import type { CircuitState } from '../health/AdapterHealthSignature.js';
import type { BreakerOptions } from './BreakerOptions.js';
import { RollingClock } from './RollingClock.js';

/** Decides, for a rejected attempt, whether it counts against the breaker. */
export type BreakerErrorFilter = (err: unknown) => boolean;

/** The counters of opossum's current statistics bucket that a success touches. */
interface OpossumBucket {
  fires: number;
  successes: number;
}

const identity = (p: Promise<unknown>): Promise<unknown> => p;
const RESOLVED = Promise.resolve();
const ignore = (): undefined => undefined;

/**
 * One adapter's circuit breaker. opossum is the state machine and makes every decision (its
 * rolling window, error threshold, volume threshold, reset timer, half-open trial). We drive it
 * without its per-call costs: attempts are fed to it already started (sync results stay sync, no
 * timer per call), and in the closed state a success is tallied straight into opossum's current
 * bucket — exactly the `fires`/`successes` increments its own listeners would make, minus the
 * latency sample its disabled percentiles never read. Failures and half-open trials go through
 * opossum's full path.
 */
export class VoiceBreaker {
  private readonly breaker: CircuitBreaker<[Promise<unknown>], unknown>;
  private readonly rotation: RollingClock;
  private bucket: OpossumBucket;
  private listener: ((to: CircuitState) => void) | undefined;
  private readonly onRotate = (): void => {
    this.bucket = this.currentBucket();
  };

  constructor(options: BreakerOptions, countsAgainst: BreakerErrorFilter) {
    this.rotation = RollingClock.every(
      Math.floor(options.rollingCountTimeoutMs / options.rollingCountBuckets),
    );
    this.breaker = new CircuitBreaker(identity, {
      // Our own timeout runs outside: opossum's would cost a timer per call.
      timeout: false,
      errorThresholdPercentage: options.errorThresholdPercentage,
      volumeThreshold: options.volumeThreshold,
      resetTimeout: options.resetTimeoutMs,
      rollingCountTimeout: options.rollingCountTimeoutMs,
      rollingCountBuckets: options.rollingCountBuckets,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      rotateBucketController: this.rotation,
      // opossum's filter means "does not count": invert our predicate.
      errorFilter: (err: unknown) => !countsAgainst(err),
    });
    // Registered after opossum's own rotate listener, so the new bucket is already in place.
    this.rotation.on('rotate', this.onRotate);
    this.bucket = this.currentBucket();
    this.breaker.on('open', () => this.listener?.('open'));
    this.breaker.on('halfOpen', () => this.listener?.('half_open'));
    this.breaker.on('close', () => this.listener?.('closed'));
  }

  /** Registers the single transition listener (the voice's health/metrics/log sink). */
  onTransition(listener: (to: CircuitState) => void): void {
    this.listener = listener;
  }

  /** Whether an attempt may start now (closed, or the one trial call of half-open). */
  allows(): boolean {
    const b = this.breaker;
    return b.closed || b.pendingClose;
  }

  /** Whether an attempt starting now is the half-open trial (it must go through `track`). */
  isTrial(): boolean {
    return !this.breaker.closed;
  }

  /** Feeds an already-started attempt through opossum's full path (the half-open trial). */
  track<T>(attempt: Promise<T>): Promise<T> {
    // If opossum rejects without calling the action (opened meanwhile), nobody else handles it.
    attempt.catch(ignore);
    return this.breaker.fire(attempt) as Promise<T>;
  }

  /** Records a successful attempt that was not tracked. */
  succeeded(): void {
    if (this.breaker.closed) {
      const bucket = this.bucket;
      bucket.fires += 1;
      bucket.successes += 1;
    } else {
      // Not closed any more: let opossum see it (a success while half-open closes the breaker).
      this.breaker.fire(RESOLVED).catch(ignore);
    }
  }

  /** Records a failed attempt that was not tracked; resolves once opossum has decided. */
  failed(err: unknown): Promise<void> {
    if (!this.allows()) return RESOLVED; // opened meanwhile: opossum would not look at it
    const rejected = Promise.reject(err);
    rejected.catch(ignore);
    return this.breaker.fire(rejected).then(ignore, ignore);
  }

  /** Opens the breaker at once (credentials rejected: retrying cannot help). */
  trip(): void {
    if (!this.breaker.opened) this.breaker.open();
  }

  /** Current state. */
  get state(): CircuitState {
    const b = this.breaker;
    if (b.opened) return 'open';
    return b.halfOpen ? 'half_open' : 'closed';
  }

  /** opossum's rolling statistics (fires, successes, failures, …) — for tests and diagnostics. */
  get stats(): { fires: number; successes: number; failures: number } {
    return this.breaker.stats;
  }

  /** Stops listening to the shared rotation and shuts opossum down. */
  shutdown(): void {
    this.rotation.off('rotate', this.onRotate);
    this.breaker.shutdown();
  }

  private currentBucket(): OpossumBucket {
    // `window` is opossum's documented status window; index 0 is the bucket being filled.
    return this.breaker.status.window[0] as unknown as OpossumBucket;
  }
}
