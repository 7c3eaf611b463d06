import Anthropic, { InternalServerError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../src/lab/ScenarioSchema.js';
import {
  ANTHROPIC_PARAMS,
  anthropicClient,
  emulatorPerTest,
  rejectionOf,
  scenarioWith,
} from './labClients.js';

const start = emulatorPerTest();

const FIVE_MODELS: ScenarioInput = { name: 'm', seed: 1, models: ['c1', 'c2', 'c3', 'c4', 'c5'], phases: [] };

describe('lab emulator: Anthropic models pages with the real SDK', () => {
  it('pages with after_id / has_more / last_id: for await reads every page', async () => {
    const e = await start(FIVE_MODELS);
    const client = anthropicClient(e);
    const ids: string[] = [];
    for await (const model of client.models.list({ limit: 2 })) ids.push(model.id);
    expect(ids).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(e.exchanges('GET /v1/models')).toHaveLength(3);
  });

  it('.data, has_more, last_id and getNextPage() of one page', async () => {
    const client = anthropicClient(await start(FIVE_MODELS));
    const first = await client.models.list({ limit: 2 });
    expect(first.data.map((m) => m.id)).toEqual(['c1', 'c2']);
    expect(first.has_more).toBe(true);
    expect(first.first_id).toBe('c1');
    expect(first.last_id).toBe('c2');
    const second = await first.getNextPage();
    expect(second.data.map((m) => m.id)).toEqual(['c3', 'c4']);
    expect((await second.getNextPage()).has_more).toBe(false);
  });

  it('pages backwards with before_id', async () => {
    const client = anthropicClient(await start(FIVE_MODELS));
    const page = await client.models.list({ before_id: 'c4', limit: 2 });
    expect(page.data.map((m) => m.id)).toEqual(['c2', 'c3']);
    expect(page.has_more).toBe(true);
  });

  it('lists every model on one page by default (20 per page)', async () => {
    const client = anthropicClient(await start(FIVE_MODELS));
    const page = await client.models.list();
    expect(page.data).toHaveLength(5);
    expect(page.has_more).toBe(false);
  });
});

describe('lab emulator: Anthropic count_tokens with the real SDK', () => {
  it('counts the input tokens of a messages request', async () => {
    const e = await start();
    const client = anthropicClient(e);
    const counted = await client.messages.countTokens({
      model: 'lab-claude',
      system: 'Two words',
      messages: [{ role: 'user', content: 'one two three' }],
    });
    expect(counted.input_tokens).toBe(5);
    expect(e.stats().endpoints['POST /v1/messages/count_tokens']?.requests).toBe(1);
  });

  it('rejects a request without messages with 400', async () => {
    const client = anthropicClient(await start());
    const err = await rejectionOf(
      client.messages.countTokens({ model: 'lab-claude' } as Anthropic.MessageCountTokensParams),
    );
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
  });

  it('applies status faults to count_tokens and model listings', async () => {
    const client = anthropicClient(await start(scenarioWith({ kind: 'status', code: 500, rate: 1 })));
    const { max_tokens: _unused, ...params } = ANTHROPIC_PARAMS;
    expect(await rejectionOf(client.messages.countTokens(params))).toBeInstanceOf(InternalServerError);
    expect(await rejectionOf(client.models.list())).toBeInstanceOf(InternalServerError);
  });
});
