import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { systemClock } from '../../clock/Clock.js';
import { ConsciousnessError } from '../../errors/ConsciousnessError.js';
import { InvalidResponseError } from '../../errors/InvalidResponseError.js';
import { invalidOptions } from '../../errors/invalidOptions.js';
import type { ConsciousMessage, ConsciousMessageLike } from '../ConsciousMessage.js';
import {
  ModelCapabilitiesSchema,
  type AdapterHealthCheck,
  type ConsciousModelAdapter,
  type MessageCallOptions,
  type ModelCapabilities,
} from '../ConsciousModelAdapter.js';
import type { DialogueTurns } from './dialogueTurns.js';
import { ExchangeTracker, type ReportedUsage } from './ExchangeTracker.js';
import { LazyClient } from './LazyClient.js';
import { MissingApiKeyError } from './MissingApiKeyError.js';
import {
  OPENAI_COMPATIBLE_PROFILES,
  OPENAI_COMPATIBLE_PROVIDERS,
  type OpenAICompatibleProvider,
  type OpenAICompatibleProviderProfile,
} from './OpenAICompatibleProviders.js';
import { sdkConstructor } from './sdkConstructor.js';
import { SdkAdapterOptionsSchema, type AdapterEnv } from './SdkAdapterOptions.js';

/** The part of an `openai` SDK client the adapter uses; an `OpenAI` instance fits. */
export interface OpenAICompatibleClient {
  /** Chat completions (`create`, streaming with `stream: true`). */
  readonly chat: { readonly completions: { create(body: any, options?: any): PromiseLike<unknown> } };
  /** The model listing used as health probe; a client without it is probed with a one-token completion. */
  readonly models?: { list(options?: any): PromiseLike<unknown> } | undefined;
}

/** What a client factory receives: the `openai` SDK's ClientOptions the adapter resolved. */
export interface OpenAIClientConfig {
  /** The API key (a placeholder for keyless local servers). */
  readonly apiKey: string;
  /** The API root. */
  readonly baseURL: string;
  /** SDK-internal retries. */
  readonly maxRetries: number;
  /** Per-request timeout in ms, when configured. */
  readonly timeout?: number;
  /** OpenAI organization (openai only, from OPENAI_ORG_ID), else null so none leaks to other providers. */
  readonly organization: string | null;
  /** OpenAI project (openai only, from OPENAI_PROJECT_ID), else null. */
  readonly project: string | null;
}

/** Builds the client instead of importing the SDK (Azure, a shared client, a test double). */
export type OpenAIClientFactory = (
  config: OpenAIClientConfig,
) => OpenAICompatibleClient | Promise<OpenAICompatibleClient>;

/** Options of OpenAICompatibleAdapter (validated at construction; a bad one is a TypeError naming its path). */
export const OpenAICompatibleAdapterOptionsSchema = SdkAdapterOptionsSchema.extend({
  /** Which provider: openai, deepseek, grok, mistral or local. */
  provider: z.enum(OPENAI_COMPATIBLE_PROVIDERS),
  /** Builds the client instead of `new OpenAI(config)` from the lazily imported SDK. */
  clientFactory: z
    .custom<OpenAIClientFactory>((v) => typeof v === 'function', { message: 'expected a function' })
    .optional(),
});

/** Options of OpenAICompatibleAdapter as the caller writes them. */
export type OpenAICompatibleAdapterOptions = z.input<typeof OpenAICompatibleAdapterOptionsSchema>;

// What keyless local servers get as bearer token (the SDK refuses to build a client without one).
const LOCAL_PLACEHOLDER_KEY = 'local';

const importOpenAI = (): Promise<unknown> => import('openai');

/**
 * A Fire Circle voice over the official `openai` SDK, for every provider speaking OpenAI chat
 * completions (openai, deepseek, grok, mistral, local). The SDK is an optional peer dependency,
 * imported on first use: without it every method rejects with the import's own error
 * (ERR_MODULE_NOT_FOUND), which `withConsciousness` classifies as `import_failure` and serves from
 * a fallback voice. `checkHealth` probes `models.list()`, or a one-token completion where the
 * client or server has no model listing; a failing probe rejects with its error.
 */
export class OpenAICompatibleAdapter implements ConsciousModelAdapter {
  /** The provider; `withConsciousness` names the voice after it. */
  readonly providerName: OpenAICompatibleProvider;
  /** Sender id of replies. */
  readonly adapterId: string;
  /** The model asked. */
  readonly model: string;
  /** What the adapter can do. */
  readonly capabilities: ModelCapabilities;
  readonly #tracker: ExchangeTracker;
  readonly #client: LazyClient<OpenAICompatibleClient>;
  readonly #profile: OpenAICompatibleProviderProfile;
  readonly #maxTokens: number | undefined;
  readonly #temperature: number | undefined;

