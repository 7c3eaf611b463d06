import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleBeta, sampleGamma } from '../../src/healing/sampleBeta.js';
import { createSeededRandom } from '../../src/lab/seededRandom.js';

const mean = (n: number, draw: () => number): number => {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += draw();
  return sum / n;
};

describe('sampleGamma', () => {
  it('has mean equal to the shape, above and below 1', () => {
    const random = createSeededRandom(1);
    expect(mean(20_000, () => sampleGamma(3, random))).toBeCloseTo(3, 1);
    expect(mean(20_000, () => sampleGamma(0.5, random))).toBeCloseTo(0.5, 1);
  });

  it('rejects a shape that is not positive and finite', () => {
    const random = createSeededRandom(1);
    for (const shape of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => sampleGamma(shape, random)).toThrow(RangeError);
    }
  });

  it('does not hang on a constant random source', () => {
    expect(Number.isFinite(sampleGamma(2, () => 0))).toBe(true);
    expect(Number.isFinite(sampleGamma(2, () => 0.999999))).toBe(true);
  });
});

describe('sampleBeta', () => {
  it('has mean alpha / (alpha + beta)', () => {
    const random = createSeededRandom(7);
    expect(mean(20_000, () => sampleBeta(2, 5, random))).toBeCloseTo(2 / 7, 2);
    expect(mean(20_000, () => sampleBeta(9, 1, random))).toBeCloseTo(0.9, 2);
  });

  it('is deterministic for a seed', () => {
    const a = createSeededRandom(99);
    const b = createSeededRandom(99);
    const draws = (r: () => number): number[] => Array.from({ length: 20 }, () => sampleBeta(3, 4, r));
    expect(draws(a)).toEqual(draws(b));
  });

  it('always lies in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1000, noNaN: true }),
        fc.double({ min: 0.01, max: 1000, noNaN: true }),
        fc.integer(),
        (alpha, beta, seed) => {
          const x = sampleBeta(alpha, beta, createSeededRandom(seed));
          return x >= 0 && x <= 1;
        },
      ),
    );
  });
});
