import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { OutcomeWindow } from '../../src/health/OutcomeWindow.js';

const count = (xs: readonly boolean[]): number => xs.filter(Boolean).length;

describe('OutcomeWindow', () => {
  it('is empty and error-free at first', () => {
    const w = new OutcomeWindow();
    expect(w.capacity).toBe(50);
    expect(w.size).toBe(0);
    expect(w.errorRate).toBe(0);
    expect(w.recentFailures).toBe(0);
    expect(w.lastFailed).toBe(false);
  });

  it('gives the failure share of the last N outcomes, evicting the oldest', () => {
    const w = new OutcomeWindow({ capacity: 4 });
    w.record(true);
    w.record(false);
    w.record(false);
    w.record(false);
    expect(w.errorRate).toBe(0.25);
    w.record(false); // the failure slides out
    expect(w.errorRate).toBe(0);
    expect(w.size).toBe(4);
  });

  it('counts failures among the last 10 separately from the whole window', () => {
    const w = new OutcomeWindow({ capacity: 50 });
    for (let i = 0; i < 5; i++) w.record(true);
    for (let i = 0; i < 10; i++) w.record(false);
    expect(w.failures).toBe(5);
    expect(w.recentFailures).toBe(0);
    w.record(true);
    expect(w.recentFailures).toBe(1);
    expect(w.lastFailed).toBe(true);
  });

  it('agrees with a naive array model on every read', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 15 }),
        fc.array(fc.boolean(), { maxLength: 200 }),
        (capacity, recentSize, outcomes) => {
          const w = new OutcomeWindow({ capacity, recentSize });
          const model: boolean[] = [];
          for (const failed of outcomes) {
            w.record(failed);
            model.push(failed);
            if (model.length > capacity) model.shift();
            const half = Math.max(1, Math.floor(capacity / 2));
            const newer = model.slice(-half);
            const older = model.slice(0, Math.max(0, model.length - half));
            expect(w.size).toBe(model.length);
            expect(w.failures).toBe(count(model));
            expect(w.errorRate).toBeCloseTo(count(model) / model.length, 12);
            expect(w.recentFailures).toBe(count(model.slice(-Math.min(recentSize, capacity))));
            expect(w.newerHalfSize).toBe(newer.length);
            expect(w.newerHalfFailures).toBe(count(newer));
            expect(w.olderHalfSize).toBe(older.length);
            expect(w.olderHalfFailures).toBe(count(older));
            expect(w.lastFailed).toBe(failed);
          }
        },
      ),
    );
  });

  it('stays at capacity after 100k outcomes with exact counts', () => {
    const w = new OutcomeWindow({ capacity: 50 });
    for (let i = 0; i < 100_000; i++) w.record(i % 4 === 0);
    expect(w.size).toBe(50);
    // i = 99_950..99_999 holds 12 multiples of 4 (99_952 ... 99_996).
    expect(w.failures).toBe(12);
    expect(w.recentFailures).toBe(2); // 99_992 and 99_996
  });

  it('can be cleared', () => {
    const w = new OutcomeWindow({ capacity: 3 });
    w.record(true);
    w.clear();
    expect(w.size).toBe(0);
    expect(w.failures).toBe(0);
    w.record(false);
    expect(w.errorRate).toBe(0);
  });

  it('rejects invalid sizes', () => {
    expect(() => new OutcomeWindow({ capacity: 0 })).toThrow(RangeError);
    expect(() => new OutcomeWindow({ capacity: 2.5 })).toThrow(RangeError);
    expect(() => new OutcomeWindow({ recentSize: 0 })).toThrow(RangeError);
  });
});
