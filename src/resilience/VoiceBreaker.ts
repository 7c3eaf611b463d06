import CircuitBreaker from 'opossum';
import type { CircuitState } from '../health/AdapterHealthSignature.js';
import type { BreakerOptions } from './BreakerOptions.js';

/** Decides, for a rejected attempt, whether it counts against the breaker. */
export type BreakerErrorFilter = (err: unknown) => boolean;

const identity = (p: Promise<unknown>): Promise<unknown> => p;

/**
 * One adapter's circuit breaker: opossum's state machine and rolling window, driven with
 * already-started attempts so sync results stay sync and opossum adds no timer per call.
 */
export class VoiceBreaker {
  private readonly breaker: CircuitBreaker<[Promise<unknown>], unknown>;
  private listener: ((to: CircuitState) => void) | undefined;

  constructor(options: BreakerOptions, countsAgainst: BreakerErrorFilter) {
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
      // opossum's filter means "does not count": invert our predicate.
      errorFilter: (err: unknown) => !countsAgainst(err),
    });
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

  /** Feeds an already-started attempt to the breaker; resolves/rejects like the attempt. */
  track<T>(attempt: Promise<T>): Promise<T> {
    return this.breaker.fire(attempt) as Promise<T>;
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

  /** Stops opossum's bucket timer. */
  shutdown(): void {
    this.breaker.shutdown();
  }
}
