import { describe, it, expect } from 'vitest';
import { REGIMES, RegimeFilter } from '../../src/prediction/RegimeFilter.js';

const DOWN = REGIMES.indexOf('down');
const DEGRADED = REGIMES.indexOf('degraded');
const HEALTHY = REGIMES.indexOf('healthy');

/** A filter that has seen `calls` served calls, one every 500 ms from t = 0; returns it and the time reached. */
function healthyFor(calls: number): { filter: RegimeFilter; now: number } {
  const filter = new RegimeFilter();
  let now = 0;
  for (let i = 0; i < calls; i++) {
    now += 500;
    filter.record(true, undefined, now);
  }
  return { filter, now };
}

describe('RegimeFilter', () => {
  it('starts healthy: a fresh filter expects few failures', () => {
    const filter = new RegimeFilter();
    expect(filter.posterior(HEALTHY)).toBeGreaterThan(0.99);
    expect(filter.failureProbability(0)).toBeLessThan(0.05);
  });

  it('moves to the outage regime after two or three refused connections', () => {
    const start = healthyFor(400);
    const filter = start.filter;
    let now = start.now;
    const before = filter.failureProbability(now);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      now += 500;
      filter.record(false, 'network', now);
      seen.push(filter.failureProbability(now));
    }
    expect(before).toBeLessThan(0.05);
    // Every refusal raises the forecast; after three the filter holds the upstream down.
    expect(seen[1]).toBeGreaterThan(seen[0]!);
    expect(seen[2]).toBeGreaterThan(seen[1]!);
    expect(filter.posterior(DOWN)).toBeGreaterThan(0.5);
    expect(seen[2]).toBeGreaterThan(0.7);
  });

  it('settles near the failure rate of a shaky stretch instead of swinging with every failure', () => {
    const start = healthyFor(400);
    const filter = start.filter;
    let now = start.now;
    // 30 % of calls shed (a fixed pattern: 3 in every 10), one call every 500 ms, for 5 minutes.
    const forecasts: number[] = [];
    for (let i = 0; i < 600; i++) {
      now += 500;
      const failed = (i * 7) % 10 < 3;
      filter.record(!failed, failed ? 'overloaded' : undefined, now);
      if (i >= 300) forecasts.push(filter.failureProbability(now));
    }
    const mean = forecasts.reduce((a, b) => a + b, 0) / forecasts.length;
    expect(mean).toBeGreaterThan(0.22);
    expect(mean).toBeLessThan(0.38);
    // A per-call average with the weight of the fast failure rate (0.3) swings by more than 0.5 on this pattern.
    expect(Math.max(...forecasts) - Math.min(...forecasts)).toBeLessThan(0.25);
    expect(filter.posterior(DEGRADED)).toBeGreaterThan(0.5);
    expect(filter.regimeFailureProbability(DEGRADED)).toBeGreaterThan(0.2);
    expect(filter.regimeFailureProbability(DEGRADED)).toBeLessThan(0.4);
  });

  it('relaxes towards health as time passes without outcomes', () => {
    const start = healthyFor(400);
    const filter = start.filter;
    let now = start.now;
    for (let i = 0; i < 5; i++) {
      now += 500;
      filter.record(false, 'network', now);
    }
    const soon = filter.failureProbability(now + 500);
    const later = filter.failureProbability(now + 30 * 60_000);
    expect(soon).toBeGreaterThan(0.7);
    expect(later).toBeLessThan(soon / 2);
    // Asking does not change the belief.
    expect(filter.failureProbability(now + 500)).toBe(soon);
  });

  it('learns each regime from its own outcomes: a healthy upstream that never fails is trusted more', () => {
    const fresh = new RegimeFilter();
    const { filter } = healthyFor(2_000);
    expect(filter.regimeFailureProbability(HEALTHY)).toBeLessThan(fresh.regimeFailureProbability(HEALTHY));
    expect(filter.dwellMs(HEALTHY)).toBeGreaterThan(0);
  });

  it('forgets everything on reset', () => {
    const { filter, now } = healthyFor(50);
    filter.record(false, 'network', now + 500);
    filter.record(false, 'timeout', now + 1_000);
    filter.reset();
    const fresh = new RegimeFilter();
    for (let k = 0; k < REGIMES.length; k++) {
      expect(filter.posterior(k)).toBe(fresh.posterior(k));
      expect(filter.regimeFailureProbability(k)).toBe(fresh.regimeFailureProbability(k));
      expect(filter.dwellMs(k)).toBe(fresh.dwellMs(k));
    }
    expect(filter.failureProbability(123)).toBe(fresh.failureProbability(123));
  });

  it('stays a probability whatever the clock does', () => {
    const filter = new RegimeFilter();
    for (const now of [Number.NaN, 1_000, 500, Number.POSITIVE_INFINITY, -1, 2_000]) {
      filter.record(false, 'unknown', now);
      filter.record(true, undefined, now);
      const p = filter.failureProbability(now);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    let sum = 0;
    for (let k = 0; k < REGIMES.length; k++) sum += filter.posterior(k);
    expect(sum).toBeCloseTo(1, 12);
    expect(filter.posterior(-1)).toBe(0);
    expect(filter.regimeFailureProbability(REGIMES.length)).toBeNaN();
  });

  it('forgets old outcomes at the configured rate', () => {
    const run = (forgetting: number): RegimeFilter => {
      const filter = new RegimeFilter({ forgetting });
      for (let i = 1; i <= 2_000; i++) filter.record(true, undefined, 500 * i);
      return filter;
    };
    // Without forgetting the prior's one failure in 50 calls still counts against 2 000 served ones …
    expect(run(1).regimeFailureProbability(HEALTHY)).toBeCloseTo(1 / 2_050, 4);
    // … forgetting 1 % an outcome leaves next to nothing of it.
    expect(run(0.99).regimeFailureProbability(HEALTHY)).toBeLessThan(1e-6);
  });

  it('rejects an invalid forgetting', () => {
    expect(() => new RegimeFilter({ forgetting: 0 })).toThrow(RangeError);
    expect(() => new RegimeFilter({ forgetting: 1.5 })).toThrow(RangeError);
    expect(new RegimeFilter({ forgetting: 1 }).forgetting).toBe(1);
  });
});
