import Anthropic, { APIError as AnthropicAPIError } from '@anthropic-ai/sdk';
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import OpenAI from 'openai';
import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import { ResponseStream } from 'openai/lib/responses/ResponseStream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHAT,
  CHAT_PARAMS,
  MESSAGES,
  MESSAGE_PARAMS,
  PROMPT,
  RESPONSES,
  callsCounted,
  closeLabs,
  expectSameMembers,
  rejectionOf,
  HANG,
  startLab,
  wrap,
} from './sdkLab.js';
import { until } from '../support/until.js';

afterEach(closeLabs);

const MESSAGE_STREAM_MEMBERS = [
  'on',
  'once',
  'off',
  'emitted',
  'done',
  'abort',
  'finalMessage',
  'finalText',
  'controller',
];
const CHAT_STREAM_MEMBERS = [
  'on',
  'once',
  'off',
  'done',
  'abort',
  'finalChatCompletion',
  'finalContent',
  'controller',
];
const RESPONSE_STREAM_MEMBERS = ['on', 'once', 'off', 'done', 'abort', 'finalResponse', 'controller'];
const RESPONSE_PARAMS = { model: 'lab-gpt', input: PROMPT };

describe("anthropic messages.stream(): Anthropic's documented way to stream", () => {
  it('returns a MessageStream with its members; on("text"), finalMessage() and finalText() as unwrapped', async () => {
    const lab = await startLab();
    const plain = lab.anthropic().messages.stream(MESSAGE_PARAMS);
    const plainText: string[] = [];
    plain.on('text', (delta) => plainText.push(delta));
    const plainFinal = await plain.finalMessage();

    const { wrapped, registry } = wrap(lab.anthropic());
    const ours = wrapped.messages.stream(MESSAGE_PARAMS);
    expect(ours).toBeInstanceOf(MessageStream);
    expectSameMembers(ours, plain, MESSAGE_STREAM_MEMBERS);
    const text: string[] = [];
    ours.on('text', (delta) => text.push(delta));
    const final = await ours.finalMessage();
    expect(text).toEqual(plainText);
    expect(final.content).toEqual(plainFinal.content);
    expect(final.stop_reason).toBe('end_turn');
    expect(await ours.finalText()).toBe(plainText.join(''));
    expect(await lab.count(MESSAGES)).toBe(2);
    expect(await callsCounted(registry, 'messages.stream')).toBe(1);
  });

  it('is still the MessageStream while healing knobs hold other calls (the concurrency limit full)', async () => {
    // The first create hangs and holds the limit's one slot; helpers are never queued behind it.
    const lab = await startLab({ plan: (n) => (n === 2 ? [HANG] : undefined) });
    const { wrapped, infrastructure } = wrap(lab.anthropic(), { timeout: 5_000 });
    const expected = await wrapped.messages.stream(MESSAGE_PARAMS).finalText();
    const tuning = infrastructure.voice('sdk').tuning;
    tuning.maxConcurrent = 1;
    tuning.touch();
    const held = wrapped.messages.create(MESSAGE_PARAMS, { timeout: 2_000, maxRetries: 0 });
    held.catch(() => undefined);
    await until(
      () => lab.emulator.exchanges(MESSAGES).length === 2,
      'the create holding the slot reached the emulator',
    );
    const ours = wrapped.messages.stream(MESSAGE_PARAMS);
    expect(ours).toBeInstanceOf(MessageStream);
    expect(await ours.finalText()).toBe(expected);
    await rejectionOf(held);
  });

  it('finalText() alone resolves to the reply', async () => {
    const lab = await startLab();
    const expected = await lab.anthropic().messages.stream(MESSAGE_PARAMS).finalText();
    const { wrapped } = wrap(lab.anthropic());
    expect(await wrapped.messages.stream(MESSAGE_PARAMS).finalText()).toBe(expected);
  });

  it('for await over a MessageStream yields the same events', async () => {
    const lab = await startLab();
    const types = async (stream: AsyncIterable<Anthropic.MessageStreamEvent>): Promise<string[]> => {
      const seen: string[] = [];
      for await (const event of stream) seen.push(event.type);
      return seen;
    };
    const expected = await types(lab.anthropic().messages.stream(MESSAGE_PARAMS));
    const { wrapped } = wrap(lab.anthropic());
    expect(await types(wrapped.messages.stream(MESSAGE_PARAMS))).toEqual(expected);
  });

  it('an upstream error reaches finalMessage() as the SDK error class, as unwrapped', async () => {
    const lab = await startLab({ faults: [{ kind: 'status', code: 401, rate: 1 }] });
    const plain = await rejectionOf(
      lab.anthropic({ maxRetries: 0 }).messages.stream(MESSAGE_PARAMS).finalMessage(),
    );
    const { wrapped } = wrap(lab.anthropic({ maxRetries: 0 }));
    const ours = await rejectionOf(wrapped.messages.stream(MESSAGE_PARAMS).finalMessage());
    expect(plain).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(ours).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((ours as AnthropicAPIError).status).toBe(401);
  });
});

