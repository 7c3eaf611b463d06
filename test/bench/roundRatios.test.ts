// The per-round overhead ratio printed beside `npm run bench`'s verdict.
import { describe, expect, it } from 'vitest';
import { roundRatios } from './benchTable.js';

describe('roundRatios', () => {
  it('gives each round its own (wrapped − bare) / (hand − bare)', () => {
    expect(roundRatios([100, 200], [1100, 1200], [600, 1700])).toEqual([0.5, 1.5]);
  });

  it('skips rounds where the hand-built stack was not slower than bare, and uses the shortest series', () => {
    expect(roundRatios([100, 300, 100], [1100, 300, 600], [600, 900])).toEqual([0.5]);
  });
});
