/**
 * Infrastructure Consciousness: inline resilience, health signatures and Prometheus metrics for
 * the model adapters of a Fire Circle. This is the root entry: wrapping, the shared brain,
 * classification, the package's errors, metrics and reports. The Fire Circle protocol and the
 * reference adapters are in `infrastructure-consciousness/firecircle`, the provider emulator in
 * `infrastructure-consciousness/lab`. docs/options.md lists what each entry exports.
 */

// Wrapping an adapter (or a loader of one).
export { withConsciousness } from './wrap/withConsciousness.js';
export { disposeConsciousness } from './wrap/disposeConsciousness.js';
export {
  WithConsciousnessOptionsSchema,
  type WithConsciousnessOptions,
  type RetryOptionsInput,
  type BreakerOptionsInput,
  type AdaptiveTimeoutInput,
  type ResponseSchema,
} from './wrap/WithConsciousnessOptions.js';
export type { FallbackValue, FallbackResult } from './wrap/FallbackValue.js';
export type { FallbackValueContext } from './resilience/FallbackChain.js';
export { importAdapter, type ImportAdapterOptions } from './wrap/importAdapter.js';
export type { AdapterLoader } from './wrap/AdapterLoader.js';

// Classification.
export { ErrorCategory } from './vocabulary/ErrorCategory.js';
export { classifyError } from './classify/classifyError.js';
export { registerSecret, registerSecretsOf } from './classify/KnownSecrets.js';
export type { Classification, ClassifyContext, Classifier } from './classify/Classification.js';

// The package's own errors: each call failure it creates carries `.category`.
export { ConsciousnessError } from './errors/ConsciousnessError.js';
export { VoiceSilencedError } from './errors/VoiceSilencedError.js';
export { CircuitOpenError } from './errors/CircuitOpenError.js';
export { WrapDisposedError } from './errors/WrapDisposedError.js';
export { TimeoutError } from './errors/TimeoutError.js';
export { RateLimitedLocallyError } from './errors/RateLimitedLocallyError.js';
export { MethodMissingError } from './errors/MethodMissingError.js';
export { NoneReturnError } from './errors/NoneReturnError.js';
export { InvalidResponseError } from './errors/InvalidResponseError.js';
export { ImportFailureError } from './errors/ImportFailureError.js';
export { StreamInterruptedError } from './errors/StreamInterruptedError.js';
export { MetricConflictError } from './errors/MetricConflictError.js';
// How a wrapped call that reached the caller as an error failed (the error itself is the adapter's).
export { failureOf, type CallFailure } from './errors/failureOf.js';

// The shared brain.
export { InfrastructureConsciousness } from './consciousness/InfrastructureConsciousness.js';
export type { InfrastructureConsciousnessOptions } from './consciousness/InfrastructureConsciousnessOptions.js';
export type { InfrastructureConsciousnessConfigInput } from './consciousness/InfrastructureConsciousnessConfig.js';
export { getDefaultInfrastructure } from './consciousness/defaultInfrastructure.js';
export type {
  InfrastructureEvents,
  FailureEvent,
  CircuitEvent,
  HealingEvent,
  PredictionEvent,
} from './voice/CallEvents.js';
export type { ConsciousnessLogger } from './logging/createLogger.js';
export type { Clock } from './clock/Clock.js';
export type { ClockOption, Scheduler, Timer, TimeSource } from './clock/Scheduler.js';
export type { Store } from './memory/Store.js';

// What the brain knows, as zod schemas (the schema is the type).
export {
  AdapterHealthSignatureSchema,
  type AdapterHealthSignature,
} from './health/AdapterHealthSignature.js';
export { InfrastructurePatternSchema, type InfrastructurePattern } from './patterns/InfrastructurePattern.js';
export { SelfHealingActionSchema, type SelfHealingAction } from './healing/SelfHealingAction.js';
export { ConsciousnessReportSchema, type ConsciousnessReport } from './report/ConsciousnessReportSchema.js';
export { ConsciousMessageSchema, type ConsciousMessage } from './firecircle/ConsciousMessage.js';

// Metrics and reports.
export {
  startMetricsServer,
  type MetricsServer,
  type MetricsServerOptions,
} from './endpoints/startMetricsServer.js';
export { metricsHandler, type MetricsRequestHandler } from './endpoints/metricsHandler.js';
export type { MetricsSource } from './metrics/MetricsSource.js';
export { renderReport, type RenderReportOptions } from './report/renderReport.js';

// The coherence feed into a consciousness metrics collector.
export {
  InfrastructureMetricsBridge,
  type InfrastructureMetricsBridgeOptions,
} from './consciousness/bridge/InfrastructureMetricsBridge.js';
export type { UnifiedReport } from './consciousness/bridge/UnifiedReport.js';
export type { ConsciousnessMetricsCollector } from './consciousness/collector/ConsciousnessMetricsCollector.js';
export {
  InMemoryConsciousnessMetricsCollector,
  type InMemoryConsciousnessMetricsCollectorOptions,
} from './consciousness/collector/InMemoryConsciousnessMetricsCollector.js';

// Tokens, cost and rate limits (the `usage` option); the OpenTelemetry bridge is in `infrastructure-consciousness/otel`.
export type { UsageOptionsInput } from './usage/UsageOptions.js';
export type { PriceTableInput } from './usage/PriceTable.js';
export type { TokenUsage, TokenType } from './usage/TokenUsage.js';
export type { RateLimitReading, RateLimitBudget } from './usage/readRateLimits.js';
export type { OperationRecord } from './usage/OperationRecord.js';

// Many instances: provider state shared through Redis (the `shared` option), cluster-wide /metrics.
export type { SharedState } from './scaleout/SharedState.js';
export type { SharedStateOptions } from './scaleout/SharedStateOptions.js';
export type { RedisClientLike } from './scaleout/RedisClientLike.js';
export {
  shareMetricsWithPrimary,
  startClusterMetricsServer,
  type ClusterMetricsServer,
} from './scaleout/clusterMetrics.js';
