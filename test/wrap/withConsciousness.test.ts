import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { withConsciousness, pipelineOf } from '../../src/wrap/withConsciousness.js';
import { getDefaultInfrastructure } from '../../src/consciousness/defaultInfrastructure.js';
import { VoiceSilencedError } from '../../src/errors/VoiceSilencedError.js';
import { TimeoutError } from '../../src/errors/TimeoutError.js';
import { failureOf } from '../../src/errors/failureOf.js';
import { freshInfrastructure, message, sampleValue } from '../support/fixtures.js';

const fastRetry = { initialDelayMs: 1, maxDelayMs: 2 };

function httpError(status: number, message = `HTTP ${status}`, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(message), { status, headers });
}

const CUSTOM: unique symbol = Symbol('custom');

class Voice {
  readonly providerName = 'anthropic';
  #secret = 'private state';
  calls = 0;
  get model(): string {
    return 'claude';
  }
  [CUSTOM] = 'symbol value';
  async sendMessage(m: { content: { text: string } }): Promise<{ content: { text: string } }> {
    this.calls += 1;
    return { content: { text: `${this.#secret}: ${m.content.text}` } };
  }
  describe(): string {
    return `voice with ${this.calls} calls`;
  }
  explode(): never {
    throw new TypeError('sync failure');
  }
}

