import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import {
  ANTHROPIC_PARAMS,
  anthropicClient,
  emulatorPerTest,
  OPENAI_PARAMS,
  openaiClient,
} from '../lab/labClients.js';
import { freshInfrastructure, sampleValue } from '../support/fixtures.js';

const startEmulator = emulatorPerTest();

const OPENAI = { adapter: 'openai', model: 'lab-gpt' };
const ANTHROPIC = { adapter: 'anthropic', model: 'lab-claude' };

type Registry = Parameters<typeof sampleValue>[0];

const tokens = (
  registry: Registry,
  labels: Record<string, string>,
  type: string,
): Promise<number | undefined> => sampleValue(registry, 'fire_circle_tokens_total', { ...labels, type });

const remaining = (
  registry: Registry,
  labels: Record<string, string>,
  kind: string,
): Promise<number | undefined> =>
  sampleValue(registry, 'fire_circle_ratelimit_remaining', { ...labels, kind });

describe('usage and rate limits of the SDK stream helpers, read from their own events and response', () => {
  it("anthropic messages.stream(): tokens from its events, rate limits from its response's headers", async () => {
    const emulator = await startEmulator();
    const { infrastructure, registry } = freshInfrastructure();
    const client = withConsciousness(anthropicClient(emulator), { infrastructure, name: 'anthropic' });
    const stream = client.messages.stream(ANTHROPIC_PARAMS);
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('end_turn');
    expect(await tokens(registry, ANTHROPIC, 'input')).toBe(final.usage.input_tokens);
    expect(await tokens(registry, ANTHROPIC, 'output')).toBe(final.usage.output_tokens);
    // The helper's own response, untouched: the gauge holds what its headers said.
    const headers = stream.response!.headers;
    expect(await remaining(registry, ANTHROPIC, 'requests')).toBe(
      Number(headers.get('anthropic-ratelimit-requests-remaining')),
    );
    expect(await remaining(registry, ANTHROPIC, 'tokens')).toBeGreaterThan(0);
    expect(emulator.stats().requests).toBe(1);
  });

  it('openai chat.completions.stream() and responses.stream(): tokens from their events', async () => {
    const emulator = await startEmulator();
    const { infrastructure, registry } = freshInfrastructure();
    const client = withConsciousness(openaiClient(emulator), { infrastructure, name: 'openai' });
    const chat = client.chat.completions.stream({
      ...OPENAI_PARAMS,
      stream_options: { include_usage: true },
    });
    const completion = await chat.finalChatCompletion();
    expect(await tokens(registry, OPENAI, 'input')).toBe(completion.usage!.prompt_tokens);
    expect(await tokens(registry, OPENAI, 'output')).toBe(completion.usage!.completion_tokens);
    const response = await client.responses
      .stream({ model: 'lab-gpt', input: 'Hello circle' })
      .finalResponse();
    expect(await tokens(registry, OPENAI, 'output')).toBe(
      completion.usage!.completion_tokens + response.usage!.output_tokens,
    );
    expect(emulator.stats().requests).toBe(2);
  });
});

describe('rate limits of schema-validated SDK calls', () => {
  it('openai chat.completions.parse() with a response schema: headers read, data and usage unchanged', async () => {
    const emulator = await startEmulator();
    const { infrastructure, registry } = freshInfrastructure();
    const schema = z.object({ id: z.string(), choices: z.array(z.unknown()).min(1) }).passthrough();
    const client = withConsciousness(openaiClient(emulator), {
      infrastructure,
      name: 'openai',
      responseSchemas: { 'chat.completions.parse': schema },
    });
    const { data, response } = await client.chat.completions.parse(OPENAI_PARAMS).withResponse();
    expect(data.choices[0]!.message.content).toBeTruthy();
    expect(await remaining(registry, OPENAI, 'requests')).toBe(
      Number(response.headers.get('x-ratelimit-remaining-requests')),
    );
    expect(await tokens(registry, OPENAI, 'input')).toBe(data.usage!.prompt_tokens);
    expect(emulator.stats().requests).toBe(1);
  });

  it('anthropic messages.create() with a response schema: headers read, the message as the SDK parsed it', async () => {
    const emulator = await startEmulator();
    const { infrastructure, registry } = freshInfrastructure();
    const client = withConsciousness(anthropicClient(emulator), {
      infrastructure,
      name: 'anthropic',
      responseSchemas: { 'messages.create': true },
    });
    const plain = await anthropicClient(emulator).messages.create(ANTHROPIC_PARAMS);
    const message = await client.messages.create(ANTHROPIC_PARAMS);
    expect(message.content).toEqual(plain.content);
    expect(await remaining(registry, ANTHROPIC, 'requests')).toBeGreaterThan(0);
    expect(await tokens(registry, ANTHROPIC, 'output')).toBe(message.usage.output_tokens);
    expect(emulator.stats().requests).toBe(2);
  });
});
