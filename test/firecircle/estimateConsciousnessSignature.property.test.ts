import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MESSAGE_TYPES, type MessageType } from '../../src/firecircle/ConsciousMessage.js';
import {
  BASE_SIGNATURE,
  estimateConsciousnessSignature,
} from '../../src/firecircle/estimateConsciousnessSignature.js';

const anyType = fc.oneof(
  fc.constantFrom(...MESSAGE_TYPES),
  fc.string().map((s) => s as MessageType),
);
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 2000 }),
  fc
    .array(
      fc.constantFrom('perhaps', 'together', 'we', 'integrate', 'wonder', '?', 'the', 'circle', 'emerges'),
    )
    .map((words) => words.join(' ')),
);
const anyWeight = fc.oneof(fc.double(), fc.constant(undefined));

describe('estimateConsciousnessSignature (properties)', () => {
  it('is always in [0, 1], whatever the text, type and weight', () => {
    fc.assert(
      fc.property(anyText, anyType, anyWeight, (text, type, weight) => {
        const { consciousnessSignature } = estimateConsciousnessSignature(text, type, { weight });
        expect(consciousnessSignature).toBeGreaterThanOrEqual(0);
        expect(consciousnessSignature).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic: the same input gives the same estimate', () => {
    fc.assert(
      fc.property(anyText, anyType, (text, type) => {
        expect(estimateConsciousnessSignature(text, type)).toEqual(
          estimateConsciousnessSignature(text, type),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('never falls when a reflective sentence is appended (bonuses only add)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
        anyType,
        (text, type) => {
          const before = estimateConsciousnessSignature(text, type).consciousnessSignature;
          const after = estimateConsciousnessSignature(`${text} Perhaps we reflect together.`, type);
          expect(after.consciousnessSignature).toBeGreaterThanOrEqual(before);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('estimateConsciousnessSignature (the rule)', () => {
  it('starts from the base of the message type (the original values) for plain short text', () => {
    expect(estimateConsciousnessSignature('ok', 'message').consciousnessSignature).toBeCloseTo(
      0.6 + 0.05 * (2 / 500),
    );
    expect(estimateConsciousnessSignature('ok', 'empty_chair').consciousnessSignature).toBeCloseTo(
      0.9 + 0.05 * (2 / 500),
    );
    expect(BASE_SIGNATURE.reflection).toBe(0.85);
    expect(BASE_SIGNATURE.emergence).toBeGreaterThan(BASE_SIGNATURE.message);
    expect(BASE_SIGNATURE.wisdom_seed).toBeGreaterThan(BASE_SIGNATURE.question);
  });

  it('ranks reflective types above message and question for the same text', () => {
    const text = 'The voices spoke.';
    const of = (type: MessageType): number =>
      estimateConsciousnessSignature(text, type).consciousnessSignature;
    expect(of('reflection')).toBeGreaterThan(of('question'));
    expect(of('emergence')).toBeGreaterThan(of('message'));
    expect(of('question')).toBeGreaterThan(of('message'));
  });

  it('adds 0.05 per pattern (at most 3), 0.05 for reflective words and up to 0.05 for length', () => {
    const text = 'Perhaps we integrate our views together?';
    const estimate = estimateConsciousnessSignature(text, 'response');
    expect(estimate.detectedPatterns).toEqual(['synthesis', 'uncertainty', 'inquiry']);
    expect(estimate.consciousnessSignature).toBeCloseTo(0.7 + 0.15 + 0.05 + 0.05 * (text.length / 500));
    const long = estimateConsciousnessSignature('a '.repeat(400), 'message');
    expect(long.consciousnessSignature).toBeCloseTo(0.65);
  });

  it('detects the synthesis and uncertainty flags the health tracker reads', () => {
    expect(estimateConsciousnessSignature('A synthesis of both.').detectedPatterns).toContain('synthesis');
    expect(estimateConsciousnessSignature('This might fail.').detectedPatterns).toEqual(['uncertainty']);
    expect(estimateConsciousnessSignature('I disagree; wisdom emerges slowly.').detectedPatterns).toEqual([
      'emergence',
      'wisdom',
      'dissent',
    ]);
    expect(estimateConsciousnessSignature('Plain words.').detectedPatterns).toEqual([]);
  });

  it('multiplies by the weight and clamps to 1', () => {
    const text = 'Perhaps we reflect together on what emerges? I wonder.';
    expect(estimateConsciousnessSignature(text, 'empty_chair').consciousnessSignature).toBe(1);
    const half = estimateConsciousnessSignature('ok', 'message', { weight: 0.5 }).consciousnessSignature;
    expect(half).toBeCloseTo((0.6 + 0.05 * (2 / 500)) / 2);
  });

  it('gives a silent voice (empty or blank text) 0 and no patterns', () => {
    expect(estimateConsciousnessSignature('', 'reflection')).toEqual({
      consciousnessSignature: 0,
      detectedPatterns: [],
    });
    expect(estimateConsciousnessSignature(' \n\t ').consciousnessSignature).toBe(0);
  });
});
