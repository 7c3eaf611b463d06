import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { failureOf, withConsciousness } from '../../src/index.js';
import { freshInfrastructure } from '../support/fixtures.js';
import { callsCounted, closeLabs, metricSum, rejectionOf } from './sdkLab.js';

afterEach(closeLabs);

/** What a Gemini chat session returns: not a Fire Circle message. */
interface GenerateContentResponse {
  text: string;
  candidates: { content: { parts: { text: string }[] } }[];
}

/** Shaped like @google/genai's Chat: `sendMessage({ message })`, not a Fire Circle adapter. */
class ChatSession {
  calls = 0;
  constructor(private readonly answer: (message: string) => GenerateContentResponse | null) {}
  async sendMessage(params: { message: string }): Promise<GenerateContentResponse | null> {
    this.calls++;
    return this.answer(params.message);
  }
}

const gemini = (message: string): GenerateContentResponse => ({
  text: `gemini: ${message}`,
  candidates: [{ content: { parts: [{ text: `gemini: ${message}` }] } }],
});

/** A complete Fire Circle adapter (the ConsciousModelAdapter contract), answering with `reply`. */
function fireCircleAdapter(reply: () => unknown) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    adapter: {
      providerName: 'circle',
      capabilities: { streaming: true, maxTokens: 1000 },
      async connect(): Promise<boolean> {
        return true;
      },
      async disconnect(): Promise<void> {},
      async sendMessage(): Promise<unknown> {
        calls++;
        return reply();
      },
      async *streamMessage(): AsyncIterable<string> {
        yield 'x';
      },
      async checkHealth(): Promise<{ isConnected: boolean }> {
        return { isConnected: true };
      },
    },
  };
}

describe('the Fire Circle contract schemas apply only to Fire Circle adapters', () => {
  it('a Gemini-style chat.sendMessage({ message }) returns its own result, untouched, in one call', async () => {
    const { infrastructure, registry } = freshInfrastructure();
    const session = new ChatSession(gemini);
    const chat = withConsciousness(session, { name: 'gemini', infrastructure });
    const plain = await new ChatSession(gemini).sendMessage({ message: 'hello' });
    const result = await chat.sendMessage({ message: 'hello' });
    expect(result).toEqual(plain);
    expect(result?.text).toBe('gemini: hello');
    expect(session.calls).toBe(1);
    expect(await callsCounted(registry, 'sendMessage', 'gemini')).toBe(1);
    expect(await metricSum(registry, 'fire_circle_adapter_errors_total', { adapter: 'gemini' })).toBe(0);
  });

  it('it still gets null detection', async () => {
    const { infrastructure } = freshInfrastructure();
    const session = new ChatSession(() => null);
    const chat = withConsciousness(session, {
      name: 'gemini',
      infrastructure,
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
    });
    const err = await rejectionOf(chat.sendMessage({ message: 'hello' }));
    expect(failureOf(err)?.category).toBe('api_return_none');
  });

  it("and the user's own responseSchemas", async () => {
    const { infrastructure } = freshInfrastructure();
    const chat = withConsciousness(new ChatSession(gemini), {
      name: 'gemini',
      infrastructure,
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
      responseSchemas: { sendMessage: z.object({ text: z.string().startsWith('claude') }) },
    });
    const err = await rejectionOf(chat.sendMessage({ message: 'hello' }));
    expect(failureOf(err)?.category).toBe('invalid_response');
  });

  it('a Fire Circle adapter answering in the wrong shape is still invalid_response', async () => {
    const { infrastructure } = freshInfrastructure();
    const { adapter } = fireCircleAdapter(() => ({ text: 'not a ConsciousMessage' }));
    const voice = withConsciousness(adapter, { infrastructure, retry: { initialDelayMs: 1, maxDelayMs: 5 } });
    const err = await rejectionOf(voice.sendMessage());
    expect(failureOf(err)?.category).toBe('invalid_response');
  });

  it('a Fire Circle adapter answering a ConsciousMessage passes, in one call', async () => {
    const { infrastructure } = freshInfrastructure();
    const circle = fireCircleAdapter(() => ({ content: { text: 'hello circle' } }));
    const voice = withConsciousness(circle.adapter, { infrastructure });
    expect(await voice.sendMessage()).toEqual({ content: { text: 'hello circle' } });
    expect(circle.calls).toBe(1);
  });
});
