import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { StreamingQuantile } from '../../src/health/StreamingQuantile.js';

/** Small seeded PRNG so the accuracy runs are reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DISTRIBUTIONS: Record<string, (r: () => number) => number> = {
  uniform: (r) => r() * 1000,
  exponential: (r) => -Math.log(1 - r()) * 200,
  lognormal: (r) => Math.exp(5 + 0.8 * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())),
  bimodal: (r) => (r() < 0.9 ? 100 + r() * 20 : 2000 + r() * 500),
};

/** Exact quantile with linear interpolation between closest ranks (numpy's default). */
function exactQuantile(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return a + (h - lo) * (b - a);
}

function run(seed: number, distribution: string, n: number): { rankError: number; relativeError: number } {
  const draw = DISTRIBUTIONS[distribution]!;
  const r = mulberry32(seed);
  const estimator = new StreamingQuantile({ quantile: 0.95 });
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = draw(r);
    estimator.add(xs[i]!);
  }
  xs.sort();
  const estimate = estimator.value;
  let atOrBelow = 0;
  for (const x of xs) if (x <= estimate) atOrBelow++;
  const exact = exactQuantile(xs, 0.95);
  return { rankError: Math.abs(atOrBelow / n - 0.95), relativeError: Math.abs(estimate - exact) / exact };
}

describe('StreamingQuantile', () => {
  it('reports 0 before any observation', () => {
    const q = new StreamingQuantile();
    expect(q.value).toBe(0);
    expect(q.count).toBe(0);
  });

  it('is exact for 1 to 4 observations', () => {
    const q = new StreamingQuantile();
    q.add(10);
    expect(q.value).toBe(10);
    q.add(20);
    expect(q.value).toBeCloseTo(19.5, 10);
    q.add(0);
    expect(q.value).toBeCloseTo(19, 10);
    q.add(30);
    expect(q.value).toBeCloseTo(28.5, 10);
  });

  it('is exact while the count is within the exact prefix, whatever the order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 64 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (xs, p) => {
          const q = new StreamingQuantile({ quantile: p, exactSamples: 64 });
          for (const x of xs) q.add(x);
          const sorted = [...xs].sort((a, b) => a - b);
          expect(q.value).toBeCloseTo(exactQuantile(sorted, p), 6);
        },
      ),
    );
  });

  it('tracks the exact p95 of random data within a few percent of rank', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(...Object.keys(DISTRIBUTIONS)),
        fc.integer({ min: 1000, max: 5000 }),
        (seed, distribution, n) => {
          const { rankError } = run(seed, distribution, n);
          expect(rankError).toBeLessThanOrEqual(0.05);
        },
      ),
      // A statistical bound: a fixed seed keeps the run reproducible (worst seen in 9,000 runs: 4.3 %).
      { numRuns: 60, seed: 20250101 },
    );
  });

  it('keeps the average error well under one percent of rank', () => {
    for (const distribution of Object.keys(DISTRIBUTIONS)) {
      let rank = 0;
      let relative = 0;
      const seeds = 40;
      for (let seed = 1; seed <= seeds; seed++) {
        const e = run(seed * 7919, distribution, 2000);
        rank += e.rankError;
        relative += e.relativeError;
      }
      expect(rank / seeds, distribution).toBeLessThan(0.01);
      expect(relative / seeds, distribution).toBeLessThan(0.05);
    }
  });

  it('handles sorted streams and constant streams', () => {
    const up = new StreamingQuantile();
    const down = new StreamingQuantile();
    const flat = new StreamingQuantile();
    for (let i = 1; i <= 10_000; i++) {
      up.add(i);
      down.add(10_001 - i);
      flat.add(42);
    }
    expect(Math.abs(up.value - 9500)).toBeLessThan(100);
    expect(Math.abs(down.value - 9500)).toBeLessThan(100);
    expect(flat.value).toBe(42);
  });

  it('never leaves the range of what it saw', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 500 }),
        (xs) => {
          const q = new StreamingQuantile({ exactSamples: 5 });
          for (const x of xs) q.add(x);
          expect(q.value).toBeGreaterThanOrEqual(Math.min(...xs));
          expect(q.value).toBeLessThanOrEqual(Math.max(...xs));
        },
      ),
    );
  });

  it('ignores non-finite observations and validates its options', () => {
    const q = new StreamingQuantile();
    q.add(Number.NaN);
    q.add(Number.POSITIVE_INFINITY);
    expect(q.count).toBe(0);
    expect(() => new StreamingQuantile({ quantile: 1 })).toThrow(RangeError);
    expect(() => new StreamingQuantile({ exactSamples: 4 })).toThrow(RangeError);
  });
});
