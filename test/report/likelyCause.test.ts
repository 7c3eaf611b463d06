import { describe, expect, it } from 'vitest';
import { ERROR_CATEGORIES } from '../../src/vocabulary/ErrorCategory.js';
import { CATEGORY_CAUSES, dominantCategory, likelyCauseOf } from '../../src/report/likelyCause.js';

const health = (
  over: Partial<Parameters<typeof likelyCauseOf>[0]> = {},
): Parameters<typeof likelyCauseOf>[0] => ({
  errorPatterns: {},
  consecutiveFailures: 0,
  consciousnessCoherence: 0.9,
  isConnected: true,
  ...over,
});

describe('likelyCauseOf', () => {
  it('uses the original texts for None returns and missing methods', () => {
    expect(likelyCauseOf(health({ errorPatterns: { api_return_none: 2 } }))).toEqual({
      likelyCause: 'API returning None instead of expected data',
      recommendedAction: 'Add defensive None checks with fallback values',
      category: 'api_return_none',
    });
    expect(likelyCauseOf(health({ errorPatterns: { api_method_missing: 1 } }))).toEqual({
      likelyCause: 'API method no longer available',
      recommendedAction: 'Implement fallback methods with alternative API calls',
      category: 'api_method_missing',
    });
  });

  it('reads more than 5 consecutive connection-level failures as persistent', () => {
    const cause = likelyCauseOf(health({ consecutiveFailures: 6, errorPatterns: { timeout: 6 } }));
    expect(cause.likelyCause).toBe('Persistent connection failures');
    expect(cause.recommendedAction).toBe('Check API keys and network connectivity');
    expect(likelyCauseOf(health({ consecutiveFailures: 5, errorPatterns: { timeout: 5 } })).likelyCause).toBe(
      'Requests timing out',
    );
    expect(likelyCauseOf(health({ consecutiveFailures: 9 })).likelyCause).toBe(
      'Persistent connection failures',
    );
  });

  it('keeps a specific cause even after many consecutive failures', () => {
    expect(likelyCauseOf(health({ consecutiveFailures: 9, errorPatterns: { auth: 9 } })).likelyCause).toBe(
      'Authentication rejected',
    );
  });

  it('picks the dominant category', () => {
    const cause = likelyCauseOf(health({ errorPatterns: { api_return_none: 1, rate_limited: 4 } }));
    expect(cause.category).toBe('rate_limited');
    expect(cause.likelyCause).toBe('Provider rate limit reached');
    expect(likelyCauseOf(health({ errorPatterns: { overloaded: 3 } })).likelyCause).toBe(
      'Provider overloaded',
    );
  });

  it('names low coherence when no error explains the trouble', () => {
    expect(likelyCauseOf(health({ consciousnessCoherence: 0.2 })).likelyCause).toBe(
      'Low consciousness coherence affecting stability',
    );
  });

  it('falls back to disconnection, then to a generic warning', () => {
    expect(likelyCauseOf(health({ isConnected: false })).likelyCause).toBe('Adapter disconnected');
    expect(likelyCauseOf(health()).likelyCause).toBe('Elevated failure probability');
  });

  it('has a text for every category', () => {
    for (const category of ERROR_CATEGORIES) {
      expect(CATEGORY_CAUSES[category].likelyCause.length).toBeGreaterThan(0);
      expect(CATEGORY_CAUSES[category].recommendedAction.length).toBeGreaterThan(0);
    }
  });

  it('breaks ties between categories by taxonomy order', () => {
    expect(dominantCategory({ timeout: 2, api_return_none: 2 })).toBe('api_return_none');
    expect(dominantCategory({})).toBeUndefined();
    expect(dominantCategory({ timeout: 0 })).toBeUndefined();
  });
});