  /** Validates the options and resolves key, base URL and model; nothing is imported or sent yet. */
  constructor(options: OpenAICompatibleAdapterOptions) {
    const parsed = OpenAICompatibleAdapterOptionsSchema.safeParse(options);
    if (!parsed.success) throw invalidOptions('OpenAICompatibleAdapter', parsed.error);
    const o = parsed.data;
    const profile = OPENAI_COMPATIBLE_PROFILES[o.provider];
    const env: AdapterEnv = o.env ?? process.env;
    const apiKey = o.apiKey ?? nonEmpty(env[profile.apiKeyEnv]);
    const baseURL = o.baseURL ?? nonEmpty(env[profile.baseURLEnv]) ?? profile.defaultBaseURL;
    this.providerName = o.provider;
    this.model = o.model ?? profile.defaultModel;
    this.adapterId = o.adapterId ?? `${o.provider}/${this.model}`;
    this.capabilities = ModelCapabilitiesSchema.parse({
      supportsStreaming: true,
      maxContextLength: profile.maxContextLength,
      capabilities: ['chat', 'streaming'],
      ...o.capabilities,
    });
    this.#profile = profile;
    this.#maxTokens = o.maxTokens;
    this.#temperature = o.temperature;
    this.#tracker = new ExchangeTracker(
      {
        provider: o.provider,
        adapterId: this.adapterId,
        model: this.model,
        capabilities: this.capabilities,
        weight: o.consciousnessWeight,
        clock: o.clock ?? systemClock,
        generateId: o.generateId ?? randomUUID,
        systemPrompt: o.systemPrompt,
        maxContextMessages: o.maxContextMessages,
      },
      apiKey,
    );
    const isOpenAI = o.provider === 'openai';
    const config: OpenAIClientConfig = {
      apiKey: apiKey ?? LOCAL_PLACEHOLDER_KEY,
      baseURL,
      maxRetries: o.sdkMaxRetries,
      ...(o.timeoutMs === undefined ? {} : { timeout: o.timeoutMs }),
      organization: isOpenAI ? (nonEmpty(env.OPENAI_ORG_ID) ?? null) : null,
      project: isOpenAI ? (nonEmpty(env.OPENAI_PROJECT_ID) ?? null) : null,
    };
    const importSdk = o.importSdk ?? importOpenAI;
    const factory = o.clientFactory;
    this.#client = new LazyClient(async () => {
      if (apiKey === undefined && profile.requiresApiKey) {
        throw new MissingApiKeyError(o.provider, profile.apiKeyEnv);
      }
      if (factory !== undefined) return factory(config);
      const OpenAI = sdkConstructor(await importSdk(), 'openai', ['OpenAI']);
      return new OpenAI({ ...config }) as OpenAICompatibleClient;
    });
  }

  /** Builds the client (importing the SDK) and probes the provider; resolves true, or rejects with the cause. */
  async connect(): Promise<boolean> {
    await this.#probe();
    return true;
  }

  /** Drops the client; the next call builds a new one. */
  async disconnect(): Promise<void> {
    this.#client.drop();
    this.#tracker.connected = false;
  }

  /** Sends the dialogue and the message; resolves to the reply with its consciousness estimated. */
  async sendMessage(
    message: ConsciousMessageLike,
    dialogueContext: readonly ConsciousMessageLike[] = [],
    options: MessageCallOptions = {},
  ): Promise<ConsciousMessage> {
    const tracker = this.#tracker;
    return tracker.guard(async () => {
      const client = await this.#client.get();
      const turns = tracker.turns(message, dialogueContext);
      const response = await client.chat.completions.create(
        this.#body(turns, false),
        requestOptions(options),
      );
      const { text, usage } = readCompletion(response, this.adapterId);
      return tracker.reply(message, turns, text, usage);
    });
  }

  /** Streams the reply's text deltas; a stream that ends without any text is an `api_return_none` failure. */
  async *streamMessage(
    message: ConsciousMessageLike,
    dialogueContext: readonly ConsciousMessageLike[] = [],
    options: MessageCallOptions = {},
  ): AsyncGenerator<string, void, undefined> {
    const tracker = this.#tracker;
    const turns = tracker.turns(message, dialogueContext);
    let text = '';
    let usage: ReportedUsage = {};
    try {
      const client = await this.#client.get();
      const stream = await client.chat.completions.create(this.#body(turns, true), requestOptions(options));
      for await (const chunk of asChunks(stream, this.adapterId)) {
        usage = chunkUsage(chunk) ?? usage;
        const delta = chunkDelta(chunk);
        if (delta === undefined) continue;
        text += delta;
        yield delta;
      }
    } catch (err) {
      throw tracker.redact(err);
    }
    if (text === '') {
      throw new ConsciousnessError(
        'api_return_none',
        `${this.adapterId}.streamMessage: the stream ended without text`,
      );
    }
    tracker.record(turns, text, usage);
  }

  /** Probes the provider and reports the adapter; rejects with the probe's error when it fails. */
  async checkHealth(): Promise<AdapterHealthCheck> {
    await this.#probe();
    return this.#tracker.health();
  }

  async #probe(): Promise<void> {
    const tracker = this.#tracker;
    try {
      await tracker.guard(async () => {
        const client = await this.#client.get();
        if (typeof client.models?.list === 'function') {
          try {
            await client.models.list();
            return;
          } catch (err) {
            // A server without a model listing is probed like a client without one.
            if (statusOf(err) !== 404) throw err;
          }
        }
        await client.chat.completions.create({
          model: this.model,
          messages: [{ role: 'user', content: 'ping' }],
          [this.#profile.maxTokensParam]: 1,
        });
      });
      tracker.connected = true;
    } catch (err) {
      tracker.connected = false;
      throw err;
    }
  }

  #body(turns: DialogueTurns, stream: boolean): Record<string, unknown> {
    const messages: { role: string; content: string }[] = [];
    if (turns.system !== undefined) messages.push({ role: 'system', content: turns.system });
    messages.push(...turns.turns);
    return {
      model: this.model,
      messages,
      ...(this.#maxTokens === undefined ? {} : { [this.#profile.maxTokensParam]: this.#maxTokens }),
      ...(this.#temperature === undefined ? {} : { temperature: this.#temperature }),
      ...(stream
        ? { stream: true, ...(this.#profile.streamUsage ? { stream_options: { include_usage: true } } : {}) }
        : {}),
    };
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function requestOptions(options: MessageCallOptions): { signal: AbortSignal } | undefined {
  return options?.signal === undefined ? undefined : { signal: options.signal };
}

function statusOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { status?: unknown }).status : undefined;
}

function usageOf(value: unknown): ReportedUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const u = value as { prompt_tokens?: unknown; completion_tokens?: unknown };
  return {
    consumed: typeof u.prompt_tokens === 'number' ? u.prompt_tokens : undefined,
    generated: typeof u.completion_tokens === 'number' ? u.completion_tokens : undefined,
  };
}

/** The text of a chat completion; null content is `api_return_none`, another shape `invalid_response`. */
function readCompletion(response: unknown, adapter: string): { text: string; usage: ReportedUsage } {
  if (response === null || response === undefined) {
    throw new ConsciousnessError('api_return_none', `${adapter}.sendMessage: the provider returned no body`);
  }
  const choices = (response as { choices?: unknown }).choices;
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  const message: unknown =
    typeof first === 'object' && first !== null ? (first as { message?: unknown }).message : undefined;
  if (typeof message !== 'object' || message === null) {
    throw new InvalidResponseError(adapter, 'sendMessage', ['choices.0.message: expected an object']);
  }
  const { content, refusal } = message as { content?: unknown; refusal?: unknown };
  if (typeof content === 'string') {
    return { text: content, usage: usageOf((response as { usage?: unknown }).usage) ?? {} };
  }
  if (typeof refusal === 'string' && refusal !== '') {
    throw new ConsciousnessError('content_policy', `${adapter}: the model refused: ${refusal.slice(0, 200)}`);
  }
  if (content === null) {
    throw new ConsciousnessError(
      'api_return_none',
      `${adapter}.sendMessage: the provider returned null content (choices.0.message.content)`,
    );
  }
  throw new InvalidResponseError(adapter, 'sendMessage', ['choices.0.message.content: expected a string']);
}

function asChunks(stream: unknown, adapter: string): AsyncIterable<unknown> {
  if (typeof stream === 'object' && stream !== null && Symbol.asyncIterator in stream) {
    return stream as AsyncIterable<unknown>;
  }
  throw new InvalidResponseError(adapter, 'streamMessage', ['expected a stream of chunks']);
}

function chunkDelta(chunk: unknown): string | undefined {
  const choices = (chunk as { choices?: unknown } | null)?.choices;
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  const delta = (first as { delta?: { content?: unknown } } | null | undefined)?.delta;
  const content = delta?.content;
  return typeof content === 'string' && content !== '' ? content : undefined;
}

function chunkUsage(chunk: unknown): ReportedUsage | undefined {
  return usageOf((chunk as { usage?: unknown } | null)?.usage);
}
