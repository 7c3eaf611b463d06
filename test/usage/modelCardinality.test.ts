import { describe, expect, it } from 'vitest';
import { freshInfrastructure } from '../support/fixtures.js';

function completion(model: string): unknown {
  return { object: 'chat.completion', model, choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } };
}

describe('the model label is bounded per voice', () => {
  it('keeps the first 20 models, counts 10,000 more as other, and warns once', async () => {
    const { infrastructure, registry, logLines } = freshInfrastructure();
    const usage = infrastructure.voice('openai').usage;
    for (let i = 0; i < 10_020; i++)
      usage.unary('chat.completions.create', { model: `m-${i}` }, completion(`m-${i}`), 5);
    const tokens = (await registry.getMetricsAsJSON()).find((m) => m.name === 'fire_circle_tokens_total')!;
    const models = new Set(tokens.values.map((v) => String(v.labels.model)));
    expect(models.size).toBe(21);
    expect(models.has('other')).toBe(true);
    expect(models.has('m-19')).toBe(true);
    expect(models.has('m-20')).toBe(false);
    const other = tokens.values.find((v) => v.labels.model === 'other' && v.labels.type === 'input');
    expect(other?.value).toBe(10_000 * 3);
    expect(logLines().filter((line) => line.includes('model=\\"other\\"'))).toHaveLength(1);
  });

  it('honours usage.maxModelsPerVoice', async () => {
    const { InfrastructureConsciousness } =
      await import('../../src/consciousness/InfrastructureConsciousness.js');
    const { MemoryStore } = await import('../../src/memory/MemoryStore.js');
    const { Registry } = await import('prom-client');
    const { memoryLogger } = await import('../support/memoryLogger.js');
    const registry = new Registry();
    const infrastructure = new InfrastructureConsciousness({
      registry,
      logger: memoryLogger().logger,
      store: new MemoryStore(),
      usage: { maxModelsPerVoice: 2 },
    });
    const usage = infrastructure.voice('a').usage;
    for (const model of ['x', 'y', 'z', 'w']) usage.unary('sendMessage', { model }, completion(model), 5);
    const tokens = (await registry.getMetricsAsJSON()).find((m) => m.name === 'fire_circle_tokens_total')!;
    expect(new Set(tokens.values.map((v) => v.labels.model))).toEqual(new Set(['x', 'y', 'other']));
    expect(() => new InfrastructureConsciousness({ registry, usage: { maxModelsPerVoice: 0 } })).toThrow(
      /usage\.maxModelsPerVoice/,
    );
  });
});
