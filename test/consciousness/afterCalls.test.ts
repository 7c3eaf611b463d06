import { describe, expect, it } from 'vitest';
import { AfterCalls } from '../../src/consciousness/AfterCalls.js';
import type { InfrastructurePattern } from '../../src/patterns/InfrastructurePattern.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure } from '../support/fixtures.js';
import { settled } from '../support/VirtualClock.js';

describe('AfterCalls', () => {
  it('runs its jobs in order after the current promise jobs, those queued meanwhile in the same turn', async () => {
    const errors: unknown[] = [];
    const later = new AfterCalls((err) => errors.push(err));
    const ran: string[] = [];
    later.add(() => ran.push('a'));
    later.add(() => {
      ran.push('b');
      later.add(() => ran.push('d'));
      throw new Error('job b failed');
    });
    later.add(() => ran.push('c'));
    // A continuation many promise jobs away still runs before them.
    let chain = Promise.resolve();
    for (let i = 0; i < 50; i++) chain = chain.then(() => undefined);
    await chain.then(() => ran.push('caller'));
    expect(later.pending).toBe(3);
    await later.drained();
    expect(ran).toEqual(['caller', 'a', 'b', 'c', 'd']);
    expect(errors).toHaveLength(1);
    expect(later.pending).toBe(0);
    await expect(later.drained()).resolves.toBeUndefined();
  });
});

describe('what a pattern sets off runs after the call that raised it delivered its result', () => {
  it('the pattern event and the healing action come after the caller resumed, in order', async () => {
    const { infrastructure } = freshInfrastructure();
    const voice = withConsciousness(
      {
        providerName: 'mistral',
        sendMessage: async (): Promise<never> => {
          throw Object.assign(new Error('internal error'), { status: 500 });
        },
      },
      { infrastructure, retry: { maxAttempts: 1 }, breaker: { volumeThreshold: 1_000 } },
    );
    let callerResumed = false;
    const seen: string[] = [];
    infrastructure.on('pattern', (p: InfrastructurePattern) =>
      seen.push(`pattern ${p.patternType} (caller resumed: ${callerResumed})`),
    );
    infrastructure.on('healing', (h) =>
      seen.push(`healing ${h.targetAdapter} (caller resumed: ${callerResumed})`),
    );
    for (let i = 0; i < 2; i++) await voice.sendMessage().catch(() => undefined);
    expect(seen).toEqual([]);
    // The third failure in a row is degradation: raised on this call, acted on after it.
    await voice.sendMessage().catch(() => {
      callerResumed = true;
      expect(infrastructure.healingActions()).toEqual([]);
    });
    expect(callerResumed).toBe(true);
    // The detector's state changed on the call itself.
    expect(infrastructure.activePatterns().map((p) => p.patternType)).toEqual(['degradation']);
    await settled();
    expect(seen).toEqual([
      'pattern degradation (caller resumed: true)',
      'healing mistral (caller resumed: true)',
    ]);
    expect(infrastructure.healingActions()).toHaveLength(1);
  });
});
