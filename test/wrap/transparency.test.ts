import { describe, expect, it } from 'vitest';
import { failureOf } from '../../src/errors/failureOf.js';
import { CircuitOpenError } from '../../src/errors/CircuitOpenError.js';
import { VoiceSilencedError } from '../../src/errors/VoiceSilencedError.js';
import { pipelineOf, withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, message, sampleValue } from '../support/fixtures.js';
import { memoryLogger } from '../support/memoryLogger.js';

const fastRetry = { initialDelayMs: 1, maxDelayMs: 2 };

function httpError(status: number): Error {
  return Object.assign(new Error(`HTTP ${status}`), { status });
}

describe('whole-object transparency', () => {
  it('works on frozen adapters and non-configurable methods, intercepting their calls', async () => {
    const { infrastructure } = freshInfrastructure();
    let calls = 0;
    const frozen = Object.freeze({
      providerName: 'frozen',
      async sendMessage() {
        calls += 1;
        return message('ice');
      },
    });
    const voice = withConsciousness(frozen, { infrastructure });
    expect((await voice.sendMessage()).content.text).toBe('ice');
    expect(Object.keys(voice)).toEqual(['providerName', 'sendMessage']);
    expect(calls).toBe(1);
    expect(infrastructure.getHealthSignature('frozen')!.totalCalls).toBe(1);
  });

  it('lets setters and private fields work through the proxy, and fluent methods return the proxy', async () => {
    const { infrastructure } = freshInfrastructure();
    class Client {
      #temperature = 0;
      providerName = 'fluent';
      set temperature(t: number) {
        this.#temperature = t;
      }
      get temperature(): number {
        return this.#temperature;
      }
      withTemperature(t: number): this {
        this.#temperature = t;
        return this;
      }
      async sendMessage(): Promise<unknown> {
        return message(`t=${this.#temperature}`);
      }
    }
    const voice = withConsciousness(new Client(), { infrastructure });
    voice.temperature = 0.5;
    expect(voice.temperature).toBe(0.5);
    const same = voice.withTemperature(0.7);
    expect(same).toBe(voice); // the proxy, still intercepted
    expect(((await same.sendMessage()) as { content: { text: string } }).content.text).toBe('t=0.7');
    expect(infrastructure.getHealthSignature('fluent')!.totalCalls).toBe(1);
  });

  it('wraps a client of the same kind (withOptions) as the same voice, and does not count it as a call', async () => {
    const { infrastructure } = freshInfrastructure();
    class Client {
      constructor(readonly label: string) {}
      withOptions(label: string): Client {
        return new Client(label);
      }
      async complete(): Promise<string> {
        return this.label;
      }
    }
    const voice = withConsciousness(new Client('a'), { infrastructure, name: 'kind' });
    const derived = voice.withOptions('b');
    expect(derived).toBeInstanceOf(Client);
    expect(pipelineOf(derived)).toBe(pipelineOf(voice));
    expect(await derived.complete()).toBe('b');
    expect(await voice.complete()).toBe('a');
    expect(infrastructure.getHealthSignature('kind')!.totalCalls).toBe(2);
  });
});

describe('breaker scope', () => {
  it('opens per operation and model: a failing model does not stop another model or another method', async () => {
    const { infrastructure } = freshInfrastructure();
    const client = {
      providerName: 'scoped',
      async create(body: { model: string }): Promise<string> {
        if (body.model === 'bad') throw httpError(503);
        return `ok ${body.model}`;
      },
      async embed(): Promise<number[]> {
        return [1];
      },
    };
    const voice = withConsciousness(client, {
      infrastructure,
      retry: { ...fastRetry, maxAttempts: 1 },
      breaker: { volumeThreshold: 2, resetTimeoutMs: 60_000 },
    });
    for (let i = 0; i < 3; i++) await voice.create({ model: 'bad' }).catch(() => undefined);
    const rejected = await voice.create({ model: 'bad' }).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(CircuitOpenError);
    expect(failureOf(rejected)?.category).toBe('circuit_open');
    expect(await voice.create({ model: 'good' })).toBe('ok good');
    expect(await voice.embed()).toEqual([1]);
    expect(pipelineOf(voice)!.breakers.state).toBe('open'); // the voice reports its worst breaker
  });

  it('keeps at most breaker.maxBreakers breakers per voice', async () => {
    const { infrastructure } = freshInfrastructure();
    const voice = withConsciousness(
      { providerName: 'many', create: async (body: { model: string }) => body.model },
      { infrastructure, breaker: { maxBreakers: 3 } },
    );
    for (let i = 0; i < 50; i++) await voice.create({ model: `m${i}` });
    expect(pipelineOf(voice)!.breakers.size).toBe(3);
  });
});

