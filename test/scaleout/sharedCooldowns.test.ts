import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { memoryLogger } from '../support/memoryLogger.js';
import { freeLoopbackPort } from '../support/freePort.js';
import { startRedis, type RedisServer } from '../support/redisServer.js';
import { freshInfrastructure, sampleValue } from '../support/fixtures.js';
import { until } from './sharedTestKit.js';

let redis: RedisServer;
const brains: InfrastructureConsciousness[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await Promise.all(brains.map((b) => b.shared?.close()));
  await redis?.stop();
});

function brain(namespace: string, url = redis.url, extra: object = {}) {
  const { infrastructure, registry, logLines } = freshInfrastructure(undefined, {
    shared: { redis: url, namespace, syncIntervalMs: 100, ...extra },
  });
  brains.push(infrastructure);
  return { infrastructure, registry, lines: logLines };
}

const rateLimited = (retryAfterS: number): Error =>
  Object.assign(new Error('429 Too Many Requests'), {
    status: 429,
    headers: { 'retry-after': String(retryAfterS) },
  });

describe('shared cool-downs', () => {
  it("one instance's 429 Retry-After keeps the others from calling the provider until it passes", async () => {
    const a = brain('cd1');
    const b = brain('cd1');
    await until(() => a.infrastructure.shared!.up && b.infrastructure.shared!.up, 'both connected');
    let upstreamA = 0;
    let upstreamB = 0;
    const fallback = { sendMessage: async () => ({ content: { text: 'from the fallback' } }) };
    const wrappedA = withConsciousness(
      {
        sendMessage: async (_m: unknown) => {
          upstreamA += 1;
          throw rateLimited(5);
        },
      },
      { name: 'openai', infrastructure: a.infrastructure, fallbacks: [fallback] },
    );
    const wrappedB = withConsciousness(
      {
        sendMessage: async (_m: unknown) => {
          upstreamB += 1;
          return { content: { text: 'upstream' } };
        },
      },
      { name: 'openai', infrastructure: b.infrastructure, fallbacks: [fallback] },
    );
    await expect(wrappedA.sendMessage({ content: { text: 'hi' } })).resolves.toEqual({
      content: { text: 'from the fallback' },
    });
    expect(upstreamA).toBe(1);
    const deadline = a.infrastructure.voice('openai').cooldownUntil();
    expect(deadline).toBeGreaterThan(Date.now() + 3_000);
    await until(
      () => b.infrastructure.voice('openai').cooldownUntil() >= deadline,
      'B learned the cool-down',
    );
    for (let i = 0; i < 5; i++) {
      await expect(wrappedB.sendMessage({ content: { text: 'hi' } })).resolves.toEqual({
        content: { text: 'from the fallback' },
      });
    }
    expect(upstreamB).toBe(0);
    expect(await sampleValue(b.registry, 'fire_circle_shared_state_up', {})).toBe(1);
  });

  it('a 429 on a request naming a model holds back that model only, on every instance', async () => {
    const a = brain('cd7');
    const b = brain('cd7');
    await until(() => a.infrastructure.shared!.up && b.infrastructure.shared!.up, 'both connected');
    const upstream: string[] = [];
    const provider = (who: string) => ({
      create: async (body: { model: string }) => {
        upstream.push(`${who}:${body.model}`);
        if (body.model === 'big') throw rateLimited(5);
        return { model: body.model };
      },
    });
    const fallback = { create: async () => ({ model: 'fallback' }) };
    const wrap = (who: string, infrastructure: InfrastructureConsciousness) =>
      withConsciousness(provider(who), { name: 'models', infrastructure, fallbacks: [fallback] });
    const wrappedA = wrap('a', a.infrastructure);
    const wrappedB = wrap('b', b.infrastructure);
    await expect(wrappedA.create({ model: 'big' })).resolves.toEqual({ model: 'fallback' });
    await expect(wrappedA.create({ model: 'small' })).resolves.toEqual({ model: 'small' });
    const deadline = a.infrastructure.voice('models').cooldownUntil('big');
    expect(deadline).toBeGreaterThan(Date.now() + 3_000);
    expect(a.infrastructure.voice('models').cooldownUntil()).toBe(0); // the voice itself is not held back
    await until(
      () => b.infrastructure.voice('models').cooldownUntil('big') >= deadline,
      'B learned the model cool-down',
    );
    await expect(wrappedB.create({ model: 'big' })).resolves.toEqual({ model: 'fallback' });
    await expect(wrappedB.create({ model: 'small' })).resolves.toEqual({ model: 'small' });
    expect(upstream).toEqual(['a:big', 'a:small', 'b:small']);
  });

  it('a later, shorter cool-down never shortens a longer one, here or in Redis', async () => {
    const a = brain('cd2');
    const b = brain('cd2');
    await until(() => a.infrastructure.shared!.up && b.infrastructure.shared!.up, 'both connected');
    const now = Date.now();
    a.infrastructure.voice('anthropic').coolDown(now + 30_000, 'rate_limited');
    await until(() => b.infrastructure.voice('anthropic').cooldownUntil() >= now + 30_000, 'B learned it');
    b.infrastructure.voice('anthropic').coolDown(now + 2_000, 'rate_limited');
    a.infrastructure.shared!.coolDown('anthropic', now + 2_000, 'rate_limited');
    const c = brain('cd2');
    await until(() => c.infrastructure.shared!.syncs > 0, 'a new instance synced');
    // Followers resume a little later than the deadline (staggered), never earlier.
    expect(c.infrastructure.voice('anthropic').cooldownUntil()).toBeGreaterThanOrEqual(
      Math.ceil(now + 30_000),
    );
    expect(b.infrastructure.voice('anthropic').cooldownUntil()).toBeGreaterThanOrEqual(now + 30_000);
    const { createClient } = await import('redis');
    const raw = createClient({ url: redis.url });
    await raw.connect();
    expect(await raw.zScore('cd2:cooldowns', 'anthropic')).toBe(Math.ceil(now + 30_000));
    await raw.close();
  });

  it('per-model cool-downs stay on their model; a voice created later picks up what is known', async () => {
    const a = brain('cd3');
    const b = brain('cd3');
    const elsewhere = brain('cd3-other');
    elsewhere.infrastructure.voice('mistral');
    await until(
      () => a.infrastructure.shared!.up && b.infrastructure.shared!.up && elsewhere.infrastructure.shared!.up,
      'all connected',
    );
    const now = Date.now();
    a.infrastructure.voice('mistral').coolDown(now + 20_000, 'rate_limited', 'mistral-large');
    await until(async () => {
      await b.infrastructure.shared!.sync();
      return b.infrastructure.voice('mistral').cooldownUntil('mistral-large') > now;
    }, 'B learned the model cool-down');
    expect(b.infrastructure.voice('mistral').cooldownUntil()).toBe(0);
    expect(b.infrastructure.voice('mistral').cooldownUntil('mistral-small')).toBe(0);
    await elsewhere.infrastructure.shared!.sync();
    expect(elsewhere.infrastructure.voice('mistral').cooldownUntil('mistral-large')).toBe(0); // another namespace
  });

  it.each([
    ['a 401 (a rejected key)', 'cd4', Object.assign(new Error('401 invalid key'), { status: 401 })],
    [
      'an exhausted quota (429 insufficient_quota)',
      'cd8',
      Object.assign(new Error('429 You exceeded your current quota'), {
        status: 429,
        code: 'insufficient_quota',
      }),
    ],
  ])('%s on one instance cools the voice down on the others for authCooldownMs', async (_, ns, refusal) => {
    const a = brain(ns, redis.url, { authCooldownMs: 45_000 });
    const b = brain(ns);
    await until(() => a.infrastructure.shared!.up && b.infrastructure.shared!.up, 'both connected');
    const wrapped = withConsciousness(
      {
        sendMessage: async (_m: unknown) => {
          throw refusal;
        },
      },
      { name: 'deepseek', infrastructure: a.infrastructure, fallbackValue: { content: { text: 'value' } } },
    );
    const before = Date.now();
    await wrapped.sendMessage({ content: { text: 'hi' } });
    await until(
      () => b.infrastructure.voice('deepseek').cooldownUntil() >= before + 45_000,
      'B learned the auth cool-down',
    );
  });

  it('without Redis the brain works as a single instance: one warning, gauge 0, failed syncs counted', async () => {
    const port = await freeLoopbackPort();
    const alone = brain('cd5', `redis://:s3cret-pw@127.0.0.1:${port}`);
    await until(
      async () =>
        ((await sampleValue(alone.registry, 'fire_circle_shared_state_sync_failures_total', {})) ?? 0) >= 3,
      'failed syncs counted',
    );
    const wrapped = withConsciousness(
      { sendMessage: async (_m: unknown) => ({ content: { text: 'fine' } }) },
      { name: 'grok', infrastructure: alone.infrastructure },
    );
    await expect(wrapped.sendMessage({ content: { text: 'hi' } })).resolves.toEqual({
      content: { text: 'fine' },
    });
    alone.infrastructure.voice('grok').coolDown(Date.now() + 1_000, 'rate_limited');
    expect(await sampleValue(alone.registry, 'fire_circle_shared_state_up', {})).toBe(0);
    const warnings = alone.lines().filter((l) => l.includes('shared provider state'));
    expect(warnings).toHaveLength(1);
    expect(alone.lines().join('\n')).not.toContain('s3cret-pw');
  });

  it('uses a connected client passed in, and leaves it open on close', async () => {
    const { createClient } = await import('redis');
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const a = brain('cd6', redis.url);
      const registry = new Registry();
      const b = new InfrastructureConsciousness({
        registry,
        store: new MemoryStore(),
        logger: memoryLogger().logger,
        shared: { redis: client, namespace: 'cd6', syncIntervalMs: 100 },
      });
      await until(() => a.infrastructure.shared!.up && b.shared!.up === true, 'both connected');
      const deadline = Date.now() + 10_000;
      b.voice('local').coolDown(deadline, 'rate_limited');
      await until(() => a.infrastructure.voice('local').cooldownUntil() >= deadline, 'A learned it');
      await b.shared!.close();
      expect(await client.ping()).toBe('PONG');
    } finally {
      await client.close();
    }
  });

  it('rejects a bad shared option with its path', () => {
    expect(() => new InfrastructureConsciousness({ shared: { redis: 'http://x' } } as never)).toThrow(
      /options\.shared\.redis/,
    );
    expect(
      () => new InfrastructureConsciousness({ shared: { redis: redis.url, syncIntervalMs: 5_000 } }),
    ).toThrow(/options\.shared\.syncIntervalMs/);
    expect(
      () => new InfrastructureConsciousness({ shared: { redis: redis.url, refreshIntervalMs: 1_500 } }),
    ).toThrow(/options\.shared\.refreshIntervalMs/);
  });
});
