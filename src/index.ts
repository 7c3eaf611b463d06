/**
 * Infrastructure Consciousness: inline resilience, health signatures and Prometheus metrics for
 * the model adapters of a Fire Circle.
 */
export { withConsciousness, pipelineOf } from './wrap/withConsciousness.js';
export type { WithConsciousnessInternals } from './wrap/withConsciousness.js';
export {
  WithConsciousnessOptionsSchema,
  type WithConsciousnessOptions,
  type ResolvedWithConsciousnessOptions,
} from './wrap/WithConsciousnessOptions.js';
export { importAdapter, type ImportAdapterOptions } from './wrap/importAdapter.js';
export type { AdapterLoader } from './wrap/AdapterLoader.js';
export { PIPELINE } from './wrap/AdapterProxy.js';

export {
  ErrorCategory,
  ERROR_CATEGORIES,
  CATEGORY_POLICY,
  isErrorCategory,
  type CategoryPolicy,
} from './classify/ErrorCategory.js';
export { classifyError } from './classify/classifyError.js';
export { redactSecrets } from './classify/redactSecrets.js';
export type { Classification, ClassifyContext, Classifier } from './classify/Classification.js';

export { ConsciousnessError } from './errors/ConsciousnessError.js';
export { VoiceSilencedError } from './errors/VoiceSilencedError.js';
export { TimeoutError } from './errors/TimeoutError.js';
export { NoneReturnError } from './errors/NoneReturnError.js';
export { InvalidResponseError } from './errors/InvalidResponseError.js';
export { MethodMissingError } from './errors/MethodMissingError.js';
export { ImportFailureError } from './errors/ImportFailureError.js';
export { StreamInterruptedError } from './errors/StreamInterruptedError.js';
export { CircuitOpenError } from './errors/CircuitOpenError.js';

export {
  InfrastructureConsciousness,
  InfrastructureConsciousnessOptionsSchema,
  type InfrastructureConsciousnessOptions,
} from './consciousness/InfrastructureConsciousness.js';
export { getDefaultInfrastructure } from './consciousness/defaultInfrastructure.js';
export type {
  InfrastructureEvents,
  FailureEvent,
  CircuitEvent,
  HealingEvent,
  CallOutcomeLabel,
  FallbackKind,
} from './consciousness/CallEvents.js';

export {
  AdapterHealthSignatureSchema,
  type AdapterHealthSignature,
  type AdapterStatus,
  type CircuitState,
  type HealthTrend,
} from './health/AdapterHealthSignature.js';
export { heuristicFailureProbability } from './prediction/heuristicFailureProbability.js';

export { startMetricsServer } from './metrics/startMetricsServer.js';
export { metricsHandler } from './metrics/metricsHandler.js';
export { InfrastructureMetrics } from './metrics/InfrastructureMetrics.js';
export type { MetricsSource } from './metrics/MetricsSource.js';

export { BreakerOptionsSchema, type BreakerOptions } from './resilience/BreakerOptions.js';
export { RetryOptionsSchema, type RetryOptions } from './resilience/RetryOptions.js';
export { createDefaultLogger, type ConsciousnessLogger } from './logging/createLogger.js';
export type { Clock } from './clock/Clock.js';
