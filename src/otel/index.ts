export {
  recordGenAiMetrics,
  genAiAttributes,
  GEN_AI_METER_NAME,
  OPERATION_DURATION_BUCKETS,
  TOKEN_USAGE_BUCKETS,
  type GenAiMetricsBridge,
  type GenAiMetricsOptions,
  type OperationSource,
} from './recordGenAiMetrics.js';
