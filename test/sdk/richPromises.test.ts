import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHAT,
  CHAT_PARAMS,
  MESSAGES,
  MESSAGE_PARAMS,
  SERVER_ERROR,
  callsCounted,
  closeLabs,
  expectSameMembers,
  retriesCounted,
  startLab,
  wrap,
} from './sdkLab.js';

afterEach(closeLabs);

// The members of the SDKs' APIPromise a caller uses besides then/catch/finally.
const PROMISE_MEMBERS = ['then', 'catch', 'finally', 'withResponse', 'asResponse'];

describe('openai APIPromise: withResponse() and asResponse() through the wrapper', () => {
  it('create(body) has the same members wrapped as unwrapped', async () => {
    const lab = await startLab();
    const client = lab.openai();
    const { wrapped } = wrap(lab.openai());
    const plain = client.chat.completions.create(CHAT_PARAMS);
    const ours = wrapped.chat.completions.create(CHAT_PARAMS);
    const settled = Promise.allSettled([plain, ours]);
    expectSameMembers(ours, plain, PROMISE_MEMBERS);
    await settled;
  });

  it('withResponse() gives { data, response, request_id } like the unwrapped call, in one request', async () => {
    const lab = await startLab();
    const plain = await lab.openai().chat.completions.create(CHAT_PARAMS).withResponse();
    const { wrapped, registry } = wrap(lab.openai());
    const before = await lab.count(CHAT);
    const ours = await wrapped.chat.completions.create(CHAT_PARAMS).withResponse();
    expect(await lab.count(CHAT)).toBe(before + 1);
    expect(ours.data.choices[0]?.message.content).toBe(plain.data.choices[0]?.message.content);
    expect(ours.data.object).toBe('chat.completion');
    expect(ours.response).toBeInstanceOf(Response);
    expect(ours.response.status).toBe(200);
    expect(ours.response.headers.get('x-request-id')).toBe(ours.request_id);
    expect(ours.request_id).toMatch(/^req_lab/);
    expect(Object.keys(ours).sort()).toEqual(Object.keys(plain).sort());
    expect(await callsCounted(registry, 'chat.completions.create')).toBe(1);
  });

  it('asResponse() gives the raw Response like the unwrapped call', async () => {
    const lab = await startLab();
    const plain = await lab.openai().chat.completions.create(CHAT_PARAMS).asResponse();
    const { wrapped } = wrap(lab.openai());
    const ours = await wrapped.chat.completions.create(CHAT_PARAMS).asResponse();
    expect(ours).toBeInstanceOf(Response);
    expect(ours.status).toBe(plain.status);
    const [a, b] = (await Promise.all([plain.json(), ours.json()])) as OpenAI.ChatCompletion[];
    expect(b?.object).toBe('chat.completion');
    expect(b?.choices[0]?.message.content).toBe(a?.choices[0]?.message.content);
  });

  it('withResponse() is retried by the wrapper and returns the response of the attempt that succeeded', async () => {
    const lab = await startLab({ plan: (n) => (n === 1 ? [SERVER_ERROR] : undefined) });
    const { wrapped, registry } = wrap(lab.openai());
    const { data, response } = await wrapped.chat.completions.create(CHAT_PARAMS).withResponse();
    expect(response.status).toBe(200);
    expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    const exchanges = await lab.exchanges(CHAT);
    expect(exchanges.map((e) => e.status)).toEqual([500, 200]);
    expect(response.headers.get('x-request-id')).toBe((data as { _request_id?: string })._request_id);
    // The wrapper owned the retry (the SDK's own retries were off for the attempt).
    expect(await retriesCounted(registry)).toBe(1);
  });

  it('an answer read later (a rich promise, a stream) counts as a valid response: the voice stays stable', async () => {
    const lab = await startLab();
    const { wrapped, infrastructure } = wrap(lab.openai());
    await wrapped.chat.completions.create(CHAT_PARAMS);
    await wrapped.chat.completions.create(CHAT_PARAMS).withResponse();
    for await (const chunk of await wrapped.chat.completions.create({ ...CHAT_PARAMS, stream: true })) {
      void chunk;
    }
    const signature = infrastructure.getHealthSignature('sdk')!;
    expect(signature.totalCalls).toBe(3);
    expect(signature.voiceStability).toBe(1);
  });

  it('awaited, then asResponse(): the response as the unwrapped call leaves it, of the same request', async () => {
    const lab = await startLab();
    const plainPromise = lab.openai().chat.completions.create(CHAT_PARAMS);
    await plainPromise;
    const plain = await plainPromise.asResponse();
    const { wrapped } = wrap(lab.openai());
    // Two calls: the first reads the voice's rate-limit headers, the second only its data.
    for (let i = 0; i < 2; i++) {
      const ours = wrapped.chat.completions.create(CHAT_PARAMS);
      const data = await ours;
      const response = await ours.asResponse();
      expect(response.status).toBe(plain.status);
      expect(response.bodyUsed).toBe(plain.bodyUsed);
      expect(response.headers.get('x-request-id')).toBe(data._request_id);
    }
    expect(await lab.count(CHAT)).toBe(3);
  });

  it('a body that does not parse: the caller gets the SDK’s error from one request, awaited or not', async () => {
    const malformed = { kind: 'malformed_json', rate: 1 } as const;
    const lab = await startLab({ plan: (n) => (n === 2 || n === 4 ? [malformed] : undefined) });
    const plain = lab.openai();
    await plain.chat.completions.create(CHAT_PARAMS);
    const unwrapped = await plain.chat.completions.create(CHAT_PARAMS).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(unwrapped).toBeInstanceOf(Error);
    const { wrapped } = wrap(lab.openai());
    // The first call reads the voice's rate-limit headers; the second, awaited, only its data.
    await wrapped.chat.completions.create(CHAT_PARAMS);
    const ours = await wrapped.chat.completions.create(CHAT_PARAMS).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ours).toBeInstanceOf((unwrapped as Error).constructor);
    expect((ours as Error).message).toBe((unwrapped as Error).message);
    // No retry of a response that arrived: as many requests as unwrapped.
    expect(await lab.count(CHAT)).toBe(4);
  });

  it('the data keeps its _request_id', async () => {
    const lab = await startLab();
    const { wrapped } = wrap(lab.openai());
    const completion = await wrapped.chat.completions.create(CHAT_PARAMS);
    expect(completion._request_id).toMatch(/^req_lab/);
  });
});

