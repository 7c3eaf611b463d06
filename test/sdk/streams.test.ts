import Anthropic from '@anthropic-ai/sdk';
import { Stream as AnthropicStream } from '@anthropic-ai/sdk/streaming';
import OpenAI from 'openai';
import { Stream as OpenAIStream } from 'openai/streaming';
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

// What a caller of the SDKs' Stream uses besides iterating it.
const STREAM_MEMBERS = ['controller', 'tee', 'toReadableStream'];

type Chunk = OpenAI.ChatCompletionChunk;
type Event = Anthropic.RawMessageStreamEvent;

async function chatDeltas(stream: AsyncIterable<Chunk>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const chunk of stream) {
    const content = chunk.choices[0]?.delta.content;
    if (content) deltas.push(content);
  }
  return deltas;
}

async function messageDeltas(stream: AsyncIterable<Event>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const event of stream) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
      deltas.push(event.delta.text);
  }
  return deltas;
}

/** Reads a stream, aborting it through its controller at the first item; returns how many were read. */
async function readUntilAbort(
  stream: AsyncIterable<unknown> & { controller: AbortController },
): Promise<number> {
  let read = 0;
  for await (const _item of stream) {
    read++;
    stream.controller.abort();
  }
  return read;
}

/** Reads a `toReadableStream()` (newline-delimited JSON) back into items. */
async function readItems<T>(readable: ReadableStream): Promise<T[]> {
  const text = await new Response(readable).text();
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}

describe('openai create({ stream: true }): the SDK Stream is handed back', () => {
  it('is an openai Stream with controller, tee and toReadableStream, yielding the same chunks', async () => {
    const lab = await startLab();
    const plain = await lab.openai().chat.completions.create({ ...CHAT_PARAMS, stream: true });
    const { wrapped, registry } = wrap(lab.openai());
    const ours = await wrapped.chat.completions.create({ ...CHAT_PARAMS, stream: true });
    expect(ours).toBeInstanceOf(OpenAIStream);
    expectSameMembers(ours, plain, STREAM_MEMBERS);
    expect(ours.controller).toBeInstanceOf(AbortController);
    expect(await chatDeltas(ours)).toEqual(await chatDeltas(plain));
    expect(await callsCounted(registry, 'chat.completions.create')).toBe(1);
  });

  it('tee() gives two streams with every chunk; one request, one call counted', async () => {
    const lab = await startLab();
    const expected = await chatDeltas(
      await lab.openai().chat.completions.create({ ...CHAT_PARAMS, stream: true }),
    );
    const { wrapped, registry } = wrap(lab.openai());
    const before = await lab.count(CHAT);
    const [left, right] = (await wrapped.chat.completions.create({ ...CHAT_PARAMS, stream: true })).tee();
    expect(left).toBeInstanceOf(OpenAIStream);
    expect(await chatDeltas(left)).toEqual(expected);
    expect(await chatDeltas(right)).toEqual(expected);
    expect(await lab.count(CHAT)).toBe(before + 1);
    expect(await callsCounted(registry, 'chat.completions.create')).toBe(1);
  });

  it('toReadableStream() returns a web ReadableStream of the chunks (a web route returns it as is)', async () => {
    const lab = await startLab();
    const expected = await chatDeltas(
      await lab.openai().chat.completions.create({ ...CHAT_PARAMS, stream: true }),
    );
    const { wrapped, registry } = wrap(lab.openai());
    const readable = (
      await wrapped.chat.completions.create({ ...CHAT_PARAMS, stream: true })
    ).toReadableStream();
    expect(readable).toBeInstanceOf(ReadableStream);
    const chunks = await readItems<Chunk>(readable);
    expect(chunks.flatMap((c) => (c.choices[0]?.delta.content ? [c.choices[0].delta.content] : []))).toEqual(
      expected,
    );
    expect(await callsCounted(registry, 'chat.completions.create')).toBe(1);
  });

  it('stream.controller.abort() ends the loop quietly, as unwrapped; the call is counted once', async () => {
    const lab = await startLab();
    const plain = await lab.openai().chat.completions.create({ ...CHAT_PARAMS, stream: true });
    const { wrapped, registry } = wrap(lab.openai());
    const ours = await wrapped.chat.completions.create({ ...CHAT_PARAMS, stream: true });
    expect(await readUntilAbort(ours)).toBe(await readUntilAbort(plain));
    expect(ours.controller.signal.aborted).toBe(true);
    expect(await callsCounted(registry, 'chat.completions.create')).toBe(1);
  });

  it('a stream never read is counted once its request has settled', async () => {
    const lab = await startLab();
    const { wrapped, registry } = wrap(lab.openai());
    const stream = await wrapped.chat.completions.create({ ...CHAT_PARAMS, stream: true });
    expect(await callsCounted(registry, 'chat.completions.create')).toBe(1);
    stream.controller.abort();
  });

  it('a failure before the stream exists is retried by the wrapper (one owner: the SDK does not retry too)', async () => {
    const lab = await startLab({ plan: (n) => (n === 1 ? [SERVER_ERROR] : undefined) });
    const { wrapped, registry } = wrap(lab.openai());
    const stream = await wrapped.chat.completions.create({ ...CHAT_PARAMS, stream: true });
    expect(stream).toBeInstanceOf(OpenAIStream);
    expect((await chatDeltas(stream)).length).toBeGreaterThan(3);
    expect((await lab.exchanges(CHAT)).map((e) => e.status)).toEqual([500, 200]);
    expect(await retriesCounted(registry)).toBe(1);
  });
});