describe('openai stream helpers', () => {
  it('chat.completions.stream(): a ChatCompletionStream; on("content"), finalChatCompletion(), finalContent()', async () => {
    const lab = await startLab();
    const plain = lab.openai().chat.completions.stream(CHAT_PARAMS);
    const plainDeltas: string[] = [];
    plain.on('content', (delta) => plainDeltas.push(delta));
    const plainFinal = await plain.finalChatCompletion();

    const { wrapped, registry } = wrap(lab.openai());
    const ours = wrapped.chat.completions.stream(CHAT_PARAMS);
    expect(ours).toBeInstanceOf(ChatCompletionStream);
    expectSameMembers(ours, plain, CHAT_STREAM_MEMBERS);
    const deltas: string[] = [];
    const snapshots: string[] = [];
    ours.on('content', (delta, snapshot) => {
      deltas.push(delta);
      snapshots.push(snapshot);
    });
    const final = await ours.finalChatCompletion();
    expect(deltas).toEqual(plainDeltas);
    expect(snapshots.at(-1)).toBe(plainDeltas.join(''));
    expect(final.choices[0]?.message.content).toBe(plainFinal.choices[0]?.message.content);
    expect(await ours.finalContent()).toBe(plainDeltas.join(''));
    expect(await lab.count(CHAT)).toBe(2);
    expect(await callsCounted(registry, 'chat.completions.stream')).toBe(1);
  });

  it('responses.stream(): a ResponseStream; its events and finalResponse() as unwrapped', async () => {
    const lab = await startLab();
    const plain = lab.openai().responses.stream(RESPONSE_PARAMS);
    const plainDeltas: string[] = [];
    plain.on('response.output_text.delta', (event) => plainDeltas.push(event.delta));
    const plainFinal = await plain.finalResponse();

    const { wrapped, registry } = wrap(lab.openai());
    const ours = wrapped.responses.stream(RESPONSE_PARAMS);
    expect(ours).toBeInstanceOf(ResponseStream);
    expectSameMembers(ours, plain, RESPONSE_STREAM_MEMBERS);
    const deltas: string[] = [];
    ours.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await ours.finalResponse();
    expect(deltas).toEqual(plainDeltas);
    expect(final.output_text).toBe(plainFinal.output_text);
    expect(await lab.count(RESPONSES)).toBe(2);
    expect(await callsCounted(registry, 'responses.stream')).toBe(1);
  });

  it('responses.create({ stream: true }) and the non-streamed responses.create() as unwrapped', async () => {
    const lab = await startLab();
    const client = lab.openai();
    const { wrapped } = wrap(lab.openai());
    const types = async (stream: AsyncIterable<OpenAI.Responses.ResponseStreamEvent>): Promise<string[]> => {
      const seen: string[] = [];
      for await (const event of stream) seen.push(event.type);
      return seen;
    };
    expect(await types(await wrapped.responses.create({ ...RESPONSE_PARAMS, stream: true }))).toEqual(
      await types(await client.responses.create({ ...RESPONSE_PARAMS, stream: true })),
    );
    const ours = await wrapped.responses.create(RESPONSE_PARAMS);
    expect(ours.output_text).toBe((await client.responses.create(RESPONSE_PARAMS)).output_text);
  });

  it('abort() on a ChatCompletionStream ends it with APIUserAbortError, as unwrapped', async () => {
    const lab = await startLab({ faults: [{ kind: 'latency', fixedMs: 2_000 }] });
    const outcome = async (stream: ChatCompletionStream): Promise<unknown> => {
      const settled = rejectionOf(stream.done());
      stream.abort();
      return settled;
    };
    const plain = await outcome(lab.openai().chat.completions.stream(CHAT_PARAMS));
    const { wrapped } = wrap(lab.openai());
    const ours = await outcome(wrapped.chat.completions.stream(CHAT_PARAMS));
    expect(plain).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(ours).toBeInstanceOf(OpenAI.APIUserAbortError);
  });
});
