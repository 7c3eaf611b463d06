import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/firecircle/adapters/createAdapter.js';
import type { ReplyMetadata } from '../../src/firecircle/ReplyMetadata.js';
import type { ProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { startEmulator, userMessage } from '../firecircle/adapters/emulatorVoices.js';
import { freshInfrastructure, sampleValue } from '../support/fixtures.js';

let emulator: ProviderEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const sdk = { apiKey: 'sk-lab-usage-0000', sdkMaxRetries: 0 };

describe('Fire Circle reference adapters carry usage and rate limits in the reply metadata', () => {
  it('sendMessage: metadata from the body and the headers of the same request; the wrapper counts it', async () => {
    emulator = await startEmulator();
    const { infrastructure, registry } = freshInfrastructure();
    const adapter = createAdapter('openai', { ...sdk, baseURL: emulator.openaiBaseURL, model: 'lab-gpt' });
    const voice = withConsciousness(adapter, { infrastructure, name: 'openai' });
    const reply = await voice.sendMessage(userMessage());
    const metadata = reply.metadata as unknown as ReplyMetadata;
    expect(metadata.provider).toBe('openai');
    expect(metadata.model).toBe('lab-gpt');
    expect(metadata.usage!.inputTokens).toBeGreaterThan(0);
    expect(metadata.usage!.outputTokens).toBeGreaterThan(0);
    expect(metadata.rateLimits).toEqual({
      requests: { remaining: 499, resetSeconds: expect.any(Number) },
      tokens: { remaining: expect.any(Number), resetSeconds: expect.any(Number) },
    });
    expect(emulator.stats().requests).toBe(1);
    const labels = { adapter: 'openai', model: 'lab-gpt' };
    expect(await sampleValue(registry, 'fire_circle_tokens_total', { ...labels, type: 'input' })).toBe(
      metadata.usage!.inputTokens,
    );
    expect(
      await sampleValue(registry, 'fire_circle_ratelimit_remaining', { ...labels, kind: 'requests' }),
    ).toBe(499);
    const reset = await sampleValue(registry, 'fire_circle_ratelimit_reset_seconds', {
      ...labels,
      kind: 'tokens',
    });
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(60);
  });

  it('streamMessage: the generator returns the metadata; the wrapper counts the stream tokens', async () => {
    emulator = await startEmulator();
    const { infrastructure, registry } = freshInfrastructure();
    const adapter = createAdapter('anthropic', {
      ...sdk,
      baseURL: emulator.anthropicBaseURL,
      model: 'lab-claude',
    });
    const raw = adapter.streamMessage(userMessage())[Symbol.asyncIterator]();
    let step = await raw.next();
    while (step.done !== true) step = await raw.next();
    const direct = step.value as ReplyMetadata;
    expect(direct.provider).toBe('anthropic');
    expect(direct.usage!.outputTokens).toBeGreaterThan(0);
    expect(direct.rateLimits?.requests?.remaining).toBe(499);

    const voice = withConsciousness(adapter, { infrastructure, name: 'anthropic' });
    const deltas: string[] = [];
    for await (const delta of voice.streamMessage(userMessage())) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(0);
    const labels = { adapter: 'anthropic', model: 'lab-claude' };
    expect(await sampleValue(registry, 'fire_circle_tokens_total', { ...labels, type: 'output' })).toBe(
      direct.usage!.outputTokens,
    );
    expect(
      await sampleValue(registry, 'fire_circle_ratelimit_remaining', { ...labels, kind: 'requests' }),
    ).toBe(498);
  });

  it('counts the tokens of an unwrapped fallback under its own name and model', async () => {
    emulator = await startEmulator();
    const { infrastructure, registry } = freshInfrastructure();
    const primary = createAdapter('openai', {
      ...sdk,
      baseURL: 'http://127.0.0.1:9/v1',
      model: 'lab-gpt',
      timeoutMs: 2_000,
    });
    const fallback = createAdapter('deepseek', {
      ...sdk,
      baseURL: emulator.openaiBaseURL,
      model: 'lab-deepseek',
    });
    const voice = withConsciousness(primary, {
      infrastructure,
      name: 'openai',
      fallbacks: [fallback],
      retry: { maxAttempts: 1 },
    });
    const reply = await voice.sendMessage(userMessage());
    const usage = (reply.metadata as unknown as ReplyMetadata).usage!;
    expect(
      await sampleValue(registry, 'fire_circle_tokens_total', {
        adapter: 'deepseek',
        model: 'lab-deepseek',
        type: 'output',
      }),
    ).toBe(usage.outputTokens);
    expect(await sampleValue(registry, 'fire_circle_tokens_total', { adapter: 'openai' })).toBeUndefined();
  });
});

describe('the headers hook', () => {
  it('keeps the budgets per model and counts the reset down at each scrape', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { infrastructure, registry } = freshInfrastructure(() => now);
    const usage = infrastructure.voice('anthropic').usage;
    usage.headers(
      'messages.create',
      { model: 'claude-x' },
      new Headers({
        'anthropic-ratelimit-requests-remaining': '3',
        'anthropic-ratelimit-requests-reset': '2026-01-01T00:00:40Z',
      }),
    );
    const labels = { adapter: 'anthropic', model: 'claude-x', kind: 'requests' };
    expect(await sampleValue(registry, 'fire_circle_ratelimit_remaining', labels)).toBe(3);
    expect(await sampleValue(registry, 'fire_circle_ratelimit_reset_seconds', labels)).toBe(40);
    now += 30_000;
    expect(await sampleValue(registry, 'fire_circle_ratelimit_reset_seconds', labels)).toBe(10);
    usage.headers('messages.create', { model: 'claude-x' }, new Headers({ 'content-type': 'text/plain' }));
    expect(await sampleValue(registry, 'fire_circle_ratelimit_remaining', labels)).toBe(3);
  });

  it("reads a model's headers at most once every 100 ms (the gauges are scraped far less often)", async () => {
    let now = 1_000_000;
    const { infrastructure, registry } = freshInfrastructure(() => now);
    const usage = infrastructure.voice('openai').usage;
    const remaining = (n: string): Headers => new Headers({ 'x-ratelimit-remaining-requests': n });
    const labels = { adapter: 'openai', model: 'gpt-x', kind: 'requests' };
    usage.headers('chat.completions.create', { model: 'gpt-x' }, remaining('10'));
    now += 50;
    usage.headers('chat.completions.create', { model: 'gpt-x' }, remaining('9'));
    expect(await sampleValue(registry, 'fire_circle_ratelimit_remaining', labels)).toBe(10);
    now += 60;
    usage.headers('chat.completions.create', { model: 'gpt-x' }, remaining('8'));
    expect(await sampleValue(registry, 'fire_circle_ratelimit_remaining', labels)).toBe(8);
  });
});
