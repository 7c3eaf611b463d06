import {
  ExponentialBackoff,
  decorrelatedJitterGenerator,
  fullJitterGenerator,
  noJitterGenerator,
  type IBackoff,
} from 'cockatiel';
import { CATEGORY_POLICY } from '../vocabulary/ErrorCategory.js';
import type { Classification } from '../classify/Classification.js';
import type { RetryOptions } from './RetryOptions.js';

const generators = {
  decorrelated: decorrelatedJitterGenerator,
  full: fullJitterGenerator,
  none: noJitterGenerator,
} as const;

/** The backoff state of one caller call; created only when a first retry is considered. */
export interface RetryState {
  backoff: IBackoff<unknown> | undefined;
  /** This call's attempt budget when not the configured one (an SDK client's own maxRetries + 1). */
  maxAttempts?: number;
  /** Time spent waiting before this call's retries so far (ms). */
  waitedMs?: number;
}

/**
 * When to retry: the taxonomy decides whether a category is retried (many times, once, never);
 * cockatiel's exponential backoff with jitter decides how long to wait, unless the server said
 * so with Retry-After (honoured up to `retryAfterCapMs`).
 */
export class RetrySchedule {
  private readonly factory: ExponentialBackoff<unknown>;

  /** Longest backoff delay (also the cap of a shared resonance backoff wait). */
  get maxWaitMs(): number {
    return this.options.maxDelayMs;
  }

  /** Longest wait before a retry while a healthy fallback could serve the call instead. */
  get maxWaitWithFallbackMs(): number {
    return this.options.maxWaitWithFallbackMs;
  }

  constructor(private readonly options: RetryOptions) {
    this.factory = new ExponentialBackoff({
      generator: generators[options.jitter] as never,
      initialDelay: options.initialDelayMs,
      maxDelay: options.maxDelayMs,
    });
  }

  /** Attempts allowed for a category (1 = no retry) within a budget (default `maxAttempts`). */
  attemptsFor(classification: Classification, budget: number = this.options.maxAttempts): number {
    switch (CATEGORY_POLICY[classification.category].retry) {
      case 'many':
        return budget;
      case 'once':
        return Math.min(2, budget);
      default:
        return 1;
    }
  }

  /**
   * Delay before the next attempt after `attempts` attempts failed with `classification`, or
   * undefined when the call must not be retried (category, budget, or a Retry-After over the cap).
   */
  nextDelay(
    classification: Classification,
    attempts: number,
    state: RetryState,
    maxAttempts?: number,
  ): number | undefined {
    const allowed = this.attemptsFor(classification, state.maxAttempts);
    if (attempts >= Math.min(maxAttempts ?? allowed, allowed)) return undefined;
    const retryAfter = classification.retryAfterMs;
    if (retryAfter !== undefined) {
      // A server asking for longer than we may wait is better served by a fallback now.
      return retryAfter <= this.options.retryAfterCapMs ? retryAfter : undefined;
    }
    state.backoff = state.backoff ? state.backoff.next(undefined) : this.factory.next();
    return state.backoff.duration;
  }
}
