import { describe, expect, it } from 'vitest';
import { durationSeconds, readRateLimits } from '../../src/usage/readRateLimits.js';
import { costOf, priceOf, PriceTableSchema } from '../../src/usage/PriceTable.js';

describe('readRateLimits', () => {
  it("reads OpenAI's x-ratelimit headers with their reset durations", () => {
    const headers = new Headers({
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-remaining-requests': '499',
      'x-ratelimit-reset-requests': '120ms',
      'x-ratelimit-remaining-tokens': '29000',
      'x-ratelimit-reset-tokens': '6m0s',
    });
    expect(readRateLimits(headers, 0)).toEqual({
      requests: { remaining: 499, resetSeconds: 0.12 },
      tokens: { remaining: 29000, resetSeconds: 360 },
    });
  });

  it("reads Anthropic's anthropic-ratelimit headers, resets relative to now", () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const headers = new Headers({
      'anthropic-ratelimit-requests-remaining': '49',
      'anthropic-ratelimit-requests-reset': '2026-01-01T00:00:30Z',
      'anthropic-ratelimit-tokens-remaining': '79000',
      'anthropic-ratelimit-tokens-reset': '2026-01-01T00:01:00Z',
    });
    expect(readRateLimits(headers, now)).toEqual({
      requests: { remaining: 49, resetSeconds: 30 },
      tokens: { remaining: 79000, resetSeconds: 60 },
    });
    const inputOnly = new Headers({ 'anthropic-ratelimit-input-tokens-remaining': '1000' });
    expect(readRateLimits(inputOnly, now)?.tokens).toEqual({ remaining: 1000, resetSeconds: undefined });
  });

  it('finds nothing in other headers or unreadable values', () => {
    expect(readRateLimits(new Headers({ 'content-type': 'application/json' }), 0)).toBeUndefined();
    expect(readRateLimits(new Headers({ 'x-ratelimit-remaining-requests': 'many' }), 0)).toBeUndefined();
    expect(durationSeconds('1h2m3.5s')).toBe(3723.5);
    expect(durationSeconds('soon')).toBeUndefined();
  });
});

describe('price table', () => {
  const table = PriceTableSchema.parse({
    models: {
      'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
      'gpt-4o*': { input: 3, output: 12 },
      'gpt-*': { input: 1, output: 1 },
    },
  });

  it('matches exact names first, then the longest prefix pattern', () => {
    expect(priceOf(table, 'gpt-4o')?.input).toBe(2.5);
    expect(priceOf(table, 'gpt-4o-2024-08-06')?.input).toBe(3);
    expect(priceOf(table, 'gpt-5')?.input).toBe(1);
    expect(priceOf(table, 'claude')).toBeUndefined();
    expect(priceOf(table, 'constructor')).toBeUndefined();
  });

  it('prices uncached input, cache reads and writes, and output per million tokens', () => {
    const usage = {
      input: 1_000_000,
      output: 500_000,
      cachedInput: 400_000,
      cacheWrite: 100_000,
      reasoning: 0,
    };
    const cost = costOf({ input: 2, output: 8, cachedInput: 0.5, cacheWrite: 2.5 }, usage, table.perTokens);
    expect(cost).toBeCloseTo(0.5 * 2 + 0.4 * 0.5 + 0.1 * 2.5 + 0.5 * 8, 10);
    expect(table.currency).toBe('USD');
  });

  it('rejects a bad table with the path of the problem', () => {
    const result = PriceTableSchema.safeParse({ models: { x: { input: -1, output: 1 } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['models', 'x', 'input']);
  });
});
