import { describe, expect, it } from 'vitest';
import { consciousnessFromHealth } from '../../../src/consciousness/bridge/consciousnessFromHealth.js';
import { unityScore } from '../../../src/consciousness/bridge/unityScore.js';

describe('consciousnessFromHealth', () => {
  it('test case 13: (connected, 0.8, 0.7, 0.1) → 0.84', () => {
    const value = consciousnessFromHealth({
      isConnected: true,
      consciousnessCoherence: 0.8,
      voiceStability: 0.7,
      predictedFailureProbability: 0.1,
    });
    expect(value).toBeCloseTo(0.84, 12);
  });

  it('test case 13: (disconnected, 0.2, 0.1, 0.9) → 0.0', () => {
    const value = consciousnessFromHealth({
      isConnected: false,
      consciousnessCoherence: 0.2,
      voiceStability: 0.1,
      predictedFailureProbability: 0.9,
    });
    expect(value).toBe(0);
  });

  it('clamps to 1 at the top', () => {
    expect(
      consciousnessFromHealth({
        isConnected: true,
        consciousnessCoherence: 1,
        voiceStability: 1,
        predictedFailureProbability: 0,
      }),
    ).toBe(1);
  });
});

describe('unityScore', () => {
  it('is 1 − |health − consciousness|, +0.1 with synthesis, capped at 1', () => {
    expect(unityScore(0.9, 0.6, false)).toBeCloseTo(0.7, 12);
    expect(unityScore(0.9, 0.6, true)).toBeCloseTo(0.8, 12);
    expect(unityScore(0.8, 0.8, true)).toBe(1);
    expect(unityScore(1, 0, false)).toBe(0);
  });
});
