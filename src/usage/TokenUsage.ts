/** Token types counted in `tokens_total{type}` (and priced by the price table). */
export const TOKEN_TYPES = ['input', 'output', 'cached_input', 'cache_write', 'reasoning'] as const;
/** A token type: `input` and `output` are totals; the other three are parts of them. */
export type TokenType = (typeof TOKEN_TYPES)[number];

/**
 * Token counts of one provider response, normalised across providers: `input` is every prompt
 * token (cache reads and writes included, as OpenAI reports it; Anthropic's three fields are
 * added up), `cachedInput` and `cacheWrite` are the parts of it read from and written to the
 * prompt cache, `reasoning` is the part of `output` spent on reasoning.
 */
export interface TokenUsage {
  /** All prompt tokens, cached ones included. */
  readonly input: number;
  /** All generated tokens, reasoning included. */
  readonly output: number;
  /** Prompt tokens read from the provider's cache (part of `input`). */
  readonly cachedInput: number;
  /** Prompt tokens written to the provider's cache (part of `input`). */
  readonly cacheWrite: number;
  /** Generated tokens spent on reasoning (part of `output`). */
  readonly reasoning: number;
}

/** What a response says about itself: its usage and the model that answered, when it reports them. */
export interface UsageReading {
  /** Token counts. */
  readonly usage: TokenUsage;
  /** The model named in the response (`gpt-4o-2024-08-06`), when it names one. */
  readonly responseModel?: string | undefined;
  /** The model the request asked for, when the response knows it (Fire Circle reply metadata). */
  readonly requestModel?: string | undefined;
  /** The provider, when the response says (Fire Circle reply metadata, or its wire shape). */
  readonly provider?: string | undefined;
}

/** A usage with every count zero. */
export const NO_TOKENS: TokenUsage = Object.freeze({
  input: 0,
  output: 0,
  cachedInput: 0,
  cacheWrite: 0,
  reasoning: 0,
});

/** A non-negative finite count, else 0. */
export function count(value: unknown): number {
  return typeof value === 'number' && value >= 0 && value < Infinity ? value : 0;
}
