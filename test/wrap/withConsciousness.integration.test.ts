import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { importAdapter } from '../../src/wrap/importAdapter.js';
import { failureOf } from '../../src/errors/failureOf.js';
import { StreamInterruptedError } from '../../src/errors/StreamInterruptedError.js';
import type { CircuitEvent } from '../../src/voice/CallEvents.js';
import { closedPort, startScriptedServer, type ScriptedServer } from '../support/scriptedOpenAIServer.js';
import { OpenAIVoice, testClient } from '../support/openaiVoice.js';
import { freshInfrastructure, message, recordingSleep, sampleValue } from '../support/fixtures.js';

const servers: ScriptedServer[] = [];
async function server(script: Parameters<typeof startScriptedServer>[0]): Promise<ScriptedServer> {
  const s = await startScriptedServer(script);
  servers.push(s);
  return s;
}
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const fastRetry = { initialDelayMs: 1, maxDelayMs: 5 };

describe('withConsciousness over real HTTP with the openai SDK', () => {
  it('honours Retry-After on a 429, then succeeds', async () => {
    const s = await server((n) =>
      n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { text: 'after the wait' },
    );
    const { infrastructure, registry } = freshInfrastructure();
    const { waits, sleep } = recordingSleep();
    const voice = withConsciousness(
      new OpenAIVoice(testClient(s.url)),
      { infrastructure, retry: fastRetry },
      { sleep },
    );
    const reply = await voice.sendMessage(message());
    expect(reply.content.text).toBe('after the wait');
    expect(s.requests).toHaveLength(2);
    // The backoff alone would have waited ≤ 5 ms: the second request waited for Retry-After.
    expect(waits).toEqual([1000]);
    expect(
      await sampleValue(registry, 'fire_circle_adapter_retries_total', { category: 'rate_limited' }),
    ).toBe(1);
    expect(
      await sampleValue(registry, 'fire_circle_adapter_calls_total', {
        adapter: 'openai',
        outcome: 'success',
      }),
    ).toBe(1);
  });

  it('prefers retry-after-ms over retry-after', async () => {
    const s = await server((n) =>
      n === 0 ? { status: 429, headers: { 'retry-after': '20', 'retry-after-ms': '120' } } : {},
    );
    const { infrastructure } = freshInfrastructure();
    const { waits, sleep } = recordingSleep();
    const voice = withConsciousness(
      new OpenAIVoice(testClient(s.url)),
      { infrastructure, retry: fastRetry },
      { sleep },
    );
    await voice.sendMessage(message());
    expect(s.requests).toHaveLength(2);
    expect(waits).toEqual([120]);
  });

  it('retries a 500 and succeeds', async () => {
    const s = await server((n) => (n === 0 ? { status: 500 } : { text: 'recovered' }));
    const { infrastructure, registry } = freshInfrastructure();
    const voice = withConsciousness(new OpenAIVoice(testClient(s.url)), { infrastructure, retry: fastRetry });
    expect((await voice.sendMessage(message())).content.text).toBe('recovered');
    expect(s.requests).toHaveLength(2);
    expect(
      await sampleValue(registry, 'fire_circle_adapter_errors_total', { category: 'server_error' }),
    ).toBe(1);
    const signature = infrastructure.getHealthSignature('openai')!;
    expect(signature.consecutiveFailures).toBe(0);
    expect(signature.errorPatterns.server_error).toBe(1);
    expect(signature.totalCalls).toBe(2);
  });

  it('classifies connection refused as network and silences the voice after its retries', async () => {
    const port = await closedPort();
    const { infrastructure } = freshInfrastructure();
    const voice = withConsciousness(new OpenAIVoice(testClient(`http://127.0.0.1:${port}/v1`)), {
      infrastructure,
      retry: fastRetry,
    });
    // The caller gets the SDK's own error; how the call failed is read with failureOf.
    const error = await voice.sendMessage(message()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(failureOf(error)).toMatchObject({
      category: 'network',
      adapter: 'openai',
      method: 'sendMessage',
      attempts: 3,
    });
    expect(infrastructure.getHealthSignature('openai')!.isConnected).toBe(false);
  });

  it('opens the breaker on repeated 503s, serves from the fallback, then half-opens and closes', async () => {
    // The breaker's clock (Date) is virtual: it half-opens when the test moves it, never because the machine stalled.
    vi.useFakeTimers({ toFake: ['Date'] });
    let healthy = false;
    const primary = await server(() => (healthy ? { text: 'primary back' } : { status: 503 }));
    const backup = await server(() => ({ text: 'from backup' }));
    const { infrastructure, registry } = freshInfrastructure();
    const circuit: CircuitEvent[] = [];
    infrastructure.on('circuit', (e) => circuit.push(e));
    const fallback = withConsciousness(new OpenAIVoice(testClient(backup.url), 'deepseek'), {
      infrastructure,
    });
    // Every call a probe (random 0): predictive routing would send calls to the backup before the breaker sees them.
    const voice = withConsciousness(
      new OpenAIVoice(testClient(primary.url)),
      {
        infrastructure,
        fallbacks: [fallback],
        retry: { maxAttempts: 1 },
        breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 1500 },
      },
      { random: () => 0 },
    );
    expect((await voice.sendMessage(message())).content.text).toBe('from backup');
    expect((await voice.sendMessage(message())).content.text).toBe('from backup');
    expect(circuit.map((e) => e.to)).toEqual(['open']);
    const before = primary.requests.length;
    expect((await voice.sendMessage(message())).content.text).toBe('from backup');
    expect(primary.requests.length).toBe(before); // rejected by the breaker, not attempted
    expect(
      await sampleValue(registry, 'fire_circle_adapter_errors_total', {
        adapter: 'openai',
        category: 'circuit_open',
      }),
    ).toBe(1);
    expect(infrastructure.getHealthSignature('openai')!.circuitState).toBe('open');
    healthy = true;
    vi.advanceTimersByTime(1499);
    expect((await voice.sendMessage(message())).content.text).toBe('from backup');
    expect(primary.requests.length).toBe(before); // still open 1 ms before resetTimeoutMs
    vi.advanceTimersByTime(1);
    // Half-open is entered by the trial call itself (no timer per breaker).
    expect(circuit.map((e) => e.to)).toEqual(['open']);
    expect((await voice.sendMessage(message())).content.text).toBe('primary back');
    expect(circuit.map((e) => e.to)).toEqual(['open', 'half_open', 'closed']);
    expect(infrastructure.getHealthSignature('openai')!.circuitState).toBe('closed');
    expect(
      await sampleValue(registry, 'fire_circle_adapter_fallbacks_total', {
        adapter: 'openai',
        kind: 'adapter',
        target: 'deepseek',
      }),
    ).toBe(4);
    expect(
      await sampleValue(registry, 'fire_circle_adapter_errors_total', {
        adapter: 'openai',
        category: 'circuit_open',
      }),
    ).toBe(2);
    expect(
      await sampleValue(registry, 'fire_circle_circuit_transitions_total', { adapter: 'openai', to: 'open' }),
    ).toBe(1);
  });

  it('retries a None return once, then serves the fallback value', async () => {
    let calls = 0;
    const adapter = {
      providerName: 'google',
      async sendMessage(): Promise<unknown> {
        calls += 1;
        return null;
      },
    };
    const { infrastructure, registry } = freshInfrastructure();
    const fallbackValue = { content: { text: '(google is silent)' } };
    const voice = withConsciousness(adapter, { infrastructure, fallbackValue, retry: fastRetry });
    expect(await voice.sendMessage()).toEqual(fallbackValue);
    expect(calls).toBe(2);
    expect(
      await sampleValue(registry, 'fire_circle_adapter_errors_total', { category: 'api_return_none' }),
    ).toBe(2);
    expect(await sampleValue(registry, 'fire_circle_adapter_fallbacks_total', { kind: 'value' })).toBe(1);
    expect(await sampleValue(registry, 'fire_circle_adapter_calls_total', { outcome: 'fallback' })).toBe(1);
  });

  it('resolves a missing sendMessage through send_message and learns the alias, without a healing verdict', async () => {
    const adapter = {
      providerName: 'mistral',
      async send_message(m: { content: { text: string } }): Promise<unknown> {
        return { content: { text: `echo ${m.content.text}` } };
      },
    };
    const { infrastructure, registry } = freshInfrastructure();
    const healings: string[] = [];
    infrastructure.on('healing', (h) => healings.push(`${h.actionType}:${String(h.parameters.alias)}`));
    const voice = withConsciousness(adapter, { infrastructure }) as typeof adapter & {
      sendMessage(m: unknown): Promise<{ content: { text: string } }>;
    };
    expect((await voice.sendMessage(message('a'))).content.text).toBe('echo a');
    expect((await voice.sendMessage(message('b'))).content.text).toBe('echo b');
    expect(healings).toEqual([]); // a fact learned, not an action judged a success by construction
    expect(infrastructure.learnedAlias('mistral', 'sendMessage')).toBe('send_message');
    expect(await sampleValue(registry, 'fire_circle_healing_actions_total', { adapter: 'mistral' })).toBe(0);
    expect(
      await sampleValue(registry, 'fire_circle_adapter_errors_total', { category: 'api_method_missing' }),
    ).toBe(1);
    expect(
      await sampleValue(registry, 'fire_circle_adapter_fallbacks_total', {
        kind: 'method_alias',
        target: 'send_message',
      }),
    ).toBe(1);
    expect(infrastructure.getHealthSignature('mistral')!.selfHealingActionsTaken).toHaveLength(0);
  });

  it('serves from the fallback while the adapter cannot be imported, and retries the import', async () => {
    const s = await server(() => ({ text: 'fallback voice' }));
    const { infrastructure, registry } = freshInfrastructure();
    const fallback = withConsciousness(new OpenAIVoice(testClient(s.url), 'local'), { infrastructure });
    let loads = 0;
    const missing = importAdapter(['./definitely-not-here-google-adapter.js'], { base: import.meta.url });
    const loader = async (): Promise<object> => {
      loads += 1;
      if (loads === 1) return missing();
      return {
        async sendMessage(): Promise<unknown> {
          return { content: { text: 'google loaded' } };
        },
      };
    };
    const voice = withConsciousness(
      loader,
      { name: 'google', infrastructure, fallbacks: [fallback] },
      // Every call a probe (random 0): predictive routing would send the call after the load to the fallback.
      { loadRetry: { initialDelayMs: 50, maxDelayMs: 50 }, random: () => 0 },
    ) as { sendMessage(m: unknown): Promise<{ content: { text: string } }> };
    expect((await voice.sendMessage(message())).content.text).toBe('fallback voice');
    expect(
      await sampleValue(registry, 'fire_circle_adapter_errors_total', {
        adapter: 'google',
        category: 'import_failure',
      }),
    ).toBe(1);
    expect(infrastructure.getHealthSignature('google')!.isConnected).toBe(false);
    await new Promise((r) => setTimeout(r, 80));
    expect((await voice.sendMessage(message())).content.text).toBe('google loaded');
    expect(loads).toBe(2);
    expect(infrastructure.getHealthSignature('google')!.isConnected).toBe(true);
  });

  it('delivers the chunks of a stream cut after 3 chunks, then throws stream_interrupted', async () => {
    const s = await server(() => ({ stream: { chunks: ['a', 'b', 'c', 'd', 'e'], cutAfter: 3 } }));
    const { infrastructure, registry } = freshInfrastructure();
    const voice = withConsciousness(new OpenAIVoice(testClient(s.url)), { infrastructure, retry: fastRetry });
    const received: string[] = [];
    const error = await (async () => {
      for await (const c of voice.streamMessage(message())) received.push(c);
    })().catch((e: unknown) => e);
    expect(received).toEqual(['a', 'b', 'c']);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).category).toBe('stream_interrupted');
    expect((error as StreamInterruptedError).chunksDelivered).toBe(3);
    expect(s.requests).toHaveLength(1); // never silently replayed
    expect(
      await sampleValue(registry, 'fire_circle_adapter_errors_total', { category: 'stream_interrupted' }),
    ).toBe(1);
    expect(
      await sampleValue(registry, 'fire_circle_stream_first_chunk_seconds_count', {
        method: 'streamMessage',
      }),
    ).toBe(1);
  });

  it('retries a stream that fails before its first chunk', async () => {
    const s = await server((n) => (n === 0 ? { status: 502 } : { stream: { chunks: ['x', 'y'] } }));
    const { infrastructure } = freshInfrastructure();
    const voice = withConsciousness(new OpenAIVoice(testClient(s.url)), { infrastructure, retry: fastRetry });
    const received: string[] = [];
    for await (const c of voice.streamMessage(message())) received.push(c);
    expect(received).toEqual(['x', 'y']);
    expect(s.requests).toHaveLength(2);
  });

  it('intercepts nested SDK namespaces: client.chat.completions.create', async () => {
    const s = await server((n) => (n === 0 ? { status: 500 } : { text: 'nested ok' }));
    const { infrastructure, registry } = freshInfrastructure();
    const client = withConsciousness(testClient(s.url), {
      name: 'openai-sdk',
      infrastructure,
      // The client retries 0 times by itself; an explicit maxAttempts is ours to set.
      retry: { ...fastRetry, maxAttempts: 2 },
    });
    expect(client).toBeInstanceOf(OpenAI);
    const r = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(r.choices[0]?.message.content).toBe('nested ok');
    expect(
      await sampleValue(registry, 'fire_circle_adapter_calls_total', {
        adapter: 'openai-sdk',
        method: 'chat.completions.create',
        outcome: 'success',
      }),
    ).toBe(1);
    expect(
      await sampleValue(registry, 'fire_circle_adapter_retries_total', {
        method: 'chat.completions.create',
        category: 'server_error',
      }),
    ).toBe(1);
  });

  it('never logs the API key or Authorization header of a failing SDK call', async () => {
    const s = await server(() => ({
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="test"' },
      body: {
        error: {
          message: 'Incorrect API key provided: sk-test-secret-key-1234567890',
          type: 'invalid_request_error',
        },
      },
    }));
    const { infrastructure, logLines } = freshInfrastructure();
    const voice = withConsciousness(new OpenAIVoice(testClient(s.url)), { infrastructure });
    const error = await voice.sendMessage(message()).catch((e: unknown) => e);
    expect(failureOf(error)?.category).toBe('auth');
    expect(infrastructure.getHealthSignature('openai')!.circuitState).toBe('open'); // auth opens at once
    const logged = logLines().join('\n');
    expect(logged).toContain('auth');
    expect(logged).not.toContain('sk-test-secret-key-1234567890');
    expect(logged).not.toMatch(/Bearer [A-Za-z0-9]/);
    expect(s.requests[0]!.headers.authorization).toBe('Bearer sk-test-secret-key-1234567890');
  });
});
