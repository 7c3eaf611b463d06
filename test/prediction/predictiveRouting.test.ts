import { describe, expect, it } from 'vitest';
import type { InfrastructurePattern } from '../../src/patterns/InfrastructurePattern.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { learningBrain, message } from '../support/fixtures.js';
import { settled } from '../support/VirtualClock.js';

const T0 = Date.UTC(2026, 0, 1);

/**
 * A voice that answers 20 calls, then answers 503 to every call, wrapped with a fallback; four calls a second. The
 * call path's random draw makes every fourth routed call a probe of the voice.
 */
function failingCircle(config: Record<string, unknown>) {
  let now = T0;
  const brain = learningBrain(() => now, config);
  const patterns: { pattern: InfrastructurePattern; failuresBefore: number }[] = [];
  const predictions: number[] = [];
  let primaryCalls = 0;
  brain.on('pattern', (pattern) =>
    patterns.push({ pattern, failuresBefore: Math.max(0, primaryCalls - 20) }),
  );
  brain.on('prediction', (p) => predictions.push(p.probability));
  let fallbackCalls = 0;
  let draws = 0;
  const voice = withConsciousness(
    {
      providerName: 'local',
      sendMessage: async () => {
        primaryCalls++;
        if (primaryCalls <= 20) return message('primary');
        throw Object.assign(new Error('overloaded'), { status: 503 });
      },
    },
    {
      infrastructure: brain,
      fallbacks: [{ providerName: 'backup', sendMessage: async () => (fallbackCalls++, message('backup')) }],
      retry: { maxAttempts: 1 },
      breaker: { volumeThreshold: 1_000 },
    },
    { random: () => (draws++ % 4 === 0 ? 0 : 0.99) },
  );
  return {
    brain,
    patterns,
    predictions,
    counts: () => ({ primaryCalls, fallbackCalls }),
    // Calls 250 ms apart: what a call's pattern sets off has run before the next one (AfterCalls).
    call: async (): Promise<string> => {
      now += 250;
      const text = (await voice.sendMessage()).content.text;
      await settled();
      return text;
    },
  };
}

describe('predictive routing on the call path', () => {
  it('sends most calls of a voice predicted to fail to its fallback, probes it, and records the degradation', async () => {
    const circle = failingCircle({});
    for (let i = 0; i < 20; i++) expect(await circle.call()).toBe('primary');
    const replies: string[] = [];
    for (let i = 0; i < 12; i++) replies.push(await circle.call());
    // Every caller got an answer: the failed probes fell back at once, the routed calls never tried the voice.
    expect(replies.every((r) => r === 'backup')).toBe(true);
    const { primaryCalls, fallbackCalls } = circle.counts();
    expect(fallbackCalls).toBe(12);
    expect(primaryCalls - 20).toBeGreaterThanOrEqual(2);
    expect(primaryCalls - 20).toBeLessThanOrEqual(7); // the rest were routed away
    expect(circle.predictions.length).toBeGreaterThan(0);
    expect(circle.predictions[0]).toBeGreaterThanOrEqual(0.7);
    // The voice is seen to degrade at its second failure: routing would keep the streak of three waiting for probes.
    const degradation = circle.patterns.find((p) => p.pattern.patternType === 'degradation');
    expect(degradation?.pattern.affectedAdapters).toEqual(['local']);
    expect(degradation?.pattern.category).toBe('overloaded');
    expect(degradation?.failuresBefore).toBe(2);
  });

  it('routes nothing below predictiveRoutingThreshold, and nothing with prediction off', async () => {
    // Healing off: the healer routes a degraded voice with a fallback by itself (its own route, not a prediction's).
    for (const config of [
      { predictiveRoutingThreshold: 1, enableSelfHealing: false },
      { enablePrediction: false, enableSelfHealing: false },
    ]) {
      const circle = failingCircle(config);
      for (let i = 0; i < 20; i++) await circle.call();
      for (let i = 0; i < 6; i++) expect(await circle.call()).toBe('backup');
      // Every call tried the voice first: the fallback served only after the voice failed.
      expect(circle.counts()).toEqual({ primaryCalls: 26, fallbackCalls: 6 });
      // The ordinary streak of three found the degradation.
      const degradation = circle.patterns.find((p) => p.pattern.patternType === 'degradation');
      expect(degradation?.pattern.affectedAdapters).toEqual(['local']);
      expect(degradation?.failuresBefore).toBe(3);
    }
  });
});