describe('anthropic APIPromise: withResponse() and asResponse() through the wrapper', () => {
  it('messages.create(body) has the same members wrapped as unwrapped', async () => {
    const lab = await startLab();
    const client = lab.anthropic();
    const { wrapped } = wrap(lab.anthropic());
    const plain = client.messages.create(MESSAGE_PARAMS);
    const ours = wrapped.messages.create(MESSAGE_PARAMS);
    const settled = Promise.allSettled([plain, ours]);
    expectSameMembers(ours, plain, PROMISE_MEMBERS);
    await settled;
  });

  it('withResponse() gives { data, response, request_id } like the unwrapped call, in one request', async () => {
    const lab = await startLab();
    const plain = await lab.anthropic().messages.create(MESSAGE_PARAMS).withResponse();
    const { wrapped } = wrap(lab.anthropic());
    const before = await lab.count(MESSAGES);
    const ours = await wrapped.messages.create(MESSAGE_PARAMS).withResponse();
    expect(await lab.count(MESSAGES)).toBe(before + 1);
    expect(ours.data.content).toEqual(plain.data.content);
    expect(ours.response).toBeInstanceOf(Response);
    expect(ours.response.headers.get('request-id')).toBe(ours.request_id);
    expect(Object.keys(ours).sort()).toEqual(Object.keys(plain).sort());
  });

  it('asResponse() gives the raw Response like the unwrapped call', async () => {
    const lab = await startLab();
    const { wrapped } = wrap(lab.anthropic());
    const ours = await wrapped.messages.create(MESSAGE_PARAMS).asResponse();
    expect(ours).toBeInstanceOf(Response);
    const body = (await ours.json()) as Anthropic.Message;
    expect(body.type).toBe('message');
  });

  it('withResponse() is retried by the wrapper and returns the response of the attempt that succeeded', async () => {
    const lab = await startLab({ plan: (n) => (n === 1 ? [SERVER_ERROR] : undefined) });
    const { wrapped, registry } = wrap(lab.anthropic());
    const { data, response } = await wrapped.messages.create(MESSAGE_PARAMS).withResponse();
    expect(response.status).toBe(200);
    expect(data.type).toBe('message');
    expect((await lab.exchanges(MESSAGES)).map((e) => e.status)).toEqual([500, 200]);
    expect(await retriesCounted(registry)).toBe(1);
  });
});
