import { describe, it, expect } from 'vitest';
import { healthTrendOf, type HealthTrendInput } from '../../src/health/healthTrendOf.js';

const steady: HealthTrendInput = {
  newerCalls: 25,
  newerFailures: 1,
  olderCalls: 25,
  olderFailures: 1,
  fastLatencyMs: 100,
  slowLatencyMs: 100,
  slowLatencyStdDevMs: 10,
  latencySamples: 100,
};

describe('healthTrendOf', () => {
  it('is stable when both halves look alike', () => {
    expect(healthTrendOf(steady)).toBe('stable');
  });

  it('is degrading when the newer half fails clearly more often', () => {
    expect(healthTrendOf({ ...steady, newerFailures: 8 })).toBe('degrading');
  });

  it('does not call a small wobble a trend', () => {
    expect(healthTrendOf({ ...steady, newerFailures: 3 })).toBe('stable');
  });

  it('is improving when the newer half fails clearly less often', () => {
    expect(healthTrendOf({ ...steady, newerFailures: 0, olderFailures: 10 })).toBe('improving');
  });

  it('needs enough calls in each half', () => {
    expect(
      healthTrendOf({ ...steady, newerCalls: 4, newerFailures: 4, olderCalls: 4, olderFailures: 0 }),
    ).toBe('stable');
  });

  it('is degrading when latency rises clearly above its baseline', () => {
    expect(
      healthTrendOf({ ...steady, fastLatencyMs: 200, slowLatencyMs: 120, slowLatencyStdDevMs: 30 }),
    ).toBe('degrading');
    // 20 % slower is within the noise band
    expect(healthTrendOf({ ...steady, fastLatencyMs: 120 })).toBe('stable');
  });

  it('is improving when latency falls clearly, unless errors get worse', () => {
    const faster = { ...steady, fastLatencyMs: 50, slowLatencyMs: 100, slowLatencyStdDevMs: 20 };
    expect(healthTrendOf(faster)).toBe('improving');
    expect(healthTrendOf({ ...faster, newerFailures: 10 })).toBe('degrading');
  });

  it('ignores latency with too few samples', () => {
    expect(healthTrendOf({ ...steady, fastLatencyMs: 500, latencySamples: 3 })).toBe('stable');
  });
});
