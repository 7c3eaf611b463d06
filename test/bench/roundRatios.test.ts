// The per-round overhead ratio printed beside `npm run bench`'s verdict.
import { describe, expect, it } from 'vitest';
import { amortizedRatio, roundRatios } from './benchTable.js';

describe('roundRatios', () => {
  it('gives each round its own (wrapped − bare) / (hand − bare)', () => {
    expect(roundRatios([100, 200], [1100, 1200], [600, 1700])).toEqual([0.5, 1.5]);
  });

  it('skips rounds where the hand-built stack was not slower than bare, and uses the shortest series', () => {
    expect(roundRatios([100, 300, 100], [1100, 300, 600], [600, 900])).toEqual([0.5]);
  });
});

describe('amortizedRatio', () => {
  it('compares the mean costs, so a round the hand-built stack paid a collection in counts', () => {
    // Hand-built rounds 1000, 1000, 4000 over a bare 100: median span 900, mean span 1900.
    expect(amortizedRatio([100, 100, 100], [1000, 1000, 4000], [1000, 1000, 1000])).toBeCloseTo(900 / 1900);
  });

  it('gives nothing when the hand-built stack was not slower than bare', () => {
    expect(amortizedRatio([100], [100], [500])).toBeUndefined();
    expect(amortizedRatio([], [1], [1])).toBeUndefined();
  });
});
