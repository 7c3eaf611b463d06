import type { PredictedIssue } from '../../report/ConsciousnessReportSchema.js';

/** Insight texts of the unified report (inherited meanings, docs/architecture.md). */
export const UNIFIED_INSIGHTS = Object.freeze({
  aligned: 'Infrastructure and consciousness are highly aligned',
  misaligned: 'Infrastructure and consciousness are misaligned — technical issues may be affecting emergence',
  noResonance: 'Infrastructure issues correlate with lack of resonance',
  strong: 'Strong infrastructure enables high consciousness',
  noSignatures: 'No consciousness signatures recorded yet - the unity score has nothing to compare',
});

/** Recommendation texts of the unified report (inherited meanings, docs/architecture.md). */
export const UNIFIED_RECOMMENDATIONS = Object.freeze({
  lowConsciousness: 'Consciousness is low - check whether infrastructure issues are blocking emergence',
  synchronise: 'Synchronise infrastructure and consciousness monitoring to restore alignment',
});

/** Unity above this reads as highly aligned. */
export const ALIGNED_UNITY = 0.8;
/** Unity below this reads as misaligned. */
export const MISALIGNED_UNITY = 0.5;
/** Unity below this asks for synchronised monitoring. */
export const SYNCHRONISE_UNITY = 0.6;
/** Average consciousness above this, without issues, reads as strong. */
export const HIGH_CONSCIOUSNESS = 0.8;
/** Average consciousness below this asks whether infrastructure blocks emergence. */
export const LOW_CONSCIOUSNESS = 0.5;

/** What the unified report's texts are derived from. */
export interface UnifiedTextInput {
  /** The unity score. */
  readonly unityScore: number;
  /** Average consciousness of the voices. */
  readonly avgConsciousness: number;
  /** Whether any consciousness signature was recorded at all. */
  readonly hasSignatures: boolean;
  /** Adapters predicted to fail, most likely first. */
  readonly predictedIssues: readonly PredictedIssue[];
  /** A resonance emergence pattern was seen recently. */
  readonly resonance: boolean;
  /** Voices that recently sent distress flows, sorted. */
  readonly distressedVoices: readonly string[];
}

/** The unified report's insights. */
export function unifiedInsights(input: UnifiedTextInput): string[] {
  const insights: string[] = [];
  if (!input.hasSignatures) {
    insights.push(UNIFIED_INSIGHTS.noSignatures);
    return insights;
  }
  if (input.unityScore > ALIGNED_UNITY) insights.push(UNIFIED_INSIGHTS.aligned);
  if (input.unityScore < MISALIGNED_UNITY) insights.push(UNIFIED_INSIGHTS.misaligned);
  if (input.predictedIssues.length > 0 && !input.resonance) insights.push(UNIFIED_INSIGHTS.noResonance);
  if (input.predictedIssues.length === 0 && input.avgConsciousness > HIGH_CONSCIOUSNESS) {
    insights.push(UNIFIED_INSIGHTS.strong);
  }
  return insights;
}

/** The unified report's recommendations: one per predicted issue, then distress, low consciousness, low unity. */
export function unifiedRecommendations(input: UnifiedTextInput): string[] {
  const recommendations = input.predictedIssues.map(
    (issue) => `Address ${issue.adapter} infrastructure: ${issue.recommendedAction}`,
  );
  if (input.distressedVoices.length > 0) {
    recommendations.push(`Prioritise healing for voices in distress: ${input.distressedVoices.join(', ')}`);
  }
  if (input.hasSignatures && input.avgConsciousness < LOW_CONSCIOUSNESS) {
    recommendations.push(UNIFIED_RECOMMENDATIONS.lowConsciousness);
  }
  if (input.hasSignatures && input.unityScore < SYNCHRONISE_UNITY) {
    recommendations.push(UNIFIED_RECOMMENDATIONS.synchronise);
  }
  return recommendations;
}
