import type { Clock } from '../../clock/Clock.js';
import type { ConsciousMessage, ConsciousMessageLike } from '../ConsciousMessage.js';
import type { AdapterHealthCheck, ModelCapabilities } from '../ConsciousModelAdapter.js';
import { dialogueTurns, type DialogueTurns } from './dialogueTurns.js';
import { approximateTokens, ReciprocityLedger } from './ReciprocityLedger.js';
import { redactApiKey } from './redactApiKey.js';
import { replyMessage } from './replyMessage.js';
import type { ReplyMetadata } from '../ReplyMetadata.js';

/** What an SDK adapter was configured with, resolved from its options and environment. */
export interface ExchangeSettings {
  /** Provider name. */
  readonly provider: string;
  /** Sender id of replies. */
  readonly adapterId: string;
  /** Model id. */
  readonly model: string;
  /** Reported capabilities. */
  readonly capabilities: ModelCapabilities;
  /** Consciousness weight of the signature estimate. */
  readonly weight: number;
  /** Clock for reply timestamps. */
  readonly clock: Clock;
  /** Id generator for replies. */
  readonly generateId: () => string;
  /** System prompt before the dialogue. */
  readonly systemPrompt: string | undefined;
  /** Context messages sent at most. */
  readonly maxContextMessages: number | undefined;
}

/** Token counts a provider reported for one exchange (either may be missing). */
export interface ReportedUsage {
  /** Prompt tokens. */
  readonly consumed?: number | undefined;
  /** Reply tokens. */
  readonly generated?: number | undefined;
}

/**
 * The provider-independent half of an SDK adapter: lays out dialogues, counts exchanges, makes
 * reply messages and health results, and keeps the API key out of the errors it lets through.
 */
export class ExchangeTracker {
  /** Messages and tokens exchanged so far. */
  readonly ledger = new ReciprocityLedger();
  /** Whether the last provider call succeeded (false before any and after disconnect). */
  connected = false;

  readonly #apiKey: string | undefined;

  /** `apiKey` is kept in a private field and only used to scrub errors. */
  constructor(
    readonly settings: ExchangeSettings,
    apiKey: string | undefined,
  ) {
    this.#apiKey = apiKey;
  }

  /** The dialogue laid out for a chat API. */
  turns(message: ConsciousMessageLike, context: readonly ConsciousMessageLike[]): DialogueTurns {
    return dialogueTurns(message, Array.isArray(context) ? context : [], {
      self: this.settings.adapterId,
      systemPrompt: this.settings.systemPrompt,
      maxContextMessages: this.settings.maxContextMessages,
    });
  }

  /** Records a completed exchange (estimating missing token counts from words). */
  record(turns: DialogueTurns, text: string, usage: ReportedUsage): void {
    this.connected = true;
    this.ledger.record(
      usage.consumed ??
        approximateTokens([turns.system ?? '', ...turns.turns.map((t) => t.content)].join(' ')),
      usage.generated ?? approximateTokens(text),
    );
  }

  /** Records the exchange and returns the reply as a ConsciousMessage. */
  reply(
    request: ConsciousMessageLike,
    turns: DialogueTurns,
    text: string,
    usage: ReportedUsage,
    metadata?: ReplyMetadata,
  ): ConsciousMessage {
    this.record(turns, text, usage);
    const { adapterId, generateId, clock, weight } = this.settings;
    return replyMessage({
      request,
      text,
      sender: adapterId,
      generateId,
      nowMs: clock(),
      reciprocityScore: this.ledger.balance,
      weight,
      ...(metadata === undefined ? {} : { metadata }),
    });
  }

  /** The health result (never carries the key or an error text). */
  health(): AdapterHealthCheck {
    const { ledger, settings } = this;
    return {
      isConnected: this.connected,
      adapterId: settings.adapterId,
      provider: settings.provider,
      model: settings.model,
      capabilities: { ...settings.capabilities, capabilities: [...settings.capabilities.capabilities] },
      reciprocityBalance: ledger.balance,
      messagesExchanged: ledger.messagesExchanged,
      tokensBalance: { generated: ledger.tokensGenerated, consumed: ledger.tokensConsumed },
    };
  }

  /** `err` without the API key in it. */
  redact<E>(err: E): E {
    return redactApiKey(err, this.#apiKey);
  }

  /** Runs a provider call; its error is rethrown without the API key in it. */
  async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw this.redact(err);
    }
  }
}
