import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { TimeoutError, failureOf } from '../../src/index.js';
import { settledOn } from '../support/driveVirtualTime.js';
import { VirtualClock } from '../support/VirtualClock.js';
import {
  CHAT,
  CHAT_PARAMS,
  EMBEDDINGS,
  HANG,
  MESSAGES,
  MESSAGE_PARAMS,
  SERVER_ERROR,
  closeLabs,
  expectOneAtATime,
  rejectionOf,
  retriesCounted,
  startLab,
  wrap,
  type FaultInput,
} from './sdkLab.js';

afterEach(closeLabs);

const RATE_LIMITED: FaultInput = { kind: 'status', code: 429, rate: 1, retryAfterMs: 1 };

describe("one owner for retries: the client's maxRetries is what happens upstream", () => {
  it('openai, default maxRetries: a permanent 500 makes exactly 3 requests per caller call, as unwrapped', async () => {
    const lab = await startLab({ faults: [SERVER_ERROR] });
    await rejectionOf(lab.openai().chat.completions.create(CHAT_PARAMS));
    expect(await lab.count(CHAT)).toBe(3);
    const { wrapped, registry } = wrap(lab.openai());
    const err = await rejectionOf(wrapped.chat.completions.create(CHAT_PARAMS));
    expect(await lab.count(CHAT)).toBe(6);
    expect(failureOf(err)?.attempts).toBe(3);
    expect(await retriesCounted(registry)).toBe(2);
    await rejectionOf(wrapped.chat.completions.create(CHAT_PARAMS));
    expect(await lab.count(CHAT)).toBe(9);
  });

  it('openai, default maxRetries: a permanent 429 makes exactly 3 requests', async () => {
    const lab = await startLab({ faults: [RATE_LIMITED] });
    const { wrapped } = wrap(lab.openai());
    const err = await rejectionOf(wrapped.chat.completions.create(CHAT_PARAMS));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(await lab.count(CHAT)).toBe(3);
  });

  it('anthropic, default maxRetries: a permanent 500 makes exactly 3 requests, a 429 too', async () => {
    const lab = await startLab({ faults: [SERVER_ERROR] });
    const { wrapped } = wrap(lab.anthropic());
    expect(await rejectionOf(wrapped.messages.create(MESSAGE_PARAMS))).toBeInstanceOf(
      Anthropic.InternalServerError,
    );
    expect(await lab.count(MESSAGES)).toBe(3);
    lab.emulator.setScenario({ name: '429', seed: 1, phases: [{ atMs: 0, faults: [RATE_LIMITED] }] });
    expect(await rejectionOf(wrapped.messages.create(MESSAGE_PARAMS))).toBeInstanceOf(
      Anthropic.RateLimitError,
    );
    expect(await lab.count(MESSAGES)).toBe(6);
  });

  it.each([
    [0, 1],
    [4, 5],
  ])('a client with maxRetries %i makes %i request(s) wrapped', async (maxRetries, requests) => {
    const lab = await startLab({ faults: [SERVER_ERROR] });
    const { wrapped } = wrap(lab.openai({ maxRetries }));
    const err = await rejectionOf(wrapped.chat.completions.create(CHAT_PARAMS));
    expect(await lab.count(CHAT)).toBe(requests);
    expect(failureOf(err)?.attempts).toBe(requests);
  });

  it('retry.maxAttempts set explicitly wins over the client', async () => {
    const lab = await startLab({ faults: [SERVER_ERROR] });
    const { wrapped } = wrap(lab.openai({ maxRetries: 2 }), { retry: { maxAttempts: 2 } });
    await rejectionOf(wrapped.chat.completions.create(CHAT_PARAMS));
    expect(await lab.count(CHAT)).toBe(2);
  });

  it('a per-request maxRetries keeps its meaning: { maxRetries: 0 } makes one request', async () => {
    const lab = await startLab({ faults: [SERVER_ERROR] });
    const { wrapped } = wrap(lab.openai());
    await rejectionOf(wrapped.chat.completions.create(CHAT_PARAMS, { maxRetries: 0 }));
    expect(await lab.count(CHAT)).toBe(1);
  });

  it('two failures then an answer: 3 requests, the answer returned', async () => {
    const lab = await startLab({ plan: (n) => (n <= 2 ? [SERVER_ERROR] : undefined) });
    const { wrapped } = wrap(lab.openai());
    const completion = await wrapped.chat.completions.create(CHAT_PARAMS);
    expect(completion.choices[0]?.message.content).toEqual(expect.any(String));
    expect((await lab.exchanges(CHAT)).map((e) => e.status)).toEqual([500, 500, 200]);
  });
});

