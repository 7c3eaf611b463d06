import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  heuristicFailureProbability,
  type HeuristicFailureInput,
} from '../../src/health/heuristicFailureProbability.js';

const input = fc.record({
  isConnected: fc.boolean(),
  consecutiveFailures: fc.nat({ max: 100 }),
  coherence: fc.double({ min: 0, max: 1, noNaN: true }),
  historyLength: fc.nat({ max: 1000 }),
  failuresInLast10: fc.nat({ max: 10 }),
});

const base: HeuristicFailureInput = {
  isConnected: true,
  consecutiveFailures: 0,
  coherence: 1,
  historyLength: 0,
  failuresInLast10: 0,
};

describe('heuristicFailureProbability', () => {
  it('gives 0.13 for a connected voice with no failures and coherence 0.9', () => {
    expect(heuristicFailureProbability({ ...base, coherence: 0.9 })).toBeCloseTo(0.13, 12);
  });

  it('gives 1.0 for a disconnected voice with 5 failures and coherence 0.2', () => {
    expect(
      heuristicFailureProbability({ ...base, isConnected: false, consecutiveFailures: 5, coherence: 0.2 }),
    ).toBe(1);
  });

  it('raises the base by 0.2 per consecutive failure, up to 0.9', () => {
    expect(heuristicFailureProbability({ ...base, consecutiveFailures: 2 })).toBeCloseTo(0.4, 12);
    expect(heuristicFailureProbability({ ...base, consecutiveFailures: 7 })).toBeCloseTo(0.9, 12);
  });

  it('averages in the failures of the last 10 once there are more than 10 history points', () => {
    expect(heuristicFailureProbability({ ...base, historyLength: 10, failuresInLast10: 6 })).toBeCloseTo(
      0.1,
      12,
    );
    expect(heuristicFailureProbability({ ...base, historyLength: 11, failuresInLast10: 6 })).toBeCloseTo(
      0.35,
      12,
    );
  });

  it('honours a custom consciousness weight', () => {
    expect(heuristicFailureProbability({ ...base, coherence: 0.5, consciousnessWeight: 0 })).toBeCloseTo(
      0.1,
      12,
    );
  });

  it('always lies in [0, 1], even for out-of-range or NaN inputs', () => {
    fc.assert(
      fc.property(
        fc.record({
          isConnected: fc.boolean(),
          consecutiveFailures: fc.double(),
          coherence: fc.double(),
          historyLength: fc.double(),
          failuresInLast10: fc.double(),
          consciousnessWeight: fc.option(fc.double(), { nil: undefined }),
        }),
        (raw) => {
          const p = heuristicFailureProbability(raw);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('never decreases when consecutive failures grow', () => {
    fc.assert(
      fc.property(input, fc.nat({ max: 100 }), (x, extra) => {
        const more = { ...x, consecutiveFailures: x.consecutiveFailures + extra };
        expect(heuristicFailureProbability(more)).toBeGreaterThanOrEqual(heuristicFailureProbability(x));
      }),
    );
  });

  it('never increases when coherence grows', () => {
    fc.assert(
      fc.property(input, fc.double({ min: 0, max: 1, noNaN: true }), (x, other) => {
        const lo = Math.min(x.coherence, other);
        const hi = Math.max(x.coherence, other);
        expect(heuristicFailureProbability({ ...x, coherence: hi })).toBeLessThanOrEqual(
          heuristicFailureProbability({ ...x, coherence: lo }),
        );
      }),
    );
  });
});
