export {
  FAILURE_FEATURE_COUNT,
  FAILURE_FEATURE_NAMES,
  FEATURE_INDEX,
  FailureFeatures,
  type CallPathSignals,
  type FailureFeatureName,
  type FailureFeaturesOptions,
  type RequestBudget,
  type VoiceStatistics,
} from './FailureFeatures.js';
export {
  FailurePredictor,
  PredictorWeightsSchema,
  type FailurePredictorOptions,
  type PredictorWeights,
} from './FailurePredictor.js';
export {
  PredictiveRouting,
  PREDICTIVE_ROUTE_HOLD_MS,
  type PredictiveRoutingOptions,
} from './PredictiveRouting.js';
