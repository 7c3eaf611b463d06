import type { Scheduler } from '../clock/Scheduler.js';
import type { Classifier } from '../classify/Classification.js';
import type { Clock, Sleep } from '../clock/Clock.js';
import type { SharedBackoff } from '../voice/SharedBackoff.js';
import type { Voice } from '../voice/Voice.js';
import type { AdaptiveTimeoutOptions } from './AttemptTimeout.js';
import type { BreakerOptions } from './BreakerOptions.js';
import type { FallbackTarget } from './FallbackChain.js';
import type { RetrySchedule } from './RetrySchedule.js';

/** Where the adapter comes from: given, or loaded (and re-loaded with backoff) by a loader. */
export interface AdapterSource {
  /** The adapter if it is available now. */
  current(): object | undefined;
  /** Waits for an in-flight or due load attempt; undefined when the adapter still cannot load. */
  load(): Promise<object | undefined>;
  /** Why the adapter is unavailable (the last load error), if it is. */
  readonly loadError: unknown;
  /** Stops loading (a disposed wrap): timers cleared, no further load attempts. */
  dispose?(): void;
}

/** Everything one voice's pipeline is built from. */
export interface CallPipelineParts {
  readonly name: string;
  readonly voice: Voice;
  readonly breaker: BreakerOptions;
  /** Breakers kept per voice (operation × model scopes). */
  readonly maxBreakers: number;
  readonly retry: RetrySchedule;
  readonly timeoutMs: number | false;
  /** The timeout learned from successful latencies (see WithConsciousnessOptions), or false. */
  readonly adaptiveTimeout: AdaptiveTimeoutOptions | false;
  readonly classifiers: readonly Classifier[];
  readonly fallbacks: readonly FallbackTarget[];
  readonly fallbackValue: { readonly value: unknown } | undefined;
  /** Configured aliases per method path (`methodAliases` option). */
  readonly methodAliases: Readonly<Record<string, readonly string[]>>;
  readonly source: AdapterSource;
  readonly clock: Clock;
  /** The timers of deadlines, breaker isolation and close waits (the brain's scheduler). */
  readonly scheduler: Scheduler;
  readonly sleep: Sleep;
  /** Random source in [0, 1) (probe share of routed calls). */
  readonly random: () => number;
  /** The infrastructure-wide backoff used for categories in resonance. */
  readonly sharedBackoff: SharedBackoff;
  /**
   * The wrapped client retries by itself (an SDK's `maxRetries`): attempts go out with its
   * retries off and our signal in its request options.
   */
  readonly ownsSdkRetries: boolean;
}
