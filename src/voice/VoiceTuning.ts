import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';

/** A retry override for one category, set by a `retry_strategy` healing action. */
export interface RetryOverride {
  /** Attempts allowed for the category (1 = fail fast to the fallbacks). */
  readonly maxAttempts?: number;
  /** Multiplier of the backoff delays. */
  readonly delayScale?: number;
}

/**
 * The knobs healing actions turn on one voice; the call pipeline reads them inline. Plain fields:
 * the hot path only checks `active` (false until the first action), everything else is read when
 * a call fails or when a knob is set.
 */
export class VoiceTuning {
  /** True once any knob has been set (the hot path skips everything else while false). */
  active = false;
  /** Per-category retry overrides (`retry_strategy`). */
  readonly retry = new Map<ErrorCategory, RetryOverride>();
  /** Adaptive timeout in ms from the learned latency p99 (`config_update`), or undefined. */
  timeoutMs: number | undefined;
  /** Concurrent calls allowed while rate limited (`config_update`), or undefined for no limit. */
  maxConcurrent: number | undefined;
  /** Route calls to the first healthy fallback before trying this voice (`fallback`), until this time (epoch ms). */
  routeToFallbackUntil = 0;
  /** Share of routed-around calls still sent to this voice, to notice its recovery. */
  probeShare = 0.1;
  /** Serve the last good value of a method when it returns nothing (`api_adaptation`). */
  defensiveValues = false;
  /** Categories whose retries wait on the infrastructure-wide shared backoff (resonance). */
  readonly sharedBackoff = new Set<ErrorCategory>();

  /** Marks the tuning as changed (called by every setter path). */
  touch(): void {
    this.active = true;
  }
}
