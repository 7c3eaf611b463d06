import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readUsage, readUsageInto, UsageScratch } from '../../src/usage/readUsage.js';
import { StreamUsageReader } from '../../src/usage/StreamUsageReader.js';

/** A Fire Circle reply whose metadata carries the usage (the reference adapters write it). */
const REPLY = {
  content: { text: 'hi' },
  metadata: {
    provider: 'deepseek',
    model: 'deepseek-chat',
    responseModel: 'deepseek-chat-v3',
    usage: { inputTokens: 9, outputTokens: 3, cachedInputTokens: 1, cacheWriteTokens: 2, reasoningTokens: 4 },
  },
};

describe('readUsage', () => {
  it('reads an OpenAI chat completion with cached and reasoning tokens', () => {
    const completion = {
      object: 'chat.completion',
      model: 'gpt-4o-2024-08-06',
      choices: [],
      usage: {
        prompt_tokens: 120,
        completion_tokens: 40,
        total_tokens: 160,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 12 },
      },
    };
    const before = JSON.stringify(completion);
    expect(readUsage(completion)).toEqual({
      usage: { input: 120, output: 40, cachedInput: 100, cacheWrite: 0, reasoning: 12 },
      responseModel: 'gpt-4o-2024-08-06',
      provider: 'openai',
    });
    expect(JSON.stringify(completion)).toBe(before);
  });

  it('reads a Responses API response', () => {
    const response = {
      object: 'response',
      model: 'gpt-5',
      usage: {
        input_tokens: 50,
        input_tokens_details: { cached_tokens: 20 },
        output_tokens: 30,
        output_tokens_details: { reasoning_tokens: 25 },
        total_tokens: 80,
      },
    };
    expect(readUsage(response)?.usage).toEqual({
      input: 50,
      output: 30,
      cachedInput: 20,
      cacheWrite: 0,
      reasoning: 25,
    });
  });

  it('adds Anthropic cache reads and writes to the input tokens', () => {
    const message = {
      type: 'message',
      model: 'claude-sonnet-4-5-20250929',
      content: [],
      usage: {
        input_tokens: 10,
        output_tokens: 7,
        cache_read_input_tokens: 300,
        cache_creation_input_tokens: 50,
      },
    };
    expect(readUsage(message)).toEqual({
      usage: { input: 360, output: 7, cachedInput: 300, cacheWrite: 50, reasoning: 0 },
      responseModel: 'claude-sonnet-4-5-20250929',
      provider: 'anthropic',
    });
  });

  it('reads a Fire Circle reply whose metadata carries the usage', () => {
    expect(readUsage(REPLY)).toEqual({
      usage: { input: 9, output: 3, cachedInput: 1, cacheWrite: 2, reasoning: 4 },
      responseModel: 'deepseek-chat-v3',
      requestModel: 'deepseek-chat',
      provider: 'deepseek',
    });
  });

  it('finds nothing in results without usage, and never throws', () => {
    expect(readUsage(undefined)).toBeUndefined();
    expect(readUsage('text')).toBeUndefined();
    expect(readUsage({ usage: { total: 3 } })).toBeUndefined();
    const hostile = Object.defineProperty({}, 'usage', {
      get() {
        throw new Error('no');
      },
    });
    expect(readUsage(hostile)).toBeUndefined();
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const reading = readUsage(value);
        if (reading === undefined) return;
        for (const n of Object.values(reading.usage)) expect(n).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('readUsageInto: one reading reused call after call', () => {
  const shapes: Record<string, unknown> = {
    chat: {
      object: 'chat.completion',
      model: 'gpt-4o',
      usage: {
        prompt_tokens: 120,
        completion_tokens: 40,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 12 },
      },
    },
    responses: { object: 'response', model: 'gpt-4.1', usage: { input_tokens: 5, output_tokens: 2 } },
    anthropic: {
      type: 'message',
      model: 'claude',
      usage: {
        input_tokens: 10,
        output_tokens: 7,
        cache_read_input_tokens: 300,
        cache_creation_input_tokens: 50,
      },
    },
    metadata: REPLY,
    none: { usage: { total: 3 } },
  };

  it('reads each shape after any other exactly as a fresh reading does (nothing left over)', () => {
    const names = Object.keys(shapes);
    for (const first of names) {
      for (const second of names) {
        const scratch = new UsageScratch();
        readUsageInto(shapes[first], scratch);
        const found = readUsageInto(shapes[second], scratch);
        const fresh = readUsage(shapes[second]);
        expect(found, `${first} then ${second}`).toBe(fresh !== undefined);
        if (fresh === undefined) continue;
        expect({ ...scratch.usage }, `${first} then ${second}`).toEqual({ ...fresh.usage });
        expect(scratch.responseModel).toBe(fresh.responseModel);
        expect(scratch.requestModel).toBe(fresh.requestModel);
        // The provider is named only when asked for.
        expect(scratch.provider).toBeUndefined();
        readUsageInto(shapes[second], scratch, true);
        expect(scratch.provider).toBe(fresh.provider);
      }
    }
  });
});

describe('StreamUsageReader', () => {
  it("reads OpenAI's final usage chunk", () => {
    const reader = new StreamUsageReader();
    reader.read({
      object: 'chat.completion.chunk',
      model: 'gpt-4o-mini',
      choices: [{ delta: {} }],
      usage: null,
    });
    expect(reader.reading()).toBeUndefined();
    reader.read({
      object: 'chat.completion.chunk',
      model: 'gpt-4o-mini',
      choices: [],
      usage: { prompt_tokens: 8, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 0 } },
    });
    expect(reader.reading()).toEqual({
      usage: { input: 8, output: 5, cachedInput: 0, cacheWrite: 0, reasoning: 0 },
      responseModel: 'gpt-4o-mini',
      provider: 'openai',
    });
  });

  it("reads Anthropic's message_start and cumulative message_delta usage", () => {
    const reader = new StreamUsageReader();
    reader.read({
      type: 'message_start',
      message: {
        model: 'claude-haiku-4-5',
        usage: {
          input_tokens: 20,
          output_tokens: 1,
          cache_read_input_tokens: 100,
          cache_creation_input_tokens: 0,
        },
      },
    });
    reader.read({ type: 'content_block_delta', delta: { type: 'text_delta', text: 'a' } });
    reader.read({ type: 'message_delta', delta: {}, usage: { output_tokens: 15 } });
    reader.read({ type: 'message_delta', delta: {}, usage: { output_tokens: 30 } });
    expect(reader.reading()).toEqual({
      usage: { input: 120, output: 30, cachedInput: 100, cacheWrite: 0, reasoning: 0 },
      responseModel: 'claude-haiku-4-5',
      provider: 'anthropic',
    });
  });

  it("reads the Responses API's response.completed event", () => {
    const reader = new StreamUsageReader();
    reader.read({ type: 'response.output_text.delta', delta: 'x' });
    reader.read({
      type: 'response.completed',
      response: { object: 'response', model: 'gpt-5', usage: { input_tokens: 4, output_tokens: 6 } },
    });
    expect(reader.reading()?.usage).toMatchObject({ input: 4, output: 6 });
    expect(reader.reading()?.responseModel).toBe('gpt-5');
  });

  it('ignores strings and chunks without usage', () => {
    const reader = new StreamUsageReader();
    for (const chunk of ['text', null, 3, { choices: [] }, { type: 'ping' }]) reader.read(chunk);
    expect(reader.reading()).toBeUndefined();
  });
});
