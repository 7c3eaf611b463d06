import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderEmulator, type ProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import type { ScenarioInput } from '../../src/lab/ScenarioSchema.js';
import { startRedis, type RedisServer } from '../support/redisServer.js';
import { startInstance, type FleetInstance } from './fleet.js';
import { until } from './sharedTestKit.js';

/**
 * Three application instances (child processes) share one Redis and the lab emulator. The
 * `openai` voice asks for the same model (`gpt-fleet`) everywhere, as one application's instances
 * do; voices v1–v4 ask for models suffixed with the instance id (`v1-b`…), so the emulator can fail
 * them on one instance only.
 */
let redis: RedisServer;
let emulator: ProviderEmulator;
let fleet: FleetInstance[] = [];

interface Status {
  up: number;
  syncs: number;
  now: number;
  cooldownUntil: Record<string, number>;
  /** Cool-down of the model each voice asks for. */
  modelCooldownUntil: Record<string, number>;
  learnedAlias: string | null;
  fleetResonances: {
    affectedAdapters: string[];
    evidence: { instances: string[]; quorum: number; scope: string };
  }[];
  localResonances: number;
}

const HEALTHY: ScenarioInput = { name: 'healthy', seed: 1, phases: [] };

const status = (i: FleetInstance) => i.send<Status>('status');
/** Every completion request the emulator received: its model and when it arrived (epoch ms). */
const arrivals: { model: string | undefined; at: number }[] = [];
const completions = (model: string): number => emulator.stats().routes.openai.models[model]?.requests ?? 0;

