import OpenAI, { AuthenticationError } from 'openai';
import { describe, expect, it } from 'vitest';
import { classifyError } from '../../../src/classify/classifyError.js';
import { ConsciousMessageSchema } from '../../../src/firecircle/ConsciousMessage.js';
import { AdapterHealthCheckSchema } from '../../../src/firecircle/ConsciousModelAdapter.js';
import {
  OpenAICompatibleAdapter,
  type OpenAICompatibleAdapterOptions,
  type OpenAICompatibleClient,
} from '../../../src/firecircle/adapters/OpenAICompatibleAdapter.js';
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
const adapter = lab.openai;

/** A real client without models.list whose chat.completions.create bodies are recorded. */
function recordingFactory(bodies: unknown[]): OpenAICompatibleAdapterOptions['clientFactory'] {
  return (config) => {
    const client = new OpenAI({ ...config });
    return {
      chat: {
        completions: {
          create: (body: unknown, options?: unknown) => {
            bodies.push(body);
            return client.chat.completions.create(body as never, options as never);
          },
        },
      },
    };
  };
}

const expected = (): string => assistantText(HEALTHY.seed, PROMPT);

describe.each(['openai', 'deepseek'] as const)('OpenAICompatibleAdapter (%s) on the emulator', (provider) => {
  it('connects by probing the model listing', async () => {
    const voice = adapter(provider);
    expect(await voice.connect()).toBe(true);
    expect(lab.emulator.stats().history.at(-1)?.endpoint).toBe('models');
  });

  it('sends a message and returns a schema-valid reply in the same dialogue', async () => {
    const voice = adapter(provider);
    const request = userMessage();
    const reply = await voice.sendMessage(request, []);
    expect(ConsciousMessageSchema.parse(reply)).toEqual(reply);
    expect(reply.content.text).toBe(expected());
    expect(reply).toMatchObject({
      type: 'response',
      role: 'assistant',
      sender: `${provider}/lab-gpt`,
      dialogueId: 'dialogue-1',
      sequenceNumber: 5,
      turnNumber: 3,
      inResponseTo: 'msg-4',
      status: 'delivered',
    });
    expect(reply.consciousness.correlationId).toBe('corr-1');
    expect(reply.consciousness.consciousnessSignature).toBeGreaterThan(0);
    expect(reply.consciousness.consciousnessSignature).toBeLessThanOrEqual(1);
  });

  it('streams deltas that join to the non-streamed reply for the same prompt', async () => {
    const voice = adapter(provider);
    const deltas = await collect(voice.streamMessage(userMessage(), []));
    expect(deltas.length).toBeGreaterThan(3);
    const reply = await voice.sendMessage(userMessage(), []);
    expect(deltas.join('')).toBe(reply.content.text);
    expect(lab.emulator.stats().routes.openai.streamed).toBeGreaterThan(0);
  });

  it('reports health with isConnected and the exchange counters', async () => {
    const voice = adapter(provider);
    await voice.sendMessage(userMessage(), []);
    const health = AdapterHealthCheckSchema.parse(await voice.checkHealth());
    expect(health).toMatchObject({
      isConnected: true,
      adapterId: `${provider}/lab-gpt`,
      provider,
      model: 'lab-gpt',
      messagesExchanged: 2,
    });
    expect(health.capabilities.supportsStreaming).toBe(true);
    expect(health.tokensBalance.generated).toBeGreaterThan(0);
    expect(health.tokensBalance.consumed).toBeGreaterThan(0);
  });

  it('lets the SDK AuthenticationError of a 401 through, without the API key in it', async () => {
    lab.emulator.setScenario(
      faulty({ kind: 'status', code: 401, message: `Incorrect API key provided: ${SECRET_KEY}.` }),
    );
    const errors = await rejectionsOfEveryMethod(adapter(provider));
    expect(errors).toHaveLength(4);
    for (const err of errors) {
      expect(err).toBeInstanceOf(AuthenticationError);
      expect((err as AuthenticationError).status).toBe(401);
      expect(classifyError(err).category).toBe('auth');
      expect(errorTexts(err)).toContain('Incorrect API key provided');
      expect(errorTexts(err)).not.toContain(SECRET_KEY);
      expect(JSON.stringify((err as AuthenticationError).error)).not.toContain(SECRET_KEY);
    }
  });
});

