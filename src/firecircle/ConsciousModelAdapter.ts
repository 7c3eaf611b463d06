import { z } from 'zod';
import type { ConsciousMessage, ConsciousMessageLike } from './ConsciousMessage.js';

/** What a model adapter can do (the inherited ModelCapabilities, camelCase). */
export const ModelCapabilitiesSchema = z.object({
  supportsStreaming: z.boolean().default(false),
  supportsTools: z.boolean().default(false),
  supportsVision: z.boolean().default(false),
  /** Context window in tokens. */
  maxContextLength: z.number().int().positive().default(4096),
  /** Free-form capability names (`reasoning`, `analysis`, …). */
  capabilities: z.array(z.string()).default([]),
});
/** What a model adapter can do. */
export type ModelCapabilities = z.infer<typeof ModelCapabilitiesSchema>;

/** Tokens an adapter has generated (received from the model) and consumed (sent as prompts). */
export const TokensBalanceSchema = z.object({
  generated: z.number().int().min(0),
  consumed: z.number().int().min(0),
});
/** Tokens generated and consumed by an adapter. */
export type TokensBalance = z.infer<typeof TokensBalanceSchema>;

/** The result of `checkHealth()`: the inherited `check_health` dict, camelCase. */
export const AdapterHealthCheckSchema = z.object({
  isConnected: z.boolean(),
  adapterId: z.string().min(1),
  provider: z.string().min(1),
  model: z.string().min(1),
  capabilities: ModelCapabilitiesSchema,
  /** min(1, generated / consumed / 2): 0.5 is a balanced exchange; 1.0 before any exchange. */
  reciprocityBalance: z.number().min(0).max(1),
  /** Messages sent plus messages received. */
  messagesExchanged: z.number().int().min(0),
  tokensBalance: TokensBalanceSchema,
});
/** The result of `checkHealth()`. */
export type AdapterHealthCheck = z.infer<typeof AdapterHealthCheckSchema>;

/** Per-call options of the message methods. */
export interface MessageCallOptions {
  /** Cancels the provider request. */
  readonly signal?: AbortSignal;
}

/**
 * The Fire Circle adapter contract: one model voice. `withConsciousness` wraps any object with these
 * methods (and intercepts their snake_case spellings too).
 */
export interface ConsciousModelAdapter {
  /** Provider name (`openai`, `anthropic`, …); the wrapper names the voice after it. */
  readonly providerName: string;
  /** What the adapter can do. */
  readonly capabilities: ModelCapabilities;
  /** Connects (and probes) the provider; resolves true when connected. */
  connect(): Promise<boolean>;
  /** Releases the provider client. */
  disconnect(): Promise<void>;
  /** Sends `message` after the dialogue so far and resolves to the model's reply. */
  sendMessage(
    message: ConsciousMessageLike,
    dialogueContext?: readonly ConsciousMessageLike[],
    options?: MessageCallOptions,
  ): Promise<ConsciousMessage>;
  /** Like sendMessage, yielding the reply's text as it arrives. */
  streamMessage(
    message: ConsciousMessageLike,
    dialogueContext?: readonly ConsciousMessageLike[],
    options?: MessageCallOptions,
  ): AsyncIterable<string>;
  /** Probes the provider and reports the adapter's state. */
  checkHealth(): Promise<AdapterHealthCheck>;
}