describe('contract schemas and logger', () => {
  it('applies the Fire Circle schemas only to Fire Circle adapters (contract: auto)', async () => {
    const { infrastructure } = freshInfrastructure();
    // A chat session with its own sendMessage (Gemini-like) is not a Fire Circle adapter.
    const session = () => ({ sendMessage: async () => ({ text: 'hi', candidates: [] }) });
    const chat = withConsciousness(session(), { infrastructure, name: 'gemini-chat', retry: fastRetry });
    expect(await chat.sendMessage()).toEqual({ text: 'hi', candidates: [] });
    const forced = withConsciousness(session(), {
      infrastructure,
      name: 'forced',
      retry: fastRetry,
      contract: 'firecircle',
    });
    expect(failureOf(await forced.sendMessage().catch((e: unknown) => e))?.category).toBe('invalid_response');
  });

  it('contract: none turns the built-in schemas off for a Fire Circle adapter', async () => {
    const { infrastructure } = freshInfrastructure();
    const adapter = () => ({ providerName: 'odd', checkHealth: async () => ({ up: true }) });
    const on = withConsciousness(adapter(), { infrastructure, name: 'on', retry: fastRetry });
    expect(failureOf(await on.checkHealth().catch((e: unknown) => e))?.category).toBe('invalid_response');
    const off = withConsciousness(adapter(), { infrastructure, name: 'off', contract: 'none' });
    expect(await off.checkHealth()).toEqual({ up: true });
  });

  it('honours the logger option with a child logger per voice', async () => {
    const { infrastructure } = freshInfrastructure();
    const { logger, lines } = memoryLogger();
    const voice = withConsciousness(
      {
        providerName: 'logged',
        async sendMessage(): Promise<unknown> {
          throw httpError(500);
        },
      },
      { infrastructure, logger, retry: { ...fastRetry, maxAttempts: 1 } },
    );
    await voice.sendMessage().catch(() => undefined);
    const logged = lines().map((l) => JSON.parse(l) as { voice?: string; msg?: string });
    expect(logged.some((l) => l.voice === 'logged' && /server_error/.test(l.msg ?? ''))).toBe(true);
  });
});

describe('fallback cycles', () => {
  it('skips a fallback whose voice is already on the call’s fallback path', async () => {
    const { infrastructure } = freshInfrastructure();
    let aCalls = 0;
    let bCalls = 0;
    const a = withConsciousness(
      {
        providerName: 'a',
        async sendMessage(): Promise<unknown> {
          aCalls += 1;
          throw httpError(500);
        },
      },
      { infrastructure, retry: { ...fastRetry, maxAttempts: 1 } },
    );
    const b = withConsciousness(
      {
        providerName: 'b',
        async sendMessage(): Promise<unknown> {
          bCalls += 1;
          throw httpError(500);
        },
      },
      { infrastructure, fallbacks: [a], retry: { ...fastRetry, maxAttempts: 1 } },
    );
    // a2 (voice a) falls back to b, which falls back to a: b must not call back into a.
    const a2 = withConsciousness(
      {
        providerName: 'a',
        async sendMessage(): Promise<unknown> {
          aCalls += 1;
          throw httpError(500);
        },
      },
      { infrastructure, name: 'a', fallbacks: [b], retry: { ...fastRetry, maxAttempts: 1 } },
    );
    const error = await a2.sendMessage().catch((e: unknown) => e);
    expect((error as { status?: number }).status).toBe(500);
    expect(bCalls).toBe(1);
    expect(aCalls).toBe(1); // b did not call back into a
  });
});

describe('a fallbackValue function that throws', () => {
  it('ends the call in the package’s own error, the call counted, never a hang', async () => {
    const { infrastructure, registry } = freshInfrastructure();
    const voice = withConsciousness(
      {
        providerName: 'thrower',
        async sendMessage(): Promise<unknown> {
          throw httpError(500);
        },
      },
      {
        infrastructure,
        retry: { ...fastRetry, maxAttempts: 1 },
        fallbackValue: () => {
          throw new Error('fallback bug');
        },
      },
    );
    const error = await voice.sendMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VoiceSilencedError);
    expect(((error as Error).cause as Error).message).toBe('fallback bug');
    expect(failureOf(error)?.category).toBe('server_error');
    expect(
      await sampleValue(registry, 'fire_circle_adapter_calls_total', {
        adapter: 'thrower',
        outcome: 'failure',
      }),
    ).toBe(1);
  });
});
