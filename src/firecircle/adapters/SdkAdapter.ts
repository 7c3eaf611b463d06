import { registerSecret } from '../../classify/KnownSecrets.js';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { systemClock } from '../../clock/Clock.js';
import { ConsciousnessError } from '../../errors/ConsciousnessError.js';
import { InvalidResponseError } from '../../errors/InvalidResponseError.js';
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
import { replyMetadata, type ReplyMetadata } from '../ReplyMetadata.js';
import { readRateLimits, type HeaderSource, type RateLimitReading } from '../../usage/readRateLimits.js';
import { readUsage } from '../../usage/readUsage.js';
import { StreamUsageReader } from '../../usage/StreamUsageReader.js';
import type { SdkAdapterOptionsSchema } from './SdkAdapterOptions.js';

/** What a concrete adapter resolved for the shared lifecycle before calling `super`. */
export interface SdkAdapterSetup<C> {
  /** Provider name (health results, default adapter id). */
  readonly provider: string;
  /** The model asked. */
  readonly model: string;
  /** Context window reported in capabilities unless the options override it. */
  readonly maxContextLength: number;
  /** The API key; kept only to scrub errors. */
  readonly apiKey: string | undefined;
  /** Builds the client on first use (refusing a missing key, importing the SDK). */
  readonly buildClient: () => Promise<C>;
  /** What the SDK's stream yields, named when a reply is not a stream (`events`, `chunks`). */
  readonly streamItems: string;
}

/** A provider's reply text and the token counts it reported. */
export interface SdkReply {
  /** The reply text. */
  readonly text: string;
  /** Token counts the provider reported. */
  readonly usage: ReportedUsage;
}

/** The request options an SDK call takes (only the caller's AbortSignal is passed on). */
export type SdkRequestOptions = { signal: AbortSignal } | undefined;

/**
 * The lifecycle shared by the reference adapters over an official SDK: a lazily built client,
 * connect and checkHealth through a probe (the model listing, else a one-token request), and
 * sendMessage/streamMessage through an ExchangeTracker that counts exchanges and keeps the API key
 * out of errors. A subclass supplies the provider's wire format in a few small methods.
 */
export abstract class SdkAdapter<C> implements ConsciousModelAdapter {
  /** The provider; `withConsciousness` names the voice after it. */
  abstract readonly providerName: string;
  /** Sender id of replies. */
  readonly adapterId: string;
  /** The model asked. */
  readonly model: string;
  /** What the adapter can do. */
  readonly capabilities: ModelCapabilities;
  readonly #tracker: ExchangeTracker;
  readonly #client: LazyClient<C>;
  readonly #streamItems: string;
  readonly #clock: () => number;

