import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ERROR_CATEGORIES, type ErrorCategory } from '../../src/vocabulary/ErrorCategory.js';
import type { CircuitState } from '../../src/vocabulary/CircuitState.js';
import { HealthTracker } from '../../src/health/HealthTracker.js';
import {
  FAILURE_FEATURE_COUNT,
  FAILURE_FEATURE_NAMES,
  FailureFeatures,
  type FailureFeatureName,
} from '../../src/prediction/FailureFeatures.js';

const index = (name: FailureFeatureName): number => FAILURE_FEATURE_NAMES.indexOf(name);
const read = (f: FailureFeatures, name: FailureFeatureName): number => f.vector[index(name)]!;

const CIRCUIT_STATES: readonly CircuitState[] = ['closed', 'open', 'half_open'];

const attempt = fc.record({
  ok: fc.boolean(),
  category: fc.constantFrom(...ERROR_CATEGORIES),
  latencyMs: fc.double({ min: 0, max: 60_000, noNaN: true }),
  circuit: fc.constantFrom(...CIRCUIT_STATES),
  signature: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
});

describe('FailureFeatures', () => {
  it('has one named slot per feature, starting with the bias', () => {
    const f = new FailureFeatures({ clock: () => 0 });
    expect(f.vector).toHaveLength(FAILURE_FEATURE_COUNT);
    expect(new Set(FAILURE_FEATURE_NAMES).size).toBe(FAILURE_FEATURE_COUNT);
    expect(read(f, 'bias')).toBe(1);
    expect(f.prior).toBeCloseTo(0.1, 12);
  });

  it('writes into the same reused array on every update', () => {
    const f = new FailureFeatures({ clock: () => 0 });
    const first = f.vector;
    expect(f.record(false, 'timeout', 100, 'closed', 1, true)).toBe(first);
    expect(f.setContext('open', 0.5, false)).toBe(first);
  });

  it('gives the same prior as HealthTracker fed the same outcomes', () => {
    fc.assert(
      fc.property(fc.array(attempt, { maxLength: 60 }), (attempts) => {
        let now = 1_000;
        const tracker = new HealthTracker('voice', { clock: () => now });
        const features = new FailureFeatures({ clock: () => now });
        for (const a of attempts) {
          now += 500;
          tracker.setCircuitState(a.circuit);
          if (a.ok) {
            const response =
              a.signature === undefined ? 'ok' : { consciousness: { consciousnessSignature: a.signature } };
            tracker.recordSuccess(a.latencyMs, response);
          } else {
            tracker.recordFailure(a.category, a.latencyMs);
          }
          features.record(a.ok, a.category, a.latencyMs, a.circuit, tracker.coherence, tracker.isConnected);
          expect(features.prior).toBe(tracker.failureProbability);
        }
      }),
    );
  });

  it('keeps every feature finite and bounded whatever it is fed', () => {
    const weird = fc.oneof(
      fc.double(),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1),
    );
    const step = fc.record({
      ok: fc.boolean(),
      category: fc.option(fc.oneof(fc.constantFrom(...ERROR_CATEGORIES), fc.string()), { nil: undefined }),
      latencyMs: weird,
      circuit: fc.constantFrom(...CIRCUIT_STATES),
      coherence: weird,
      connected: fc.boolean(),
      clock: weird,
      retryAfterMs: fc.option(weird, { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let now = 0;
        const f = new FailureFeatures({ clock: () => now });
        for (const s of steps) {
          now = s.clock;
          f.record(
            s.ok,
            s.category as ErrorCategory | undefined,
            s.latencyMs,
            s.circuit,
            s.coherence,
            s.connected,
            now,
            s.retryAfterMs,
          );
          for (const x of f.vector) {
            expect(Number.isFinite(x)).toBe(true);
            expect(x).toBeGreaterThanOrEqual(-1);
            expect(x).toBeLessThanOrEqual(2);
          }
          const p = f.prior;
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('counts failures among the last 10 outcomes like a plain list would', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 40 }), (outcomes) => {
        const f = new FailureFeatures({ clock: () => 0 });
        outcomes.forEach((ok, i) => {
          f.record(ok, 'server_error', 100, 'closed', 1, true);
          const last10 = outcomes.slice(Math.max(0, i - 9), i + 1);
          expect(f.failuresInLast10).toBe(last10.filter((x) => !x).length);
          expect(f.historyLength).toBe(i + 1);
        });
      }),
    );
  });

  it('squashes consecutive failures and successes to min(n, 10) / 10', () => {
    const f = new FailureFeatures({ clock: () => 0 });
    f.record(false, 'timeout', 100, 'closed', 1, true);
    expect(read(f, 'consecutiveFailures')).toBeCloseTo(0.1, 12);
    f.record(false, 'timeout', 100, 'closed', 1, true);
    expect(read(f, 'consecutiveFailures')).toBeCloseTo(0.2, 12);
    for (let i = 0; i < 20; i++) f.record(false, 'timeout', 100, 'closed', 1, true);
    expect(read(f, 'consecutiveFailures')).toBe(1);
    expect(f.consecutiveFailures).toBe(22);
    f.record(true, undefined, 100, 'closed', 1, true);
    expect(read(f, 'consecutiveFailures')).toBe(0);
    expect(read(f, 'consecutiveSuccesses')).toBeCloseTo(0.1, 12);
  });

  it('moves the fast failure rate more than the slow one', () => {
    const f = new FailureFeatures({ clock: () => 0 });
    f.record(false, 'network', 50, 'closed', 1, true);
    expect(read(f, 'failureRateFast')).toBeCloseTo(0.3, 12);
    expect(read(f, 'failureRateSlow')).toBeCloseTo(0.05, 12);
  });

  it('sets one category slot for the last failure and clears it after a success', () => {
    const groups: [ErrorCategory, FailureFeatureName][] = [
      ['timeout', 'lastTimeout'],
      ['overloaded', 'lastOverloaded'],
      ['server_error', 'lastServerError'],
      ['network', 'lastNetwork'],
      ['rate_limited', 'lastRateLimited'],
      ['api_return_none', 'lastStructural'],
      ['api_method_missing', 'lastStructural'],
      ['invalid_response', 'lastStructural'],
      ['import_failure', 'lastStructural'],
      ['auth', 'lastAuth'],
      ['bad_request', 'lastOther'],
      ['unknown', 'lastOther'],
    ];
    const slots: FailureFeatureName[] = [
      'lastTimeout',
      'lastOverloaded',
      'lastServerError',
      'lastNetwork',
      'lastRateLimited',
      'lastStructural',
      'lastAuth',
      'lastOther',
    ];
    for (const [category, slot] of groups) {
      const f = new FailureFeatures({ clock: () => 0 });
      f.record(false, category, 100, 'closed', 1, true);
      for (const s of slots) expect(read(f, s), `${category} → ${s}`).toBe(s === slot ? 1 : 0);
      f.record(true, undefined, 100, 'closed', 1, true);
      for (const s of slots) expect(read(f, s)).toBe(0);
    }
  });

  it('keeps a per-minute failure rate that fades, with the evidence behind it, as time passes', () => {
    let now = 0;
    const f = new FailureFeatures({ clock: () => now });
    for (let i = 0; i < 20; i++) {
      now += 500;
      f.record(i % 2 === 0, 'server_error', 100, 'closed', 1, true);
    }
    const fresh = read(f, 'failureRateMinute');
    expect(fresh).toBeGreaterThan(0.4);
    expect(fresh).toBeLessThan(0.5);
    // A minute later the rate still stands; three minutes later its evidence has mostly aged away.
    now += 60_000;
    f.setContext('closed', 1, true);
    expect(read(f, 'failureRateMinute')).toBeGreaterThan(fresh * 0.85);
    now += 120_000;
    f.setContext('closed', 1, true);
    expect(read(f, 'failureRateMinute')).toBeLessThan(fresh * 0.6);
    now += 600_000;
    f.setContext('closed', 1, true);
    expect(read(f, 'failureRateMinute')).toBeLessThan(0.01);
  });

  it('raises the latency z-score on a spike and the level and trend while latency climbs', () => {
    const f = new FailureFeatures({ clock: () => 0 });
    for (let i = 0; i < 200; i++) f.record(true, undefined, i % 2 === 0 ? 400 : 600, 'closed', 1, true);
    expect(Math.abs(read(f, 'latencyZScore'))).toBeLessThan(1);
    expect(Math.abs(read(f, 'latencyTrend'))).toBeLessThan(0.2);
    f.record(true, undefined, 5_000, 'closed', 1, true);
    expect(read(f, 'latencyZScore')).toBeGreaterThan(1);
    for (let i = 0; i < 30; i++) f.record(true, undefined, 500 * 1.1 ** i, 'closed', 1, true);
    expect(read(f, 'latencyTrend')).toBeGreaterThan(0.3);
    expect(read(f, 'latencyLevel')).toBeGreaterThan(read(f, 'latencyTrend'));
  });

  it('takes latency only from successes and timeouts: a fast 529 or refused connection says nothing of the queue', () => {
    const f = new FailureFeatures({ clock: () => 0 });
    for (let i = 0; i < 50; i++) f.record(true, undefined, 500, 'closed', 1, true);
    const latency = (): number[] =>
      Array.from(f.vector.subarray(index('latencyZScore'), index('timeoutRisk') + 1));
    const before = latency();
    for (const category of ['circuit_open', 'aborted', 'overloaded', 'network', 'rate_limited'] as const) {
      f.record(false, category, category === 'aborted' ? 90_000 : 20, 'closed', 1, true);
    }
    f.record(true, undefined, Number.NaN, 'closed', 1, true);
    f.record(true, undefined, -5, 'closed', 1, true);
    expect(latency()).toEqual(before);
    f.record(false, 'timeout', 15_000, 'closed', 1, true);
    expect(read(f, 'latencyZScore')).toBeGreaterThan(1);
  });

  it('learns the timeout from the latency of a timeout, and rates the risk of the next call passing it', () => {
    const f = new FailureFeatures({ clock: () => 0 });
    const ok = (ms: number): void => void f.record(true, undefined, ms, 'closed', 1, true);
    for (let i = 0; i < 50; i++) ok(i % 2 === 0 ? 800 : 1_200);
    expect(read(f, 'timeoutRisk')).toBe(0);
    f.record(false, 'timeout', 15_000, 'closed', 1, true);
    for (let i = 0; i < 30; i++) ok(i % 2 === 0 ? 800 : 1_200);
    const calm = read(f, 'timeoutRisk');
    expect(calm).toBeLessThan(0.01);
    // Latency climbing towards the 15 s timeout: the risk of passing it rises.
    for (let ms = 2_000; ms <= 16_000; ms *= 1.15) ok(ms);
    expect(read(f, 'timeoutRisk')).toBeGreaterThan(0.15);
    expect(read(f, 'timeoutRisk')).toBeLessThanOrEqual(1);
  });

  it('holds Retry-After until it runs out, ramping down over its last second', () => {
    let now = 0;
    const f = new FailureFeatures({ clock: () => now });
    f.record(false, 'rate_limited', 80, 'closed', 1, true, now, 20_000);
    expect(read(f, 'retryAfterActive')).toBe(1);
    expect(read(f, 'retryAfterRemaining')).toBeCloseTo(20 / 60, 12);
    now = 19_000;
    f.setContext('closed', 1, true);
    expect(read(f, 'retryAfterActive')).toBe(1);
    now = 19_500;
    f.setContext('closed', 1, true);
    expect(read(f, 'retryAfterActive')).toBeCloseTo(0.5, 12);
    now = 20_000;
    f.setContext('closed', 1, true);
    expect(read(f, 'retryAfterActive')).toBe(0);
    expect(read(f, 'retryAfterRemaining')).toBe(0);
  });

  it('ends a Retry-After window early when a call sent after the 429 succeeds, not when an older one does', () => {
    let now = 10_000;
    const f = new FailureFeatures({ clock: () => now });
    f.record(false, 'rate_limited', 80, 'closed', 1, true, now, 30_000);
    now = 10_500;
    // Sent at 9 500, before the 429 arrived: it says nothing about the window.
    f.record(true, undefined, 1_000, 'closed', 1, true, now);
    expect(read(f, 'retryAfterActive')).toBe(1);
    now = 12_000;
    // Sent at 11 000, after the 429: the quota is back.
    f.record(true, undefined, 1_000, 'closed', 1, true, now);
    expect(read(f, 'retryAfterActive')).toBe(0);
  });

  it('ignores missing, zero or non-finite Retry-After values', () => {
    const f = new FailureFeatures({ clock: () => 0 });
    for (const ms of [undefined, 0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      f.record(false, 'rate_limited', 80, 'closed', 1, true, 0, ms);
      expect(read(f, 'retryAfterActive')).toBe(0);
    }
  });

  it('reports breaker state, incoherence and reachability from the context', () => {
    const f = new FailureFeatures({ clock: () => 0 });
    f.setContext('open', 0.25, false);
    expect(read(f, 'breakerOpen')).toBe(1);
    expect(read(f, 'breakerHalfOpen')).toBe(0);
    expect(read(f, 'incoherence')).toBeCloseTo(0.75, 12);
    expect(read(f, 'disconnected')).toBe(1);
    f.setContext('half_open', Number.NaN, true);
    expect(read(f, 'breakerOpen')).toBe(0);
    expect(read(f, 'breakerHalfOpen')).toBe(1);
    expect(read(f, 'incoherence')).toBe(0);
    expect(read(f, 'disconnected')).toBe(0);
  });

  it('lets the recency of the last failure fade with the injected clock', () => {
    let now = 0;
    const f = new FailureFeatures({ clock: () => now, recencyMs: 10_000 });
    expect(read(f, 'failureRecency')).toBe(0);
    f.record(false, 'network', 20, 'closed', 1, false);
    expect(read(f, 'failureRecency')).toBe(1);
    now = 10_000;
    f.setContext('closed', 1, false);
    expect(read(f, 'failureRecency')).toBeCloseTo(Math.exp(-1), 12);
    expect(new FailureFeatures().recencyMs).toBe(2_000);
  });

  it('counts breaker openings over the last minutes and fades the recency of its closing', () => {
    let now = 0;
    const f = new FailureFeatures({ clock: () => now });
    expect(read(f, 'breakerClosedRecency')).toBe(0);
    for (let i = 0; i < 3; i++) {
      f.setContext('open', 1, true);
      now += 30_000;
      f.setContext('half_open', 1, true);
      f.setContext('closed', 1, true);
      expect(read(f, 'breakerClosedRecency')).toBe(1);
    }
    // Half-open without a reported open still counts once: leaving closed is the opening.
    f.setContext('half_open', 1, true);
    f.setContext('closed', 1, true);
    const openings = read(f, 'breakerOpenings');
    expect(openings).toBeGreaterThan(0.7);
    expect(openings).toBeLessThanOrEqual(0.8);
    now += 30_000;
    f.setContext('closed', 1, true);
    expect(read(f, 'breakerClosedRecency')).toBeCloseTo(Math.exp(-1), 12);
    now += 60 * 60_000;
    f.setContext('closed', 1, true);
    expect(read(f, 'breakerOpenings')).toBeLessThan(0.01);
  });

  it('forgets everything on reset', () => {
    const f = new FailureFeatures({ clock: () => 0 });
    const fresh = Array.from(f.vector);
    for (let i = 0; i < 20; i++) f.record(i % 3 === 0, 'timeout', 100 * i, 'half_open', 0.4, false);
    f.reset();
    expect(Array.from(f.vector)).toEqual(fresh);
    expect(f.historyLength).toBe(0);
    expect(f.failuresInLast10).toBe(0);
  });

  it('rejects invalid options', () => {
    expect(() => new FailureFeatures({ fastAlpha: 0 })).toThrow(RangeError);
    expect(() => new FailureFeatures({ slowAlpha: 1.5 })).toThrow(RangeError);
    expect(() => new FailureFeatures({ latencySlowAlpha: Number.NaN })).toThrow(RangeError);
    expect(() => new FailureFeatures({ recencyMs: 0 })).toThrow(RangeError);
    expect(() => new FailureFeatures({ recencyMs: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(() => new FailureFeatures({ clock: 5 as unknown as () => number })).toThrow(TypeError);
  });
});
