import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ERROR_CATEGORIES, type ErrorCategory } from '../../src/classify/ErrorCategory.js';
import type { CircuitState } from '../../src/health/AdapterHealthSignature.js';
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

  it('squashes consecutive failures and successes to min(n, 10) / 10, with indicators for 1 and 2 failures', () => {
    const f = new FailureFeatures({ clock: () => 0 });
    f.record(false, 'timeout', 100, 'closed', 1, true);
    expect(read(f, 'consecutiveFailures')).toBeCloseTo(0.1, 12);
    expect(read(f, 'firstFailure')).toBe(1);
    f.record(false, 'timeout', 100, 'closed', 1, true);
    expect(read(f, 'secondFailure')).toBe(1);
    expect(read(f, 'firstFailure')).toBe(0);
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

  it('sets one category group for the last failure and clears it after a success', () => {
    const groups: [ErrorCategory, FailureFeatureName][] = [
      ['timeout', 'lastTransient'],
      ['overloaded', 'lastTransient'],
      ['server_error', 'lastTransient'],
      ['network', 'lastTransient'],
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
      'lastTransient',
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

  it('tracks the share of recent 429s', () => {
    const f = new FailureFeatures({ clock: () => 0 });
    for (let i = 0; i < 10; i++) f.record(false, 'rate_limited', 80, 'closed', 1, true);
    expect(read(f, 'rateLimitedRate')).toBeGreaterThan(0.9);
    for (let i = 0; i < 10; i++) f.record(false, 'server_error', 80, 'closed', 1, true);
    expect(read(f, 'rateLimitedRate')).toBeLessThan(0.05);
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

  it('leaves latency statistics alone for breaker rejections, aborts and broken clocks', () => {
    const f = new FailureFeatures({ clock: () => 0 });
    for (let i = 0; i < 50; i++) f.record(true, undefined, 500, 'closed', 1, true);
    const before = Array.from(f.vector.subarray(index('latencyZScore'), index('latencyTrend') + 1));
    f.record(false, 'circuit_open', 0, 'open', 1, true);
    f.record(false, 'aborted', 90_000, 'closed', 1, true);
    f.record(true, undefined, Number.NaN, 'closed', 1, true);
    f.record(true, undefined, -5, 'closed', 1, true);
    expect(Array.from(f.vector.subarray(index('latencyZScore'), index('latencyTrend') + 1))).toEqual(before);
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
    expect(read(f, 'successRecency')).toBe(0);
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
    expect(() => new FailureFeatures({ clock: 5 as unknown as () => number })).toThrow(TypeError);
  });
});
