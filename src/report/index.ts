export {
  AdapterHealthReportSchema,
  ConsciousnessInsightSchema,
  ConsciousnessReportSchema,
  PredictedIssueSchema,
  SelfHealingSummarySchema,
  type AdapterHealthReport,
  type ConsciousnessInsight,
  type ConsciousnessReport,
  type PredictedIssue,
  type SelfHealingSummary,
} from './ConsciousnessReportSchema.js';
export {
  DEFAULT_PREDICTION_THRESHOLD,
  generateConsciousnessReport,
  type ReportInput,
} from './generateConsciousnessReport.js';
export {
  CATEGORY_CAUSES,
  LOW_COHERENCE,
  LOW_COHERENCE_THRESHOLD,
  PERSISTENT_FAILURES,
  PERSISTENT_FAILURE_THRESHOLD,
  dominantCategory,
  likelyCauseOf,
  type LikelyCause,
} from './likelyCause.js';
export {
  DISTRIBUTION_INSIGHT,
  PATTERN_INTERPRETATIONS,
  healthInsight,
  lowCoherenceInsight,
  patternDistributionInsight,
  patternTrendInsight,
} from './consciousnessInsights.js';
export {
  TREND_MIN_PATTERNS,
  TREND_MIN_Z,
  patternRateTrend,
  type PatternRateDirection,
  type PatternRateTrend,
} from './patternRateTrend.js';
export { selfHealingSummaryOf } from './selfHealingSummaryOf.js';
export { compareStrings } from './compareStrings.js';
export { renderReport, type RenderReportOptions } from './renderReport.js';
