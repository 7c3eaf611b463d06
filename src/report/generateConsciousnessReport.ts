import type { AdapterHealthSignature } from '../health/AdapterHealthSignature.js';
import type { SelfHealingAction } from '../healing/SelfHealingAction.js';
import type { InfrastructurePattern } from '../patterns/InfrastructurePattern.js';
import { compareStrings } from './compareStrings.js';
import {
  ConsciousnessReportSchema,
  type AdapterHealthReport,
  type ConsciousnessInsight,
  type ConsciousnessReport,
  type PredictedIssue,
} from './ConsciousnessReportSchema.js';
import {
  healthInsight,
  lowCoherenceInsight,
  patternDistributionInsight,
  patternTrendInsight,
} from './consciousnessInsights.js';
import { likelyCauseOf } from './likelyCause.js';
import { patternRateTrend } from './patternRateTrend.js';
import { selfHealingSummaryOf } from './selfHealingSummaryOf.js';

/** Failure probability above which an adapter is listed among the predicted issues. */
export const DEFAULT_PREDICTION_THRESHOLD = 0.3;

/** What a consciousness report is built from: the brain's current state, passed in so the report is a pure function. */
export interface ReportInput {
  /** Current health signature of every adapter (for a repeated adapter id, the last one wins). */
  readonly signatures: readonly AdapterHealthSignature[];
  /** Patterns active now. */
  readonly activePatterns: readonly InfrastructurePattern[];
  /** Patterns detected over the history window (active ones may be repeated; ids are de-duplicated). */
  readonly patternHistory: readonly InfrastructurePattern[];
  /** Healing actions taken, with their measured outcomes. */
  readonly healingActions: readonly SelfHealingAction[];
  /** Adapters whose failure probability is above this are predicted issues (default 0.3). */
  readonly predictionThreshold?: number;
  /** Window the pattern-rate trend is judged over, ms; from the oldest pattern to `now` when omitted. */
  readonly trendWindowMs?: number;
}

/**
 * Builds the consciousness report (docs/architecture.md, Report) from a snapshot of the brain's state at `now` (epoch ms):
 * per-adapter health, predicted issues with their likely causes, insights (health, pattern
 * distribution, pattern-rate trend, low coherence) and a self-healing summary. Pure; the result is
 * validated with ConsciousnessReportSchema.
 */
export function generateConsciousnessReport(input: ReportInput, now: number): ConsciousnessReport {
  const threshold = input.predictionThreshold ?? DEFAULT_PREDICTION_THRESHOLD;
  const signatures = latestPerAdapter(input.signatures);

  const health: [string, AdapterHealthReport][] = [];
  const predictedIssues: PredictedIssue[] = [];
  for (const s of signatures) {
    health.push([
      s.adapterId,
      {
        status: s.status,
        consciousnessCoherence: s.consciousnessCoherence,
        voiceStability: s.voiceStability,
        failureProbability: s.predictedFailureProbability,
        trend: s.trend,
        recentErrors: { ...s.errorPatterns },
        circuitState: s.circuitState,
        latencyP95Ms: s.responseTimeP95Ms,
      },
    ]);
    if (s.predictedFailureProbability > threshold) {
      predictedIssues.push({
        adapter: s.adapterId,
        probability: s.predictedFailureProbability,
        ...likelyCauseOf(s),
      });
    }
  }
  predictedIssues.sort((a, b) => b.probability - a.probability || compareStrings(a.adapter, b.adapter));

  const patterns = uniqueById([...input.patternHistory, ...input.activePatterns]);
  const insights: ConsciousnessInsight[] = [healthInsight(signatures)];
  for (const insight of [
    patternDistributionInsight(patterns),
    patternTrendInsight(patternRateTrend(patterns, now, input.trendWindowMs)),
    lowCoherenceInsight(signatures),
  ]) {
    if (insight !== undefined) insights.push(insight);
  }

  // Object.fromEntries defines own keys, so an adapter named "__proto__" stays a plain key.
  const infrastructureHealth: Record<string, AdapterHealthReport> = Object.fromEntries(health);
  const report = ConsciousnessReportSchema.parse({
    timestamp: new Date(now).toISOString(),
    infrastructureHealth,
    predictedIssues,
    consciousnessInsights: insights,
    selfHealingSummary: selfHealingSummaryOf(input.healingActions),
    activePatterns: input.activePatterns,
  });
  // zod rebuilds records by assignment, which would turn a "__proto__" key into a prototype.
  return { ...report, infrastructureHealth };
}

function latestPerAdapter(signatures: readonly AdapterHealthSignature[]): AdapterHealthSignature[] {
  const byId = new Map<string, AdapterHealthSignature>();
  for (const s of signatures) byId.set(s.adapterId, s);
  return [...byId.values()].sort((a, b) => compareStrings(a.adapterId, b.adapterId));
}

function uniqueById(patterns: readonly InfrastructurePattern[]): InfrastructurePattern[] {
  const byId = new Map<string, InfrastructurePattern>();
  for (const p of patterns) byId.set(p.patternId, p);
  return [...byId.values()];
}
