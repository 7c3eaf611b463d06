import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Ewma } from '../../src/health/Ewma.js';

describe('Ewma', () => {
  it('starts at the first observation instead of drifting up from 0', () => {
    const ewma = new Ewma({ alpha: 0.2 });
    expect(ewma.value).toBe(0);
    expect(ewma.count).toBe(0);
    ewma.update(100);
    expect(ewma.value).toBe(100);
    expect(ewma.variance).toBe(0);
  });

  it('weights the newest observation by alpha', () => {
    const ewma = new Ewma({ alpha: 0.2 });
    ewma.update(100);
    ewma.update(200);
    expect(ewma.value).toBeCloseTo(120, 10);
    // Finch's incremental variance: (1 - a) * (0 + diff * a * diff) = 0.8 * 100 * 20
    expect(ewma.variance).toBeCloseTo(1600, 10);
    expect(ewma.stdDev).toBeCloseTo(40, 10);
  });

  it('follows a level shift and forgets the old level', () => {
    const ewma = new Ewma({ alpha: 0.2 });
    for (let i = 0; i < 50; i++) ewma.update(100);
    for (let i = 0; i < 50; i++) ewma.update(500);
    expect(ewma.value).toBeCloseTo(500, 1);
    expect(ewma.stdDev).toBeLessThan(2);
  });

  it('estimates the spread of a noisy signal for z-scores', () => {
    const ewma = new Ewma({ alpha: 0.05 });
    for (let i = 0; i < 2000; i++) ewma.update(i % 2 === 0 ? 90 : 110);
    expect(ewma.value).toBeCloseTo(100, 0);
    expect(ewma.stdDev).toBeGreaterThan(8);
    expect(ewma.stdDev).toBeLessThan(12);
    expect(ewma.zScore(130)).toBeGreaterThan(2.5);
    expect(new Ewma().zScore(5)).toBe(0);
  });

  it('ignores non-finite observations', () => {
    const ewma = new Ewma();
    ewma.update(10);
    ewma.update(Number.NaN);
    ewma.update(Number.POSITIVE_INFINITY);
    expect(ewma.value).toBe(10);
    expect(ewma.count).toBe(1);
  });

  it('stays within the range of its inputs', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (alpha, xs) => {
          const ewma = new Ewma({ alpha });
          for (const x of xs) ewma.update(x);
          const lo = Math.min(...xs);
          const hi = Math.max(...xs);
          const slack = 1e-9 * Math.max(1, Math.abs(lo), Math.abs(hi));
          expect(ewma.value).toBeGreaterThanOrEqual(lo - slack);
          expect(ewma.value).toBeLessThanOrEqual(hi + slack);
          expect(ewma.variance).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it('rejects an alpha outside (0, 1]', () => {
    expect(() => new Ewma({ alpha: 0 })).toThrow(RangeError);
    expect(() => new Ewma({ alpha: 1.5 })).toThrow(RangeError);
    expect(() => new Ewma({ alpha: Number.NaN })).toThrow(RangeError);
  });

  it('can be reset', () => {
    const ewma = new Ewma();
    ewma.update(3);
    ewma.reset();
    expect(ewma.count).toBe(0);
    expect(ewma.value).toBe(0);
  });
});
