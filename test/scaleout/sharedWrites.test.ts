import { describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import type { InfrastructurePattern } from '../../src/patterns/InfrastructurePattern.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, sampleValue } from '../support/fixtures.js';
import { connected, redisForSuite, until } from './sharedTestKit.js';
import { settled } from '../support/VirtualClock.js';

/** How shared writes travel: nothing per call, batched, kept through an outage, applied once. */
const suite = redisForSuite();
const brains = suite.brains;

function brain(namespace: string | undefined, shared: object = {}) {
  const { infrastructure, registry, logLines } = freshInfrastructure(
    undefined,
    namespace === undefined
      ? {}
      : { shared: { redis: suite.redis.url, namespace, syncIntervalMs: 100, ...shared } },
  );
  brains.push(infrastructure);
  return { infrastructure, registry, lines: logLines };
}

describe('shared writes', () => {
  it('healing outcomes during a frozen Redis are counted once when it answers again, and reach every instance', async () => {
    // The heartbeat, which carries healing outcomes, every 500 ms.
    const { infrastructure: a, registry } = brain('w2', { commandTimeoutMs: 50, instanceTtlMs: 1_500 });
    const { infrastructure: b } = brain('w2', { instanceTtlMs: 1_500 });
    await connected(a, b);
    const failures = async () =>
      (await sampleValue(registry, 'fire_circle_shared_state_sync_failures_total', {})) ?? 0;
    const before = await failures();
    suite.redis.pause();
    try {
      for (let i = 0; i < 3; i++)
        a.memory.recordHealingOutcome('degradation', 'timeout', 'reconnect', true, Date.now());
      // The batch is sent, times out, and is sent again (same id) on the next rounds.
      await until(async () => (await failures()) >= before + 3, 'the batch timed out three times');
    } finally {
      suite.redis.resume();
    }
    await until(
      () => b.memory.healingStats('degradation', 'timeout').reconnect.successes === 3,
      'B sees the three outcomes',
    );
    await connected(a, b);
    // Redis ran every copy of the batch it had received once it resumed: applied once all the same.
    expect(await suite.admin.hGetAll('w2:healing')).toEqual({ 'degradation|timeout|reconnect|s': '3' });
    expect(a.memory.healingStats('degradation', 'timeout').reconnect.successes).toBe(3);
  });

  it('Redis answering errors (a key of the wrong type): one warning, gauge 0, failed syncs counted, calls unaffected; then it resumes', async () => {
    const { infrastructure: a, registry, lines } = brain('w4', { instanceTtlMs: 600 });
    await connected(a);
    const failures = async () =>
      (await sampleValue(registry, 'fire_circle_shared_state_sync_failures_total', {})) ?? 0;
    const before = await failures();
    // Every flush (the heartbeat, every 200 ms here) touches the cool-down set: now a string.
    await suite.admin.set('w4:cooldowns', 'not a sorted set');
    await until(async () => (await failures()) >= before + 3, 'three failed syncs');
    expect(await sampleValue(registry, 'fire_circle_shared_state_up', {})).toBe(0);
    const wrapped = withConsciousness(
      { ask: async (q: number) => q + 1 },
      { name: 'steady', infrastructure: a },
    );
    for (let i = 0; i < 20; i++) await expect(wrapped.ask(i)).resolves.toBe(i + 1);
    const warnings = lines().filter((l) => l.includes('unreachable or failing'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('WRONGTYPE');
    await suite.admin.del('w4:cooldowns');
    await until(
      async () => (await sampleValue(registry, 'fire_circle_shared_state_up', {})) === 1,
      'up again',
    );
  });

  it('an API change one instance found is known to the others: they do not report it again', async () => {
    const detected = (m: InfrastructureConsciousness) => {
      const found: InfrastructurePattern[] = [];
      m.on('pattern', (p) => p.patternType === 'api_change' && found.push(p));
      return found;
    };
    const callsThrough = async (m: InfrastructureConsciousness) => {
      let shape: 'old' | 'new' = 'old';
      const wrapped = withConsciousness(
        { ask: async () => (shape === 'old' ? { text: 'x', tokens: 1 } : { content: 'x', tokens: 1 }) },
        { name: 'shapes', infrastructure: m },
      );
      for (let i = 0; i < 6; i++) await wrapped.ask();
      shape = 'new';
      for (let i = 0; i < 4; i++) await wrapped.ask();
    };
    const { infrastructure: a } = brain('w3');
    await connected(a);
    const foundByA = detected(a);
    await callsThrough(a);
    // The pattern event comes after the call that raised it.
    await until(async () => foundByA.length > 0, 'A reports the shape change');
    expect(foundByA.map((p) => p.evidence.trigger)).toEqual(['shape_change']);
    await until(
      async () => (await suite.admin.hGet('w3:facts', 'shape|shapes')) !== null,
      'the shape stored',
    );

    const { infrastructure: b } = brain('w3');
    await connected(b);
    const foundByB = detected(b);
    await callsThrough(b);
    await settled(); // what the calls' patterns set off has run
    expect(foundByB).toEqual([]);

    const { infrastructure: alone } = brain(undefined); // the same calls without sharing: reported
    const foundAlone = detected(alone);
    await callsThrough(alone);
    await settled();
    expect(foundAlone).toHaveLength(1);
  });
});
