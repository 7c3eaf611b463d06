import type { RateLimitReading } from '../usage/readRateLimits.js';
import type { UsageReading } from '../usage/TokenUsage.js';

/** Token counts of a reply as the reference adapters write them into `metadata.usage`. */
export interface ReplyUsage {
  /** Every prompt token, cached ones included. */
  readonly inputTokens: number;
  /** Every generated token, reasoning included. */
  readonly outputTokens: number;
  /** Prompt tokens read from the provider's cache. */
  readonly cachedInputTokens: number;
  /** Prompt tokens written to the provider's cache. */
  readonly cacheWriteTokens: number;
  /** Generated tokens spent on reasoning. */
  readonly reasoningTokens: number;
}

/**
 * What the reference adapters put in a reply's `metadata` (and return from `streamMessage` when
 * the stream is over): the provider, the model asked and the one that answered, the token usage
 * the provider reported and the rate-limit budgets of its response headers. `withConsciousness`
 * reads it for the token, cost and rate-limit metrics.
 */
export interface ReplyMetadata {
  /** Provider name (`openai`, `anthropic`, `deepseek`, …). */
  readonly provider: string;
  /** The model the adapter asked for. */
  readonly model: string;
  /** The model the provider says answered, when it says. */
  readonly responseModel?: string | undefined;
  /** Token counts, when the provider reported them. */
  readonly usage?: ReplyUsage | undefined;
  /** Rate-limit budgets, when the response carried the headers. */
  readonly rateLimits?: RateLimitReading | undefined;
}

/** The metadata of a reply from what the provider reported. */
export function replyMetadata(
  provider: string,
  model: string,
  reading: UsageReading | undefined,
  rateLimits: RateLimitReading | undefined,
): ReplyMetadata {
  const usage = reading?.usage;
  return {
    provider,
    model,
    ...(reading?.responseModel === undefined ? {} : { responseModel: reading.responseModel }),
    ...(usage === undefined
      ? {}
      : {
          usage: {
            inputTokens: usage.input,
            outputTokens: usage.output,
            cachedInputTokens: usage.cachedInput,
            cacheWriteTokens: usage.cacheWrite,
            reasoningTokens: usage.reasoning,
          },
        }),
    ...(rateLimits === undefined ? {} : { rateLimits }),
  };
}
