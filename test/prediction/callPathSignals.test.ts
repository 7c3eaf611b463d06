import { afterEach, describe, expect, it, vi } from 'vitest';
import { FEATURE_INDEX, FailureFeatures } from '../../src/prediction/FailureFeatures.js';
import { learningBrain } from '../support/fixtures.js';

const T0 = Date.UTC(2026, 0, 1);

describe('call-path signals reach the predictor features', () => {
  afterEach(() => vi.restoreAllMocks());

  it("the oldest attempt in flight (from the voice's pipeline) and the request budget (from rate-limit headers)", () => {
    let now = T0;
    const brain = learningBrain(() => now);
    const record = vi.spyOn(FailureFeatures.prototype, 'record');
    const voice = brain.voice('openai');
    let oldest: number | undefined;
    let inFlight = 0;
    voice.attach({
      inFlight: () => inFlight,
      oldestAttemptStartedAt: () => oldest,
      hasFallback: () => false,
      canSubstitute: () => false,
      reconnect: () => Promise.resolve(),
    });
    for (let i = 0; i < 30; i++) {
      now += 1_000;
      voice.attemptSucceeded(i % 2 === 0 ? 800 : 1_200, { content: { text: 'ok' } });
    }
    const last = (): Float64Array => record.mock.results.at(-1)!.value as Float64Array;
    expect(last()[FEATURE_INDEX.inFlightAgeZScore]).toBe(0);
    expect(last()[FEATURE_INDEX.quotaScarcity]).toBe(0);
    // One call has been waiting 8 s; the provider said 2 requests are left this minute, and 1 is in flight.
    oldest = now - 8_000;
    inFlight = 1;
    const headers = new Headers({
      'x-ratelimit-remaining-requests': '2',
      'x-ratelimit-reset-requests': '30s',
    });
    voice.usage.headers('chat.completions.create', { model: 'gpt-5.4' }, headers);
    now += 1_000;
    voice.attemptSucceeded(900, { content: { text: 'ok' } });
    expect(last()[FEATURE_INDEX.inFlightAgeZScore]).toBeGreaterThan(1);
    expect(last()[FEATURE_INDEX.quotaScarcity]).toBeCloseTo(Math.exp(-0.5), 12);
    // After the budget's reset the headers say nothing any more.
    now += 30_000;
    oldest = undefined;
    inFlight = 0;
    voice.attemptSucceeded(900, { content: { text: 'ok' } });
    expect(last()[FEATURE_INDEX.quotaScarcity]).toBe(0);
    expect(last()[FEATURE_INDEX.inFlightAgeZScore]).toBe(0);
  });

  it('the budget of the attempt started last, less only the attempts started after it', () => {
    let now = T0;
    const brain = learningBrain(() => now);
    const record = vi.spyOn(FailureFeatures.prototype, 'record');
    const voice = brain.voice('openai');
    const started: number[] = [];
    voice.attach({
      inFlight: () => started.length,
      oldestAttemptStartedAt: () => (started.length > 0 ? Math.min(...started) : undefined),
      attemptsStartedAfter: (t) => started.filter((at) => at > t).length,
      hasFallback: () => false,
      canSubstitute: () => false,
      reconnect: () => Promise.resolve(),
    });
    const last = (): Float64Array => record.mock.results.at(-1)!.value as Float64Array;
    const budget = (remaining: number): Headers =>
      new Headers({
        'x-ratelimit-remaining-requests': String(remaining),
        'x-ratelimit-reset-requests': '30s',
      });
    // Attempts started at T0 + 1 s and + 2 s are in flight; the answer to one started at + 1.5 s says 2 left.
    started.push(T0 + 1_000, T0 + 2_000);
    now = T0 + 3_000;
    voice.usage.headers('chat.completions.create', { model: 'gpt-5.4' }, budget(2), now, T0 + 1_500);
    expect(voice.usage.requestBudget?.startedAt).toBe(T0 + 1_500);
    // A later answer to an attempt started earlier counted fewer requests: the budget stays.
    now += 200;
    voice.usage.headers('chat.completions.create', { model: 'gpt-5.4' }, budget(5), now, T0 + 500);
    expect(voice.usage.requestBudget?.remaining).toBe(2);
    voice.attemptSucceeded(900, { content: { text: 'ok' } });
    // Only the attempt started at + 2 s is missing from the 2: one left.
    expect(last()[FEATURE_INDEX.quotaScarcity]).toBeCloseTo(Math.exp(-0.5), 12);
  });
});
