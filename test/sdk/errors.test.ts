import Anthropic, { APIError as AnthropicAPIError } from '@anthropic-ai/sdk';
import OpenAI, { APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CircuitOpenError,
  MethodMissingError,
  RateLimitedLocallyError,
  TimeoutError,
  failureOf,
  withConsciousness,
} from '../../src/index.js';
import { freshInfrastructure } from '../support/fixtures.js';
import {
  CHAT,
  CHAT_PARAMS,
  HANG,
  MESSAGES,
  MESSAGE_PARAMS,
  SERVER_ERROR,
  closeLabs,
  rejectionOf,
  startLab,
  wrap,
  type FaultInput,
} from './sdkLab.js';

afterEach(closeLabs);

const RATE_LIMITED: FaultInput = { kind: 'status', code: 429, rate: 1, retryAfterMs: 1 };

/** The unwrapped and the wrapped client's error for the same call under the same faults. */
async function bothErrors<C extends object>(
  make: () => C,
  call: (client: C) => PromiseLike<unknown>,
): Promise<{ plain: unknown; ours: unknown }> {
  const plain = await rejectionOf(call(make()));
  const { wrapped } = wrap(make());
  const ours = await rejectionOf(call(wrapped));
  return { plain, ours };
}

/** The wrapper leaves the SDK's error as the SDK made it: same own keys, no symbols added. */
function expectUntouched(ours: unknown, plain: unknown): void {
  expect(Object.keys(ours as object).sort()).toEqual(Object.keys(plain as object).sort());
  expect(Object.getOwnPropertySymbols(ours as object)).toEqual(Object.getOwnPropertySymbols(plain as object));
}

describe('openai errors keep their identity through the wrapper', () => {
  it('429: instanceof OpenAI.APIError and RateLimitError, status and headers intact', async () => {
    const lab = await startLab({ faults: [RATE_LIMITED] });
    const { plain, ours } = await bothErrors(lab.openai, (c) => c.chat.completions.create(CHAT_PARAMS));
    expect(ours).toBeInstanceOf(OpenAI.APIError);
    expect(ours).toBeInstanceOf(OpenAI.RateLimitError);
    expect(ours).toBeInstanceOf((plain as object).constructor);
    const e = ours as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.headers?.get('retry-after-ms')).toBe('1');
    expect(e.requestID).toMatch(/^req_lab/);
    expect(e.error).toEqual((plain as APIError).error);
    expectUntouched(ours, plain);
    expect(failureOf(ours)).toEqual({
      category: 'rate_limited',
      attempts: 3,
      adapter: 'sdk',
      method: 'chat.completions.create',
      fallbackErrors: [],
    });
  });

  it.each([
    [500, OpenAI.InternalServerError, 'server_error', 3],
    [401, OpenAI.AuthenticationError, 'auth', 1],
  ] as const)(
    '%i → %o with failureOf category %s after %i attempt(s)',
    async (code, cls, category, attempts) => {
      const lab = await startLab({ faults: [{ kind: 'status', code, rate: 1, retryAfterMs: 1 }] });
      const { plain, ours } = await bothErrors(lab.openai, (c) => c.chat.completions.create(CHAT_PARAMS));
      expect(plain).toBeInstanceOf(cls);
      expect(ours).toBeInstanceOf(cls);
      expect((ours as APIError).status).toBe(code);
      expectUntouched(ours, plain);
      expect(failureOf(ours)).toMatchObject({ category, attempts, adapter: 'sdk' });
      // The unwrapped client made as many requests as the wrapped one.
      expect(await lab.count(CHAT)).toBe(2 * attempts);
    },
  );

  it('400: BadRequestError, not retried', async () => {
    const lab = await startLab();
    const { ours } = await bothErrors(lab.openai, (c) =>
      c.chat.completions.create({ model: 'lab-gpt', messages: [] }),
    );
    expect(ours).toBeInstanceOf(OpenAI.BadRequestError);
    expect(failureOf(ours)).toMatchObject({ category: 'bad_request', attempts: 1 });
  });

  it('a reset connection: APIConnectionError, classified network', async () => {
    const lab = await startLab({ faults: [{ kind: 'reset', rate: 1 }] });
    const { plain, ours } = await bothErrors(
      () => lab.openai({ maxRetries: 0 }),
      (c) => c.chat.completions.create(CHAT_PARAMS),
    );
    expect(plain).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(ours).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(failureOf(ours)?.category).toBe('network');
  });

  it('when fallbacks fail too: the primary adapter error, the fallback errors in failureOf', async () => {
    const lab = await startLab({ faults: [SERVER_ERROR] });
    const backup = await startLab({ faults: [{ kind: 'status', code: 503, rate: 1, retryAfterMs: 1 }] });
    const { infrastructure } = freshInfrastructure();
    const fast = { initialDelayMs: 1, maxDelayMs: 5 };
    const fallback = withConsciousness(backup.openai({ maxRetries: 0 }), {
      name: 'backup',
      infrastructure,
      retry: fast,
    });
    const primary = withConsciousness(lab.openai({ maxRetries: 0 }), {
      name: 'primary',
      infrastructure,
      fallbacks: [fallback],
      retry: fast,
    });
    const err = await rejectionOf(primary.chat.completions.create(CHAT_PARAMS));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as APIError).status).toBe(500);
    const failure = failureOf(err);
    expect(failure).toMatchObject({ category: 'server_error', adapter: 'primary' });
    expect(failure?.fallbackErrors).toHaveLength(1);
    expect(failure?.fallbackErrors[0]).toBeInstanceOf(OpenAI.InternalServerError);
    expect((failure?.fallbackErrors[0] as APIError).status).toBe(503);
  });

  it('failureOf is undefined for errors that did not come through a wrapper', async () => {
    const lab = await startLab({ faults: [SERVER_ERROR] });
    const plain = await rejectionOf(lab.openai({ maxRetries: 0 }).chat.completions.create(CHAT_PARAMS));
    expect(failureOf(plain)).toBeUndefined();
    expect(failureOf(new Error('elsewhere'))).toBeUndefined();
    expect(failureOf(undefined)).toBeUndefined();
  });
});

