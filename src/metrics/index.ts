export { acceptsOpenMetrics } from './acceptsOpenMetrics.js';
export { AdapterMetrics } from './AdapterMetrics.js';
export { BodyBuffers } from './BodyBuffers.js';
export {
  InfrastructureMetrics,
  InfrastructureMetricsOptionsSchema,
  type InfrastructureMetricsOptions,
} from './InfrastructureMetrics.js';
export { labelValue } from './labelValue.js';
export { MethodMetrics } from './MethodMetrics.js';
export { MetricConflictError } from '../errors/MetricConflictError.js';
export {
  CALL_OUTCOMES,
  CIRCUIT_STATES,
  DEFAULT_MAX_METHODS_PER_ADAPTER,
  DEFAULT_METRIC_PREFIX,
  FALLBACK_KINDS,
  FIRST_CHUNK_BUCKETS,
  HEALING_ACTIONS,
  HEALING_RESULTS,
  LABEL_NAMES,
  LLM_LATENCY_BUCKETS,
  MAX_LABEL_VALUE_LENGTH,
  METRIC_DEFINITIONS,
  metricName,
  OVERFLOW_LABEL_VALUE,
  PATTERN_TYPES,
  type CallOutcome,
  type FallbackKind,
  type HealingResult,
  type MetricDefinition,
  type MetricKey,
  type MetricKind,
} from './metricNames.js';
export { metricsHandler, type MetricsRequestHandler } from './metricsHandler.js';
export { isMetricsSource, type MetricsSource } from './MetricsSource.js';
export { renderMetrics, type RenderedMetrics } from './renderMetrics.js';
export { renderOpenMetrics } from './renderOpenMetrics.js';
export { renderPrometheusText } from './renderPrometheusText.js';
export {
  DEFAULT_METRICS_HOST,
  DEFAULT_METRICS_PORT,
  MetricsServerOptionsSchema,
  startMetricsServer,
  type MetricsServer,
  type MetricsServerOptions,
} from './startMetricsServer.js';
