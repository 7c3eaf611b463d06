import type { HealthReading } from './HealthReading.js';

/** Error rate at or below which a voice with no failure since its last success counts as healthy. */
export const HEALTHY_ERROR_RATE = 0.05;

/** A measured healing outcome. */
export interface HealingOutcome {
  readonly success: boolean;
  /** Change of the health score, clamped to [−1, 1]. */
  readonly impactOnHealth: number;
}

/**
 * Judges an action by the voice's health before and after its window: a success when the health score rose,
 * or the error rate fell, or the voice is healthy now (no failure since its last success and an error rate
 * of at most 5%). Anything else — no change, or worse — is a failure.
 */
export function judgeOutcome(baseline: HealthReading, now: HealthReading): HealingOutcome {
  const impactOnHealth = Math.min(1, Math.max(-1, now.score - baseline.score));
  const success =
    impactOnHealth > 0 ||
    now.errorRate < baseline.errorRate ||
    (now.consecutiveFailures === 0 && now.errorRate <= HEALTHY_ERROR_RATE);
  return { success, impactOnHealth };
}
