import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, sampleValue } from '../support/fixtures.js';
import { memoryLogger } from '../support/memoryLogger.js';

const FALLBACKS = 'fire_circle_adapter_fallbacks_total';

/** A voice whose every call fails with a 500: each call goes to the fallback chain. */
function failing(): { ask(model: string): Promise<unknown> } {
  return {
    async ask() {
      throw Object.assign(new Error('upstream down'), { status: 500 });
    },
  };
}

/** A fallback adapter answering like a reference adapter: the model in the reply metadata. */
function answering(): { ask(model: string): Promise<unknown> } {
  return {
    async ask(model) {
      return {
        content: { text: 'from backup' },
        metadata: { model, usage: { inputTokens: 3, outputTokens: 2 } },
      };
    },
  };
}

async function fallbackModels(registry: Registry): Promise<Set<string>> {
  const family = (await registry.getMetricsAsJSON()).find((m) => m.name === FALLBACKS);
  return new Set((family?.values ?? []).map((v) => String(v.labels.model)));
}

describe('fallbacks_total names the model the fallback answered with', () => {
  it('labels an adapter fallback with its model, the same value its own tokens_total carries', async () => {
    const { infrastructure, registry } = freshInfrastructure();
    const deepseek = withConsciousness(answering(), { name: 'deepseek', infrastructure });
    const voice = withConsciousness(failing(), {
      name: 'openai',
      infrastructure,
      fallbacks: [deepseek],
      retry: { maxAttempts: 1 },
    });
    expect(await voice.ask('deepseek-chat')).toMatchObject({ content: { text: 'from backup' } });
    await voice.ask('deepseek-chat');
    await voice.ask('deepseek-reasoner');
    const labels = { adapter: 'openai', method: 'ask', kind: 'adapter', target: 'deepseek' };
    expect(await sampleValue(registry, FALLBACKS, { ...labels, model: 'deepseek-chat' })).toBe(2);
    expect(await sampleValue(registry, FALLBACKS, { ...labels, model: 'deepseek-reasoner' })).toBe(1);
    expect(
      await sampleValue(registry, 'fire_circle_tokens_total', {
        adapter: 'deepseek',
        model: 'deepseek-chat',
        type: 'input',
      }),
    ).toBe(6);
  });

  it('labels an answer naming no model, and a fallback value, model="unknown"', async () => {
    const { infrastructure, registry } = freshInfrastructure();
    const silent = {
      async ask(): Promise<unknown> {
        return { text: 'no model named' };
      },
    };
    const first = withConsciousness(failing(), {
      name: 'a',
      infrastructure,
      fallbacks: [silent],
      retry: { maxAttempts: 1 },
    });
    await first.ask('x');
    const second = withConsciousness(failing(), {
      name: 'b',
      infrastructure,
      fallbackValue: { text: 'canned' },
      retry: { maxAttempts: 1 },
    });
    await second.ask('x');
    expect(await sampleValue(registry, FALLBACKS, { adapter: 'a', kind: 'adapter', model: 'unknown' })).toBe(
      1,
    );
    expect(await sampleValue(registry, FALLBACKS, { adapter: 'b', kind: 'value', model: 'unknown' })).toBe(1);
  });

  it('keeps the model label bounded: 10,000 distinct models give the first 20 and other', async () => {
    const { infrastructure, registry, logLines } = freshInfrastructure();
    const voice = withConsciousness(failing(), {
      name: 'openai',
      infrastructure,
      fallbacks: [answering()],
      retry: { maxAttempts: 1 },
      breaker: { volumeThreshold: 1_000_000 },
    });
    for (let i = 0; i < 10_000; i++) await voice.ask(`m-${i}`);
    const models = await fallbackModels(registry);
    expect(models.size).toBe(21);
    expect(models.has('m-19')).toBe(true);
    expect(models.has('m-20')).toBe(false);
    expect(
      await sampleValue(registry, FALLBACKS, { adapter: 'openai', kind: 'adapter', model: 'other' }),
    ).toBe(10_000 - 20);
    expect(logLines().filter((line) => line.includes('model=\\"other\\"'))).toHaveLength(1);
  });

  it('honours usage.maxModelsPerVoice for the fallback model label', async () => {
    const registry = new Registry();
    const infrastructure = new InfrastructureConsciousness({
      registry,
      logger: memoryLogger().logger,
      store: new MemoryStore(),
      usage: { maxModelsPerVoice: 2 },
    });
    const voice = withConsciousness(failing(), {
      name: 'openai',
      infrastructure,
      fallbacks: [answering()],
      retry: { maxAttempts: 1 },
    });
    for (const model of ['x', 'y', 'z', 'w']) await voice.ask(model);
    expect(await fallbackModels(registry)).toEqual(new Set(['x', 'y', 'other']));
  });
});
