import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { assistantText, chunkText } from '../../src/lab/assistantText.js';
import { startProviderEmulator, type ProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import type { ScenarioInput } from '../../src/lab/ScenarioSchema.js';
import {
  OPENAI_PARAMS,
  PROMPT,
  expectCutError,
  openaiClient,
  rejectionOf,
  scenarioWith,
} from './labClients.js';

let emulator: ProviderEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(scenario?: ScenarioInput): Promise<ProviderEmulator> {
  emulator = await startProviderEmulator(scenario === undefined ? {} : { scenario });
  return emulator;
}

async function collectDeltas(
  stream: AsyncIterable<OpenAI.ChatCompletionChunk>,
  into: string[],
): Promise<void> {
  for await (const chunk of stream) {
    const content = chunk.choices[0]?.delta.content;
    if (content) into.push(content);
  }
}

describe('lab emulator with the real openai SDK', () => {
  it('answers a chat completion in the chat.completion format', async () => {
    const client = openaiClient(await start());
    const completion = await client.chat.completions.create(OPENAI_PARAMS);
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('lab-gpt');
    expect(completion.choices[0]?.message.role).toBe('assistant');
    expect(completion.choices[0]?.message.content).toBe(assistantText(1, PROMPT));
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    expect(completion._request_id).toMatch(/^req_lab/);
  });

  it('streams chat.completion.chunk events ending with [DONE], with usage when asked', async () => {
    const client = openaiClient(await start());
    const stream = await client.chat.completions.create({
      ...OPENAI_PARAMS,
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      const content = chunk.choices[0]?.delta.content;
      if (content) deltas.push(content);
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas).toEqual(chunkText(assistantText(1, PROMPT)));
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("is accepted by the SDK's stream helper (ChatCompletionStream)", async () => {
    const client = openaiClient(await start());
    const stream = client.chat.completions.stream(OPENAI_PARAMS);
    expect(await stream.finalContent()).toBe(assistantText(1, PROMPT));
  });

  it('lists models in the OpenAI format', async () => {
    const client = openaiClient(
      await start({ name: 'm', seed: 1, models: ['lab-gpt', 'lab-mini'], phases: [] }),
    );
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['lab-gpt', 'lab-mini']);
  });

  it('answers 404 model_not_found for a model the scenario does not serve', async () => {
    const client = openaiClient(await start({ name: 'm', seed: 1, models: ['other'], phases: [] }));
    const err = await rejectionOf(client.chat.completions.create(OPENAI_PARAMS));
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as APIError).code).toBe('model_not_found');
  });

  it('rejects a request without messages with 400 BadRequestError', async () => {
    const client = openaiClient(await start());
    const err = await rejectionOf(client.chat.completions.create({ model: 'lab-gpt', messages: [] }));
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as APIError).type).toBe('invalid_request_error');
  });

  it('429 → RateLimitError with retry-after and retry-after-ms readable from err.headers', async () => {
    const client = openaiClient(
      await start(scenarioWith({ kind: 'status', code: 429, rate: 1, retryAfterS: 3, retryAfterMs: 2500 })),
    );
    const err = await rejectionOf(client.chat.completions.create(OPENAI_PARAMS));
    expect(err).toBeInstanceOf(RateLimitError);
    const e = err as RateLimitError;
    expect(e.status).toBe(429);
    expect(e.headers?.get('retry-after')).toBe('3');
    expect(e.headers?.get('retry-after-ms')).toBe('2500');
    expect(e.code).toBe('rate_limit_exceeded');
    expect(e.requestID).toMatch(/^req_lab/);
  });

  it.each([500, 503, 529])('%i → InternalServerError with that status', async (code) => {
    const client = openaiClient(await start(scenarioWith({ kind: 'status', code, rate: 1 })));
    const err = await rejectionOf(client.chat.completions.create(OPENAI_PARAMS));
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as APIError).status).toBe(code);
    expect((err as APIError).type).toBe('server_error');
  });

  it('401 → AuthenticationError', async () => {
    const client = openaiClient(await start(scenarioWith({ kind: 'status', code: 401, rate: 1 })));
    const err = await rejectionOf(client.chat.completions.create(OPENAI_PARAMS));
    expect(err).toBeInstanceOf(AuthenticationError);
  });

  it('a status fault on a streamed request fails before the stream starts', async () => {
    const client = openaiClient(await start(scenarioWith({ kind: 'status', code: 503, rate: 1 })));
    const err = await rejectionOf(client.chat.completions.create({ ...OPENAI_PARAMS, stream: true }));
    expect(err).toBeInstanceOf(InternalServerError);
  });

  it('reset → APIConnectionError (not a timeout)', async () => {
    const client = openaiClient(await start(scenarioWith({ kind: 'reset', rate: 1 })));
    const err = await rejectionOf(client.chat.completions.create(OPENAI_PARAMS));
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(err).not.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('hang → APIConnectionTimeoutError after the SDK timeout', async () => {
    const client = openaiClient(await start(scenarioWith({ kind: 'hang', rate: 1 })), { timeout: 300 });
    const began = performance.now();
    const err = await rejectionOf(client.chat.completions.create(OPENAI_PARAMS));
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect(performance.now() - began).toBeGreaterThanOrEqual(250);
  });

  it('malformed JSON → the SyntaxError of JSON parsing (non-streamed)', async () => {
    const client = openaiClient(await start(scenarioWith({ kind: 'malformed_json', rate: 1 })));
    const err = await rejectionOf(client.chat.completions.create(OPENAI_PARAMS));
    expect(err).toBeInstanceOf(SyntaxError);
    expect((err as Error).message).toMatch(/JSON/);
  });

  it('malformed JSON in a stream → the iterator throws a SyntaxError', async () => {
    const client = openaiClient(await start(scenarioWith({ kind: 'malformed_json', rate: 1 })));
    const stream = await client.chat.completions.create({ ...OPENAI_PARAMS, stream: true });
    const err = await rejectionOf(collectDeltas(stream, []));
    expect(err).toBeInstanceOf(SyntaxError);
  });

  it('schema_change null_content → choices[0].message.content is null', async () => {
    const client = openaiClient(
      await start(scenarioWith({ kind: 'schema_change', change: 'null_content', rate: 1 })),
    );
    const completion = await client.chat.completions.create(OPENAI_PARAMS);
    expect(completion.choices[0]?.message.content).toBeNull();
  });

  it('schema_change renamed_field → message.content is absent, the text is under output_text', async () => {
    const client = openaiClient(
      await start(scenarioWith({ kind: 'schema_change', change: 'renamed_field', rate: 1 })),
    );
    const completion = await client.chat.completions.create(OPENAI_PARAMS);
    const message = completion.choices[0]?.message;
    expect(message).toBeDefined();
    expect('content' in (message as object)).toBe(false);
    expect((message as unknown as Record<string, unknown>).output_text).toBe(assistantText(42, PROMPT));
  });

  it('schema_change in a stream → deltas carry no content', async () => {
    const client = openaiClient(
      await start(scenarioWith({ kind: 'schema_change', change: 'renamed_field', rate: 1 })),
    );
    const stream = await client.chat.completions.create({ ...OPENAI_PARAMS, stream: true });
    const deltas: string[] = [];
    await collectDeltas(stream, deltas);
    expect(deltas).toEqual([]);
  });

  it.each([0, 1, 3])(
    'stream_cut after %i chunks → the iterator throws after exactly that many deltas',
    async (n) => {
      const client = openaiClient(await start(scenarioWith({ kind: 'stream_cut', afterChunks: n, rate: 1 })));
      const stream = await client.chat.completions.create({ ...OPENAI_PARAMS, stream: true });
      const deltas: string[] = [];
      const err = await rejectionOf(collectDeltas(stream, deltas));
      expect(deltas).toEqual(chunkText(assistantText(42, PROMPT)).slice(0, n));
      expectCutError(err);
    },
  );

  it('stream_cut leaves non-streamed requests alone', async () => {
    const client = openaiClient(await start(scenarioWith({ kind: 'stream_cut', afterChunks: 1, rate: 1 })));
    const completion = await client.chat.completions.create(OPENAI_PARAMS);
    expect(completion.choices[0]?.message.content).toBe(assistantText(42, PROMPT));
  });
});
