import { z } from 'zod';
import { ConsciousnessError } from '../../errors/ConsciousnessError.js';
import { InvalidResponseError } from '../../errors/InvalidResponseError.js';
import { invalidOptions } from '../../errors/invalidOptions.js';
import type { DialogueTurns } from './dialogueTurns.js';
import type { ReportedUsage } from './ExchangeTracker.js';
import { MissingApiKeyError } from './MissingApiKeyError.js';
import { SdkAdapter, type SdkReply, type SdkRequestOptions } from './SdkAdapter.js';
import { sdkConstructor } from './sdkConstructor.js';
import { envValue, SdkAdapterOptionsSchema, type AdapterEnv } from './SdkAdapterOptions.js';

/** The part of an `@anthropic-ai/sdk` client the adapter uses; an `Anthropic` instance fits. */
export interface AnthropicClient {
  /** The messages API (`create`, streaming with `stream: true`). */
  readonly messages: { create(body: any, options?: any): PromiseLike<unknown> };
  /** The model listing used as health probe; a client without it is probed with a one-token message. */
  readonly models?: { list(params?: any, options?: any): PromiseLike<unknown> } | undefined;
}

/** What a client factory receives: the `@anthropic-ai/sdk` ClientOptions the adapter resolved. */
export interface AnthropicClientConfig {
  /** The API key. */
  readonly apiKey: string;
  /** The API root (the SDK posts to `/v1/messages` under it). */
  readonly baseURL: string;
  /** SDK-internal retries. */
  readonly maxRetries: number;
  /** Per-request timeout in ms, when configured. */
  readonly timeout?: number;
}

/** Builds the client instead of importing the SDK (Bedrock, Vertex, a shared client, a test double). */
export type AnthropicClientFactory = (
  config: AnthropicClientConfig,
) => AnthropicClient | Promise<AnthropicClient>;

/** Anthropic's public API root. */
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
/** Model used when the options name none (model names date quickly: pass `model` in production). */
export const ANTHROPIC_DEFAULT_MODEL = 'claude-sonnet-4-5';
/** Output limit when the options give none (the messages API requires one). */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;

/** Options of AnthropicAdapter (validated at construction; a bad one is a TypeError naming its path). */
export const AnthropicAdapterOptionsSchema = SdkAdapterOptionsSchema.extend({
  /** Always `anthropic` (accepted so createAdapter can pass it through). */
  provider: z.literal('anthropic').optional(),
  /** Builds the client instead of `new Anthropic(config)` from the lazily imported SDK. */
  clientFactory: z
    .custom<AnthropicClientFactory>((v) => typeof v === 'function', { message: 'expected a function' })
    .optional(),
});

/** Options of AnthropicAdapter as the caller writes them. */
export type AnthropicAdapterOptions = z.input<typeof AnthropicAdapterOptionsSchema>;

const importAnthropic = (): Promise<unknown> => import('@anthropic-ai/sdk');

/**
 * A Fire Circle voice over the official `@anthropic-ai/sdk` messages API. The SDK is an optional
 * peer dependency imported on first use (a missing SDK rejects every method with the import's own
 * error, healed by `withConsciousness` fallbacks). System text (the system prompt and the
 * dialogue's system messages) goes to `system`; streaming reads the raw `stream: true` events.
 * Key and base URL from the options, else ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL.
 */
export class AnthropicAdapter extends SdkAdapter<AnthropicClient> {
  /** Always `anthropic`; `withConsciousness` names the voice after it. */
  readonly providerName = 'anthropic';
  readonly #maxTokens: number;
  readonly #temperature: number | undefined;

  /** Validates the options and resolves key, base URL and model; nothing is imported or sent yet. */
  constructor(options: AnthropicAdapterOptions = {}) {
    const parsed = AnthropicAdapterOptionsSchema.safeParse(options);
    if (!parsed.success) throw invalidOptions('AnthropicAdapter', parsed.error);
    const o = parsed.data;
    const env: AdapterEnv = o.env ?? process.env;
    const apiKey = o.apiKey ?? envValue(env, 'ANTHROPIC_API_KEY');
    const baseURL = o.baseURL ?? envValue(env, 'ANTHROPIC_BASE_URL') ?? ANTHROPIC_DEFAULT_BASE_URL;
    const importSdk = o.importSdk ?? importAnthropic;
    const factory = o.clientFactory;
    const timeout = o.timeoutMs;
    const maxRetries = o.sdkMaxRetries;
    super(o, {
      provider: 'anthropic',
      model: o.model ?? ANTHROPIC_DEFAULT_MODEL,
      maxContextLength: 200_000,
      apiKey,
      streamItems: 'events',
      buildClient: async () => {
        if (apiKey === undefined) throw new MissingApiKeyError('anthropic', 'ANTHROPIC_API_KEY');
        const config: AnthropicClientConfig = {
          apiKey,
          baseURL,
          maxRetries,
          ...(timeout === undefined ? {} : { timeout }),
        };
        if (factory !== undefined) return factory(config);
        const Anthropic = sdkConstructor(await importSdk(), '@anthropic-ai/sdk', ['Anthropic']);
        return new Anthropic({ ...config }) as AnthropicClient;
      },
    });
    this.#maxTokens = o.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS;
    // The messages API takes 0..1; the shared option allows OpenAI's 0..2.
    this.#temperature = o.temperature === undefined ? undefined : Math.min(1, o.temperature);
  }

