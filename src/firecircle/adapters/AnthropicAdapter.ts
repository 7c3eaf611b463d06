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
import { sdkConstructor } from './sdkConstructor.js';
import { SdkAdapterOptionsSchema, type AdapterEnv } from './SdkAdapterOptions.js';

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
export class AnthropicAdapter implements ConsciousModelAdapter {
  /** Always `anthropic`; `withConsciousness` names the voice after it. */
  readonly providerName = 'anthropic';
  /** Sender id of replies. */
  readonly adapterId: string;
  /** The model asked. */
  readonly model: string;
  /** What the adapter can do. */
  readonly capabilities: ModelCapabilities;
  readonly #tracker: ExchangeTracker;
  readonly #client: LazyClient<AnthropicClient>;
  readonly #maxTokens: number;
  readonly #temperature: number | undefined;

  /** Validates the options and resolves key, base URL and model; nothing is imported or sent yet. */
  constructor(options: AnthropicAdapterOptions = {}) {
    const parsed = AnthropicAdapterOptionsSchema.safeParse(options);
    if (!parsed.success) throw invalidOptions('AnthropicAdapter', parsed.error);
    const o = parsed.data;
    const env: AdapterEnv = o.env ?? process.env;
    const apiKey = o.apiKey ?? nonEmpty(env.ANTHROPIC_API_KEY);
    const baseURL = o.baseURL ?? nonEmpty(env.ANTHROPIC_BASE_URL) ?? ANTHROPIC_DEFAULT_BASE_URL;
    this.model = o.model ?? ANTHROPIC_DEFAULT_MODEL;
    this.adapterId = o.adapterId ?? `anthropic/${this.model}`;
    this.capabilities = ModelCapabilitiesSchema.parse({
      supportsStreaming: true,
      maxContextLength: 200_000,
      capabilities: ['chat', 'streaming'],
      ...o.capabilities,
    });
    this.#maxTokens = o.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS;
    // The messages API takes 0..1; the shared option allows OpenAI's 0..2.
    this.#temperature = o.temperature === undefined ? undefined : Math.min(1, o.temperature);
    this.#tracker = new ExchangeTracker(
      {
        provider: 'anthropic',
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
    const importSdk = o.importSdk ?? importAnthropic;
    const factory = o.clientFactory;
    const timeout = o.timeoutMs;
    const maxRetries = o.sdkMaxRetries;
    this.#client = new LazyClient(async () => {
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
      const response = await client.messages.create(this.#body(turns, false), requestOptions(options));
      const { text, usage } = readMessage(response, this.adapterId);
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
    let consumed: number | undefined;
    let generated: number | undefined;
    try {
      const client = await this.#client.get();
      const stream = await client.messages.create(this.#body(turns, true), requestOptions(options));
      if (typeof stream !== 'object' || stream === null || !(Symbol.asyncIterator in stream)) {
        throw new InvalidResponseError(this.adapterId, 'streamMessage', ['expected a stream of events']);
      }
      for await (const event of stream as AsyncIterable<StreamEvent | null>) {
        if (event?.type === 'message_start') {
          consumed = numberOr(event.message?.usage?.input_tokens, consumed);
        } else if (event?.type === 'message_delta') {
          generated = numberOr(event.usage?.output_tokens, generated);
        } else if (event?.type === 'content_block_delta' && event.delta?.type === 'text_delta') {
          const delta = event.delta.text;
          if (typeof delta !== 'string' || delta === '') continue;
          text += delta;
          yield delta;
        }
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
    tracker.record(turns, text, { consumed, generated });
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
            await client.models.list({ limit: 1 });
            return;
          } catch (err) {
            // A gateway without a model listing is probed like a client without one.
            if (statusOf(err) !== 404) throw err;
          }
        }
        await client.messages.create({
          model: this.model,
          max_tokens: 1,
          messages: [{ role: 'user', content: 'ping' }],
        });
      });
      tracker.connected = true;
    } catch (err) {
      tracker.connected = false;
      throw err;
    }
  }

  #body(turns: DialogueTurns, stream: boolean): Record<string, unknown> {
    return {
      model: this.model,
      max_tokens: this.#maxTokens,
      messages: turns.turns,
      ...(turns.system === undefined ? {} : { system: turns.system }),
      ...(this.#temperature === undefined ? {} : { temperature: this.#temperature }),
      ...(stream ? { stream: true } : {}),
    };
  }
}

/** The raw stream events the adapter reads (a subset of the SDK's RawMessageStreamEvent). */
interface StreamEvent {
  readonly type?: string;
  readonly message?: { readonly usage?: { readonly input_tokens?: unknown } };
  readonly usage?: { readonly output_tokens?: unknown };
  readonly delta?: { readonly type?: string; readonly text?: unknown };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function numberOr(value: unknown, otherwise: number | undefined): number | undefined {
  return typeof value === 'number' ? value : otherwise;
}

function requestOptions(options: MessageCallOptions): { signal: AbortSignal } | undefined {
  return options?.signal === undefined ? undefined : { signal: options.signal };
}

function statusOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { status?: unknown }).status : undefined;
}

/** The text of a message (its text blocks joined); null content is `api_return_none`, another shape `invalid_response`. */
function readMessage(response: unknown, adapter: string): { text: string; usage: ReportedUsage } {
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
