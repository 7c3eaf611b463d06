// Calls that do not start at once — during a Retry-After cool-down, behind the concurrency limit —
// still hand back the SDK's APIPromise members: withResponse() and asResponse() answer from the
// attempt that succeeded, as the unwrapped client's do.
import Anthropic, { APIPromise as AnthropicAPIPromise } from '@anthropic-ai/sdk';
import OpenAI, { APIPromise as OpenAIAPIPromise } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import {
  CHAT,
  CHAT_PARAMS,
  MESSAGES,
  MESSAGE_PARAMS,
  MODELS,
  closeLabs,
  expectOneAtATime,
  expectSameMembers,
  rejectionOf,
  startLab,
  wrap,
  type FaultInput,
  type Lab,
} from './sdkLab.js';

afterEach(closeLabs);

/** What an SDK's APIPromise offers the caller (both SDKs). */
interface RichCall extends PromiseLike<{ _request_id?: string | null }> {
  withResponse(): Promise<{
    data: { _request_id?: string | null };
    response: Response;
    request_id: string | null;
  }>;
  asResponse(): Promise<Response>;
}

/** One SDK as these tests use it: its client on a lab, its create() call, and what identifies a response. */
interface Sdk {
  readonly name: string;
  readonly endpoint: string;
  readonly model: string;
  /** The header carrying the request id (withResponse's `request_id`). */
  readonly idHeader: string;
  readonly promiseClass: abstract new (...args: never[]) => unknown;
  client(lab: Lab, options?: { maxRetries?: number }): object;
  create(client: object): RichCall;
  /** The generated text of a parsed answer. */
  text(data: unknown): unknown;
}

const SDKS: readonly Sdk[] = [
  {
    name: 'openai',
    endpoint: CHAT,
    model: CHAT_PARAMS.model,
    idHeader: 'x-request-id',
    promiseClass: OpenAIAPIPromise,
    client: (lab, options) => lab.openai(options),
    create: (client) => (client as OpenAI).chat.completions.create(CHAT_PARAMS) as unknown as RichCall,
    text: (data) => (data as OpenAI.ChatCompletion).choices[0]?.message.content,
  },
  {
    name: 'anthropic',
    endpoint: MESSAGES,
    model: MESSAGE_PARAMS.model,
    idHeader: 'request-id',
    promiseClass: AnthropicAPIPromise,
    client: (lab, options) => lab.anthropic(options),
    create: (client) => (client as Anthropic).messages.create(MESSAGE_PARAMS) as unknown as RichCall,
    text: (data) => (data as Anthropic.Message).content,
  },
];

const PROMISE_MEMBERS = ['then', 'catch', 'finally', 'withResponse', 'asResponse'];

/** A 429 asking for `ms` without calls. */
const rateLimited = (ms: number): FaultInput => ({ kind: 'status', code: 429, rate: 1, retryAfterMs: ms });

/** The unwrapped client's answer on a healthy lab: what the wrapped held call must match. */
async function unwrappedAnswer(sdk: Sdk): Promise<{ text: unknown; keys: string[] }> {
  const lab = await startLab();
  const plain = await sdk.create(sdk.client(lab)).withResponse();
  return { text: sdk.text(plain.data), keys: Object.keys(plain).sort() };
}

/**
 * A wrapped client whose first request is refused with a 429 asking for 1 s (the client's own
 * retries off, so that call fails at once) and whose later requests get `later` (answered when
 * undefined). Returns once the cool-down is set.
 */
async function coolingDown(sdk: Sdk, later?: FaultInput) {
  const lab = await startLab({ plan: (n) => (n === 1 ? [rateLimited(1_000)] : later && [later]) });
  // The cool-down lasts the provider's Retry-After (maxDelayMs bounds it).
  const { wrapped, infrastructure } = wrap(sdk.client(lab, { maxRetries: 0 }), {
    retry: { maxDelayMs: 2_000 },
  });
  const refused = await rejectionOf(sdk.create(wrapped));
  expect((refused as { status?: number }).status).toBe(429);
  return { lab, wrapped, infrastructure };
}

/** Calls `create` while the voice's cool-down runs (asserting that it does at that moment). */
function duringCooldown(sdk: Sdk, infrastructure: InfrastructureConsciousness, wrapped: object): RichCall {
  const cooling = infrastructure.voice('sdk').cooldownUntil(sdk.model) > Date.now();
  const call = sdk.create(wrapped);
  expect(cooling, 'the call was made during the cool-down').toBe(true);
  return call;
}

