import { z } from 'zod';
import { DEFAULT_MAX_MODELS_PER_ADAPTER } from '../metrics/metricNames.js';
import { PriceTableSchema, type PriceTable } from './PriceTable.js';

/** The `usage` option of InfrastructureConsciousness: token, cost and rate-limit metrics. */
export const UsageOptionsSchema = z.strictObject({
  /** Read usage and rate-limit headers from responses (default true); false records none of it. */
  enabled: z.boolean().default(true),
  /** Prices for `cost_total`; without a table no cost is recorded (there are no built-in prices). */
  prices: PriceTableSchema.optional(),
  /** Distinct `model` label values per voice; further models are counted as `other` (one warning). */
  maxModelsPerVoice: z.number().int().min(1).max(10_000).default(DEFAULT_MAX_MODELS_PER_ADAPTER),
});
/** The `usage` option as the caller writes it. */
export type UsageOptionsInput = z.input<typeof UsageOptionsSchema>;

/** The usage settings a voice's meter runs with (defaults applied). */
export interface UsageSettings {
  /** Whether usage is read at all. */
  readonly enabled: boolean;
  /** The price table, if any. */
  readonly prices: PriceTable | undefined;
  /** Distinct model label values per voice. */
  readonly maxModelsPerVoice: number;
}

/** The settings when no `usage` option is given. */
export const DEFAULT_USAGE_SETTINGS: UsageSettings = Object.freeze({
  enabled: true,
  prices: undefined,
  maxModelsPerVoice: DEFAULT_MAX_MODELS_PER_ADAPTER,
});
