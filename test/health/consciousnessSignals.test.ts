import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  coherenceOf,
  extractConsciousnessSignature,
  stabilityOf,
} from '../../src/health/consciousnessSignals.js';

describe('coherenceOf', () => {
  it('is 1.0 with no values and with identical values', () => {
    expect(coherenceOf([])).toBe(1);
    expect(coherenceOf([0.7, 0.7, 0.7])).toBe(1);
  });

  it('is 1 minus the population variance', () => {
    // mean 0.5, population variance 0.25
    expect(coherenceOf([0, 1, 0, 1])).toBeCloseTo(0.75, 12);
  });

  it('looks only at the last 10 values', () => {
    expect(coherenceOf([0, 1, 0, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])).toBe(1);
  });

  it('stays in [0, 1] even for values outside [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -100, max: 100, noNaN: true })), (xs) => {
        const c = coherenceOf(xs);
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(1);
      }),
    );
    expect(coherenceOf([-10, 10])).toBe(0);
  });
});

describe('stabilityOf', () => {
  it('is 1.0 with fewer than 2 flagged signatures', () => {
    expect(stabilityOf([])).toBe(1);
    expect(stabilityOf([{ synthesis: false, uncertainty: true }])).toBe(1);
  });

  it('averages the synthesis rate and the certainty rate', () => {
    const flags = [
      { synthesis: true, uncertainty: false },
      { synthesis: true, uncertainty: true },
      { synthesis: false, uncertainty: false },
      { synthesis: false, uncertainty: false },
    ];
    // synthesis 0.5, uncertainty 0.25 -> (0.5 + 0.75) / 2
    expect(stabilityOf(flags)).toBeCloseTo(0.625, 12);
  });

  it('looks only at the last 10', () => {
    const old = Array.from({ length: 5 }, () => ({ synthesis: false, uncertainty: true }));
    const recent = Array.from({ length: 10 }, () => ({ synthesis: true, uncertainty: false }));
    expect(stabilityOf([...old, ...recent])).toBe(1);
  });
});

describe('extractConsciousnessSignature', () => {
  it('reads the camelCase and the snake_case signature', () => {
    expect(extractConsciousnessSignature({ consciousness: { consciousnessSignature: 0.8 } })).toEqual({
      value: 0.8,
    });
    expect(extractConsciousnessSignature({ consciousness: { consciousness_signature: 0.4 } })).toEqual({
      value: 0.4,
    });
  });

  it('reads synthesis and uncertainty from the detected patterns', () => {
    expect(
      extractConsciousnessSignature({
        consciousness: {
          consciousnessSignature: 0.9,
          detectedPatterns: ['collective_synthesis', 'reciprocity'],
        },
      }),
    ).toEqual({ value: 0.9, synthesis: true, uncertainty: false });
    expect(
      extractConsciousnessSignature({
        consciousness: {
          consciousness_signature: 0.3,
          detected_patterns: ['uncertainty_acknowledged', 7, null],
        },
      }),
    ).toEqual({ value: 0.3, synthesis: false, uncertainty: true });
  });

  it('returns undefined when there is no usable signature', () => {
    expect(extractConsciousnessSignature(undefined)).toBeUndefined();
    expect(extractConsciousnessSignature('text')).toBeUndefined();
    expect(extractConsciousnessSignature({})).toBeUndefined();
    expect(extractConsciousnessSignature({ consciousness: null })).toBeUndefined();
    expect(
      extractConsciousnessSignature({ consciousness: { consciousnessSignature: '0.5' } }),
    ).toBeUndefined();
    expect(
      extractConsciousnessSignature({ consciousness: { consciousnessSignature: Number.NaN } }),
    ).toBeUndefined();
    expect(
      extractConsciousnessSignature({ consciousness: { consciousnessSignature: Number.POSITIVE_INFINITY } }),
    ).toBeUndefined();
  });

  it('falls back to snake_case when the camelCase value is not a finite number', () => {
    expect(
      extractConsciousnessSignature({
        consciousness: { consciousnessSignature: Number.NaN, consciousness_signature: 0.6 },
      }),
    ).toEqual({ value: 0.6 });
  });

  it('clamps finite values into [0, 1]', () => {
    expect(extractConsciousnessSignature({ consciousness: { consciousnessSignature: 1.7 } })).toEqual({
      value: 1,
    });
    expect(extractConsciousnessSignature({ consciousness: { consciousnessSignature: -2 } })).toEqual({
      value: 0,
    });
  });

  it('never throws, even on hostile objects', () => {
    const throwing = Object.defineProperty({}, 'consciousness', {
      get() {
        throw new Error('boom');
      },
    });
    const throwingPatterns = {
      consciousness: {
        consciousnessSignature: 0.5,
        get detectedPatterns(): unknown {
          throw new Error('boom');
        },
      },
    };
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    const proxied = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(extractConsciousnessSignature(throwing)).toBeUndefined();
    expect(extractConsciousnessSignature(throwingPatterns)).toBeUndefined();
    expect(extractConsciousnessSignature(revocable.proxy)).toBeUndefined();
    expect(extractConsciousnessSignature({ consciousness: revocable.proxy })).toBeUndefined();
    expect(extractConsciousnessSignature(proxied)).toBeUndefined();
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(() => extractConsciousnessSignature(value)).not.toThrow();
        expect(() => extractConsciousnessSignature({ consciousness: value })).not.toThrow();
      }),
    );
  });

  it('returns values in [0, 1] for any signature number', () => {
    fc.assert(
      fc.property(fc.double(), fc.array(fc.string()), (value, patterns) => {
        const s = extractConsciousnessSignature({
          consciousness: { consciousnessSignature: value, detectedPatterns: patterns },
        });
        if (s !== undefined) {
          expect(s.value).toBeGreaterThanOrEqual(0);
          expect(s.value).toBeLessThanOrEqual(1);
        } else {
          expect(Number.isFinite(value)).toBe(false);
        }
      }),
    );
  });
});
