import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { PatternMemory } from '../../src/memory/PatternMemory.js';
import { startMetricsServer, type MetricsServer } from '../../src/endpoints/startMetricsServer.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { memoryLogger } from '../support/memoryLogger.js';
import { message, sampleValue } from '../support/fixtures.js';

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function brain(config: Record<string, unknown> = {}): {
  infrastructure: InfrastructureConsciousness;
  registry: Registry;
  store: MemoryStore;
  lines: () => string[];
} {
  const registry = new Registry();
  const { logger, lines } = memoryLogger();
  const store = new MemoryStore();
  const infrastructure = new InfrastructureConsciousness({ registry, logger, store, config });
  return { infrastructure, registry, store, lines };
}

const adapter = (providerName: string) => ({
  providerName,
  sendMessage: async (_m?: unknown) => message('ok'),
});

describe('voice cap (issue 10, finding 4)', () => {
  it('1,000 distinct names stay under the default cap of 200: one warning, a metric, the overflow voice', async () => {
    const { infrastructure, registry, lines } = brain();
    expect(infrastructure.config.maxVoices).toBe(200);
    const wrapped = Array.from({ length: 1000 }, (_, i) =>
      withConsciousness(adapter('p'), { name: `voice-${i}`, infrastructure }),
    );
    expect(infrastructure.adapterNames).toHaveLength(201);
    expect(infrastructure.adapterNames).toContain('other');
    expect(infrastructure.adapterNames).not.toContain('voice-200');
    expect(await sampleValue(registry, 'fire_circle_cap_overflows_total', { cap: 'voices' })).toBe(800);
    expect(lines().filter((l) => l.includes('voices cap of 200 reached'))).toHaveLength(1);
    // A call through a wrap beyond the cap is still served, and counted under the overflow voice.
    await wrapped[999]!.sendMessage(message());
    expect(
      await sampleValue(registry, 'fire_circle_adapter_calls_total', {
        adapter: 'other',
        outcome: 'success',
      }),
    ).toBe(1);
    expect(infrastructure.getHealthSignature('other')!.totalCalls).toBe(1);
  });

  it('unnamed wraps of one provider: names claimed without a scan, one warning per name, voices capped', () => {
    const { infrastructure, lines } = brain({ maxVoices: 50 });
    const kept = Array.from({ length: 3000 }, () =>
      withConsciousness(adapter('mistral'), { infrastructure }),
    );
    expect(kept).toHaveLength(3000);
    expect(infrastructure.adapterNames).toHaveLength(51);
    expect(infrastructure.adapterNames.slice(0, 3)).toEqual(['mistral', 'mistral-2', 'mistral-3']);
    expect(lines().filter((l) => l.includes('voice name mistral is used by another adapter'))).toHaveLength(
      1,
    );
    // The same object wrapped again keeps its name.
    const again = adapter('mistral');
    withConsciousness(again, { infrastructure, name: undefined });
    expect(infrastructure.claimVoiceName('mistral', again)).toBe(
      infrastructure.claimVoiceName('mistral', again),
    );
  });

  it('keeps /health and /report bounded by the cap', async () => {
    const { infrastructure } = brain({ maxVoices: 20 });
    for (let i = 0; i < 300; i++) {
      await withConsciousness(adapter('p'), { name: `v${i}`, infrastructure }).sendMessage(message());
    }
    server = await startMetricsServer({ port: 0, infrastructure });
    const health = (await (await fetch(`${server.url}/health`)).json()) as unknown;
    const text = JSON.stringify(health);
    expect(text).toContain('"other"');
    expect(text).not.toContain('"v20"');
    const report = await (await fetch(`${server.url}/report`)).text();
    expect(report).not.toContain('"v299"');
    expect(infrastructure.getHealthSignatures()).toHaveLength(21);
  });

  it('rejects a maxVoices below 1, naming the option', () => {
    expect(
      () => new InfrastructureConsciousness({ registry: new Registry(), config: { maxVoices: 0 } }),
    ).toThrow(/maxVoices/);
  });
});

describe('learned alias cap (issue 10, finding 4)', () => {
  it('remembers and persists at most maxLearnedAliases, with one warning and a metric beyond', async () => {
    const { infrastructure, registry, store, lines } = brain({ maxLearnedAliases: 5 });
    await infrastructure.ready;
    for (let i = 0; i < 12; i++) infrastructure.learnAlias('mistral', `method${i}`, `method_${i}`);
    infrastructure.learnAlias('mistral', 'method0', 'method_zero'); // an update of a known one is kept
    await infrastructure.saveMemory();
    const doc = (await store.readJson('pattern_memory.json')) as {
      learnedAliases: Record<string, Record<string, string>>;
    };
    expect(Object.keys(doc.learnedAliases.mistral!)).toHaveLength(5);
    expect(doc.learnedAliases.mistral!.method0).toBe('method_zero');
    expect(infrastructure.learnedAlias('mistral', 'method11')).toBeUndefined();
    expect(await sampleValue(registry, 'fire_circle_cap_overflows_total', { cap: 'aliases' })).toBe(7);
    expect(lines().filter((l) => l.includes('aliases cap of 5 reached'))).toHaveLength(1);
  });

  it('cuts a memory file holding more aliases than the bound when loading it', async () => {
    const store = new MemoryStore();
    const big = new PatternMemory({ store, maxLearnedAliases: 20_000 });
    for (let i = 0; i < 20_000; i++) big.learnAlias(`a${i % 7}`, `m${i}`, `n${i}`);
    await big.save();
    const small = new PatternMemory({ store, maxLearnedAliases: 1000 });
    await small.load();
    const aliases = Object.values(small.toDocument().learnedAliases).reduce(
      (n, methods) => n + Object.keys(methods).length,
      0,
    );
    expect(aliases).toBe(1000);
  });

  it('keeps the bound when a save merges aliases another process saved, its own learned ones first', async () => {
    const store = new MemoryStore();
    const other = new PatternMemory({ store, maxLearnedAliases: 10 });
    for (let i = 0; i < 10; i++) other.learnAlias('a', `theirs${i}`, `t${i}`);
    await other.save();
    const mine = new PatternMemory({ store, maxLearnedAliases: 10 });
    for (let i = 0; i < 4; i++) expect(mine.learnAlias('a', `mine${i}`, `m${i}`)).toBe(true);
    await mine.save();
    const doc = (await store.readJson('pattern_memory.json')) as {
      learnedAliases: Record<string, Record<string, string>>;
    };
    const saved = doc.learnedAliases.a!;
    expect(Object.keys(saved)).toHaveLength(10);
    for (let i = 0; i < 4; i++) expect(saved[`mine${i}`]).toBe(`m${i}`);
    expect(mine.learnAlias('a', 'mine4', 'm4')).toBe(false);
  });
});
