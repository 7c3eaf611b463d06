import { systemScheduler, type Scheduler } from '../clock/Scheduler.js';
import { CircuitState as CockatielState, circuitBreaker, handleWhen } from 'cockatiel';
import { RollingWindowBreaker } from './RollingWindowBreaker.js';
import type { CircuitBreakerPolicy } from 'cockatiel';
import type { CircuitState } from '../vocabulary/CircuitState.js';
import type { BreakerOptions } from './BreakerOptions.js';
import type { Clock } from '../clock/Clock.js';

/** Decides, for a rejected attempt, whether it counts against the breaker. */
export type BreakerErrorFilter = (err: unknown) => boolean;

/**
 * One circuit breaker (per voice and operation, and model when the request names one): cockatiel's
 * `CircuitBreakerPolicy` with our `RollingWindowBreaker` as its `IBreaker` (failure share over a
 * rolling window once the window holds `volumeThreshold` calls), used through its public API only:
 * already-started attempts are fed to `execute`, transitions come from its events. No timers:
 * cockatiel compares timestamps, so a dropped breaker is simply garbage (opossum kept an interval
 * or a listener on a shared clock per breaker). The rolling window runs on the pipeline's clock (a
 * success counts at the time its call recorded); cockatiel takes no clock, so the half-open time
 * after an opening is on the wall clock, `Date.now()` (vitest's fake timers move it); only the
 * isolation after rejected credentials is a timer, the scheduler's.
 */
export class VoiceBreaker {
  private readonly policy: CircuitBreakerPolicy;
  /** Our `IBreaker` inside cockatiel's policy: closed-state successes are counted on it directly. */
  private readonly window: RollingWindowBreaker;
  private openedAt = 0;
  /** The state as cockatiel's events last reported it (its own getter lags inside a transition). */
  private current: CircuitState = 'closed';
  private listener: ((to: CircuitState) => void) | undefined;
  private isolation: { dispose(): void } | undefined;

  constructor(
    private readonly options: BreakerOptions,
    countsAgainst: BreakerErrorFilter,
    private readonly scheduler: Scheduler = systemScheduler,
    /** The rolling window's time (the pipeline's clock: a success is counted at its recorded end). */
    private readonly clock: Clock = Date.now,
  ) {
    this.window = new RollingWindowBreaker(
      options.errorThresholdPercentage,
      options.volumeThreshold,
      options.rollingCountTimeoutMs,
      options.rollingCountBuckets,
      clock,
    );
    this.policy = circuitBreaker(
      handleWhen((err) => countsAgainst(err)),
      { halfOpenAfter: options.resetTimeoutMs, breaker: this.window },
    );
    this.policy.onBreak(() => {
      this.openedAt = Date.now();
      this.moved('open');
    });
    this.policy.onHalfOpen(() => this.moved('half_open'));
    this.policy.onReset(() => this.moved('closed'));
  }

  /** Registers the single transition listener (the scope set aggregating for the voice). */
  onTransition(listener: (to: CircuitState) => void): void {
    this.listener = listener;
  }

  /** Whether an attempt may start now (closed, or open long enough for the half-open trial). */
  allows(): boolean {
    switch (this.policy.state) {
      case CockatielState.Closed:
        return true;
      case CockatielState.Open:
        return Date.now() - this.openedAt >= this.options.resetTimeoutMs;
      default:
        return false;
    }
  }

  /** Whether the breaker is closed (the common case: successes are counted without cockatiel's execute). */
  get closed(): boolean {
    return this.policy.state === CockatielState.Closed;
  }

  /**
   * Counts a successful attempt while closed — what cockatiel's `execute` does on success in the
   * closed state (`breaker.success(Closed)` on its IBreaker, which is ours), without its two
   * async frames per call. `now`: the caller's clock reading, if it has one.
   */
  succeeded(now?: number): void {
    if (this.policy.state === CockatielState.Closed) this.window.countSuccess(now ?? this.clock());
    else void this.track(Promise.resolve());
  }

  /** Counts a failed attempt through cockatiel (it decides whether to open); resolves once it has. */
  failed(err: unknown): Promise<void> {
    return this.track(Promise.reject(err)).then(
      () => undefined,
      () => undefined,
    );
  }

  /** Feeds an already-started attempt through the breaker; resolves or rejects like it. */
  track<T>(attempt: PromiseLike<T>): Promise<T> {
    const state = this.policy.state;
    if (state === CockatielState.Isolated || (state === CockatielState.Open && !this.allows())) {
      // Opened while the attempt was starting: its own outcome stands, uncounted.
      return Promise.resolve(attempt);
    }
    return this.policy.execute(() => attempt) as Promise<T>;
  }

  /** Opens the breaker at once for `resetTimeoutMs` (credentials rejected: retrying cannot help). */
  trip(): void {
    if (this.isolation !== undefined) return;
    this.openedAt = Date.now();
    const isolation = this.policy.isolate();
    this.isolation = isolation;
    this.scheduler
      .setTimeout(() => {
        this.isolation = undefined;
        isolation.dispose();
      }, this.options.resetTimeoutMs)
      .unref();
  }

  /** Current state (an isolated breaker reads as open). */
  get state(): CircuitState {
    return this.current;
  }

  private moved(to: CircuitState): void {
    this.current = to;
    this.listener?.(to);
  }
}
