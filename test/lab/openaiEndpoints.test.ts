import OpenAI, { APIConnectionTimeoutError, BadRequestError, InternalServerError } from 'openai';
import { describe, expect, it } from 'vitest';
import { assistantText, chunkText } from '../../src/lab/assistantText.js';
import { LAB_FILES } from '../../src/lab/labFiles.js';
import { EMBEDDING_DIMENSIONS, embeddingOf } from '../../src/lab/openaiEmbeddings.js';
import {
  PROMPT,
  emulatorPerTest,
  expectCutError,
  openaiClient,
  rejectionOf,
  scenarioWith,
} from './labClients.js';

const start = emulatorPerTest();

const RESPONSE_PARAMS = { model: 'lab-gpt', input: PROMPT };

describe('lab emulator: OpenAI Responses API with the real SDK', () => {
  it('answers responses.create with a response whose output_text is the reply', async () => {
    const client = openaiClient(await start());
    const response = await client.responses.create(RESPONSE_PARAMS);
    expect(response.object).toBe('response');
    expect(response.id).toMatch(/^resp_lab/);
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe(assistantText(1, PROMPT));
    expect(response.usage?.output_tokens).toBeGreaterThan(0);
    expect(response._request_id).toMatch(/^req_lab/);
  });

  it('reads the last user message of an input list', async () => {
    const client = openaiClient(await start());
    const response = await client.responses.create({
      model: 'lab-gpt',
      instructions: 'Be brief.',
      input: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: [{ type: 'input_text', text: PROMPT }] },
      ],
    });
    expect(response.output_text).toBe(assistantText(1, PROMPT));
  });

  it('streams the response.* events that responses.stream() accumulates', async () => {
    const client = openaiClient(await start());
    const stream = client.responses.stream(RESPONSE_PARAMS);
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(assistantText(1, PROMPT));
    expect(deltas).toEqual(chunkText(assistantText(1, PROMPT)));
  });

  it('streams created … completed with increasing sequence numbers from create({ stream: true })', async () => {
    const client = openaiClient(await start());
    const stream = await client.responses.create({ ...RESPONSE_PARAMS, stream: true });
    const types: string[] = [];
    const sequence: number[] = [];
    for await (const event of stream) {
      types.push(event.type);
      sequence.push(event.sequence_number);
    }
    expect(types.slice(0, 4)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
    ]);
    expect(types.slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(sequence).toEqual(sequence.map((_, i) => i));
  });

  it('applies status and stream_cut faults to the Responses API', async () => {
    const failing = openaiClient(await start(scenarioWith({ kind: 'status', code: 500, rate: 1 })));
    expect(await rejectionOf(failing.responses.create(RESPONSE_PARAMS))).toBeInstanceOf(InternalServerError);
    const cut = openaiClient(await start(scenarioWith({ kind: 'stream_cut', afterChunks: 2, rate: 1 })));
    const deltas: string[] = [];
    const err = await rejectionOf(
      (async () => {
        const stream = await cut.responses.create({ ...RESPONSE_PARAMS, stream: true });
        for await (const event of stream)
          if (event.type === 'response.output_text.delta') deltas.push(event.delta);
      })(),
    );
    expectCutError(err);
    expect(deltas).toEqual(chunkText(assistantText(42, PROMPT)).slice(0, 2));
  });
});

describe('lab emulator: OpenAI embeddings with the real SDK', () => {
  it('answers the default base64 request; the SDK decodes the same vectors a float request gets', async () => {
    const client = openaiClient(await start());
    const base64 = await client.embeddings.create({ model: 'lab-embed', input: ['one voice', 'two'] });
    const float = await client.embeddings.create({
      model: 'lab-embed',
      input: ['one voice', 'two'],
      encoding_format: 'float',
    });
    expect(base64.data.map((d) => Array.from(d.embedding))).toEqual(float.data.map((d) => d.embedding));
    expect(float.data[0]?.embedding).toEqual(embeddingOf(1, 'one voice', EMBEDDING_DIMENSIONS));
    expect(float.data.map((d) => d.index)).toEqual([0, 1]);
    expect(float.usage.prompt_tokens).toBe(3);
    expect(float.model).toBe('lab-embed');
  });

  it('honours dimensions and rejects a missing input with 400', async () => {
    const client = openaiClient(await start());
    const short = await client.embeddings.create({
      model: 'lab-embed',
      input: 'x',
      dimensions: 3,
      encoding_format: 'float',
    });
    expect(short.data[0]?.embedding).toHaveLength(3);
    const err = await rejectionOf(
      client.embeddings.create({ model: 'lab-embed' } as OpenAI.EmbeddingCreateParams),
    );
    expect(err).toBeInstanceOf(BadRequestError);
  });

  it('applies a status fault to embeddings', async () => {
    const client = openaiClient(await start(scenarioWith({ kind: 'status', code: 503, rate: 1 })));
    const err = await rejectionOf(client.embeddings.create({ model: 'lab-embed', input: 'x' }));
    expect(err).toBeInstanceOf(InternalServerError);
  });
});

describe('lab emulator: OpenAI listings with the real SDK', () => {
  it('lists models on one page (the SDK never asks for a second)', async () => {
    const client = openaiClient(await start({ name: 'm', seed: 1, models: ['a', 'b', 'c'], phases: [] }));
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(page.hasNextPage()).toBe(false);
  });

  it('pages GET /v1/files with after / limit / has_more: for await, .data, getNextPage()', async () => {
    const e = await start();
    const client = openaiClient(e);
    const ids: string[] = [];
    for await (const file of client.files.list({ limit: 2 })) ids.push(file.id);
    expect(ids).toEqual(LAB_FILES.map((f) => f.id));
    expect(e.exchanges('GET /v1/files')).toHaveLength(3);
    const first = await client.files.list({ limit: 2 });
    expect(first.data.map((f) => f.id)).toEqual(['file-lab1', 'file-lab2']);
    expect(first.has_more).toBe(true);
    const second = await first.getNextPage();
    expect(second.data.map((f) => f.id)).toEqual(['file-lab3', 'file-lab4']);
    const last = await second.getNextPage();
    expect(last.data.map((f) => f.id)).toEqual(['file-lab5']);
    expect(last.hasNextPage()).toBe(false);
  });

  it('applies a hang to a listing; the exchange shows the client closed it', async () => {
    const e = await start(scenarioWith({ kind: 'hang', rate: 1 }));
    const client = openaiClient(e, { timeout: 200 });
    expect(await rejectionOf(client.files.list())).toBeInstanceOf(APIConnectionTimeoutError);
    await e.whenIdle();
    const [exchange] = e.exchanges('GET /v1/files');
    expect(exchange?.closedByClient).toBe(true);
    expect(exchange?.status).toBeUndefined();
  });
});
