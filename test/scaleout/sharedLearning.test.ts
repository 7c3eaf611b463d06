import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import type { InfrastructurePattern } from '../../src/patterns/InfrastructurePattern.js';
import { sampleValue } from '../support/fixtures.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { memoryLogger } from '../support/memoryLogger.js';
import { connected, redisForSuite, until } from './sharedTestKit.js';

const suite = redisForSuite();
const brains = suite.brains;

function brain(namespace: string, shared: object = {}, config: Record<string, unknown> = {}) {
  const registry = new Registry();
  const infrastructure = new InfrastructureConsciousness({
    registry,
    logger: memoryLogger().logger,
    store: new MemoryStore(),
    config,
    // A 1.5 s instanceTtlMs puts the heartbeat, which carries healing outcomes and patterns, at 500 ms.
    shared: { redis: suite.redis.url, namespace, syncIntervalMs: 100, instanceTtlMs: 1_500, ...shared },
  });
  brains.push(infrastructure);
  return { infrastructure, registry };
}

/** Voices x and y fail once on `m` (by default with a 503, a failure the provider's other callers see too). */
function failXY(
  m: InfrastructureConsciousness,
  classification: object = { category: 'overloaded', message: '503' },
) {
  for (const v of ['x', 'y']) {
    const voice = m.voice(v);
    voice.attemptFailed(voice.method('send'), 'send', classification as never, 1, 1);
  }
}

/** Fleet-aware brains named by `ids`, voices failing together from two (resonanceFailureThreshold 2). */
const fleetOf = (namespace: string, ids: string[], shared: object) =>
  ids.map(
    (id) => brain(namespace, { instanceId: id, ...shared }, { resonanceFailureThreshold: 2 }).infrastructure,
  );

const pattern = (id: string): InfrastructurePattern => ({
  patternId: id,
  patternType: 'api_change',
  affectedAdapters: ['openai'],
  detectionTime: new Date().toISOString(),
  confidence: 0.9,
  predictedImpact: 'moderate',
  suggestedAction: 'adapt',
  evidence: {},
  similarPastPatterns: [],
  successfulResolutions: [],
});

