import { describe, expect, it } from 'vitest';
import type { InfrastructurePattern } from '../../src/patterns/InfrastructurePattern.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, message } from '../support/fixtures.js';
import { settled } from '../support/VirtualClock.js';

describe('detectors count every call (issue 10, finding 12)', () => {
  it('a burst of sub-millisecond successes then an API change is reported', async () => {
    // Ten successes inside one millisecond (the default learningIntervalMs), then the provider
    // starts answering null: the detector has seen ten successes, not one.
    let now = 1_800_000_000_000;
    const clock = (): number => (now += 0.01);
    const { infrastructure } = freshInfrastructure(clock);
    expect(infrastructure.config.learningIntervalMs).toBe(1);
    const patterns: InfrastructurePattern[] = [];
    infrastructure.on('pattern', (p) => patterns.push(p));
    let changed = false;
    const voice = withConsciousness(
      { providerName: 'bursty', sendMessage: async (_m?: unknown) => (changed ? null : message('ok')) },
      { infrastructure, retry: { maxAttempts: 1 } },
    );
    const started = now;
    for (let i = 0; i < 10; i++) await voice.sendMessage(message());
    expect(now - started).toBeLessThan(1);
    changed = true;
    await expect(voice.sendMessage(message())).rejects.toThrow();
    await settled(); // the pattern event comes after the call
    expect(patterns.map((p) => p.patternType)).toContain('api_change');
    expect(patterns.find((p) => p.patternType === 'api_change')!.affectedAdapters).toEqual(['bursty']);
  });
});
