import { describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import type { RedisClientLike } from '../../src/scaleout/RedisClientLike.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, sampleValue } from '../support/fixtures.js';
import { clientLike, connected, realClient, redisForSuite, until } from './sharedTestKit.js';

/** The background refresh of the fleet's state, and the Redis version read at connect. */
const suite = redisForSuite();

function brain(namespace: string, shared: object = {}) {
  const made = freshInfrastructure(undefined, {
    config: { resonanceFailureThreshold: 2 },
    shared: { redis: suite.redis.url, namespace, syncIntervalMs: 100, ...shared },
  });
  suite.brains.push(made.infrastructure);
  return made;
}

/**
 * Runs `test` with a client on the suite's server, changed as `clientLike` does; the client is
 * closed after the test (the brain given it must be closed first: it leaves a client passed in open).
 */
async function withChangedClient(
  change: Parameters<typeof clientLike>[1],
  test: (client: RedisClientLike) => Promise<void>,
): Promise<void> {
  const real = await realClient(suite.redis.url);
  try {
    await test(clientLike(real, change));
  } finally {
    await real.close?.();
  }
}

/** Voices x and y fail on `m` with a 503 (a failure the provider's other callers would see too). */
function failXY(m: InfrastructureConsciousness) {
  for (const v of ['x', 'y']) {
    const voice = m.voice(v);
    voice.attemptFailed(
      voice.method('send'),
      'send',
      { category: 'overloaded', message: '503' } as never,
      1,
      1,
    );
  }
}

const failingSeenBy = (m: InfrastructureConsciousness, id: string) =>
  m.shared!.instances.find((i) => i.instanceId === id)?.failing;

describe('shared state refresh and Redis version', () => {
  it('a failure and a recovery on one instance reach another that hears no pub/sub, by the refresh', () =>
    withChangedClient({ deaf: true }, async (deaf) => {
      // A 600 s instanceTtlMs puts both heartbeats 200 s away: only the refresh can carry the
      // summaries to B, whose subscriber subscribes to nothing.
      const a = brain('rf1', { instanceId: 'a', instanceTtlMs: 600_000 }).infrastructure;
      const b = brain('rf1', {
        instanceId: 'b',
        instanceTtlMs: 600_000,
        refreshIntervalMs: 200,
        redis: deaf,
      }).infrastructure;
      try {
        await connected(a, b);
        await until(() => failingSeenBy(b, 'a') !== undefined, 'B read A’s summary');
        failXY(a);
        await until(() => failingSeenBy(b, 'a')?.x === 'overloaded', 'B read A’s failing voices');
        expect(failingSeenBy(b, 'a')).toEqual({ x: 'overloaded', y: 'overloaded' });
        // Not named by a fleet resonance (B does not see them fail): the recovery goes with A's next
        // refresh instead of its heartbeat.
        for (const v of ['x', 'y']) a.voice(v).attemptSucceeded(5, { ok: true });
        await until(() => Object.keys(failingSeenBy(b, 'a') ?? { x: 1 }).length === 0, 'B read A’s recovery');
        expect(b.shared!.refreshes).toBeGreaterThan(0);
      } finally {
        await b.shared!.close();
      }
    }));

  it('a cool-down whose message was missed is read by the refresh', () =>
    withChangedClient({ deaf: true }, async (deaf) => {
      const a = brain('rf2', { instanceTtlMs: 600_000 }).infrastructure;
      const b = brain('rf2', { instanceTtlMs: 600_000, refreshIntervalMs: 200, redis: deaf }).infrastructure;
      try {
        await connected(a, b);
        const deadline = Date.now() + 30_000;
        a.voice('shared').coolDown(deadline, 'rate_limited');
        // B's voice exists before: the cool-down is pushed into it (staggered after the deadline).
        b.voice('shared');
        await until(() => b.voice('shared').cooldownUntil() >= deadline, 'B read the cool-down');
      } finally {
        await b.shared!.close();
      }
    }));

  it('an idle instance sends one command per refresh and nothing per successful call', async () => {
    const a = brain('rf3', { instanceTtlMs: 600_000, refreshIntervalMs: 100 }).infrastructure;
    await connected(a);
    const wrapped = withConsciousness(
      { ask: async (q: number) => q * 2 },
      { name: 'quiet', infrastructure: a },
    );
    await wrapped.ask(0);
    const rounds = a.shared!.syncs;
    await until(() => a.shared!.syncs >= rounds + 2, 'two rounds after the first call');
    const [commands, refreshes] = [a.shared!.commandsSent, a.shared!.refreshes];
    for (let i = 0; i < 500; i++) await wrapped.ask(i);
    const after = a.shared!.syncs;
    await until(() => a.shared!.syncs >= after + 3, 'three rounds after the calls');
    expect(a.shared!.refreshes - refreshes).toBeGreaterThanOrEqual(3);
    expect(a.shared!.commandsSent - commands).toBe(a.shared!.refreshes - refreshes);
  });

  it('reads the real server’s version at connect', async () => {
    const { infrastructure: a } = brain('rf4');
    await connected(a);
    const info = String(await suite.admin.sendCommand(['INFO', 'server']));
    const version = /redis_version:([^\r\n]+)/.exec(info)![1];
    expect(a.shared!.serverVersion).toBe(version);
    expect(Number.parseInt(version!, 10)).toBeGreaterThanOrEqual(7);
  });

  it('a server older than Redis 7: one warning naming both versions, gauge 0, nothing shared, no failed syncs', () =>
    withChangedClient({ redisVersion: '6.2.14' }, async (client) => {
      const healthy = brain('rf5').infrastructure;
      const old = brain('rf5', { redis: client });
      const o = old.infrastructure;
      try {
        await connected(healthy);
        await until(() => o.shared!.serverVersion === '6.2.14', 'the old version read');
        const rounds = healthy.shared!.syncs;
        // Rounds of the healthy instance mark time: the old one's run alongside (every 100 ms).
        await until(() => healthy.shared!.syncs >= rounds + 5, 'five rounds later');
        const deadline = Date.now() + 30_000;
        o.voice('alone').coolDown(deadline, 'rate_limited');
        failXY(o);
        o.learnAlias('legacy', 'chat', 'send_chat');
        const wrapped = withConsciousness(
          { ask: async (q: string) => `answer to ${q}` },
          { name: 'works', infrastructure: o },
        );
        await expect(wrapped.ask('q')).resolves.toBe('answer to q');
        const more = healthy.shared!.syncs;
        await until(() => healthy.shared!.syncs >= more + 5, 'five more rounds');
        const warnings = old.logLines().filter((l) => l.includes('Redis >= 7.0'));
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain('6.2.14');
        expect(old.logLines().filter((l) => l.includes('shared provider state'))).toHaveLength(1);
        expect(await sampleValue(old.registry, 'fire_circle_shared_state_up', {})).toBe(0);
        expect(
          (await sampleValue(old.registry, 'fire_circle_shared_state_sync_failures_total', {})) ?? 0,
        ).toBe(0);
        expect(o.shared!.up).toBe(false);
        expect(o.shared!.commandsSent).toBe(1); // the INFO that read the version
        // Nothing written: the healthy instance is alone in the namespace and learned nothing.
        expect(await suite.admin.exists(['rf5:facts', 'rf5:cooldowns'])).toBe(0);
        expect(await suite.admin.hKeys('rf5:instances')).toEqual([healthy.shared!.instanceId]);
        expect(healthy.voice('alone').cooldownUntil()).toBe(0);
        expect(healthy.learnedAlias('legacy', 'chat')).toBeUndefined();
      } finally {
        await o.shared!.close();
      }
    }));
});
