import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Classification } from '../../src/classify/Classification.js';
import { FAILURE_FEATURE_NAMES, FailureFeatures } from '../../src/prediction/FailureFeatures.js';
import { learningBrain } from '../support/fixtures.js';

const T0 = Date.UTC(2026, 0, 1);
const RETRY_AFTER = FAILURE_FEATURE_NAMES.indexOf('retryAfterActive');

describe('Retry-After on the call path', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reaches the predictor features when a classified 429 carries it', () => {
    let now = T0;
    const brain = learningBrain(() => now);
    const record = vi.spyOn(FailureFeatures.prototype, 'record');
    const voice = brain.voice('openai');
    const cells = voice.method('sendMessage');
    voice.attemptSucceeded(400, { content: { text: 'ok' } });
    now += 1_000;
    const limited: Classification = {
      category: 'rate_limited',
      retryAfterMs: 20_000,
      message: '429',
      errorName: 'RateLimitError',
    };
    voice.attemptFailed(cells, 'sendMessage', limited, 80, 1);
    const vector = record.mock.results.at(-1)!.value as Float64Array;
    expect(record.mock.calls.at(-1)![4]).toBe(20_000);
    expect(vector[RETRY_AFTER]).toBe(1);
    // Without the header the same failure opens no window.
    now += 30_000;
    voice.attemptFailed(cells, 'sendMessage', { ...limited, retryAfterMs: undefined }, 80, 1);
    expect((record.mock.results.at(-1)!.value as Float64Array)[RETRY_AFTER]).toBe(0);
  });
});
