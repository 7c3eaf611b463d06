import { z } from 'zod';
import { ConsciousnessError } from '../../errors/ConsciousnessError.js';
import { InvalidResponseError } from '../../errors/InvalidResponseError.js';
import { invalidOptions } from '../../errors/invalidOptions.js';
import type { DialogueTurns } from './dialogueTurns.js';
import type { ReportedUsage } from './ExchangeTracker.js';
import { MissingApiKeyError } from './MissingApiKeyError.js';
import {
  OPENAI_COMPATIBLE_PROFILES,
  OPENAI_COMPATIBLE_PROVIDERS,
  type OpenAICompatibleProvider,
  type OpenAICompatibleProviderProfile,
} from './OpenAICompatibleProviders.js';
import { SdkAdapter, type SdkReply, type SdkRequestOptions } from './SdkAdapter.js';
import { sdkConstructor } from './sdkConstructor.js';
import { envValue, SdkAdapterOptionsSchema, type AdapterEnv } from './SdkAdapterOptions.js';

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
export class OpenAICompatibleAdapter extends SdkAdapter<OpenAICompatibleClient> {
  /** The provider; `withConsciousness` names the voice after it. */
  readonly providerName: OpenAICompatibleProvider;
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
    const apiKey = o.apiKey ?? envValue(env, profile.apiKeyEnv);
    const isOpenAI = o.provider === 'openai';
    const config: OpenAIClientConfig = {
      apiKey: apiKey ?? LOCAL_PLACEHOLDER_KEY,
      baseURL: o.baseURL ?? envValue(env, profile.baseURLEnv) ?? profile.defaultBaseURL,
      maxRetries: o.sdkMaxRetries,
      ...(o.timeoutMs === undefined ? {} : { timeout: o.timeoutMs }),
      organization: isOpenAI ? (envValue(env, 'OPENAI_ORG_ID') ?? null) : null,
      project: isOpenAI ? (envValue(env, 'OPENAI_PROJECT_ID') ?? null) : null,
    };
    const importSdk = o.importSdk ?? importOpenAI;
    const factory = o.clientFactory;
    super(o, {
      provider: o.provider,
      model: o.model ?? profile.defaultModel,
      maxContextLength: profile.maxContextLength,
      apiKey,
      streamItems: 'chunks',
      buildClient: async () => {
        if (apiKey === undefined && profile.requiresApiKey) {
          throw new MissingApiKeyError(o.provider, profile.apiKeyEnv);
        }
        if (factory !== undefined) return factory(config);
        const OpenAI = sdkConstructor(await importSdk(), 'openai', ['OpenAI']);
        return new OpenAI({ ...config }) as OpenAICompatibleClient;
      },
    });
    this.providerName = o.provider;
    this.#profile = profile;
    this.#maxTokens = o.maxTokens;
    this.#temperature = o.temperature;
  }

  /** The chat-completions body: system text as the first message, then the dialogue. */
  protected body(turns: DialogueTurns, stream: boolean): Record<string, unknown> {
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

  /** Posts to chat completions. */
  protected create(
    client: OpenAICompatibleClient,
    body: Record<string, unknown>,
    options?: SdkRequestOptions,
  ): PromiseLike<unknown> {
    return client.chat.completions.create(body, options);
  }

  /** The first choice's message content. */
  protected readReply(response: unknown): SdkReply {
    return readCompletion(response, this.adapterId);
  }

  /** The first choice's delta content. */
  protected streamDelta(item: unknown): string | undefined {
    const choices = (item as { choices?: unknown } | null)?.choices;
    const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
    const content = (first as { delta?: { content?: unknown } } | null | undefined)?.delta?.content;
    return typeof content === 'string' && content !== '' ? content : undefined;
  }

  /** The usage of a chunk that carries one (the final chunk with `include_usage`). */
  protected streamUsage(item: unknown, usage: ReportedUsage): ReportedUsage {
    return usageOf((item as { usage?: unknown } | null)?.usage) ?? usage;
  }

  /** The model listing. */
  protected listModels(client: OpenAICompatibleClient): PromiseLike<unknown> | undefined {
    return typeof client.models?.list === 'function' ? client.models.list() : undefined;
  }

  /** A one-token completion. */
  protected probeBody(): Record<string, unknown> {
    return {
      model: this.model,
      messages: [{ role: 'user', content: 'ping' }],
      [this.#profile.maxTokensParam]: 1,
    };
  }
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
function readCompletion(response: unknown, adapter: string): SdkReply {
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
