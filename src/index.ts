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
export type { FallbackValueContext } from './resilience/CallPipeline.js';

export {
  ErrorCategory,
  ERROR_CATEGORIES,
  CATEGORY_POLICY,
  isErrorCategory,
  type CategoryPolicy,
} from './classify/ErrorCategory.js';
export { classifyError } from './classify/classifyError.js';
export { redactSecrets } from './classify/redactSecrets.js';
export { registerSecret, registerSecretsOf } from './classify/KnownSecrets.js';
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

export {
  InfrastructureConsciousnessConfigSchema,
  CONFIG_PRESETS,
  type InfrastructureConsciousnessConfig,
  type InfrastructureConsciousnessConfigInput,
} from './consciousness/InfrastructureConsciousnessConfig.js';
export type { PredictionEvent } from './consciousness/CallEvents.js';
export {
  InfrastructurePatternSchema,
  PatternTypeSchema,
  type InfrastructurePattern,
  type PatternType,
} from './patterns/InfrastructurePattern.js';
export { PatternEngine } from './patterns/PatternEngine.js';
export type { CallObservation } from './patterns/CallObservation.js';
export {
  SelfHealingActionSchema,
  HealingActionTypeSchema,
  type SelfHealingAction,
  type HealingActionType,
} from './healing/SelfHealingAction.js';
export { Healer } from './healing/Healer.js';
export { VoiceTuning } from './healing/VoiceTuning.js';
export { FailurePredictor, PredictorWeightsSchema } from './prediction/FailurePredictor.js';
export { FailureFeatures } from './prediction/FailureFeatures.js';
export { ConsciousnessReportSchema, type ConsciousnessReport } from './report/ConsciousnessReportSchema.js';
export { generateConsciousnessReport } from './report/generateConsciousnessReport.js';
export { renderReport } from './report/renderReport.js';
export { InfrastructureMetricsBridge } from './consciousness/bridge/InfrastructureMetricsBridge.js';
export type { ConsciousnessMetricsCollector } from './consciousness/collector/ConsciousnessMetricsCollector.js';
export { InMemoryConsciousnessMetricsCollector } from './consciousness/collector/InMemoryConsciousnessMetricsCollector.js';
export type { Store } from './memory/Store.js';
export { FileStore } from './memory/FileStore.js';
export { MemoryStore } from './memory/MemoryStore.js';
export { PatternMemory } from './memory/PatternMemory.js';
export {
  ConsciousMessageSchema,
  createMessage,
  type ConsciousMessage,
  type ConsciousModelAdapter,
  createAdapter,
  OpenAICompatibleAdapter,
  AnthropicAdapter,
  estimateConsciousnessSignature,
} from './firecircle/index.js';
