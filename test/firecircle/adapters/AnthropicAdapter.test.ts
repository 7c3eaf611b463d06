import Anthropic, { AuthenticationError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { classifyError } from '../../../src/classify/classifyError.js';
import { ConsciousMessageSchema } from '../../../src/firecircle/ConsciousMessage.js';
import { AdapterHealthCheckSchema } from '../../../src/firecircle/ConsciousModelAdapter.js';
import {
  AnthropicAdapter,
  type AnthropicAdapterOptions,
  type AnthropicClient,
} from '../../../src/firecircle/adapters/AnthropicAdapter.js';
import { MissingApiKeyError } from '../../../src/firecircle/adapters/MissingApiKeyError.js';
import { assistantText } from '../../../src/lab/assistantText.js';
import {
  collect,
  errorTexts,
  exposedTexts,
  faulty,
  HEALTHY,
  moduleNotFound,
  PROMPT,
  rejectionOf,
  rejectionsOfEveryMethod,
  SECRET_KEY,
  userMessage,
} from './emulatorVoices.js';
import { useLabVoices } from './labVoices.js';

const lab = useLabVoices();
const adapter = lab.anthropic;

/** A real client whose messages.create calls are recorded. */
function recordingFactory(
  bodies: Record<string, unknown>[],
  withModels = true,
): AnthropicAdapterOptions['clientFactory'] {
  return (config) => {
    const client = new Anthropic({ ...config });
    const messages = {
      create: (body: Record<string, unknown>, options?: unknown) => {
        bodies.push(body);
        return client.messages.create(body as never, options as never);
      },
    };
    return withModels ? { messages, models: client.models } : { messages };
  };
}

const expected = (): string => assistantText(HEALTHY.seed, PROMPT);

describe('AnthropicAdapter on the emulator', () => {
  it('connects by probing the model listing', async () => {
    expect(await adapter().connect()).toBe(true);
    const last = lab.emulator.stats().history.at(-1);
    expect(last).toMatchObject({ endpoint: 'models', route: 'anthropic' });
  });

  it('sends a message and returns a schema-valid reply', async () => {
    const reply = await adapter().sendMessage(userMessage(), []);
    expect(ConsciousMessageSchema.parse(reply)).toEqual(reply);
    expect(reply.content.text).toBe(expected());
    expect(reply).toMatchObject({
      type: 'response',
      role: 'assistant',
      sender: 'anthropic/lab-claude',
      dialogueId: 'dialogue-1',
      inResponseTo: 'msg-4',
    });
    expect(reply.consciousness.consciousnessSignature).toBeGreaterThan(0);
    expect(reply.consciousness.consciousnessSignature).toBeLessThanOrEqual(1);
  });

  it('streams deltas that join to the non-streamed reply for the same prompt', async () => {
    const voice = adapter();
    const deltas = await collect(voice.streamMessage(userMessage(), []));
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe((await voice.sendMessage(userMessage(), [])).content.text);
    expect(lab.emulator.stats().routes.anthropic.streamed).toBe(1);
  });

  it('counts streamed exchanges with the usage of the stream events', async () => {
    const voice = adapter();
    await collect(voice.streamMessage(userMessage(), []));
    const health = AdapterHealthCheckSchema.parse(await voice.checkHealth());
    expect(health).toMatchObject({ isConnected: true, provider: 'anthropic', model: 'lab-claude' });
    expect(health.messagesExchanged).toBe(2);
    expect(health.tokensBalance.generated).toBe(expected().split(/\s+/).length);
    expect(health.capabilities.maxContextLength).toBe(200_000);
  });

  it('sends system text as `system` and the message as the last user turn', async () => {
    const bodies: Record<string, unknown>[] = [];
    const voice = adapter({
      systemPrompt: 'You are a Fire Circle voice.',
      clientFactory: recordingFactory(bodies),
    });
    await voice.sendMessage(userMessage(), [
      { role: 'system', content: { text: 'Answer in one line.' } },
      { role: 'user', content: { text: 'Earlier question' } },
      { role: 'assistant', sender: 'anthropic/lab-claude', content: { text: 'Earlier answer' } },
    ]);
    expect(bodies[0]).toEqual({
      model: 'lab-claude',
      max_tokens: 1024,
      system: 'You are a Fire Circle voice.\n\nAnswer in one line.',
      messages: [
        { role: 'user', content: 'Earlier question' },
        { role: 'assistant', content: 'Earlier answer' },
        { role: 'user', content: PROMPT },
      ],
    });
  });

  it('lets the SDK AuthenticationError of a 401 through, without the API key in it', async () => {
    lab.emulator.setScenario(
      faulty({ kind: 'status', code: 401, message: `invalid x-api-key ${SECRET_KEY}` }),
    );
    const errors = await rejectionsOfEveryMethod(adapter());
    expect(errors).toHaveLength(4);
    for (const err of errors) {
      expect(err).toBeInstanceOf(AuthenticationError);
      expect(classifyError(err).category).toBe('auth');
      expect(errorTexts(err)).toContain('invalid x-api-key');
      expect(errorTexts(err)).not.toContain(SECRET_KEY);
      expect(JSON.stringify((err as AuthenticationError).error)).not.toContain(SECRET_KEY);
    }
  });

  it('keeps the API key out of the health result, JSON and inspection', async () => {
    const texts = await exposedTexts(adapter());
    expect(texts).toHaveLength(3);
    for (const text of texts) expect(text).not.toContain(SECRET_KEY);
  });

  it('reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL from the (injected) environment', async () => {
    const voice = new AnthropicAdapter({
      model: 'lab-claude',
      env: { ANTHROPIC_API_KEY: SECRET_KEY, ANTHROPIC_BASE_URL: lab.emulator.anthropicBaseURL },
    });
    expect((await voice.sendMessage(userMessage(), [])).content.text).toBe(expected());
    const keyless = new AnthropicAdapter({ baseURL: lab.emulator.anthropicBaseURL, env: {} });
    const err = await rejectionOf(keyless.connect());
    expect(err).toBeInstanceOf(MissingApiKeyError);
    expect(classifyError(err).category).toBe('auth');
  });

  it('probes with a one-token message when the client has no models.list', async () => {
    const bodies: Record<string, unknown>[] = [];
    const voice = adapter({ clientFactory: recordingFactory(bodies, false) });
    expect((await voice.checkHealth()).isConnected).toBe(true);
    expect(bodies).toEqual([
      { model: 'lab-claude', max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] },
    ]);
  });

  it('accepts a real Anthropic client as its client type', () => {
    const client: AnthropicClient = new Anthropic({ apiKey: 'x', baseURL: lab.emulator.anthropicBaseURL });
    expect(typeof client.messages.create).toBe('function');
  });

  it('turns null content into api_return_none and a renamed field into invalid_response', async () => {
    const voice = adapter();
    lab.emulator.setScenario(faulty({ kind: 'schema_change', change: 'null_content' }));
    expect(classifyError(await rejectionOf(voice.sendMessage(userMessage(), []))).category).toBe(
      'api_return_none',
    );
    expect(classifyError(await rejectionOf(collect(voice.streamMessage(userMessage(), [])))).category).toBe(
      'api_return_none',
    );
    lab.emulator.setScenario(faulty({ kind: 'schema_change', change: 'renamed_field' }));
    expect(classifyError(await rejectionOf(voice.sendMessage(userMessage(), []))).category).toBe(
      'invalid_response',
    );
  });

  it('rejects every method with the original import error when the SDK is missing', async () => {
    const missing = moduleNotFound('@anthropic-ai/sdk');
    const errors = await rejectionsOfEveryMethod(adapter({ importSdk: () => Promise.reject(missing) }));
    expect(errors).toHaveLength(4);
    for (const err of errors) expect(err).toBe(missing);
  });

  it('clamps temperature to the 0..1 of the messages API', async () => {
    const bodies: Record<string, unknown>[] = [];
    await adapter({ temperature: 1.7, clientFactory: recordingFactory(bodies) }).sendMessage(
      userMessage(),
      [],
    );
    expect(bodies[0]?.temperature).toBe(1);
  });
});
