import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ERROR_CATEGORIES, type ErrorCategory } from '../../src/vocabulary/ErrorCategory.js';
import type { CircuitState } from '../../src/vocabulary/CircuitState.js';
import { HealthTracker } from '../../src/health/HealthTracker.js';
import {
  FAILURE_FEATURE_COUNT,
  FAILURE_FEATURE_NAMES,
  FEATURE_INDEX,
  FailureFeatures,
  type CallPathSignals,
  type FailureFeatureName,
  type FailureFeaturesOptions,
  type RequestBudget,
} from '../../src/prediction/FailureFeatures.js';
import { RegimeFilter } from '../../src/prediction/RegimeFilter.js';

const read = (f: FailureFeatures, name: FailureFeatureName): number => f.vector[FEATURE_INDEX[name]]!;

const CIRCUIT_STATES: readonly CircuitState[] = ['closed', 'open', 'half_open'];

/** A voice as the brain has it: a HealthTracker (the statistics) and the features reading it. */
function voice(clock: () => number = () => 0, options: Omit<FailureFeaturesOptions, 'clock'> = {}) {
  const tracker = new HealthTracker('voice', { clock });
  const features = new FailureFeatures(tracker, { clock, ...options });
  /** One attempt's outcome, recorded in the tracker first and then in the features, as the brain does. */
  const record = (
    ok: boolean,
    category: ErrorCategory | undefined,
    latencyMs: number,
    retryAfterMs?: number,
  ): Float64Array => {
    if (ok) tracker.recordSuccess(latencyMs, 'ok');
    else tracker.recordFailure(category ?? 'unknown', latencyMs);
    return features.record(ok, category, latencyMs, clock(), retryAfterMs);
  };
  return { tracker, features, record };
}

/** Signals a test sets by hand. */
function signals(): CallPathSignals & {
  calls: number;
  oldest: number | undefined;
  budget: RequestBudget | undefined;
} {
  return {
    calls: 0,
    oldest: undefined,
    budget: undefined,
    inFlight() {
      return this.calls;
    },
    oldestInFlightStartedAt() {
      return this.oldest;
    },
    requestBudget() {
      return this.budget;
    },
  };
}

/** Signals that also say which calls in flight started when (the call path's deadline queues do). */
function timedSignals(): ReturnType<typeof signals> & { started: number[] } {
  const s = signals();
  const started: number[] = [];
  return Object.assign(s, {
    started,
    inFlightSince: (t: number): number => started.filter((at) => at > t).length,
  });
}

