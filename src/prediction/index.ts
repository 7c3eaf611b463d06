export {
  FAILURE_FEATURE_COUNT,
  FAILURE_FEATURE_NAMES,
  FailureFeatures,
  type FailureFeatureName,
  type FailureFeaturesOptions,
} from './FailureFeatures.js';
export {
  FailurePredictor,
  PredictorWeightsSchema,
  type FailurePredictorOptions,
  type PredictorWeights,
} from './FailurePredictor.js';
export {
  heuristicFailureProbability,
  type HeuristicFailureInput,
} from '../health/heuristicFailureProbability.js';
