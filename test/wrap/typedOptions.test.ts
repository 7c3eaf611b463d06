import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Classifier } from '../../src/classify/Classification.js';
import { createMessage, type ConsciousMessage } from '../../src/firecircle/ConsciousMessage.js';
import { OpenAICompatibleAdapter } from '../../src/firecircle/adapters/OpenAICompatibleAdapter.js';
import { startProviderEmulator, type ProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import type { FallbackValueContext } from '../../src/resilience/FallbackChain.js';
import type { FallbackResult } from '../../src/wrap/FallbackValue.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import type { WithConsciousnessOptions } from '../../src/wrap/WithConsciousnessOptions.js';
import { freshInfrastructure } from '../support/fixtures.js';

/**
 * The option types users write against. The `@ts-expect-error` lines are the test: `npm run
 * typecheck` fails if a wrong-shape value stops being a type error. The runtime halves show the
 * typed values are the ones served.
 */

const retry = { maxAttempts: 1 };
let emulator: ProviderEmulator;

beforeAll(async () => {
  emulator = await startProviderEmulator({
    scenario: { name: 'down', seed: 1, phases: [{ atMs: 0, faults: [{ kind: 'status', code: 500 }] }] },
  });
});
afterAll(() => emulator.close());

const openai = (): OpenAI =>
  new OpenAI({ baseURL: emulator.openaiBaseURL, apiKey: 'sk-typed', maxRetries: 0 });
const voice = (): OpenAICompatibleAdapter =>
  new OpenAICompatibleAdapter({ provider: 'deepseek', apiKey: 'sk-typed', baseURL: emulator.openaiBaseURL });
const silence = (): ConsciousMessage => createMessage({ role: 'assistant', content: 'silence' });

describe('fallbackValue is typed from the wrapped adapter', () => {
  it('takes a result of one of the methods of an SDK client, and serves it', async () => {
    const { infrastructure } = freshInfrastructure();
    const completion: OpenAI.ChatCompletion = {
      id: 'fallback',
      object: 'chat.completion',
      created: 0,
      model: 'none',
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          logprobs: null,
          message: { role: 'assistant', content: '…', refusal: null },
        },
      ],
    };
    const seen: FallbackValueContext[] = [];
    const client = withConsciousness(openai(), {
      infrastructure,
      retry,
      fallbackValue: (ctx) => (seen.push(ctx), completion),
    });
    const served = await client.chat.completions.create({
      model: 'lab-gpt',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(served).toBe(completion);
    expect(seen).toMatchObject([{ method: 'chat.completions.create', category: 'server_error' }]);
  });

  it('takes a Fire Circle message for a Fire Circle adapter', async () => {
    const { infrastructure } = freshInfrastructure();
    const message = silence();
    const wrapped = withConsciousness(voice(), { infrastructure, retry, fallbackValue: message });
    expect(await wrapped.sendMessage(createMessage({ role: 'user', content: 'hi' }), [])).toBe(message);
  });

  it('rejects, at compile time, values no method of the adapter returns', () => {
    const client = openai();
    const typed = (): void => {
      // @ts-expect-error a Fire Circle message is not what any OpenAI client method resolves to
      withConsciousness(client, { fallbackValue: silence() });
      // @ts-expect-error nor is it when a function computes it
      withConsciousness(client, { fallbackValue: async () => silence() });
      // @ts-expect-error a Fire Circle adapter answers messages, not vectors
      withConsciousness(voice(), { fallbackValue: { vector: [] } });
      // @ts-expect-error the context has no `status`; the error does
      withConsciousness(voice(), { fallbackValue: (ctx) => ctx.status });
      // Anything goes where TypeScript cannot see methods (an adapter typed `object`).
      withConsciousness(client as object, { fallbackValue: { vector: [] } });
    };
    expect(typed).toBeTypeOf('function');
    const anything: FallbackResult<object> = 42;
    const options: WithConsciousnessOptions<OpenAICompatibleAdapter> = { fallbackValue: silence() };
    expect([anything, options.fallbackValue]).toHaveLength(2);
  });
});

describe('classifiers are typed for users', () => {
  it("read the thrown error's fields without casts, and must answer with a category", async () => {
    const { infrastructure } = freshInfrastructure();
    const teapot: Classifier = (err) => (err.status === 500 ? 'overloaded' : undefined);
    // @ts-expect-error 'teapot' is not an error category
    const wrong: Classifier = () => 'teapot';
    expect(wrong).toBeTypeOf('function');
    const seen: string[] = [];
    const wrapped = withConsciousness(voice(), {
      infrastructure,
      retry,
      classifiers: [teapot],
      fallbackValue: (ctx) => (seen.push(ctx.category), silence()),
    });
    await wrapped.sendMessage(createMessage({ role: 'user', content: 'hi' }), []);
    expect(seen).toEqual(['overloaded']);
  });
});