describe('OpenAICompatibleAdapter configuration', () => {
  it('keeps the API key out of the health result, JSON and inspection', async () => {
    const texts = await exposedTexts(adapter('openai'));
    expect(texts).toHaveLength(3);
    for (const text of texts) expect(text).not.toContain(SECRET_KEY);
  });

  it('reads key and base URL from the (injected) environment', async () => {
    const voice = new OpenAICompatibleAdapter({
      provider: 'deepseek',
      model: 'lab-gpt',
      env: { DEEPSEEK_API_KEY: SECRET_KEY, DEEPSEEK_BASE_URL: lab.emulator.openaiBaseURL },
    });
    expect((await voice.sendMessage(userMessage(), [])).content.text).toBe(expected());
  });

  it('talks to a keyless local server through LOCAL_BASE_URL', async () => {
    const voice = new OpenAICompatibleAdapter({
      provider: 'local',
      env: { LOCAL_BASE_URL: lab.emulator.openaiBaseURL },
    });
    expect(voice.model).toBe('llama3.2');
    expect((await voice.sendMessage(userMessage(), [])).content.text).toBe(expected());
  });

  it('rejects calls without a key as auth (MissingApiKeyError) without any request', async () => {
    const before = lab.emulator.stats().requests;
    const voice = new OpenAICompatibleAdapter({
      provider: 'grok',
      baseURL: lab.emulator.openaiBaseURL,
      env: {},
    });
    const err = await rejectionOf(voice.sendMessage(userMessage(), []));
    expect(err).toBeInstanceOf(MissingApiKeyError);
    expect((err as Error).message).toContain('XAI_API_KEY');
    expect(classifyError(err).category).toBe('auth');
    expect(lab.emulator.stats().requests).toBe(before);
  });

  it('sends the dialogue context: system text, its own turns, other voices attributed', async () => {
    const bodies: unknown[] = [];
    const voice = adapter('openai', {
      systemPrompt: 'You are one voice of a Fire Circle.',
      clientFactory: recordingFactory(bodies),
    });
    const context = [
      { role: 'system' as const, content: { text: 'Speak briefly.' } },
      { role: 'assistant' as const, sender: 'anthropic/claude', content: { text: 'I sense reciprocity.' } },
      { role: 'assistant' as const, sender: 'openai/lab-gpt', content: { text: 'I agree.' } },
      { role: 'user' as const, content: { text: '' } },
    ];
    const reply = await voice.sendMessage(userMessage(), context);
    expect(reply.content.text).toBe(expected());
    expect(bodies[0]).toMatchObject({
      model: 'lab-gpt',
      messages: [
        { role: 'system', content: 'You are one voice of a Fire Circle.\n\nSpeak briefly.' },
        { role: 'user', content: '[anthropic/claude] I sense reciprocity.' },
        { role: 'assistant', content: 'I agree.' },
        { role: 'user', content: PROMPT },
      ],
    });
  });

  it('probes with a one-token completion when the client has no models.list', async () => {
    const bodies: unknown[] = [];
    const voice = adapter('openai', { clientFactory: recordingFactory(bodies) });
    const health = await voice.checkHealth();
    expect(health.isConnected).toBe(true);
    expect(bodies).toEqual([
      { model: 'lab-gpt', messages: [{ role: 'user', content: 'ping' }], max_completion_tokens: 1 },
    ]);
    expect(lab.emulator.stats().history.at(-1)?.endpoint).toBe('completion');
  });

  it('accepts a real OpenAI client as its client type', () => {
    const client: OpenAICompatibleClient = new OpenAI({ apiKey: 'x', baseURL: lab.emulator.openaiBaseURL });
    expect(typeof client.chat.completions.create).toBe('function');
  });

  it('turns null content into api_return_none and a renamed field into invalid_response', async () => {
    const voice = adapter('openai');
    lab.emulator.setScenario(faulty({ kind: 'schema_change', change: 'null_content' }));
    const none = await rejectionOf(voice.sendMessage(userMessage(), []));
    expect(classifyError(none).category).toBe('api_return_none');
    const silentStream = await rejectionOf(collect(voice.streamMessage(userMessage(), [])));
    expect(classifyError(silentStream).category).toBe('api_return_none');
    lab.emulator.setScenario(faulty({ kind: 'schema_change', change: 'renamed_field' }));
    const renamed = await rejectionOf(voice.sendMessage(userMessage(), []));
    expect(classifyError(renamed).category).toBe('invalid_response');
  });

  it('drops its client on disconnect and builds a new one on the next call', async () => {
    let builds = 0;
    const voice = adapter('openai', {
      clientFactory: (config) => {
        builds++;
        return new OpenAI({ ...config });
      },
    });
    expect(await voice.connect()).toBe(true);
    await voice.sendMessage(userMessage(), []);
    expect(builds).toBe(1);
    await voice.disconnect();
    expect((await voice.checkHealth()).isConnected).toBe(true);
    expect(builds).toBe(2);
  });

  it("passes the caller's AbortSignal to the SDK (an abort is `aborted`, not a failure)", async () => {
    lab.emulator.setScenario(faulty({ kind: 'hang' }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const err = await rejectionOf(
      adapter('openai').sendMessage(userMessage(), [], { signal: controller.signal }),
    );
    expect(classifyError(err).category).toBe('aborted');
  });

  it('rejects every method with the original import error when the SDK is missing', async () => {
    const missing = moduleNotFound('openai');
    let imports = 0;
    const voice = adapter('openai', {
      importSdk: () => {
        imports++;
        return Promise.reject(missing);
      },
    });
    const errors = await rejectionsOfEveryMethod(voice);
    expect(errors).toHaveLength(4);
    for (const err of errors) expect(err).toBe(missing);
    expect(classifyError(missing).category).toBe('import_failure');
    // Not cached: installing the SDK heals the adapter without a restart.
    expect(imports).toBe(4);
  });

  it('treats an SDK without a client class as an import failure', async () => {
    const voice = adapter('openai', { importSdk: async () => ({ version: '99' }) });
    const err = await rejectionOf(voice.sendMessage(userMessage(), []));
    expect(classifyError(err).category).toBe('import_failure');
  });

  it('names a bad option by its path at construction', () => {
    expect(() => adapter('openai', { temperature: 3 })).toThrow(/options\.temperature/);
    expect(() => new OpenAICompatibleAdapter({ provider: 'gemini' as never })).toThrow(/options\.provider/);
    expect(() => adapter('openai', { baseURL: 'not a url' })).toThrow(/options\.baseURL/);
    expect(() => adapter('openai', { colour: 'red' } as never)).toThrow(/unknown option\(s\) "colour"/);
  });
});
