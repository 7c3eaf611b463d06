export { TOKEN_TYPES, NO_TOKENS, type TokenType, type TokenUsage, type UsageReading } from './TokenUsage.js';
export { readUsage } from './readUsage.js';
export { answeringModel } from './answeringModel.js';
export { StreamUsageReader } from './StreamUsageReader.js';
export {
  readRateLimits,
  durationSeconds,
  RATE_LIMIT_KINDS,
  type RateLimitKind,
  type RateLimitBudget,
  type RateLimitReading,
  type HeaderSource,
} from './readRateLimits.js';
export {
  PriceTableSchema,
  ModelPriceSchema,
  priceOf,
  costOf,
  type PriceTable,
  type PriceTableInput,
  type ModelPrice,
} from './PriceTable.js';
export { UsageOptionsSchema, type UsageOptionsInput, type UsageSettings } from './UsageOptions.js';
export { UsageMeter, type StreamUsageObserver, type UsageTotals } from './UsageMeter.js';
export { operationName, providerName, type OperationRecord } from './OperationRecord.js';