// On virtual time (the wraps' deadlines and backoff, the emulator's latencies): only the HTTP
// exchanges are real; the SDKs' own 5 s timeouts stay on the wall clock and never fire first.
describe('timeouts cancel the upstream request', () => {
  it('openai: a hanging request is closed by the client at the attempt timeout; no retry overlaps it', async () => {
    // Each aborted request settles 50 ms after its abort: the retry (1–5 ms backoff) waits for it.
    const time = new VirtualClock(Date.now());
    const lab = await startLab({ faults: [HANG], failsLateMs: 50, time });
    const { wrapped } = wrap(lab.openai({ timeout: 5_000 }), { timeout: 300 }, time);
    const err = await rejectionOf(settledOn(time, wrapped.chat.completions.create(CHAT_PARAMS)));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(failureOf(err)).toMatchObject({ category: 'timeout', attempts: 3 });
    const exchanges = await lab.exchanges(CHAT);
    expect(exchanges).toHaveLength(3);
    expect(exchanges.every((e) => e.closedByClient && e.status === undefined)).toBe(true);
    expect(lab.sent(CHAT)).toHaveLength(3);
    expectOneAtATime(lab.sent(CHAT));
  });

  it('openai: a slow generation is not run to completion three times (each attempt closed before the answer)', async () => {
    const time = new VirtualClock(Date.now());
    const lab = await startLab({ faults: [{ kind: 'latency', fixedMs: 3_000 }], time });
    const { wrapped } = wrap(lab.openai({ timeout: 5_000 }), { timeout: 300 }, time);
    await rejectionOf(settledOn(time, wrapped.chat.completions.create(CHAT_PARAMS)));
    const exchanges = await lab.exchanges(CHAT);
    expect(exchanges).toHaveLength(3);
    expect(exchanges.map((e) => e.closedByClient)).toEqual([true, true, true]);
    expect(lab.sent(CHAT)).toHaveLength(3);
    expectOneAtATime(lab.sent(CHAT));
  });

  it('anthropic: a hanging request is closed by the client at the attempt timeout; no retry overlaps it', async () => {
    const time = new VirtualClock(Date.now());
    const lab = await startLab({ faults: [HANG], failsLateMs: 50, time });
    const { wrapped } = wrap(lab.anthropic({ timeout: 5_000 }), { timeout: 300 }, time);
    const err = await rejectionOf(settledOn(time, wrapped.messages.create(MESSAGE_PARAMS)));
    expect(err).toBeInstanceOf(TimeoutError);
    const exchanges = await lab.exchanges(MESSAGES);
    expect(exchanges).toHaveLength(3);
    expect(exchanges.every((e) => e.closedByClient)).toBe(true);
    expect(lab.sent(MESSAGES)).toHaveLength(3);
    expectOneAtATime(lab.sent(MESSAGES));
  });

  it('a stream whose first chunk does not come in time is cancelled too', async () => {
    const time = new VirtualClock(Date.now());
    const lab = await startLab({ faults: [HANG], time });
    const { wrapped } = wrap(lab.openai({ timeout: 5_000, maxRetries: 0 }), { timeout: 300 }, time);
    const err = await rejectionOf(
      settledOn(time, wrapped.chat.completions.create({ ...CHAT_PARAMS, stream: true })),
    );
    expect(failureOf(err)?.category).toBe('timeout');
    const [exchange] = await lab.exchanges(CHAT);
    expect(exchange?.closedByClient).toBe(true);
  });

  it("the caller's AbortSignal still cancels: APIUserAbortError as unwrapped, request closed", async () => {
    const lab = await startLab({ faults: [HANG] });
    const { wrapped } = wrap(lab.openai());
    const controller = new AbortController();
    const call = wrapped.chat.completions.create(CHAT_PARAMS, { signal: controller.signal });
    while (lab.emulator.exchanges(CHAT).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect(await rejectionOf(call)).toBeInstanceOf(OpenAI.APIUserAbortError);
    const exchanges = await lab.exchanges(CHAT);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]?.closedByClient).toBe(true);
  });

  it('the adaptive timeout is learned per method and model: fast embeddings do not cut a slower chat model', async () => {
    const time = new VirtualClock(Date.now());
    const lab = await startLab({
      base: { phases: [{ atMs: 0, model: 'lab-slow', faults: [{ kind: 'latency', fixedMs: 1_500 }] }] },
      time,
    });
    const { wrapped } = wrap(
      lab.openai({ maxRetries: 0 }),
      { timeout: 20_000, adaptiveTimeout: { multiplier: 4, minMs: 200, minSamples: 5 } },
      time,
    );
    for (let i = 0; i < 8; i++) {
      const input = `fast ${i}`;
      await settledOn(
        time,
        wrapped.embeddings.create({ model: 'lab-embed', input, encoding_format: 'float' }),
      );
    }
    expect(await lab.count(EMBEDDINGS)).toBe(8);
    // The learned timeout is recomputed once a second: let it see the fast calls.
    await time.advance(1_100);
    const completion = await settledOn(
      time,
      wrapped.chat.completions.create({ ...CHAT_PARAMS, model: 'lab-slow' }),
    );
    expect(completion.model).toBe('lab-slow');
    const exchanges = await lab.exchanges(CHAT);
    expect(exchanges.map((e) => [e.status, e.closedByClient])).toEqual([[200, false]]);
  });
});
