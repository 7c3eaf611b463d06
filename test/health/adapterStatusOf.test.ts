import { describe, it, expect } from 'vitest';
import { adapterStatusOf, type AdapterStatusInput } from '../../src/health/adapterStatusOf.js';

const calm: AdapterStatusInput = {
  isConnected: true,
  circuitState: 'closed',
  consecutiveFailures: 0,
  errorRate: 0,
  windowFailures: 0,
};

describe('adapterStatusOf', () => {
  it('is healthy with a clean window', () => {
    expect(adapterStatusOf(calm)).toBe('healthy');
  });

  it('is disconnected when unreachable or the breaker is open, whatever else holds', () => {
    expect(adapterStatusOf({ ...calm, isConnected: false })).toBe('disconnected');
    expect(adapterStatusOf({ ...calm, circuitState: 'open' })).toBe('disconnected');
  });

  it('is degraded after a failure, at a 20 % error rate or with a half-open breaker', () => {
    expect(adapterStatusOf({ ...calm, consecutiveFailures: 1, windowFailures: 1, errorRate: 0.02 })).toBe(
      'degraded',
    );
    expect(adapterStatusOf({ ...calm, errorRate: 0.2, windowFailures: 10 })).toBe('degraded');
    expect(adapterStatusOf({ ...calm, circuitState: 'half_open' })).toBe('degraded');
  });

  it('is recovering while failures of a past episode remain in the window', () => {
    expect(adapterStatusOf({ ...calm, errorRate: 0.1, windowFailures: 5 })).toBe('recovering');
  });
});
