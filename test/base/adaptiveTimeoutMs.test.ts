import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptiveTimeoutMs } from '../../src/base/adaptiveTimeoutMs.js';

describe('adaptiveTimeoutMs (the one adaptive-timeout rule)', () => {
  it('scales the latency, rounds up to whole seconds and clamps to [minMs, maxMs]', () => {
    expect(adaptiveTimeoutMs(2_400, 4, 30_000, 120_000)).toBe(30_000); // 9.6 s -> the 30 s floor
    expect(adaptiveTimeoutMs(10_100, 4, 30_000, 120_000)).toBe(41_000); // 40.4 s -> 41 s
    expect(adaptiveTimeoutMs(40_000, 4, 30_000, 120_000)).toBe(120_000); // capped by the configured timeout
    expect(adaptiveTimeoutMs(1_100, 1.5, 1_000, 300_000)).toBe(2_000); // 1.65 s -> 2 s
  });

  it('never goes below the latency it was given', () => {
    expect(adaptiveTimeoutMs(400_000, 1.5, 1_000, 300_000)).toBe(400_000);
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 60_000, max: 600_000 }),
        (latency, multiplier, minMs, maxMs) => {
          const ms = adaptiveTimeoutMs(latency, multiplier, minMs, maxMs);
          expect(ms).toBeGreaterThanOrEqual(latency);
          expect(ms).toBeGreaterThanOrEqual(minMs);
          if (latency <= maxMs) expect(ms).toBeLessThanOrEqual(maxMs);
        },
      ),
    );
  });
});
