import { describe, expect, it } from 'vitest';
import { readHealth } from '../../src/healing/HealthReading.js';
import { judgeOutcome } from '../../src/healing/judgeOutcome.js';

const reading = (errorRate: number, failureProbability: number, consecutiveFailures = 0) =>
  readHealth({
    errorRate,
    failureProbability,
    consecutiveFailures,
    p95Ms: 0,
    recordHealingAction: () => undefined,
  });

describe('judgeOutcome', () => {
  it('scores health as 1 − mean(error rate, failure probability)', () => {
    expect(reading(0.4, 0.6).score).toBeCloseTo(0.5);
    expect(reading(Number.NaN, 2).score).toBe(0.5);
  });

  it('counts a rising score as success, with the change as impact', () => {
    const outcome = judgeOutcome(reading(0.5, 0.6, 4), reading(0.2, 0.3, 1));
    expect(outcome.success).toBe(true);
    expect(outcome.impactOnHealth).toBeCloseTo(0.3);
  });

  it('counts a falling error rate as success even when the prediction worsened', () => {
    expect(judgeOutcome(reading(0.5, 0.2, 2), reading(0.4, 0.4, 2)).success).toBe(true);
  });

  it('counts a voice that is healthy now as success', () => {
    expect(judgeOutcome(reading(0.05, 0.1), reading(0.05, 0.1)).success).toBe(true);
  });

  it('counts no change on a failing voice, or worse, as failure', () => {
    expect(judgeOutcome(reading(0.5, 0.6, 4), reading(0.5, 0.6, 5))).toEqual({
      success: false,
      impactOnHealth: 0,
    });
    const worse = judgeOutcome(reading(0.2, 0.3, 1), reading(0.6, 0.8, 6));
    expect(worse.success).toBe(false);
    expect(worse.impactOnHealth).toBeLessThan(0);
  });
});