describe('FailureFeatures', () => {
  it('derives every index from the one list of names', () => {
    const { features } = voice();
    expect(features.vector).toHaveLength(FAILURE_FEATURE_COUNT);
    expect(new Set(FAILURE_FEATURE_NAMES).size).toBe(FAILURE_FEATURE_COUNT);
    FAILURE_FEATURE_NAMES.forEach((name, i) => expect(FEATURE_INDEX[name]).toBe(i));
    expect(read(features, 'bias')).toBe(1);
    expect(features.prior).toBeCloseTo(0.1, 12);
  });

  it("takes its prior from the voice's tracker: the configured consciousness weight counts, a learned override does not", () => {
    let now = 0;
    const clock = (): number => now;
    const priorWith = (consciousnessWeight: number): { prior: number; tracker: HealthTracker } => {
      const tracker = new HealthTracker('voice', { clock, consciousnessWeight });
      const features = new FailureFeatures(tracker, { clock });
      // Scattered signature values: coherence well below 1.
      for (const value of [0.1, 0.9, 0.2, 0.8, 0.1, 0.9]) {
        now += 100;
        tracker.recordSuccess(500, { consciousness: { consciousnessSignature: value } });
        features.record(true, undefined, 500, now);
      }
      tracker.setPredictedFailureProbability(0.99);
      return { prior: features.prior, tracker };
    };
    const light = priorWith(0.3);
    const heavy = priorWith(0.9);
    expect(light.tracker.coherence).toBeLessThan(0.9);
    expect(light.prior).toBe(light.tracker.heuristicFailureProbability);
    expect(heavy.prior).toBe(heavy.tracker.heuristicFailureProbability);
    expect(heavy.prior).toBeGreaterThan(light.prior);
    expect(heavy.tracker.failureProbability).toBe(0.99); // the override is the tracker's answer, not the prior
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
      connected: fc.boolean(),
      clock: weird,
      retryAfterMs: fc.option(weird, { nil: undefined }),
      inFlight: weird,
      oldest: fc.option(weird, { nil: undefined }),
      remaining: fc.option(weird, { nil: undefined }),
      resetAt: fc.option(weird, { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let now = 0;
        const s = signals();
        const { tracker, features } = voice(() => now, { signals: s });
        for (const x of steps) {
          now = x.clock;
          s.calls = x.inFlight;
          s.oldest = x.oldest;
          s.budget = x.remaining === undefined ? undefined : { remaining: x.remaining, resetAt: x.resetAt };
          tracker.setCircuitState(x.circuit);
          tracker.setConnected(x.connected);
          features.record(x.ok, x.category as ErrorCategory | undefined, x.latencyMs, now, x.retryAfterMs);
          for (const v of features.vector) {
            expect(Number.isFinite(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(-1);
            expect(v).toBeLessThanOrEqual(2);
          }
          expect(features.prior).toBeGreaterThanOrEqual(0);
          expect(features.prior).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it("reads the failure and success streaks from the voice's tracker, squashed to min(n, 10) / 10", () => {
    const { features, record } = voice();
    record(false, 'timeout', 100);
    expect(read(features, 'consecutiveFailures')).toBeCloseTo(0.1, 12);
    record(false, 'timeout', 100);
    expect(read(features, 'consecutiveFailures')).toBeCloseTo(0.2, 12);
    for (let i = 0; i < 20; i++) record(false, 'timeout', 100);
    expect(read(features, 'consecutiveFailures')).toBe(1);
    record(true, undefined, 100);
    expect(read(features, 'consecutiveFailures')).toBe(0);
    expect(read(features, 'consecutiveSuccesses')).toBeCloseTo(0.1, 12);
  });

  it('moves the fast failure rate more than the slow one', () => {
    const { features, record } = voice();
    record(false, 'network', 50);
    expect(read(features, 'failureRateFast')).toBeCloseTo(0.3, 12);
    expect(read(features, 'failureRateSlow')).toBeCloseTo(0.05, 12);
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
      let now = 1_000;
      const { features, record } = voice(() => now);
      record(false, category, 100);
      for (const s of slots) expect(read(features, s), `${category} → ${s}`).toBe(s === slot ? 1 : 0);
      now += 1_000;
      record(true, undefined, 100);
      for (const s of slots) expect(read(features, s)).toBe(0);
    }
  });

  it('keeps the last failure when a call sent before it succeeds afterwards', () => {
    let now = 10_000;
    const { features, record } = voice(() => now);
    record(false, 'network', 20); // refused at 9 980
    now = 10_300;
    record(true, undefined, 800); // sent at 9 500, before the refusal: says nothing of the upstream since
    expect(read(features, 'lastNetwork')).toBe(1);
    now = 11_000;
    record(true, undefined, 500); // sent at 10 500, after it: the upstream answers again
    expect(read(features, 'lastNetwork')).toBe(0);
  });

  it('counts a refused connection as unreachable until a call sent after it is served, whatever came between', () => {
    let now = 10_000;
    const { tracker, features, record } = voice(() => now);
    record(false, 'network', 20); // refused at 9 980
    expect(read(features, 'disconnected')).toBe(1);
    now = 10_300;
    record(true, undefined, 800); // sent at 9 500, before the refusal
    expect(tracker.isConnected).toBe(true); // the tracker takes any success as reachable …
    expect(read(features, 'disconnected')).toBe(1); // … the features do not: it says nothing of the upstream since
    now = 10_400;
    record(false, 'timeout', 300); // another failure keeps it unreachable (the category slot moves to timeout)
    expect(read(features, 'lastNetwork')).toBe(0);
    expect(read(features, 'disconnected')).toBe(1);
    now = 11_000;
    record(true, undefined, 500); // sent at 10 500, after the refusal, and served
    expect(read(features, 'disconnected')).toBe(0);
    now = 12_000;
    record(false, 'server_error', 300); // a 500 is an answer: the upstream is reachable
    expect(read(features, 'disconnected')).toBe(0);
    record(false, 'network', 20);
    features.reset();
    expect(read(features, 'disconnected')).toBe(1); // the tracker's own view still reads unreachable
    tracker.recordSuccess(100, 'ok');
    features.refresh();
    expect(read(features, 'disconnected')).toBe(0);
  });

  it('keeps a per-minute failure rate that fades, with the evidence behind it, as time passes', () => {
    let now = 0;
    const { features, record } = voice(() => now);
    for (let i = 0; i < 20; i++) {
      now += 500;
      record(i % 2 === 0, 'server_error', 100);
    }
    const fresh = read(features, 'failureRateMinute');
    expect(fresh).toBeGreaterThan(0.4);
    expect(fresh).toBeLessThan(0.5);
    // A minute later the rate still stands; three minutes later its evidence has mostly aged away.
    now += 60_000;
    features.refresh();
    expect(read(features, 'failureRateMinute')).toBeGreaterThan(fresh * 0.85);
    now += 120_000;
    features.refresh();
    expect(read(features, 'failureRateMinute')).toBeLessThan(fresh * 0.6);
    now += 600_000;
    features.refresh();
    expect(read(features, 'failureRateMinute')).toBeLessThan(0.01);
  });

  it('raises the latency z-score on a spike and the level and trend while latency climbs', () => {
    const { features, record } = voice();
    for (let i = 0; i < 200; i++) record(true, undefined, i % 2 === 0 ? 400 : 600);
    expect(Math.abs(read(features, 'latencyZScore'))).toBeLessThan(1);
    expect(Math.abs(read(features, 'latencyTrend'))).toBeLessThan(0.2);
    record(true, undefined, 5_000);
    expect(read(features, 'latencyZScore')).toBeGreaterThan(1);
    for (let i = 0; i < 30; i++) record(true, undefined, 500 * 1.1 ** i);
    expect(read(features, 'latencyTrend')).toBeGreaterThan(0.3);
    expect(read(features, 'latencyLevel')).toBeGreaterThan(read(features, 'latencyTrend'));
  });

  it('takes latency only from successes and timeouts: a fast 529 or refused connection says nothing of the queue', () => {
    const { features, record } = voice();
    for (let i = 0; i < 50; i++) record(true, undefined, 500);
    const names: FailureFeatureName[] = ['latencyZScore', 'latencyTrend', 'latencyLevel', 'timeoutRisk'];
    const latency = (): number[] => names.map((n) => read(features, n));
    const before = latency();
    for (const category of ['circuit_open', 'aborted', 'overloaded', 'network', 'rate_limited'] as const) {
      record(false, category, category === 'aborted' ? 90_000 : 20);
    }
    record(true, undefined, Number.NaN);
    record(true, undefined, -5);
    expect(latency()).toEqual(before);
    record(false, 'timeout', 15_000);
    expect(read(features, 'latencyZScore')).toBeGreaterThan(1);
  });

  it('learns the timeout from the latency of a timeout, and rates the risk of the next call passing it', () => {
    const { features, record } = voice();
    const ok = (ms: number): void => void record(true, undefined, ms);
    for (let i = 0; i < 50; i++) ok(i % 2 === 0 ? 800 : 1_200);
    expect(read(features, 'timeoutRisk')).toBe(0);
    record(false, 'timeout', 15_000);
    for (let i = 0; i < 30; i++) ok(i % 2 === 0 ? 800 : 1_200);
    const calm = read(features, 'timeoutRisk');
    expect(calm).toBeLessThan(0.01);
    // Latency climbing towards the 15 s timeout: the risk of passing it rises.
    for (let ms = 2_000; ms <= 16_000; ms *= 1.15) ok(ms);
    expect(read(features, 'timeoutRisk')).toBeGreaterThan(0.15);
    expect(read(features, 'timeoutRisk')).toBeLessThanOrEqual(1);
  });

  it('rates the oldest call in flight against the latency history and the timeout learned', () => {
    const now = 100_000;
    const s = signals();
    const { features, record } = voice(() => now, { signals: s });
    for (let i = 0; i < 50; i++) record(true, undefined, i % 2 === 0 ? 800 : 1_200);
    s.calls = 2;
    s.oldest = now - 900; // a usual latency: nothing to say
    features.refresh();
    expect(read(features, 'inFlightAgeZScore')).toBe(0);
    expect(read(features, 'inFlightTimeoutShare')).toBe(0); // no timeout seen yet
    s.oldest = now - 6_000; // far slower than any answer so far
    features.refresh();
    expect(read(features, 'inFlightAgeZScore')).toBeGreaterThan(1);
    record(false, 'timeout', 15_000);
    features.refresh();
    expect(read(features, 'inFlightTimeoutShare')).toBeCloseTo(6_000 / 15_000, 6);
    s.oldest = undefined; // nothing in flight
    features.refresh();
    expect(read(features, 'inFlightAgeZScore')).toBe(0);
    expect(read(features, 'inFlightTimeoutShare')).toBe(0);
  });

  it('rates the request budget left in the rate-limit headers, less the calls in flight, until its reset', () => {
    let now = 0;
    const s = signals();
    const { features } = voice(() => now, { signals: s });
    expect(read(features, 'quotaScarcity')).toBe(0); // no headers read
    s.budget = { remaining: 40, resetAt: 60_000 };
    features.refresh();
    expect(read(features, 'quotaScarcity')).toBeLessThan(1e-6);
    s.budget = { remaining: 3, resetAt: 60_000 };
    s.calls = 1;
    features.refresh();
    expect(read(features, 'quotaScarcity')).toBeCloseTo(Math.exp(-1), 12);
    s.calls = 3;
    features.refresh();
    expect(read(features, 'quotaScarcity')).toBe(1);
    now = 60_000; // the budget refilled
    features.refresh();
    expect(read(features, 'quotaScarcity')).toBe(0);
  });

  it('counts only the calls started after the call whose headers gave the budget as missing from it', () => {
    const s = timedSignals();
    const { features } = voice(() => 0, { signals: s });
    // Three calls in flight; the budget came with the answer to a call started at 200 ms, after two of them.
    s.started.push(100, 150, 250);
    s.calls = 3;
    s.budget = { remaining: 3, resetAt: 60_000, startedAt: 200 };
    features.refresh(300);
    expect(read(features, 'quotaScarcity')).toBeCloseTo(Math.exp(-1), 12);
    // A reading whose call's start is unknown: every call in flight is missing from it.
    s.budget = { remaining: 3, resetAt: 60_000 };
    features.refresh(300);
    expect(read(features, 'quotaScarcity')).toBe(1);
  });

  it('holds Retry-After until it runs out, ramping down over its last second, and remembers when it was asked', () => {
    let now = 0;
    const { features, record } = voice(() => now);
    expect(read(features, 'retryAfterRecency')).toBe(0);
    record(false, 'rate_limited', 80, 20_000);
    expect(read(features, 'retryAfterActive')).toBe(1);
    expect(read(features, 'retryAfterRemaining')).toBeCloseTo(20 / 60, 12);
    expect(read(features, 'retryAfterRecency')).toBe(1);
    now = 19_000;
    features.refresh();
    expect(read(features, 'retryAfterActive')).toBe(1);
    now = 19_500;
    features.refresh();
    expect(read(features, 'retryAfterActive')).toBeCloseTo(0.5, 12);
    now = 20_000;
    features.refresh();
    expect(read(features, 'retryAfterActive')).toBe(0);
    expect(read(features, 'retryAfterRemaining')).toBe(0);
    now = 30_000;
    features.refresh();
    expect(read(features, 'retryAfterRecency')).toBeCloseTo(Math.exp(-1), 12);
  });

  it('ends a Retry-After window at the budget reset the headers name within its last, rounded-up second', () => {
    let now = 10_000;
    const s = signals();
    const { features, record } = voice(() => now, { signals: s });
    s.budget = { remaining: 0, resetAt: 29_400 };
    record(false, 'rate_limited', 80, 20_000); // until 30 000
    now = 29_300;
    features.refresh();
    expect(read(features, 'retryAfterActive')).toBe(1);
    now = 29_400;
    features.refresh();
    expect(read(features, 'retryAfterActive')).toBe(0);
    // A reset long before the window's end is another budget's: the window holds.
    s.budget = { remaining: 0, resetAt: 20_000 };
    now = 29_400;
    features.refresh();
    expect(read(features, 'retryAfterActive')).toBeCloseTo(0.6, 12);
  });

  it('ends a Retry-After window early when a call sent after the 429 succeeds, not when an older one does', () => {
    let now = 10_000;
    const { features, record } = voice(() => now);
    record(false, 'rate_limited', 80, 30_000);
    now = 10_500;
    // Sent at 9 500, before the 429 arrived: it says nothing about the window.
    record(true, undefined, 1_000);
    expect(read(features, 'retryAfterActive')).toBe(1);
    now = 12_000;
    // Sent at 11 000, after the 429: the quota is back.
    record(true, undefined, 1_000);
    expect(read(features, 'retryAfterActive')).toBe(0);
  });

  it('ignores missing, zero or non-finite Retry-After values', () => {
    const { features, record } = voice();
    for (const ms of [undefined, 0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      record(false, 'rate_limited', 80, ms);
      expect(read(features, 'retryAfterActive')).toBe(0);
    }
  });

  it("reports breaker state, incoherence and reachability from the voice's tracker", () => {
    const { tracker, features } = voice();
    tracker.setCircuitState('open');
    tracker.setConnected(false);
    for (const value of [0, 1, 0, 1]) tracker.recordConsciousnessSignature(value);
    features.refresh();
    expect(read(features, 'breakerOpen')).toBe(1);
    expect(read(features, 'breakerHalfOpen')).toBe(0);
    expect(read(features, 'incoherence')).toBeCloseTo(1 - tracker.coherence, 12);
    expect(read(features, 'incoherence')).toBeGreaterThan(0);
    expect(read(features, 'disconnected')).toBe(1);
    tracker.setCircuitState('half_open');
    tracker.setConnected(true);
    features.refresh();
    expect(read(features, 'breakerOpen')).toBe(0);
    expect(read(features, 'breakerHalfOpen')).toBe(1);
    expect(read(features, 'disconnected')).toBe(0);
  });

  it('lets the recency of the last failure fade with the injected clock', () => {
    let now = 0;
    const { features, record } = voice(() => now, { recencyMs: 10_000 });
    expect(read(features, 'failureRecency')).toBe(0);
    record(false, 'network', 20);
    expect(read(features, 'failureRecency')).toBe(1);
    now = 10_000;
    features.refresh();
    expect(read(features, 'failureRecency')).toBeCloseTo(Math.exp(-1), 12);
    expect(voice().features.recencyMs).toBe(2_000);
  });

  it('counts breaker openings over the last minutes and fades the recency of its closing', () => {
    let now = 0;
    const { tracker, features } = voice(() => now);
    const breaker = (state: CircuitState): void => {
      tracker.setCircuitState(state);
      features.refresh();
    };
    expect(read(features, 'breakerClosedRecency')).toBe(0);
    for (let i = 0; i < 3; i++) {
      breaker('open');
      now += 30_000;
      breaker('half_open');
      breaker('closed');
      expect(read(features, 'breakerClosedRecency')).toBe(1);
    }
    // Half-open without a seen open still counts once: leaving closed is the opening.
    breaker('half_open');
    breaker('closed');
    const openings = read(features, 'breakerOpenings');
    expect(openings).toBeGreaterThan(0.7);
    expect(openings).toBeLessThanOrEqual(0.8);
    now += 30_000;
    features.refresh();
    expect(read(features, 'breakerClosedRecency')).toBeCloseTo(Math.exp(-1), 12);
    now += 60 * 60_000;
    features.refresh();
    expect(read(features, 'breakerOpenings')).toBeLessThan(0.01);
  });

  it('feeds the regime filter every outcome but 429s, and reads its forecast against the heuristic', () => {
    let now = 0;
    const { tracker, features, record } = voice(() => now);
    for (let i = 0; i < 200; i++) {
      now += 500;
      record(true, undefined, 300);
    }
    // Long healthy: the filter expects fewer failures than the heuristic's floor of 0.1.
    expect(read(features, 'regimeLogOdds')).toBeLessThan(0);
    const filter = features.regimes.failureProbability(now);
    now += 500;
    record(false, 'rate_limited', 50, 1_000);
    expect(features.regimes.failureProbability(now)).toBeCloseTo(filter, 3);
    for (let i = 0; i < 3; i++) {
      now += 500;
      record(false, 'network', 20);
    }
    const p = features.regimes.failureProbability(now);
    expect(p).toBeGreaterThan(0.5);
    const h = tracker.heuristicFailureProbability;
    const logit = (q: number): number => Math.log(q / (1 - q));
    expect(read(features, 'regimeLogOdds')).toBeCloseTo(
      Math.max(-1, Math.min(2, (logit(p) - logit(h)) / 4)),
      12,
    );
  });

  it('does not feed the regime filter a success of a call sent before the last refused connection', () => {
    let now = 0;
    const { features, record } = voice(() => now);
    for (let i = 0; i < 100; i++) {
      now += 500;
      record(true, undefined, 300);
    }
    now += 500;
    record(false, 'network', 20); // sent at now − 20
    now += 1;
    const before = features.regimes.failureProbability(now);
    record(true, undefined, 600); // sent 600 ms ago: before the refusal
    expect(features.regimes.failureProbability(now)).toBe(before);
    now += 1;
    record(true, undefined, 1); // sent after the refusal, and served
    expect(features.regimes.failureProbability(now)).toBeLessThan(before);
  });

  it('forgets what it recorded on reset', () => {
    const fresh = Array.from(voice().features.vector);
    const { tracker, features, record } = voice();
    for (let i = 0; i < 20; i++) record(i % 3 === 0, 'timeout', 100 * i, i % 4 === 0 ? 5_000 : undefined);
    features.reset();
    // What remains comes from the tracker (streaks, and the heuristic regimeLogOdds is read against), which the
    // features do not own; the regime filter itself starts over.
    const own = FAILURE_FEATURE_NAMES.filter(
      (n) => n !== 'consecutiveFailures' && n !== 'consecutiveSuccesses' && n !== 'regimeLogOdds',
    );
    for (const name of own) expect(read(features, name), name).toBe(fresh[FEATURE_INDEX[name]]);
    expect(features.regimes.failureProbability(0)).toBe(new RegimeFilter().failureProbability(0));
    expect(read(features, 'consecutiveFailures')).toBe(Math.min(tracker.consecutiveFailures, 10) / 10);
  });

  it('rejects invalid options', () => {
    const tracker = new HealthTracker('voice');
    expect(() => new FailureFeatures(tracker, { fastAlpha: 0 })).toThrow(RangeError);
    expect(() => new FailureFeatures(tracker, { slowAlpha: 1.5 })).toThrow(RangeError);
    expect(() => new FailureFeatures(tracker, { latencySlowAlpha: Number.NaN })).toThrow(RangeError);
    expect(() => new FailureFeatures(tracker, { recencyMs: 0 })).toThrow(RangeError);
    expect(() => new FailureFeatures(tracker, { recencyMs: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(() => new FailureFeatures(tracker, { clock: 5 as unknown as () => number })).toThrow(TypeError);
  });
});
