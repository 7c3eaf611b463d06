import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  OverloadedError,
  RateLimitError,
  ServiceUnavailableError,
} from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { assistantText, chunkText } from '../../src/lab/assistantText.js';
import { startProviderEmulator, type ProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import type { ScenarioInput } from '../../src/lab/ScenarioSchema.js';
import {
  ANTHROPIC_PARAMS,
  PROMPT,
  anthropicClient,
  expectCutError,
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
  stream: AsyncIterable<Anthropic.RawMessageStreamEvent>,
  into: string[],
  events: string[] = [],
): Promise<void> {
  for await (const event of stream) {
    events.push(event.type);
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
      if (event.delta.text) into.push(event.delta.text);
    }
  }
}

describe('lab emulator with the real @anthropic-ai/sdk', () => {
  it('answers a message in the Anthropic message format', async () => {
    const client = anthropicClient(await start());
    const message = await client.messages.create(ANTHROPIC_PARAMS);
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.model).toBe('lab-claude');
    expect(message.stop_reason).toBe('end_turn');
    const block = message.content[0];
    expect(block?.type === 'text' ? block.text : undefined).toBe(assistantText(1, PROMPT));
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message._request_id).toMatch(/^req_lab/);
  });

  it('streams message_start … message_stop with text deltas', async () => {
    const client = anthropicClient(await start());
    const stream = await client.messages.create({ ...ANTHROPIC_PARAMS, stream: true });
    const deltas: string[] = [];
    const events: string[] = [];
    await collectDeltas(stream, deltas, events);
    expect(deltas).toEqual(chunkText(assistantText(1, PROMPT)));
    expect(deltas.length).toBeGreaterThan(3);
    expect(events[0]).toBe('message_start');
    expect(events[1]).toBe('content_block_start');
    expect(events.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
  });

  it("is accepted by the SDK's MessageStream helper", async () => {
    const client = anthropicClient(await start());
    const stream = client.messages.stream(ANTHROPIC_PARAMS);
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('end_turn');
    const block = final.content[0];
    expect(block?.type === 'text' ? block.text : undefined).toBe(assistantText(1, PROMPT));
  });

  it('lists models in the Anthropic format', async () => {
    const client = anthropicClient(await start({ name: 'm', seed: 1, models: ['lab-claude'], phases: [] }));
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['lab-claude']);
  });

  it('rejects a request without max_tokens with 400 invalid_request_error', async () => {
    const client = anthropicClient(await start());
    const { max_tokens: _omitted, ...params } = ANTHROPIC_PARAMS;
    const err = await rejectionOf(
      client.messages.create(params as Anthropic.MessageCreateParamsNonStreaming),
    );
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as APIError).type).toBe('invalid_request_error');
  });

  it('429 → RateLimitError with retry-after and retry-after-ms readable from err.headers', async () => {
    const client = anthropicClient(
      await start(scenarioWith({ kind: 'status', code: 429, rate: 1, retryAfterS: 7, retryAfterMs: 6500 })),
    );
    const err = await rejectionOf(client.messages.create(ANTHROPIC_PARAMS));
    expect(err).toBeInstanceOf(RateLimitError);
    const e = err as RateLimitError;
    expect(e.status).toBe(429);
    expect(e.headers?.get('retry-after')).toBe('7');
    expect(e.headers?.get('retry-after-ms')).toBe('6500');
    expect(e.type).toBe('rate_limit_error');
    expect(e.requestID).toMatch(/^req_lab/);
  });

  it('500 → InternalServerError (api_error)', async () => {
    const client = anthropicClient(await start(scenarioWith({ kind: 'status', code: 500, rate: 1 })));
    const err = await rejectionOf(client.messages.create(ANTHROPIC_PARAMS));
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as APIError).status).toBe(500);
    expect((err as APIError).type).toBe('api_error');
  });

  it('503 → ServiceUnavailableError, an InternalServerError', async () => {
    const client = anthropicClient(await start(scenarioWith({ kind: 'status', code: 503, rate: 1 })));
    const err = await rejectionOf(client.messages.create(ANTHROPIC_PARAMS));
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as APIError).status).toBe(503);
  });

  it('529 → OverloadedError (overloaded_error), an InternalServerError with status 529', async () => {
    const client = anthropicClient(await start(scenarioWith({ kind: 'status', code: 529, rate: 1 })));
    const err = await rejectionOf(client.messages.create(ANTHROPIC_PARAMS));
    expect(err).toBeInstanceOf(OverloadedError);
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as APIError).status).toBe(529);
    expect((err as APIError).type).toBe('overloaded_error');
  });

  it('401 → AuthenticationError', async () => {
    const client = anthropicClient(await start(scenarioWith({ kind: 'status', code: 401, rate: 1 })));
    const err = await rejectionOf(client.messages.create(ANTHROPIC_PARAMS));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as APIError).type).toBe('authentication_error');
  });

  it('reset → APIConnectionError (not a timeout)', async () => {
    const client = anthropicClient(await start(scenarioWith({ kind: 'reset', rate: 1 })));
    const err = await rejectionOf(client.messages.create(ANTHROPIC_PARAMS));
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(err).not.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('hang → APIConnectionTimeoutError after the SDK timeout', async () => {
    const client = anthropicClient(await start(scenarioWith({ kind: 'hang', rate: 1 })), { timeout: 300 });
    const began = performance.now();
    const err = await rejectionOf(client.messages.create(ANTHROPIC_PARAMS));
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect(performance.now() - began).toBeGreaterThanOrEqual(250);
  });

  it('malformed JSON → the SyntaxError of JSON parsing (non-streamed)', async () => {
    const client = anthropicClient(await start(scenarioWith({ kind: 'malformed_json', rate: 1 })));
    const err = await rejectionOf(client.messages.create(ANTHROPIC_PARAMS));
    expect(err).toBeInstanceOf(SyntaxError);
    expect((err as Error).message).toMatch(/JSON/);
  });

  it('malformed JSON in a stream → the iterator throws a SyntaxError', async () => {
    const client = anthropicClient(await start(scenarioWith({ kind: 'malformed_json', rate: 1 })));
    const stream = await client.messages.create({ ...ANTHROPIC_PARAMS, stream: true });
    const err = await rejectionOf(collectDeltas(stream, []));
    expect(err).toBeInstanceOf(SyntaxError);
  });

  it('schema_change null_content → message.content is null', async () => {
    const client = anthropicClient(
      await start(scenarioWith({ kind: 'schema_change', change: 'null_content', rate: 1 })),
    );
    const message = await client.messages.create(ANTHROPIC_PARAMS);
    expect(message.content).toBeNull();
  });

  it('schema_change renamed_field → content[0].text is absent, the text is under output_text', async () => {
    const client = anthropicClient(
      await start(scenarioWith({ kind: 'schema_change', change: 'renamed_field', rate: 1 })),
    );
    const message = await client.messages.create(ANTHROPIC_PARAMS);
    const block = message.content[0] as unknown as Record<string, unknown>;
    expect('text' in block).toBe(false);
    expect(block.output_text).toBe(assistantText(42, PROMPT));
  });

  it('schema_change in a stream → text deltas carry output_text instead of text', async () => {
    const client = anthropicClient(
      await start(scenarioWith({ kind: 'schema_change', change: 'renamed_field', rate: 1 })),
    );
    const stream = await client.messages.create({ ...ANTHROPIC_PARAMS, stream: true });
    const deltas: Record<string, unknown>[] = [];
    for await (const event of stream) {
      if (event.type === 'content_block_delta')
        deltas.push(event.delta as unknown as Record<string, unknown>);
    }
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.every((d) => !('text' in d) && typeof d.output_text === 'string')).toBe(true);
  });

  it('hang on a streamed request → APIConnectionTimeoutError', async () => {
    const client = anthropicClient(await start(scenarioWith({ kind: 'hang', rate: 1 })), { timeout: 300 });
    const err = await rejectionOf(client.messages.create({ ...ANTHROPIC_PARAMS, stream: true }));
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
  });

  it.each([0, 2, 4])(
    'stream_cut after %i chunks → the iterator throws after exactly that many deltas',
    async (n) => {
      const client = anthropicClient(
        await start(scenarioWith({ kind: 'stream_cut', afterChunks: n, rate: 1 })),
      );
      const stream = await client.messages.create({ ...ANTHROPIC_PARAMS, stream: true });
      const deltas: string[] = [];
      const err = await rejectionOf(collectDeltas(stream, deltas));
      expect(deltas).toEqual(chunkText(assistantText(42, PROMPT)).slice(0, n));
      expectCutError(err);
    },
  );
});
