import { describe, expect, it } from 'vitest';
import { assistantText, chunkText } from '../../src/lab/assistantText.js';
import { createSeededRandom, hashSeed } from '../../src/lab/seededRandom.js';

describe('createSeededRandom', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const take = (seed: number): number[] => {
      const r = createSeededRandom(seed);
      return Array.from({ length: 5 }, r);
    };
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const r = createSeededRandom(7);
    const buckets = new Array<number>(10).fill(0);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = r();
      min = Math.min(min, x);
      max = Math.max(max, x);
      buckets[Math.floor(x * 10)]! += 1;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const b of buckets) expect(b).toBeGreaterThan(1_700);
  });
});

describe('hashSeed and assistantText', () => {
  it('hashes parts stably and keeps part boundaries', () => {
    expect(hashSeed(1, 'a')).toBe(hashSeed(1, 'a'));
    expect(hashSeed('ab', 'c')).not.toBe(hashSeed('a', 'bc'));
  });

  it('echoes the prompt and follows from seed and prompt only', () => {
    const text = assistantText(3, 'tell me about the fire circle and its many voices');
    expect(text).toMatch(/^You said: tell me about the fire circle… [A-Z]/);
    expect(assistantText(3, 'tell me about the fire circle and its many voices')).toBe(text);
    const phrases = new Set(Array.from({ length: 20 }, (_, seed) => assistantText(seed, 'x')));
    expect(phrases.size).toBeGreaterThan(1);
  });

  it('chunks text into word deltas that join back to the text', () => {
    const text = assistantText(1, 'hello there');
    const chunks = chunkText(text);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.join('')).toBe(text);
  });
});