  /** `o` are the subclass's validated options; nothing is imported or sent yet. */
  protected constructor(o: z.output<typeof SdkAdapterOptionsSchema>, setup: SdkAdapterSetup<C>) {
    this.model = setup.model;
    this.adapterId = o.adapterId ?? `${setup.provider}/${this.model}`;
    this.capabilities = ModelCapabilitiesSchema.parse({
      supportsStreaming: true,
      maxContextLength: setup.maxContextLength,
      capabilities: ['chat', 'streaming'],
      ...o.capabilities,
    });
    this.#tracker = new ExchangeTracker(
      {
        provider: setup.provider,
        adapterId: this.adapterId,
        model: this.model,
        capabilities: this.capabilities,
        weight: o.consciousnessWeight,
        clock: o.clock ?? systemClock,
        generateId: o.generateId ?? randomUUID,
        systemPrompt: o.systemPrompt,
        maxContextMessages: o.maxContextMessages,
      },
      setup.apiKey,
    );
    // The key is in a private field no scan can see: it joins the redaction set here.
    registerSecret(setup.apiKey);
    this.#client = new LazyClient(setup.buildClient);
    this.#streamItems = setup.streamItems;
    this.#clock = o.clock ?? systemClock;
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
      const { data: response, rateLimits } = await this.#send(client, this.body(turns, false), options);
      const { text, usage } = this.readReply(response);
      const metadata = replyMetadata(this.providerName, this.model, readUsage(response), rateLimits);
      return tracker.reply(message, turns, text, usage, metadata);
    });
  }

  /**
   * Streams the reply's text deltas; a stream that ends without any text is an `api_return_none`
   * failure. The generator's return value (unseen by `for await`) is the reply's metadata.
   */
  async *streamMessage(
    message: ConsciousMessageLike,
    dialogueContext: readonly ConsciousMessageLike[] = [],
    options: MessageCallOptions = {},
  ): AsyncGenerator<string, ReplyMetadata, undefined> {
    const tracker = this.#tracker;
    const turns = tracker.turns(message, dialogueContext);
    let text = '';
    let usage: ReportedUsage = {};
    const reader = new StreamUsageReader();
    let rateLimits: RateLimitReading | undefined;
    try {
      const client = await this.#client.get();
      const sent = await this.#send(client, this.body(turns, true), options);
      const stream = sent.data;
      rateLimits = sent.rateLimits;
      if (typeof stream !== 'object' || stream === null || !(Symbol.asyncIterator in stream)) {
        throw new InvalidResponseError(this.adapterId, 'streamMessage', [
          `expected a stream of ${this.#streamItems}`,
        ]);
      }
      for await (const item of stream as AsyncIterable<unknown>) {
        usage = this.streamUsage(item, usage);
        reader.read(item);
        const delta = this.streamDelta(item);
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
    return replyMetadata(this.providerName, this.model, reader.reading(), rateLimits);
  }

  /** Probes the provider and reports the adapter; rejects with the probe's error when it fails. */
  async checkHealth(): Promise<AdapterHealthCheck> {
    await this.#probe();
    return this.#tracker.health();
  }

  /** The request body of a dialogue (`stream` asks for a stream of events instead of one reply). */
  protected abstract body(turns: DialogueTurns, stream: boolean): Record<string, unknown>;

  /** Sends `body` through the client's create call (messages, chat completions). */
  protected abstract create(
    client: C,
    body: Record<string, unknown>,
    options?: SdkRequestOptions,
  ): PromiseLike<unknown>;

  /** The text and usage of a non-streamed reply; a bad shape throws api_return_none or invalid_response. */
  protected abstract readReply(response: unknown): SdkReply;

  /** The non-empty text delta one stream item carries, if any. */
  protected abstract streamDelta(item: unknown): string | undefined;

  /** `usage` updated with the token counts one stream item reports. */
  protected abstract streamUsage(item: unknown, usage: ReportedUsage): ReportedUsage;

  /** The client's model-listing call, or undefined when the client has none. */
  protected abstract listModels(client: C): PromiseLike<unknown> | undefined;

  /** The body of the one-token request that probes a provider without a model listing. */
  protected abstract probeBody(): Record<string, unknown>;

  /**
   * Sends through `create`; with an SDK's promise, through its `withResponse()`, so the response
   * headers' rate-limit budgets are read from the same request (the body is what `create` gives).
   */
  async #send(
    client: C,
    body: Record<string, unknown>,
    options: MessageCallOptions,
  ): Promise<{ data: unknown; rateLimits: RateLimitReading | undefined }> {
    const pending = this.create(client, body, requestOptions(options));
    const withResponse = (pending as { withResponse?: unknown }).withResponse;
    if (typeof withResponse !== 'function') return { data: await pending, rateLimits: undefined };
    const { data, response } = (await withResponse.call(pending)) as {
      data: unknown;
      response?: { headers?: HeaderSource };
    };
    const headers = response?.headers;
    return { data, rateLimits: headers === undefined ? undefined : readRateLimits(headers, this.#clock()) };
  }

  async #probe(): Promise<void> {
    const tracker = this.#tracker;
    try {
      await tracker.guard(async () => {
        const client = await this.#client.get();
        try {
          const listing = this.listModels(client);
          if (listing !== undefined) {
            await listing;
            return;
          }
        } catch (err) {
          // A gateway or server without a model listing is probed like a client without one.
          if (statusOf(err) !== 404) throw err;
        }
        await this.create(client, this.probeBody());
      });
      tracker.connected = true;
    } catch (err) {
      tracker.connected = false;
      throw err;
    }
  }
}

function requestOptions(options: MessageCallOptions): SdkRequestOptions {
  return options?.signal === undefined ? undefined : { signal: options.signal };
}

function statusOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { status?: unknown }).status : undefined;
}