describe.each(SDKS)('$name: a call made during a Retry-After cool-down', (sdk) => {
  it('has the APIPromise members, and withResponse() gives what the unwrapped call gives', async () => {
    const plain = await unwrappedAnswer(sdk);
    const { lab, wrapped, infrastructure } = await coolingDown(sdk);
    const held = duringCooldown(sdk, infrastructure, wrapped);
    const unwrappedCall = sdk.create(sdk.client(lab));
    expectSameMembers(held, unwrappedCall, PROMISE_MEMBERS);
    await unwrappedCall;
    expect(held).toBeInstanceOf(sdk.promiseClass);
    const ours = await held.withResponse();
    expect(sdk.text(ours.data)).toEqual(plain.text);
    expect(Object.keys(ours).sort()).toEqual(plain.keys);
    expect(ours.response).toBeInstanceOf(Response);
    expect(ours.response.status).toBe(200);
    // The response of the attempt that succeeded: its request id is the data's.
    expect(ours.response.headers.get(sdk.idHeader)).toBe(ours.request_id);
    expect((ours.data as { _request_id?: string })._request_id).toBe(ours.request_id);
    // Awaited too, it gives the same data (one request for the held call).
    expect(sdk.text(await held)).toEqual(plain.text);
  });

  it('asResponse() gives the raw Response with its body unread', async () => {
    const { wrapped, infrastructure } = await coolingDown(sdk);
    const response = await duringCooldown(sdk, infrastructure, wrapped).asResponse();
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(response.bodyUsed).toBe(false);
    const body = (await response.json()) as unknown;
    expect(sdk.text(body)).toEqual((await unwrappedAnswer(sdk)).text);
    expect(response.headers.get(sdk.idHeader)).toMatch(/lab/);
  });

  it('a held call that fails: withResponse() alone rejects with the SDK’s own error, nothing unhandled', async () => {
    const { lab, wrapped, infrastructure } = await coolingDown(sdk, {
      kind: 'status',
      code: 500,
      rate: 1,
      retryAfterMs: 1,
    });
    const error = await rejectionOf(duringCooldown(sdk, infrastructure, wrapped).withResponse());
    const plainError = await rejectionOf(sdk.create(sdk.client(lab, { maxRetries: 0 })).withResponse());
    expect(error).toBeInstanceOf((plainError as object).constructor);
    expect((error as { status?: number }).status).toBe(500);
  });
});

describe.each(SDKS)('$name: a call held behind the concurrency limit', (sdk) => {
  it('withResponse() and asResponse() answer from its own request, sent after the call ahead of it', async () => {
    const plain = await unwrappedAnswer(sdk);
    // The first request takes 300 ms: the limit of one call holds the others until it is answered.
    const lab = await startLab({ plan: (n) => (n === 1 ? [{ kind: 'latency', fixedMs: 300 }] : undefined) });
    const { wrapped, infrastructure } = wrap(sdk.client(lab));
    const tuning = infrastructure.voice('sdk').tuning;
    tuning.maxConcurrent = 1;
    tuning.touch();
    const ahead = sdk.create(wrapped);
    const viaResponse = sdk.create(wrapped);
    const viaRaw = sdk.create(wrapped);
    expect(viaResponse).toBeInstanceOf(sdk.promiseClass);
    const [first, ours, raw] = await Promise.all([ahead, viaResponse.withResponse(), viaRaw.asResponse()]);
    expect(sdk.text(first)).toEqual(plain.text);
    expect(sdk.text(ours.data)).toEqual(plain.text);
    expect(Object.keys(ours).sort()).toEqual(plain.keys);
    expect(ours.response.headers.get(sdk.idHeader)).toBe(ours.request_id);
    expect((ours.data as { _request_id?: string })._request_id).toBe(ours.request_id);
    expect(raw.bodyUsed).toBe(false);
    expect(sdk.text(await raw.json())).toEqual(plain.text);
    // Held: each request went out after the one before it was answered.
    const sent = lab.sent(sdk.endpoint);
    expect(sent).toHaveLength(3);
    expectOneAtATime(sent);
    // Three request ids: the held calls answered from their own requests.
    const ids = new Set([first._request_id, ours.request_id, raw.headers.get(sdk.idHeader)]);
    expect(ids.size).toBe(3);
  });
});

describe('a PagePromise held by a cool-down', () => {
  it('auto-paginates (for await on the un-awaited list()) like the unwrapped client', async () => {
    const lab = await startLab({ base: { models: ['lab-gpt', 'lab-mini'] } });
    const { wrapped, infrastructure } = wrap(lab.openai(), { retry: { maxDelayMs: 2_000 } });
    // Learned from a first call: models.list() returns a PagePromise.
    await wrapped.models.list();
    infrastructure.voice('sdk').coolDown(Date.now() + 200, 'rate_limited');
    const seen: string[] = [];
    const held = wrapped.models.list();
    expect(typeof (held as unknown as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator]).toBe(
      'function',
    );
    for await (const model of held) seen.push(model.id);
    expect(seen).toEqual(['lab-gpt', 'lab-mini']);
    // The held call went upstream after the cool-down: two list requests in all.
    expect(lab.sent(MODELS)).toHaveLength(2);
  });
});

describe('a method never seen returning, held on its first call', () => {
  it('an SDK client’s create() still gets withResponse() and asResponse() (the SDKs’ APIPromise members)', async () => {
    const lab = await startLab();
    const { wrapped, infrastructure } = wrap(lab.openai(), { retry: { maxDelayMs: 2_000 } });
    infrastructure.voice('sdk').coolDown(Date.now() + 200, 'rate_limited');
    const held = wrapped.chat.completions.create(CHAT_PARAMS);
    const unwrappedCall = lab.openai().chat.completions.create(CHAT_PARAMS);
    expectSameMembers(held, unwrappedCall, PROMISE_MEMBERS);
    await unwrappedCall;
    const { data, response, request_id } = await held.withResponse();
    expect(response.headers.get('x-request-id')).toBe(request_id);
    expect((data as { _request_id?: string })._request_id).toBe(request_id);
    // Learned now: the next held call is an instance of the SDK's class.
    infrastructure.voice('sdk').coolDown(Date.now() + 200, 'rate_limited');
    const next = wrapped.chat.completions.create(CHAT_PARAMS);
    expect(next).toBeInstanceOf(OpenAIAPIPromise);
    expect((await next).object).toBe('chat.completion');
  });
});