describe('withConsciousness: a transparent proxy', () => {
  it('keeps methods, this, private fields, getters, symbols and instanceof', async () => {
    const { infrastructure } = freshInfrastructure();
    const real = new Voice();
    const voice = withConsciousness(real, { infrastructure });
    expect(voice).toBeInstanceOf(Voice);
    expect((await voice.sendMessage(message('hi'))).content.text).toBe('private state: hi');
    expect(real.calls).toBe(1);
    expect(voice.calls).toBe(1);
    expect(voice.model).toBe('claude');
    expect(voice[CUSTOM]).toBe('symbol value');
    expect(voice.sendMessage).toBe(voice.sendMessage);
    expect('sendMessage' in voice).toBe(true);
    expect(Object.keys(voice)).toEqual(Object.keys(real));
    // A proxy must not look like a thenable, or `await proxy` would hang or misbehave.
    expect((voice as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await Promise.resolve(voice)).toBe(voice);
  });

  it('keeps sync methods sync: measured, never retried, errors rethrown as they are', async () => {
    const { infrastructure, registry } = freshInfrastructure();
    const voice = withConsciousness(new Voice(), { infrastructure });
    expect(voice.describe()).toBe('voice with 0 calls');
    expect(() => voice.explode()).toThrow(TypeError);
    expect(
      await sampleValue(registry, 'fire_circle_adapter_calls_total', {
        method: 'describe',
        outcome: 'success',
      }),
    ).toBe(1);
    expect(
      await sampleValue(registry, 'fire_circle_adapter_calls_total', {
        method: 'explode',
        outcome: 'failure',
      }),
    ).toBe(1);
  });

  it('works with zero options on the shared default instance, and wrapping twice registers nothing twice', async () => {
    const a = withConsciousness(new Voice());
    const b = withConsciousness(new Voice());
    await a.sendMessage(message());
    await b.sendMessage(message());
    const text = await getDefaultInfrastructure().registry.metrics();
    expect(text).toContain(
      'fire_circle_adapter_calls_total{adapter="anthropic",method="sendMessage",outcome="success"}',
    );
  });

  it('does not intercept twice when a wrapped adapter is wrapped again for another brain', async () => {
    const first = freshInfrastructure();
    const { infrastructure, registry } = freshInfrastructure();
    const once = withConsciousness(new Voice(), { infrastructure: first.infrastructure });
    const twice = withConsciousness(once, { infrastructure, name: 'again' });
    await twice.sendMessage(message());
    expect(
      await sampleValue(registry, 'fire_circle_adapter_calls_total', {
        adapter: 'again',
        outcome: 'success',
      }),
    ).toBe(1);
    expect(
      (await sampleValue(first.registry, 'fire_circle_adapter_calls_total', {
        adapter: 'anthropic',
        outcome: 'success',
      })) ?? 0,
    ).toBe(0);
  });

  it('gives a second adapter of the same provider its own voice (name-2), with a warning', async () => {
    const { infrastructure, logLines } = freshInfrastructure();
    const model = (text: string) => ({ providerName: 'openai', sendMessage: async () => message(text) });
    const big = model('big');
    const primary = withConsciousness(big, { infrastructure });
    const small = withConsciousness(model('small'), { infrastructure });
    const again = withConsciousness(big, { infrastructure });
    await Promise.all([primary.sendMessage(), small.sendMessage(), again.sendMessage()]);
    expect(pipelineOf(primary)!.name).toBe('openai');
    expect(pipelineOf(small)!.name).toBe('openai-2');
    expect(pipelineOf(again)!.name).toBe('openai'); // the same adapter keeps its name
    expect(infrastructure.adapterNames.sort()).toEqual(['openai', 'openai-2']);
    expect(logLines().filter((l) => l.includes('reports as openai-2'))).toHaveLength(1);
    // A name given explicitly is used as it is.
    expect(pipelineOf(withConsciousness(model('x'), { infrastructure, name: 'openai' }))!.name).toBe(
      'openai',
    );
  });

  it('rejects bad arguments with errors that name them', () => {
    expect(() => withConsciousness(null as never)).toThrow(/withConsciousness\(adapter\).*null/);
    expect(() => withConsciousness(42 as never)).toThrow(/adapter.*number/);
    expect(() => withConsciousness(new Voice(), { colour: 'blue' } as never)).toThrow(
      /unknown option.*"colour"/,
    );
    expect(() => withConsciousness(new Voice(), { breaker: { volumeThreshold: -1 } })).toThrow(
      /options\.breaker\.volumeThreshold/,
    );
    expect(() => withConsciousness(new Voice(), { retry: { maxAttempts: 0 } })).toThrow(
      /options\.retry\.maxAttempts/,
    );
    expect(() => withConsciousness(new Voice(), { timeout: -5 })).toThrow(/options\.timeout/);
    expect(() => withConsciousness(new Voice(), { fallbacks: [null as never] })).toThrow(
      /options\.fallbacks\.0/,
    );
    expect(() => withConsciousness(new Voice(), { name: 'has spaces' })).toThrow(/options\.name/);
    expect(() => withConsciousness(async () => new Voice())).toThrow(/options\.name is required/);
  });
});

describe('withConsciousness: the resilience pipeline', () => {
  it('times out a hanging call, retries it, then silences the voice with timeout', async () => {
    const { infrastructure } = freshInfrastructure();
    let calls = 0;
    const voice = withConsciousness(
      {
        providerName: 'grok',
        sendMessage: () => {
          calls += 1;
          return new Promise(() => undefined);
        },
      },
      { infrastructure, timeout: 40, retry: { ...fastRetry, maxAttempts: 2 } },
    );
    // Our own timeout is the package's error; its classification is read with failureOf.
    const error = await voice.sendMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).category).toBe('timeout');
    expect(failureOf(error)).toMatchObject({
      category: 'timeout',
      attempts: 2,
      adapter: 'grok',
      method: 'sendMessage',
    });
    expect(calls).toBe(2);
  });

  it('respects the caller AbortSignal: the abort reaches the caller and is not a failure', async () => {
    const { infrastructure } = freshInfrastructure();
    const controller = new AbortController();
    const voice = withConsciousness(
      {
        providerName: 'local',
        async sendMessage(_m: unknown, opts: { signal: AbortSignal }): Promise<unknown> {
          controller.abort();
          expect(opts.signal.aborted).toBe(true);
          throw Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
        },
      },
      { infrastructure, retry: fastRetry, breaker: { volumeThreshold: 0 } },
    );
    const error = await voice.sendMessage(message(), { signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(error).not.toBeInstanceOf(VoiceSilencedError);
    const signature = infrastructure.getHealthSignature('local')!;
    expect(signature.totalFailures).toBe(0);
    expect(signature.circuitState).toBe('closed');
  });

  it('does not retry or fall back on a 400, and the breaker does not count it', async () => {
    const { infrastructure } = freshInfrastructure();
    let calls = 0;
    let fallbackCalls = 0;
    const voice = withConsciousness(
      {
        providerName: 'openai',
        async sendMessage(): Promise<unknown> {
          calls += 1;
          throw httpError(400, 'invalid model');
        },
      },
      {
        infrastructure,
        retry: fastRetry,
        breaker: { volumeThreshold: 0 },
        fallbacks: [{ sendMessage: async () => (fallbackCalls++, message('fb')) }],
      },
    );
    for (let i = 0; i < 3; i++) {
      const error = await voice.sendMessage().catch((e: unknown) => e);
      expect(failureOf(error)?.category).toBe('bad_request');
    }
    expect(calls).toBe(3);
    expect(fallbackCalls).toBe(0);
    expect(pipelineOf(voice)!.breakers.state).toBe('closed');
  });

  it('sends a Retry-After longer than the cap straight to the fallback', async () => {
    const { infrastructure } = freshInfrastructure();
    let calls = 0;
    const voice = withConsciousness(
      {
        providerName: 'openai',
        async sendMessage(): Promise<unknown> {
          calls += 1;
          throw httpError(429, 'slow down', { 'retry-after': '120' });
        },
      },
      {
        infrastructure,
        retry: { ...fastRetry, retryAfterCapMs: 1000 },
        fallbacks: [{ sendMessage: async () => message('fb') }],
      },
    );
    expect(await voice.sendMessage()).toEqual(message('fb'));
    expect(calls).toBe(1);
  });

  it('routes a context-window error to the fallback adapter without retrying', async () => {
    const { infrastructure, registry } = freshInfrastructure();
    let calls = 0;
    const big = withConsciousness(
      { providerName: 'big', sendMessage: async () => message('big context') },
      { infrastructure },
    );
    const voice = withConsciousness(
      {
        providerName: 'small',
        async sendMessage(): Promise<unknown> {
          calls += 1;
          throw Object.assign(httpError(400, "This model's maximum context length is 8192 tokens"), {
            code: 'context_length_exceeded',
          });
        },
      },
      { infrastructure, retry: fastRetry, fallbacks: [big] },
    );
    expect(await voice.sendMessage()).toEqual(message('big context'));
    expect(calls).toBe(1);
    expect(
      await sampleValue(registry, 'fire_circle_adapter_errors_total', {
        adapter: 'small',
        category: 'context_window',
      }),
    ).toBe(1);
  });

  it('skips fallback adapters whose breaker is open and passes context to a fallbackValue function', async () => {
    const { infrastructure } = freshInfrastructure();
    const broken = withConsciousness(
      {
        providerName: 'broken',
        async sendMessage(): Promise<unknown> {
          throw httpError(401, 'bad key');
        },
      },
      { infrastructure },
    );
    await broken.sendMessage().catch(() => undefined); // auth opens its breaker at once
    expect(pipelineOf(broken)!.breakers.state).toBe('open');
    const seen: unknown[] = [];
    const voice = withConsciousness(
      {
        providerName: 'primary',
        async sendMessage(): Promise<unknown> {
          throw httpError(503);
        },
      },
      {
        infrastructure,
        retry: { ...fastRetry, maxAttempts: 1 },
        fallbacks: [broken],
        fallbackValue: (ctx: { category: string; method: string }) => (seen.push(ctx), message('default')),
      },
    );
    expect(await voice.sendMessage()).toEqual(message('default'));
    expect(seen).toMatchObject([{ category: 'overloaded', method: 'sendMessage', adapter: 'primary' }]);
    expect(infrastructure.getHealthSignature('broken')!.totalCalls).toBe(1); // never attempted again
  });

  it('treats a result failing its response schema as invalid_response, retried once', async () => {
    const { infrastructure } = freshInfrastructure();
    let calls = 0;
    const voice = withConsciousness(
      {
        providerName: 'google',
        async listModels(): Promise<unknown> {
          calls += 1;
          return { models: 'not a list' };
        },
      },
      {
        infrastructure,
        retry: fastRetry,
        responseSchemas: { listModels: z.object({ models: z.array(z.string()) }) },
      },
    );
    const error = await voice.listModels().catch((e: unknown) => e);
    expect(failureOf(error)?.category).toBe('invalid_response');
    expect(calls).toBe(2);
    expect(String((error as Error).message)).toContain('models');
  });

  it("accepts every spelling of the health flag, including google's `connected`", async () => {
    const { infrastructure } = freshInfrastructure();
    const google = withConsciousness(
      { providerName: 'google', checkHealth: async () => ({ connected: true }) },
      { infrastructure },
    );
    expect(await google.checkHealth()).toEqual({ connected: true });
    const broken = withConsciousness(
      { providerName: 'odd', checkHealth: async () => ({ up: true }) },
      { infrastructure, retry: fastRetry },
    );
    expect(failureOf(await broken.checkHealth().catch((e: unknown) => e))?.category).toBe('invalid_response');
  });

  it('streams from the fallback when the primary breaker is open, still returning an iterable', async () => {
    const { infrastructure } = freshInfrastructure();
    const backup = {
      providerName: 'backup',
      async *streamMessage(): AsyncGenerator<string> {
        yield 'from ';
        yield 'backup';
      },
    };
    const voice = withConsciousness(
      {
        providerName: 'primary',
        // eslint-disable-next-line require-yield
        async *streamMessage(): AsyncGenerator<string> {
          throw httpError(401, 'revoked');
        },
      },
      { infrastructure, fallbacks: [backup] },
    );
    const collect = async (): Promise<string> => {
      let text = '';
      for await (const c of voice.streamMessage()) text += c;
      return text;
    };
    expect(await collect()).toBe('from backup'); // auth: no retry, straight to the fallback
    expect(pipelineOf(voice)!.breakers.state).toBe('open');
    expect(await collect()).toBe('from backup'); // rejected by the breaker, still a stream
  });

  it('uses its own registry when given one, separate from the default', async () => {
    const registry = new Registry();
    const { infrastructure } = freshInfrastructure();
    expect(infrastructure.registry).not.toBe(registry);
    const voice = withConsciousness(new Voice(), { infrastructure });
    await voice.sendMessage(message());
    expect(await registry.metrics()).toBe('\n');
  });

  it('resolves missing methods through configured methodAliases', async () => {
    const { infrastructure } = freshInfrastructure();
    const voice = withConsciousness(
      {
        providerName: 'local',
        complete: async (m: { content: { text: string } }) => message(`done ${m.content.text}`),
      },
      { infrastructure, methodAliases: { sendMessage: ['complete'] } },
    ) as unknown as { sendMessage(m: unknown): Promise<unknown> };
    expect(await voice.sendMessage(message('x'))).toEqual(message('done x'));
    expect(infrastructure.learnedAlias('local', 'sendMessage')).toBe('complete');
  });

  it('keeps secrets carried by a thrown error out of every log line', async () => {
    const { infrastructure, logLines } = freshInfrastructure();
    const secret = 'sk-live-0123456789abcdefghijklmnop';
    const voice = withConsciousness(
      {
        providerName: 'openai',
        async sendMessage(): Promise<unknown> {
          throw Object.assign(new Error(`401 Incorrect API key provided: ${secret}`), {
            status: 401,
            headers: { authorization: `Bearer ${secret}`, 'x-api-key': secret },
            request: { headers: { Authorization: `Bearer ${secret}` } },
          });
        },
      },
      { infrastructure },
    );
    await voice.sendMessage().catch(() => undefined);
    const logged = logLines().join('\n');
    expect(logged).toContain('"category":"auth"');
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain('Bearer sk');
  });
});