describe('shared learning', () => {
  it('healing outcomes are counted fleet-wide: each instance’s policy sees every instance’s outcomes', async () => {
    const a = brain('learn1').infrastructure;
    const b = brain('learn1').infrastructure;
    await connected(a, b);
    for (let i = 0; i < 3; i++)
      a.memory.recordHealingOutcome('resonance', 'overloaded', 'retry_strategy', true, Date.now());
    b.memory.recordHealingOutcome('resonance', 'overloaded', 'retry_strategy', false, Date.now());
    const fleet = { successes: 3, failures: 1 };
    await until(
      () =>
        [a, b].every(
          (x) =>
            JSON.stringify(x.memory.healingStats('resonance', 'overloaded').retry_strategy) ===
            JSON.stringify(fleet),
        ),
      'both see 3 successes and 1 failure',
    );
    expect(await suite.admin.hGetAll('learn1:healing')).toEqual({
      'resonance|overloaded|retry_strategy|s': '3',
      'resonance|overloaded|retry_strategy|f': '1',
    });
    expect(await suite.admin.pTTL('learn1:healing')).toBeGreaterThan(0);
  });

  it('aliases are versioned facts: a newer one wins everywhere, an older write never overwrites it', async () => {
    const a = brain('learn2').infrastructure;
    const b = brain('learn2').infrastructure;
    await connected(a, b);
    a.learnAlias('legacy', 'chat', 'send_chat');
    await until(() => b.learnedAlias('legacy', 'chat') === 'send_chat', 'B learned the alias');
    const field = 'alias|legacy|chat';
    // An instance whose fact is older (learned earlier by its clock, or a slow write) loses.
    const late = new InfrastructureConsciousness({
      registry: new Registry(),
      logger: memoryLogger().logger,
      store: new MemoryStore(),
      clock: () => Date.now() - 60_000,
      shared: { redis: suite.redis.url, namespace: 'learn2', syncIntervalMs: 100 },
    });
    brains.push(late);
    await connected(late);
    late.learnAlias('legacy', 'chat', 'old_chat');
    await until(() => late.memory.learnedAlias('legacy', 'chat') === 'old_chat', 'late learned its own');
    const syncs = b.shared!.syncs;
    await until(() => b.shared!.syncs >= syncs + 3, 'B synced again');
    expect((await suite.admin.hGet('learn2:facts', field))?.split('|')[1]).toBe('send_chat');
    expect(b.learnedAlias('legacy', 'chat')).toBe('send_chat');
    const c = brain('learn2').infrastructure;
    await connected(c);
    await until(
      () => c.memory.learnedAlias('legacy', 'chat') === 'send_chat',
      'a new instance read the facts',
    );
    expect(await suite.admin.pTTL('learn2:facts')).toBeGreaterThan(0);
  });

  it('patterns are appended to shared memory, capped per type like the file store', async () => {
    const a = brain('learn3', {}, { patternsPerTypeLimit: 3 }).infrastructure;
    const b = brain('learn3', {}, { patternsPerTypeLimit: 3 }).infrastructure;
    await connected(a, b);
    for (let i = 0; i < 5; i++) a.shared!.patternRemembered(pattern(`p${i}`));
    await until(() => b.memory.patterns.some((p) => p.patternId === 'p4'), 'B remembers the newest pattern');
    expect(await suite.admin.lLen('learn3:patterns:api_change')).toBe(3);
    expect(b.memory.patterns.map((p) => p.patternId)).toEqual(['p2', 'p3', 'p4']);
  });

  it('quorum: with quorum 3, two instances seeing three voices fail make no fleet resonance; the third makes it', async () => {
    const made = fleetOf('learn4', ['a', 'b', 'c'], { quorum: 3 });
    await connected(...made);
    const fleet: InfrastructurePattern[][] = made.map(() => []);
    made.forEach((m, k) => m.on('pattern', (p) => p.evidence.scope === 'fleet' && fleet[k]!.push(p)));
    failXY(made[0]!);
    failXY(made[1]!);
    const syncs = made.map((m) => m.shared!.syncs);
    await until(() => made.every((m, k) => m.shared!.syncs >= syncs[k]! + 3), 'three more syncs');
    expect(fleet.flat()).toEqual([]);
    failXY(made[2]!);
    await until(() => fleet.every((f) => f.length === 1), 'all three report it');
    expect(fleet[0]![0]!.evidence).toMatchObject({ instances: ['a', 'b', 'c'], quorum: 3, liveInstances: 3 });
    expect(made[0]!.activePatterns().some((p) => p.evidence.scope === 'fleet')).toBe(true);
  });

  it('a failed DNS lookup stays local: on both instances it makes no fleet resonance, a reset connection does', async () => {
    const made = fleetOf('learn7', ['a', 'b'], { quorum: 2 });
    await connected(...made);
    const fleet: InfrastructurePattern[] = [];
    made[0]!.on('pattern', (p) => p.evidence.scope === 'fleet' && fleet.push(p));
    const fail = (code: string) =>
      made.forEach((m) => failXY(m, { category: 'network', code, message: code }));
    fail('ENOTFOUND');
    const syncs = made.map((m) => m.shared!.syncs);
    await until(() => made.every((m, k) => m.shared!.syncs >= syncs[k]! + 3), 'three more syncs');
    expect(fleet).toEqual([]);
    expect(made[0]!.shared!.instances.every((i) => Object.keys(i.failing).length === 0)).toBe(true);
    fail('ECONNRESET');
    await until(() => fleet.length === 1, 'the fleet resonance of a provider-side network failure');
    expect(fleet[0]!.evidence).toMatchObject({ instances: ['a', 'b'], quorum: 2 });
  });

  it('a fleet resonance ends everywhere with the next round once its voices recover, not at the heartbeat', async () => {
    // A 300 s instanceTtlMs puts the heartbeat 100 s away: only the prompt recovery can end it here.
    const made = fleetOf('learn8', ['a', 'b'], { quorum: 2, instanceTtlMs: 300_000 });
    await connected(...made);
    made.forEach((m) => failXY(m));
    await until(
      () => made.every((m) => m.shared!.activeResonance !== undefined),
      'the fleet resonance everywhere',
    );
    for (const v of ['x', 'y']) made[0]!.voice(v).attemptSucceeded(5, { ok: true });
    await until(
      () => made.every((m) => m.shared!.activeResonance === undefined),
      'the fleet resonance ended on both instances',
    );
  });

  it('an instance that stops syncing drops out of the live set after instanceTtlMs', async () => {
    const a = brain('learn5', { instanceId: 'stays', instanceTtlMs: 600 }).infrastructure;
    const b = brain('learn5', { instanceId: 'leaves', instanceTtlMs: 600 }).infrastructure;
    await connected(a, b);
    await until(() => a.shared!.instances.length === 2, 'both live');
    await b.shared!.close();
    await until(
      () => a.shared!.instances.map((i) => i.instanceId).join() === 'stays',
      'the closed one dropped out',
    );
  });

  it('a command slower than commandTimeoutMs counts as a failed sync; calls are unaffected', async () => {
    const { infrastructure: a, registry } = brain('learn6', { commandTimeoutMs: 50 });
    await connected(a);
    const failures = async () =>
      (await sampleValue(registry, 'fire_circle_shared_state_sync_failures_total', {})) ?? 0;
    const before = await failures();
    const sleeping = suite.admin.sendCommand(['DEBUG', 'SLEEP', '0.5']); // the server is blocked for 500 ms
    const wrapped = withConsciousness(
      { ask: async (q: string) => `answer to ${q}` },
      { name: 'steady', infrastructure: a },
    );
    a.voice('steady').coolDown(Date.now() + 10, 'rate_limited'); // a write while Redis is stuck: fire and forget
    await expect(wrapped.ask('q')).resolves.toBe('answer to q');
    await sleeping;
    await until(async () => (await failures()) > before, 'a timed-out command counted');
    await until(() => a.shared!.up, 'back up');
  });
});
