import { Page as AnthropicPage } from '@anthropic-ai/sdk/pagination';
import { CursorPage, Page as OpenAIPage } from 'openai/pagination';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FILES,
  MODELS,
  SERVER_ERROR,
  closeLabs,
  expectSameMembers,
  retriesCounted,
  startLab,
  wrap,
} from './sdkLab.js';

afterEach(closeLabs);

const PAGE_MEMBERS = ['data', 'hasNextPage', 'getNextPage', 'iterPages'];
const PAGE_PROMISE_MEMBERS = ['then', 'withResponse', 'asResponse'];
const FILE_IDS = ['file-lab1', 'file-lab2', 'file-lab3', 'file-lab4', 'file-lab5'];
const MODEL_IDS = ['c1', 'c2', 'c3', 'c4', 'c5'];
const FIVE_MODELS = { models: MODEL_IDS };

async function ids(iterable: AsyncIterable<{ id: string }>): Promise<string[]> {
  const seen: string[] = [];
  for await (const item of iterable) seen.push(item.id);
  return seen;
}

describe('openai models.list(): a Page, never a stream', () => {
  it('for await lists every model, as unwrapped', async () => {
    const lab = await startLab({ base: { models: ['lab-gpt', 'lab-mini'] } });
    const { wrapped } = wrap(lab.openai());
    expect(await ids(wrapped.models.list())).toEqual(await ids(lab.openai().models.list()));
    expect(await ids(wrapped.models.list())).toEqual(['lab-gpt', 'lab-mini']);
  });

  it('(await models.list()).data is the page, a Page instance with its members', async () => {
    const lab = await startLab({ base: { models: ['lab-gpt', 'lab-mini'] } });
    const plain = await lab.openai().models.list();
    const { wrapped } = wrap(lab.openai());
    const page = await wrapped.models.list();
    expect(page).toBeInstanceOf(OpenAIPage);
    expectSameMembers(page, plain, PAGE_MEMBERS);
    expect(page.data.map((m) => m.id)).toEqual(plain.data.map((m) => m.id));
    expect(page.hasNextPage()).toBe(false);
  });

  it('the PagePromise keeps withResponse() and asResponse()', async () => {
    const lab = await startLab();
    const { wrapped } = wrap(lab.openai());
    const plain = lab.openai().models.list();
    const promise = wrapped.models.list();
    const settled = Promise.allSettled([plain, promise]);
    expectSameMembers(promise, plain, PAGE_PROMISE_MEMBERS);
    await settled;
    const { data, response } = await promise.withResponse();
    expect(response.status).toBe(200);
    expect(data.data.length).toBeGreaterThan(0);
  });
});

describe('openai files.list(): cursor pages', () => {
  it('for await fetches every page, as many requests as unwrapped', async () => {
    const lab = await startLab();
    expect(await ids(lab.openai().files.list({ limit: 2 }))).toEqual(FILE_IDS);
    const unwrappedRequests = await lab.count(FILES);
    const { wrapped } = wrap(lab.openai());
    expect(await ids(wrapped.files.list({ limit: 2 }))).toEqual(FILE_IDS);
    expect(await lab.count(FILES)).toBe(2 * unwrappedRequests);
  });

  it('.data, has_more, hasNextPage() and getNextPage() as unwrapped', async () => {
    const lab = await startLab();
    const { wrapped } = wrap(lab.openai());
    const first = await wrapped.files.list({ limit: 2 });
    expect(first).toBeInstanceOf(CursorPage);
    expect(first.data.map((f) => f.id)).toEqual(['file-lab1', 'file-lab2']);
    expect(first.has_more).toBe(true);
    expect(first.hasNextPage()).toBe(true);
    const second = await first.getNextPage();
    expect(second.data.map((f) => f.id)).toEqual(['file-lab3', 'file-lab4']);
    const pages: string[][] = [];
    for await (const page of first.iterPages()) pages.push(page.data.map((f) => f.id));
    expect(pages).toEqual([['file-lab1', 'file-lab2'], ['file-lab3', 'file-lab4'], ['file-lab5']]);
  });

  it('a failed page fetch is retried by the wrapper and the iteration goes on', async () => {
    // Request 2 is the second page's first fetch.
    const lab = await startLab({ plan: (n) => (n === 2 ? [SERVER_ERROR] : undefined) });
    const { wrapped, registry } = wrap(lab.openai());
    expect(await ids(wrapped.files.list({ limit: 2 }))).toEqual(FILE_IDS);
    expect((await lab.exchanges(FILES)).map((e) => e.status)).toEqual([200, 500, 200, 200]);
    expect(await retriesCounted(registry)).toBe(1);
  });
});

describe('anthropic models.list(): after_id pages', () => {
  it('for await fetches every page, as unwrapped', async () => {
    const lab = await startLab({ base: FIVE_MODELS });
    expect(await ids(lab.anthropic().models.list({ limit: 2 }))).toEqual(MODEL_IDS);
    const { wrapped } = wrap(lab.anthropic());
    expect(await ids(wrapped.models.list({ limit: 2 }))).toEqual(MODEL_IDS);
    expect(await lab.count(MODELS)).toBe(6);
  });

  it('.data, has_more, last_id and getNextPage() as unwrapped', async () => {
    const lab = await startLab({ base: FIVE_MODELS });
    const plain = await lab.anthropic().models.list({ limit: 2 });
    const { wrapped } = wrap(lab.anthropic());
    const first = await wrapped.models.list({ limit: 2 });
    expect(first).toBeInstanceOf(AnthropicPage);
    expectSameMembers(first, plain, PAGE_MEMBERS);
    expect(first.data.map((m) => m.id)).toEqual(['c1', 'c2']);
    expect(first.has_more).toBe(true);
    expect(first.last_id).toBe('c2');
    expect((await first.getNextPage()).data.map((m) => m.id)).toEqual(['c3', 'c4']);
  });

  it('a failed page fetch is retried by the wrapper and the iteration goes on', async () => {
    const lab = await startLab({ base: FIVE_MODELS, plan: (n) => (n === 2 ? [SERVER_ERROR] : undefined) });
    const { wrapped, registry } = wrap(lab.anthropic());
    expect(await ids(wrapped.models.list({ limit: 2 }))).toEqual(MODEL_IDS);
    expect((await lab.exchanges(MODELS)).map((e) => e.status)).toEqual([200, 500, 200, 200]);
    expect(await retriesCounted(registry)).toBe(1);
  });
});
