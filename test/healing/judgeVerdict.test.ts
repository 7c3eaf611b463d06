import { describe, expect, it } from 'vitest';
import {
  attemptFailuresFell,
  binomialAtMost,
  meanOf,
  unroutedSampleOf,
} from '../../src/healing/judgeVerdict.js';
import { CallTally, EMPTY_WINDOW, type CallWindow } from '../../src/voice/CallTally.js';

const attempts = (n: number, failed: number): CallWindow => ({
  ...EMPTY_WINDOW,
  attempts: n,
  failedAttempts: failed,
});

describe('binomialAtMost', () => {
  it('is the lower tail of a binomial distribution', () => {
    expect(binomialAtMost(1, 3, 0.8)).toBeCloseTo(0.2 ** 3 + 3 * 0.8 * 0.2 ** 2, 12);
    expect(binomialAtMost(0, 4, 0.5)).toBeCloseTo(1 / 16, 12);
    expect(binomialAtMost(3, 3, 0.9)).toBe(1);
    expect(binomialAtMost(2, 5, 0)).toBe(1);
    expect(binomialAtMost(2, 5, 1)).toBe(0);
  });

  it('does not underflow on long samples', () => {
    // (0.5)^2000 underflows a double; the tail up to the mean is about one half.
    expect(binomialAtMost(1000, 2000, 0.5)).toBeGreaterThan(0.5);
    expect(binomialAtMost(1000, 2000, 0.5)).toBeLessThan(0.52);
  });
});

describe('attemptFailuresFell', () => {
  it('needs the failed share of attempts to fall by the minimum effect and beyond chance', () => {
    expect(attemptFailuresFell(attempts(60, 48), attempts(3, 1))).toBe(false); // 1 in 3 at 0.8: 10 % of samples
    expect(attemptFailuresFell(attempts(60, 48), attempts(10, 2))).toBe(true);
    expect(attemptFailuresFell(attempts(60, 48), attempts(10, 7))).toBe(false); // less than 25 % lower
    expect(attemptFailuresFell(attempts(60, 0), attempts(10, 5))).toBe(false); // rose
    expect(attemptFailuresFell(EMPTY_WINDOW, attempts(10, 0))).toBe(false); // nothing to compare
  });
});

describe('the un-routed history of a voice', () => {
  it('leaves routed calls and probes out, and reads back until enough un-routed calls', () => {
    const tally = new CallTally();
    const t0 = 1_000_000;
    // 10 un-routed calls of 400 ms, then 20 of a route: 18 routed (100 ms), 2 probes (130 ms).
    for (let i = 0; i < 10; i++) tally.callEnded(t0 + i * 100 + 400, 400, 'fallback', false, false);
    for (let i = 0; i < 20; i++) {
      const start = t0 + 1_000 + i * 100;
      const probe = i % 10 === 0;
      const latency = probe ? 130 : 100;
      tally.callEnded(start + latency, latency, 'fallback', !probe, probe);
    }
    const end = t0 + 3_000;
    const all = tally.before(end, 10, 30_000);
    expect(all.calls).toBe(10); // the latest 10 calls, all of the route
    expect(all.routedLatencySumMs).toBeGreaterThan(0);
    const unrouted = tally.before(end, 10, 30_000, true);
    expect(unroutedSampleOf(unrouted).calls).toBe(10);
    expect(meanOf(unroutedSampleOf(unrouted), 'latency')).toBe(400);
    expect(meanOf(unroutedSampleOf(all), 'latency')).toBe(0); // none un-routed among the latest
  });
});
