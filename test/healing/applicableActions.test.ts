import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CATEGORIES, type ErrorCategory } from '../../src/vocabulary/ErrorCategory.js';
import {
  applicableActions,
  type ApplicableAction,
  type HealingContext,
} from '../../src/healing/applicableActions.js';
import { PatternTypeSchema } from '../../src/patterns/InfrastructurePattern.js';

const quiet: HealingContext = {
  hasFallback: false,
  canReconnect: false,
  latencyP99Ms: undefined,
  inFlight: 0,
};
const variants = (actions: ApplicableAction[]): string[] =>
  actions.map((a) => `${a.actionType}:${a.variant}`);
const find = <V extends ApplicableAction['variant']>(actions: ApplicableAction[], variant: V) =>
  actions.find((a): a is Extract<ApplicableAction, { variant: V }> => a.variant === variant);

describe('applicableActions', () => {
  it('offers nothing for a recovery', () => {
    expect(
      applicableActions('recovery', 'timeout', { ...quiet, hasFallback: true, canReconnect: true }),
    ).toEqual([]);
  });

  it('routes a latency drift (probes under the adaptive timeout), never retries it nor shortens its timeout', () => {
    const actions = applicableActions('degradation', undefined, {
      ...quiet,
      hasFallback: true,
      latencyP99Ms: 2000,
    });
    expect(variants(actions)).toEqual(['fallback:route']);
    expect(find(actions, 'route')).toMatchObject({ probeTimeoutMs: 3000 });
    // Without a fallback nothing applies: a shorter timeout would only cut slow answers.
    expect(applicableActions('degradation', undefined, { ...quiet, latencyP99Ms: 2000 })).toEqual([]);
    // Calls that time out get the shorter timeout.
    const timingOut = applicableActions('degradation', 'timeout', { ...quiet, latencyP99Ms: 2000 });
    expect(find(timingOut, 'adaptive_timeout')?.timeoutMs).toBe(3000);
    // Before any latency is learned the route has no probe timeout.
    const early = applicableActions('degradation', undefined, { ...quiet, hasFallback: true });
    expect(find(early, 'route')).toEqual({ actionType: 'fallback', variant: 'route' });
  });

  it('backs off every transient category for a resonance without a shared category', () => {
    const actions = applicableActions('resonance', undefined, quiet);
    expect(find(actions, 'backoff')).toMatchObject({
      categories: ['timeout', 'rate_limited', 'overloaded', 'server_error', 'network'],
      delayScale: 2,
    });
  });

  it('clamps the adaptive timeout to [1 s, 300 s] in whole seconds and needs a learned latency', () => {
    const timeoutFor = (p99: number | undefined) =>
      find(applicableActions('degradation', 'timeout', { ...quiet, latencyP99Ms: p99 }), 'adaptive_timeout')
        ?.timeoutMs;
    expect(timeoutFor(100)).toBe(1000);
    expect(timeoutFor(1100)).toBe(2000); // 1.65 s, rounded up to whole seconds
    expect(timeoutFor(250_000)).toBe(300_000);
    expect(timeoutFor(1_000_000)).toBe(1_000_000); // never below the p99 itself
    expect(timeoutFor(0)).toBeUndefined();
    expect(timeoutFor(undefined)).toBeUndefined();
  });

  it('halves the calls in flight under rate limiting, at least 1, or uses the default', () => {
    const limit = (inFlight: number, defaultMaxConcurrent?: number) =>
      find(
        applicableActions('degradation', 'rate_limited', { ...quiet, inFlight }, { defaultMaxConcurrent }),
        'concurrency',
      )?.maxConcurrent;
    expect(limit(9)).toBe(4);
    expect(limit(1)).toBe(1);
    expect(limit(0)).toBe(2);
    expect(limit(0, 3)).toBe(3);
  });

  it('substitutes defensive values and fails fast when an API returns nothing', () => {
    const actions = applicableActions('api_change', 'api_return_none', quiet);
    expect(variants(actions)).toEqual(['retry_strategy:fail_fast', 'api_adaptation:defensive_values']);
    expect(find(actions, 'fail_fast')).toMatchObject({ categories: ['api_return_none'], maxAttempts: 1 });
    expect(variants(applicableActions('api_change', undefined, quiet))).toEqual([
      'api_adaptation:defensive_values',
    ]);
    // Nothing to substitute (only dialogue methods, or no good value yet): no api_adaptation.
    expect(
      variants(applicableActions('api_change', 'api_return_none', { ...quiet, canSubstitute: false })),
    ).toEqual(['retry_strategy:fail_fast']);
  });

  it('can only route around a missing method, and only with a fallback', () => {
    expect(applicableActions('api_change', 'api_method_missing', quiet)).toEqual([]);
    expect(
      variants(applicableActions('api_change', 'api_method_missing', { ...quiet, hasFallback: true })),
    ).toEqual(['fallback:route']);
  });

  it('routes instead of backing off when a fallback can serve the calls', () => {
    // A call that can fall back waits at most retry.maxWaitWithFallbackMs for its retries: longer delays within
    // that budget only move the retries kept towards it, so the route is offered and backoff is not.
    for (const category of ['timeout', 'rate_limited', 'overloaded', 'server_error', 'network'] as const) {
      const withFallback = variants(
        applicableActions('degradation', category, { ...quiet, hasFallback: true }),
      );
      expect(withFallback).toContain('fallback:route');
      expect(withFallback).not.toContain('retry_strategy:backoff');
      expect(variants(applicableActions('degradation', category, quiet))).toContain('retry_strategy:backoff');
    }
    // Failing fast adds no wait: it stays beside the route.
    expect(
      variants(applicableActions('degradation', 'invalid_response', { ...quiet, hasFallback: true })),
    ).toEqual(['retry_strategy:fail_fast', 'fallback:route', 'api_adaptation:defensive_values']);
    // A resonance is never routed, so its (shared) backoff stays.
    expect(variants(applicableActions('resonance', undefined, { ...quiet, hasFallback: true }))).toEqual([
      'retry_strategy:backoff',
    ]);
  });

  it('never routes during resonance, so the healthy voices are not stampeded', () => {
    const actions = applicableActions('resonance', 'overloaded', { ...quiet, hasFallback: true });
    expect(variants(actions)).toEqual(['retry_strategy:backoff']);
  });

  it('reconnects on network failures or persistent failures, when the adapter can', () => {
    const reconnects = (category: ErrorCategory | undefined, ctx: Partial<HealingContext>) =>
      variants(applicableActions('degradation', category, { ...quiet, ...ctx })).includes(
        'reconnect:reconnect',
      );
    expect(reconnects('network', { canReconnect: true })).toBe(true);
    expect(reconnects('network', { canReconnect: false })).toBe(false);
    expect(reconnects('timeout', { canReconnect: true, consecutiveFailures: 5 })).toBe(false);
    expect(reconnects('timeout', { canReconnect: true, consecutiveFailures: 6 })).toBe(true);
    expect(reconnects('auth', { canReconnect: true, consecutiveFailures: 10 })).toBe(false);
  });

  it('keeps its invariants for every context', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PatternTypeSchema.options),
        fc.option(fc.constantFrom(...ERROR_CATEGORIES), { nil: undefined }),
        fc.record({
          hasFallback: fc.boolean(),
          canReconnect: fc.boolean(),
          latencyP99Ms: fc.option(fc.double({ min: 0, max: 1e7, noNaN: true }), { nil: undefined }),
          inFlight: fc.nat(1000),
          consecutiveFailures: fc.nat(50),
        }),
        (patternType, category, context) => {
          const actions = applicableActions(patternType, category, context);
          const types = actions.map((a) => a.actionType);
          expect(new Set(types).size).toBe(types.length);
          if (!context.hasFallback || patternType === 'resonance') expect(types).not.toContain('fallback');
          // Where the route is offered, backoff is not (the fallback budget caps the waits it would lengthen).
          if (types.includes('fallback')) expect(variants(actions)).not.toContain('retry_strategy:backoff');
          if (!context.canReconnect) expect(types).not.toContain('reconnect');
          for (const a of actions) {
            if (a.variant === 'adaptive_timeout') {
              expect(category).toBe('timeout'); // only calls that time out get a shorter timeout
              expect(a.timeoutMs % 1000).toBe(a.timeoutMs === a.latencyP99Ms ? a.timeoutMs % 1000 : 0);
              expect(a.timeoutMs).toBeGreaterThanOrEqual(1000);
              expect(a.timeoutMs).toBeGreaterThanOrEqual(a.latencyP99Ms); // never below the voice's own p99
              expect(a.timeoutMs).toBeLessThanOrEqual(Math.max(300_000, a.latencyP99Ms));
            }
            if (a.variant === 'concurrency') expect(a.maxConcurrent).toBeGreaterThanOrEqual(1);
          }
        },
      ),
    );
  });
});
