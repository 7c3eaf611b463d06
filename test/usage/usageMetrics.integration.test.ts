import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import type { UsageOptionsInput } from '../../src/usage/UsageOptions.js';
import { memoryLogger } from '../support/memoryLogger.js';
import { startProviderEmulator, type ProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { ANTHROPIC_PARAMS, anthropicClient, OPENAI_PARAMS, openaiClient } from '../lab/labClients.js';
import { freshInfrastructure, sampleValue } from '../support/fixtures.js';

let emulator: ProviderEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** A brain with its own registry and the given `usage` option. */
function brainWith(usage: UsageOptionsInput): {
  infrastructure: InfrastructureConsciousness;
  registry: Registry;
} {
  const registry = new Registry();
  const infrastructure = new InfrastructureConsciousness({
    registry,
    logger: memoryLogger().logger,
    store: new MemoryStore(),
    usage,
  });
  return { infrastructure, registry };
}

async function lab(): Promise<ProviderEmulator> {
  emulator = await startProviderEmulator();
  return emulator;
}

describe('token usage of wrapped SDK clients, read from what the provider returned', () => {
  it('counts an OpenAI completion and a stream with include_usage, without changing either', async () => {
    const { infrastructure, registry } = freshInfrastructure();
    const client = withConsciousness(openaiClient(await lab()), { infrastructure, name: 'openai' });
    const request = { ...OPENAI_PARAMS };
    const frozen = JSON.stringify(request);
    const completion = await client.chat.completions.create(request);
    expect(JSON.stringify(request)).toBe(frozen);
    const usage = completion.usage!;
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    const tokens = (type: string): Promise<number | undefined> =>
      sampleValue(registry, 'fire_circle_tokens_total', { adapter: 'openai', model: 'lab-gpt', type });
    expect(await tokens('input')).toBe(usage.prompt_tokens);
    expect(await tokens('output')).toBe(usage.completion_tokens);

    const stream = await client.chat.completions.create({
      ...OPENAI_PARAMS,
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamed: { prompt_tokens: number; completion_tokens: number } | undefined;
    for await (const chunk of stream) if (chunk.usage) streamed = chunk.usage;
    expect(streamed).toBeDefined();
    expect(await tokens('input')).toBe(usage.prompt_tokens + streamed!.prompt_tokens);
    expect(await tokens('output')).toBe(usage.completion_tokens + streamed!.completion_tokens);
    expect(emulator!.stats().requests).toBe(2);
    const perToken = await sampleValue(registry, 'fire_circle_time_per_output_token_seconds_count', {
      adapter: 'openai',
      model: 'lab-gpt',
    });
    expect(perToken).toBe(2);
  });

  it("reads the rate-limit headers of a wrapped SDK call's own response", async () => {
    const { infrastructure, registry } = freshInfrastructure();
    const openai = withConsciousness(openaiClient(await lab()), { infrastructure, name: 'openai' });
    const { data, response } = await openai.chat.completions.create(OPENAI_PARAMS).withResponse();
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    const left = Number(response.headers.get('x-ratelimit-remaining-requests'));
    expect(left).toBe(499);
    const labels = { adapter: 'openai', model: 'lab-gpt' };
    expect(
      await sampleValue(registry, 'fire_circle_ratelimit_remaining', { ...labels, kind: 'requests' }),
    ).toBe(left);
    const anthropic = withConsciousness(anthropicClient(emulator!), { infrastructure, name: 'anthropic' });
    await anthropic.messages.create(ANTHROPIC_PARAMS);
    expect(
      await sampleValue(registry, 'fire_circle_ratelimit_remaining', {
        adapter: 'anthropic',
        model: 'lab-claude',
        kind: 'tokens',
      }),
    ).toBeGreaterThan(0);
    expect(
      await sampleValue(registry, 'fire_circle_ratelimit_reset_seconds', {
        adapter: 'anthropic',
        model: 'lab-claude',
        kind: 'requests',
      }),
    ).toBeGreaterThan(0);
  });

  it('counts an Anthropic message and stream (message_start + message_delta)', async () => {
    const { infrastructure, registry } = freshInfrastructure();
    const client = withConsciousness(anthropicClient(await lab()), { infrastructure, name: 'anthropic' });
    const message = await client.messages.create(ANTHROPIC_PARAMS);
    const stream = await client.messages.create({ ...ANTHROPIC_PARAMS, stream: true });
    let input = 0;
    let output = 0;
    for await (const event of stream) {
      if (event.type === 'message_start') input = event.message.usage.input_tokens;
      if (event.type === 'message_delta') output = event.usage.output_tokens;
    }
    const tokens = (type: string): Promise<number | undefined> =>
      sampleValue(registry, 'fire_circle_tokens_total', { adapter: 'anthropic', model: 'lab-claude', type });
    expect(await tokens('input')).toBe(message.usage.input_tokens + input);
    expect(await tokens('output')).toBe(message.usage.output_tokens + output);
  });

  it('prices tokens from the configured table, in its currency', async () => {
    const { infrastructure, registry } = brainWith({
      prices: { currency: 'EUR', models: { 'lab-*': { input: 1, output: 2 } } },
    });
    const client = withConsciousness(openaiClient(await lab()), { infrastructure, name: 'openai' });
    const { usage } = await client.chat.completions.create(OPENAI_PARAMS);
    const expected = (usage!.prompt_tokens * 1 + usage!.completion_tokens * 2) / 1e6;
    const cost = await sampleValue(registry, 'fire_circle_cost_total', {
      adapter: 'openai',
      model: 'lab-gpt',
      currency: 'EUR',
    });
    expect(cost).toBeCloseTo(expected, 12);
    expect(infrastructure.voice('openai').usage.totals.cost).toBeCloseTo(expected, 12);
  });

  it('records nothing with usage.enabled false', async () => {
    const { infrastructure, registry } = brainWith({ enabled: false });
    const client = withConsciousness(openaiClient(await lab()), { infrastructure, name: 'openai' });
    await client.chat.completions.create(OPENAI_PARAMS);
    expect(await sampleValue(registry, 'fire_circle_tokens_total', { adapter: 'openai' })).toBeUndefined();
  });
});