beforeAll(async () => {
  redis = await startRedis();
  emulator = await startProviderEmulator({
    scenario: HEALTHY,
    onRequest: (r) => arrivals.push({ model: r.model, at: Date.now() }),
  });
  fleet = await Promise.all(
    ['a', 'b', 'c'].map((id) => startInstance(redis.url, emulator.openaiBaseURL, id, 'fleet-test', 200)),
  );
  await until(
    async () => (await Promise.all(fleet.map(status))).every((s) => s.up === 1 && s.syncs > 0),
    'all instances connected',
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(fleet.map((i) => i.stop()));
  await emulator?.close();
  await redis?.stop();
});

describe('three instances, one Redis, one emulator', () => {
  it("(1) one instance's 429 Retry-After: 5 keeps the other two off that model for the 5 s; they are served by the fallback", async () => {
    const [a, b, c] = fleet as [FleetInstance, FleetInstance, FleetInstance];
    emulator.setScenario({
      name: 'rate-limited',
      seed: 1,
      phases: [{ atMs: 0, model: 'gpt-fleet', faults: [{ kind: 'status', code: 429, retryAfterS: 5 }] }],
    });
    const [first] = await a.send<{ ok: boolean; via?: string }[]>('call', { voice: 'openai' });
    expect(first).toMatchObject({ ok: true, via: 'backup' });
    expect(completions('gpt-fleet')).toBe(1);
    const deadline = (await status(a)).modelCooldownUntil.openai!;
    expect(deadline).toBeGreaterThan(Date.now() + 3_000);
    await until(
      async () =>
        (await Promise.all([b, c].map(status))).every((s) => s.modelCooldownUntil.openai! >= deadline),
      'B and C learned the cool-down of the model',
    );
    const answers = await Promise.all(
      [b, c].map((i) => i.send<{ ok: boolean; via?: string }[]>('call', { voice: 'openai', n: 3 })),
    );
    expect(answers.flat()).toEqual(Array(6).fill({ ok: true, via: 'backup' }));
    expect(completions('gpt-fleet')).toBe(1); // only A's request reached the provider
    // B and C keep calling for the rest of the 5 s: not one of their requests reaches the provider.
    await Promise.all([b, c].map((i) => i.send('startLoop', { voice: 'openai', callers: 2, pauseMs: 50 })));
    await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
    const loops = await Promise.all(
      [b, c].map((i) => i.send<{ calls: number; failures: number }>('stopLoop')),
    );
    for (const loop of loops) {
      expect(loop.calls).toBeGreaterThan(10);
      expect(loop.failures).toBe(0);
    }
    expect(arrivals.filter((r) => r.model === 'gpt-fleet' && r.at < deadline)).toHaveLength(1);
    emulator.setScenario(HEALTHY);
  }, 30_000);

  it('(2) three voices failing on two of three instances make one fleet resonance everywhere; one instance alone does not', async () => {
    const [a, b, c] = fleet as [FleetInstance, FleetInstance, FleetInstance];
    const fail = (model: string) => ({ atMs: 0, model, faults: [{ kind: 'status' as const, code: 503 }] });
    emulator.setScenario({ name: 'a-only', seed: 1, phases: ['v1-a', 'v2-a', 'v3-a', 'v4-a'].map(fail) });
    for (const i of fleet) for (const v of ['v1', 'v2', 'v3', 'v4']) await i.send('call', { voice: v, n: 2 });
    const syncsBefore = (await Promise.all(fleet.map(status))).map((s) => s.syncs);
    await until(
      async () => (await Promise.all(fleet.map(status))).every((s, k) => s.syncs >= syncsBefore[k]! + 3),
      'three more syncs everywhere',
    );
    expect((await status(a)).localResonances).toBeGreaterThan(0); // A sees it locally …
    for (const s of await Promise.all(fleet.map(status))) expect(s.fleetResonances).toEqual([]); // … nobody fleet-wide

    emulator.setScenario({
      name: 'a-and-b',
      seed: 1,
      phases: ['v1-a', 'v2-a', 'v3-a', 'v4-a', 'v1-b', 'v2-b', 'v3-b'].map(fail),
    });
    for (const i of [a, b])
      for (const v of ['v1', 'v2', 'v3', 'v4']) await i.send('call', { voice: v, n: 2 });
    await until(
      async () => (await Promise.all(fleet.map(status))).every((s) => s.fleetResonances.length > 0),
      'every instance reports the fleet resonance',
    );
    for (const s of await Promise.all([a, b, c].map(status))) {
      expect(s.fleetResonances).toHaveLength(1);
      const [resonance] = s.fleetResonances;
      expect(resonance!.affectedAdapters).toEqual(['v1', 'v2', 'v3']); // v4 fails on A alone
      expect(resonance!.evidence).toMatchObject({ scope: 'fleet', instances: ['a', 'b'], quorum: 2 });
    }
    emulator.setScenario(HEALTHY);
    for (const i of fleet) for (const v of ['v1', 'v2', 'v3', 'v4']) await i.send('call', { voice: v, n: 1 });
  });

  it('(3) an alias healed on one instance is used by the others from their next call, without a failure', async () => {
    const [a, b, c] = fleet as [FleetInstance, FleetInstance, FleetInstance];
    const missing = {
      name: 'fire_circle_adapter_errors_total',
      labels: { adapter: 'legacy', category: 'api_method_missing' },
    };
    expect(await a.send('call', { voice: 'legacy' })).toEqual([{ ok: true }]);
    expect(await a.send('metric', missing)).toBe(1);
    await until(
      async () => (await Promise.all([b, c].map(status))).every((s) => s.learnedAlias === 'generate_reply'),
      'B and C learned the alias',
    );
    for (const i of [b, c]) {
      expect(await i.send('call', { voice: 'legacy', n: 2 })).toEqual([{ ok: true }, { ok: true }]);
      expect(await i.send('metric', missing)).toBeNull();
    }
  });

  it('(4) Redis killed mid-run and restarted: no caller-visible failure, the gauge goes 1 → 0 → 1', async () => {
    for (const s of await Promise.all(fleet.map(status))) expect(s.up).toBe(1);
    await Promise.all(fleet.map((i) => i.send('startLoop', { voice: 'openai', pauseMs: 10 })));
    await redis.kill();
    await until(
      async () => (await Promise.all(fleet.map(status))).every((s) => s.up === 0),
      'every gauge at 0',
    );
    await redis.restart();
    await until(
      async () => (await Promise.all(fleet.map(status))).every((s) => s.up === 1),
      'every gauge back at 1',
    );
    const loops = await Promise.all(
      fleet.map((i) => i.send<{ calls: number; failures: number }>('stopLoop')),
    );
    for (const loop of loops) {
      expect(loop.calls).toBeGreaterThan(0);
      expect(loop.failures).toBe(0);
    }
  }, 60_000);
});
