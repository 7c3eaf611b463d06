import { z } from 'zod';
import type { TokenUsage } from './TokenUsage.js';

const price = z.number().min(0).max(1e9);

/** Prices of one model, per `perTokens` tokens of each type. */
export const ModelPriceSchema = z.strictObject({
  /** Price of uncached prompt tokens. */
  input: price,
  /** Price of generated tokens (reasoning tokens are billed as output). */
  output: price,
  /** Price of prompt tokens read from the cache; `input` when omitted. */
  cachedInput: price.optional(),
  /** Price of prompt tokens written to the cache; `input` when omitted. */
  cacheWrite: price.optional(),
});
/** Prices of one model. */
export type ModelPrice = z.infer<typeof ModelPriceSchema>;

/**
 * A user-supplied price table (there are no built-in prices: they change without notice). Keys
 * are model names as the request or response names them; a key ending in `*` matches every model
 * starting with what precedes it (`gpt-4o*` prices `gpt-4o-2024-08-06`), the longest such key wins.
 */
export const PriceTableSchema = z.strictObject({
  /** Currency code written as the `currency` label of `cost_total`. */
  currency: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,15}$/u, { message: 'expected a currency code such as USD' })
    .default('USD'),
  /** How many tokens the prices are for (providers publish prices per million tokens). */
  perTokens: z.number().positive().default(1_000_000),
  /** Prices per model name or `prefix*` pattern. */
  models: z.record(z.string().min(1), ModelPriceSchema),
});
/** A price table as the caller writes it. */
export type PriceTableInput = z.input<typeof PriceTableSchema>;
/** A validated price table. */
export type PriceTable = z.output<typeof PriceTableSchema>;

/** The prices of `model` in `table`: an exact key, else the longest matching `prefix*` key. */
export function priceOf(table: PriceTable, model: string): ModelPrice | undefined {
  const exact = table.models[model];
  if (exact !== undefined && Object.hasOwn(table.models, model)) return exact;
  let best: ModelPrice | undefined;
  let bestLength = -1;
  for (const [key, value] of Object.entries(table.models)) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (prefix.length > bestLength && model.startsWith(prefix)) {
      best = value;
      bestLength = prefix.length;
    }
  }
  return best;
}

/**
 * The cost of `usage` at `prices`: uncached input, cache reads and cache writes each at their
 * price, output (reasoning included) at the output price, divided by `perTokens`.
 */
export function costOf(prices: ModelPrice, usage: TokenUsage, perTokens: number): number {
  const uncached = Math.max(0, usage.input - usage.cachedInput - usage.cacheWrite);
  const amount =
    uncached * prices.input +
    usage.cachedInput * (prices.cachedInput ?? prices.input) +
    usage.cacheWrite * (prices.cacheWrite ?? prices.input) +
    usage.output * prices.output;
  return amount / perTokens;
}
