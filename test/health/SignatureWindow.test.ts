import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { coherenceOf, stabilityOf } from '../../src/health/consciousnessSignals.js';
import { SignatureWindow } from '../../src/health/SignatureWindow.js';

describe('SignatureWindow', () => {
  it('starts fully coherent and stable', () => {
    const w = new SignatureWindow();
    expect(w.coherence).toBe(1);
    expect(w.stability).toBe(1);
    expect(w.size).toBe(0);
  });

  it('matches coherenceOf and stabilityOf over any history, holding at most 10', () => {
    const signature = fc.record({
      value: fc.double({ min: 0, max: 1, noNaN: true }),
      flags: fc.option(fc.record({ synthesis: fc.boolean(), uncertainty: fc.boolean() }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(signature, { maxLength: 60 }), (history) => {
        const w = new SignatureWindow();
        for (const s of history) w.record(s.value, s.flags);
        const flagged = history.flatMap((s) => (s.flags === undefined ? [] : [s.flags]));
        expect(w.coherence).toBeCloseTo(coherenceOf(history.map((s) => s.value)), 10);
        expect(w.stability).toBeCloseTo(stabilityOf(flagged), 12);
        expect(w.size).toBe(Math.min(history.length, 10));
        expect(w.flaggedSize).toBe(Math.min(flagged.length, 10));
      }),
    );
  });

  it('ignores non-finite values and clamps the rest', () => {
    const w = new SignatureWindow();
    w.record(Number.NaN);
    expect(w.size).toBe(0);
    w.record(5);
    w.record(1);
    expect(w.coherence).toBe(1);
  });
});
