import type { Classification } from '../classify/Classification.js';
import type { Clock } from '../clock/Clock.js';
import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { SharedBackoff } from '../voice/SharedBackoff.js';
import type { Voice } from '../voice/Voice.js';
import type { VoiceTuning } from '../voice/VoiceTuning.js';
import type { MethodState } from './MethodState.js';
import type { RetrySchedule, RetryState } from './RetrySchedule.js';
import type { VoiceBreaker } from './VoiceBreaker.js';

/**
 * The retry policy of one voice's pipeline: the delay before the next attempt (the schedule, with
 * the healing knobs that cap attempts, scale delays or share a backoff), when to stop retrying and
 * take the fallback chain instead, a call's attempt budget, and the rate-limit cool-down a 429's
 * Retry-After sets (no new call goes upstream before it passes).
 */
export class RetryPolicy {
  /** The provider asked us (429 + Retry-After) not to call before this time (epoch ms). */
  private coolingUntil = 0;

  constructor(
    readonly schedule: RetrySchedule,
    private readonly tuning: VoiceTuning,
    private readonly sharedBackoff: SharedBackoff,
    private readonly voice: Voice,
    /** Whether the fallback chain could serve a call failing with this category now. */
    private readonly fallbackUsable: (category: ErrorCategory, path: string) => boolean,
    private readonly clock: Clock,
  ) {}

  /**
   * The retry decision after a failed attempt: a delay, or undefined to stop retrying. Healing
   * knobs may cap the attempts, scale the delay, or put it on the shared (resonance) backoff.
   */
  delay(classification: Classification, attempts: number, retryState: RetryState): number | undefined {
    const tuning = this.tuning;
    if (!tuning.active) return this.schedule.nextDelay(classification, attempts, retryState);
    const category = classification.category;
    const override = tuning.retry.get(category);
    const delay = this.schedule.nextDelay(classification, attempts, retryState, override?.maxAttempts);
    if (delay === undefined) return undefined;
    const scaled = delay * (override?.delayScale ?? 1);
    return tuning.sharedBackoff.has(category)
      ? this.sharedBackoff.reserve(category, scaled, this.schedule.maxWaitMs)
      : scaled;
  }

  /**
   * After a failed attempt whose retry would wait `delay` (undefined: no retry left): whether the
   * call goes down the fallback chain now. It does when no retry is left or the breaker opened;
   * and, with a usable fallback, rather than retry the voice when the retry waits (a Retry-After
   * included) would add up to more than `maxWaitWithFallbackMs`, or while healing routes around
   * this voice (the attempt was a probe: it found the voice still failing). Remembers a rate
   * limit's cool-down and, when the call will retry, the wait.
   */
  giveUp(
    classification: Classification,
    delay: number | undefined,
    retryState: RetryState,
    breaker: VoiceBreaker,
    path: string,
    model: string | undefined,
  ): boolean {
    const now = this.clock();
    this.coolDown(classification, delay, now, model);
    if (delay === undefined || !breaker.allows()) return true;
    const waited = (retryState.waitedMs ?? 0) + delay;
    if (
      this.fallbackUsable(classification.category, path) &&
      (waited > this.schedule.maxWaitWithFallbackMs || this.tuning.routeToFallbackUntil > now)
    ) {
      return true;
    }
    retryState.waitedMs = waited;
    return false;
  }

  /**
   * A call's attempt budget when it is not the configured one: a per-request `maxRetries` the
   * caller passed to an SDK method, else the client's own `maxRetries` (one owner for retries).
   */
  budget(state: MethodState, args: readonly unknown[]): number | undefined {
    const index = state.optionsIndex;
    if (index !== undefined && index >= 0) {
      const perRequest = (args[index] as { maxRetries?: unknown } | undefined)?.maxRetries;
      if (typeof perRequest === 'number' && Number.isInteger(perRequest) && perRequest >= 0) {
        return Math.min(20, perRequest + 1);
      }
    }
    return state.clientAttempts;
  }

  /** The cool-down in force for a call (of `model`): this pipeline's, or the voice's (other wrappers, other instances). */
  cooledUntil(model: string | undefined): number {
    return Math.max(this.coolingUntil, this.voice.cooldownUntil(model));
  }

  /**
   * Remembers a rate limit's Retry-After (or backoff delay): no new call goes upstream before it
   * passes — for the request's model when it names one (providers limit per model: another model
   * of the voice is not held back), otherwise for the whole voice.
   */
  private coolDown(
    classification: Classification,
    delay: number | undefined,
    now: number,
    model: string | undefined,
  ): void {
    if (classification.category !== 'rate_limited') return;
    const waitMs = Math.min(classification.retryAfterMs ?? delay ?? 0, this.schedule.maxWaitMs);
    if (model === undefined && now + waitMs > this.coolingUntil) this.coolingUntil = now + waitMs;
    this.voice.coolDown(now + waitMs, 'rate_limited', model);
  }
}