describe('anthropic errors keep their identity through the wrapper', () => {
  it.each([
    [429, Anthropic.RateLimitError, 'rate_limited'],
    [529, Anthropic.OverloadedError, 'overloaded'],
    [500, Anthropic.InternalServerError, 'server_error'],
  ] as const)('%i → %o, status intact, failureOf category %s', async (code, cls, category) => {
    const lab = await startLab({ faults: [{ kind: 'status', code, rate: 1, retryAfterMs: 1 }] });
    const { plain, ours } = await bothErrors(lab.anthropic, (c) => c.messages.create(MESSAGE_PARAMS));
    expect(plain).toBeInstanceOf(cls);
    expect(ours).toBeInstanceOf(cls);
    expect(ours).toBeInstanceOf(Anthropic.APIError);
    expect((ours as AnthropicAPIError).status).toBe(code);
    expect((ours as AnthropicAPIError).headers?.get('request-id')).toMatch(/^req_lab/);
    expectUntouched(ours, plain);
    expect(failureOf(ours)).toMatchObject({
      category,
      attempts: 3,
      adapter: 'sdk',
      method: 'messages.create',
    });
    expect(await lab.count(MESSAGES)).toBe(6);
  });
});

describe("the wrapper's own errors are the package's classes, each with .category", () => {
  it('an open circuit with no fallback: CircuitOpenError, nothing sent', async () => {
    const lab = await startLab({ faults: [SERVER_ERROR] });
    const { wrapped } = wrap(lab.openai(), {
      retry: { maxAttempts: 1 },
      breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 },
    });
    for (let i = 0; i < 2; i++) await rejectionOf(wrapped.chat.completions.create(CHAT_PARAMS));
    const sent = await lab.count(CHAT);
    const err = await rejectionOf(wrapped.chat.completions.create(CHAT_PARAMS));
    expect(err).toBeInstanceOf(CircuitOpenError);
    expect((err as CircuitOpenError).category).toBe('circuit_open');
    expect(failureOf(err)?.category).toBe('circuit_open');
    expect(await lab.count(CHAT)).toBe(sent);
  });

  it("our attempt timeout: TimeoutError (the SDK's own timeout is longer)", async () => {
    const lab = await startLab({ faults: [HANG] });
    const { wrapped } = wrap(lab.openai({ maxRetries: 0, timeout: 5_000 }), { timeout: 300 });
    const err = await rejectionOf(wrapped.chat.completions.create(CHAT_PARAMS));
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).category).toBe('timeout');
    expect(failureOf(err)).toMatchObject({ category: 'timeout', attempts: 1 });
  });

  it('a missing contract method with no alias: MethodMissingError', async () => {
    const { infrastructure } = freshInfrastructure();
    // A Fire Circle adapter missing sendMessage (and any alias of it).
    const adapter = {
      providerName: 'bare',
      capabilities: { streaming: false },
      async connect(): Promise<boolean> {
        return true;
      },
      async disconnect(): Promise<void> {},
      async checkHealth(): Promise<{ isConnected: boolean }> {
        return { isConnected: true };
      },
    };
    const voice = withConsciousness(adapter, { infrastructure }) as typeof adapter & {
      sendMessage(message: unknown): Promise<unknown>;
    };
    const err = await rejectionOf(voice.sendMessage({ content: { text: 'hi' } }));
    expect(err).toBeInstanceOf(MethodMissingError);
    expect((err as MethodMissingError).category).toBe('api_method_missing');
  });

  it('RateLimitedLocallyError is exported and stands for rate_limited', () => {
    expect(new RateLimitedLocallyError('sdk', 'chat.completions.create', 'cooling down').category).toBe(
      'rate_limited',
    );
  });

  it("a Fire Circle adapter's own error reaches the caller as thrown (the last attempt's)", async () => {
    class ProviderError extends Error {
      readonly status = 503;
    }
    const thrown: ProviderError[] = [];
    const adapter = {
      providerName: 'circle',
      async sendMessage(): Promise<never> {
        const error = new ProviderError('provider unavailable');
        thrown.push(error);
        throw error;
      },
    };
    const { infrastructure } = freshInfrastructure();
    const voice = withConsciousness(adapter, { infrastructure, retry: { initialDelayMs: 1, maxDelayMs: 5 } });
    const err = await rejectionOf(voice.sendMessage());
    expect(thrown).toHaveLength(3);
    expect(err).toBe(thrown[2]);
    expect(failureOf(err)).toMatchObject({ adapter: 'circle', method: 'sendMessage', attempts: 3 });
  });
});