  /** The messages body: system text as `system`, the dialogue as `messages`. */
  protected body(turns: DialogueTurns, stream: boolean): Record<string, unknown> {
    return {
      model: this.model,
      max_tokens: this.#maxTokens,
      messages: turns.turns,
      ...(turns.system === undefined ? {} : { system: turns.system }),
      ...(this.#temperature === undefined ? {} : { temperature: this.#temperature }),
      ...(stream ? { stream: true } : {}),
    };
  }

  /** Posts to the messages API. */
  protected create(
    client: AnthropicClient,
    body: Record<string, unknown>,
    options?: SdkRequestOptions,
  ): PromiseLike<unknown> {
    return client.messages.create(body, options);
  }

  /** The text blocks of a message, joined. */
  protected readReply(response: unknown): SdkReply {
    return readMessage(response, this.adapterId);
  }

  /** The text of a `content_block_delta` event. */
  protected streamDelta(item: unknown): string | undefined {
    const event = item as StreamEvent | null;
    if (event?.type !== 'content_block_delta' || event.delta?.type !== 'text_delta') return undefined;
    const delta = event.delta.text;
    return typeof delta === 'string' && delta !== '' ? delta : undefined;
  }

  /** Input tokens from `message_start`, output tokens from `message_delta`. */
  protected streamUsage(item: unknown, usage: ReportedUsage): ReportedUsage {
    const event = item as StreamEvent | null;
    if (event?.type === 'message_start') {
      return { ...usage, consumed: numberOr(event.message?.usage?.input_tokens, usage.consumed) };
    }
    if (event?.type === 'message_delta') {
      return { ...usage, generated: numberOr(event.usage?.output_tokens, usage.generated) };
    }
    return usage;
  }

  /** One model of the listing. */
  protected listModels(client: AnthropicClient): PromiseLike<unknown> | undefined {
    return typeof client.models?.list === 'function' ? client.models.list({ limit: 1 }) : undefined;
  }

  /** A one-token message. */
  protected probeBody(): Record<string, unknown> {
    return { model: this.model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] };
  }
}

/** The raw stream events the adapter reads (a subset of the SDK's RawMessageStreamEvent). */
interface StreamEvent {
  readonly type?: string;
  readonly message?: { readonly usage?: { readonly input_tokens?: unknown } };
  readonly usage?: { readonly output_tokens?: unknown };
  readonly delta?: { readonly type?: string; readonly text?: unknown };
}

function numberOr(value: unknown, otherwise: number | undefined): number | undefined {
  return typeof value === 'number' ? value : otherwise;
}

/** The text of a message (its text blocks joined); null content is `api_return_none`, another shape `invalid_response`. */
function readMessage(response: unknown, adapter: string): SdkReply {
  const content =
    typeof response === 'object' && response !== null
      ? (response as { content?: unknown }).content
      : undefined;
  if (content === null || response === null || response === undefined) {
    throw new ConsciousnessError(
      'api_return_none',
      `${adapter}.sendMessage: the provider returned null content`,
    );
  }
  if (!Array.isArray(content)) {
    throw new InvalidResponseError(adapter, 'sendMessage', ['content: expected an array of blocks']);
  }
  let text = '';
  let textBlocks = 0;
  let nullText = false;
  for (const block of content as unknown[]) {
    const b = block as { type?: unknown; text?: unknown } | null;
    if (b?.type !== 'text') continue;
    if (typeof b.text === 'string') {
      text += b.text;
      textBlocks++;
    } else if (b.text === null) {
      nullText = true;
    }
  }
  if (textBlocks === 0 && nullText) {
    throw new ConsciousnessError(
      'api_return_none',
      `${adapter}.sendMessage: the provider returned null text`,
    );
  }
  if (textBlocks === 0 && content.length > 0) {
    throw new InvalidResponseError(adapter, 'sendMessage', ['content.0.text: expected a string']);
  }
  const usage = (response as { usage?: { input_tokens?: unknown; output_tokens?: unknown } }).usage;
  return {
    text,
    usage: {
      consumed: typeof usage?.input_tokens === 'number' ? usage.input_tokens : undefined,
      generated: typeof usage?.output_tokens === 'number' ? usage.output_tokens : undefined,
    },
  };
}
