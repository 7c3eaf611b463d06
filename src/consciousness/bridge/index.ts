export type { BridgedInfrastructure, HealthSignatureListener } from './BridgedInfrastructure.js';
export { CoherenceFeed } from './CoherenceFeed.js';
export type { CoherenceListener, CoherenceUpdate } from './CoherenceUpdate.js';
export { consciousnessFromHealth, type HealthForConsciousness } from './consciousnessFromHealth.js';
export {
  DISTRESS_PROBABILITY,
  INFRASTRUCTURE_CHAPTER,
  INFRASTRUCTURE_VOICE_SUFFIX,
  InfrastructureMetricsBridge,
  InfrastructureMetricsBridgeOptionsSchema,
  SYNTHESIS_COHERENCE,
  UNCERTAINTY_PROBABILITY,
  type InfrastructureMetricsBridgeOptions,
} from './InfrastructureMetricsBridge.js';
export { UnifiedReportSchema, type UnifiedReport } from './UnifiedReport.js';
export {
  ALIGNED_UNITY,
  HIGH_CONSCIOUSNESS,
  LOW_CONSCIOUSNESS,
  MISALIGNED_UNITY,
  SYNCHRONISE_UNITY,
  UNIFIED_INSIGHTS,
  UNIFIED_RECOMMENDATIONS,
  unifiedInsights,
  unifiedRecommendations,
  type UnifiedTextInput,
} from './unifiedReportTexts.js';
export { SYNTHESIS_BONUS, unityScore } from './unityScore.js';