describe('anthropic messages.create({ stream: true }): the SDK Stream is handed back', () => {
  it('is an anthropic Stream with controller, tee and toReadableStream, yielding the same events', async () => {
    const lab = await startLab();
    const plain = await lab.anthropic().messages.create({ ...MESSAGE_PARAMS, stream: true });
    const { wrapped, registry } = wrap(lab.anthropic());
    const ours = await wrapped.messages.create({ ...MESSAGE_PARAMS, stream: true });
    expect(ours).toBeInstanceOf(AnthropicStream);
    expectSameMembers(ours, plain, STREAM_MEMBERS);
    expect(await messageDeltas(ours)).toEqual(await messageDeltas(plain));
    expect(await callsCounted(registry, 'messages.create')).toBe(1);
  });

  it('tee() and toReadableStream() work as unwrapped; one request per call', async () => {
    const lab = await startLab();
    const expected = await messageDeltas(
      await lab.anthropic().messages.create({ ...MESSAGE_PARAMS, stream: true }),
    );
    const { wrapped, registry } = wrap(lab.anthropic());
    const [left, right] = (await wrapped.messages.create({ ...MESSAGE_PARAMS, stream: true })).tee();
    expect(await messageDeltas(left)).toEqual(expected);
    expect(await messageDeltas(right)).toEqual(expected);
    const readable = (await wrapped.messages.create({ ...MESSAGE_PARAMS, stream: true })).toReadableStream();
    const events = await readItems<Event>(readable);
    expect(events[0]?.type).toBe('message_start');
    expect(events.at(-1)?.type).toBe('message_stop');
    expect(await lab.count(MESSAGES)).toBe(3);
    expect(await callsCounted(registry, 'messages.create')).toBe(2);
  });

  it('stream.controller.abort() ends the loop quietly, as unwrapped', async () => {
    const lab = await startLab();
    const plain = await lab.anthropic().messages.create({ ...MESSAGE_PARAMS, stream: true });
    const { wrapped, registry } = wrap(lab.anthropic());
    const ours = await wrapped.messages.create({ ...MESSAGE_PARAMS, stream: true });
    expect(await readUntilAbort(ours)).toBe(await readUntilAbort(plain));
    expect(await callsCounted(registry, 'messages.create')).toBe(1);
  });
});
