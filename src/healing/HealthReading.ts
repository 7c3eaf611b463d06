import type { VoiceHealth } from './VoiceHandle.js';

/** The health numbers of a voice at one instant, with the score healing outcomes are measured by. */
export interface HealthReading {
  readonly errorRate: number;
  readonly failureProbability: number;
  readonly consecutiveFailures: number;
  /** 1 − (errorRate + failureProbability) / 2, in [0, 1]: what happened and what is expected next. */
  readonly score: number;
}

const unit = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/** Reads the voice's health now. */
export function readHealth(health: VoiceHealth): HealthReading {
  const errorRate = unit(health.errorRate);
  const failureProbability = unit(health.failureProbability);
  return {
    errorRate,
    failureProbability,
    consecutiveFailures: health.consecutiveFailures,
    score: 1 - (errorRate + failureProbability) / 2,
  };
}
