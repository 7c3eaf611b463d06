import { z } from 'zod';
import { ERROR_CATEGORIES } from '../vocabulary/ErrorCategory.js';
import { HealingActionTypeSchema } from '../healing/SelfHealingAction.js';
import {
  AdapterStatusSchema,
  CircuitStateSchema,
  HealthTrendSchema,
} from '../health/AdapterHealthSignature.js';
import { InfrastructurePatternSchema } from '../patterns/InfrastructurePattern.js';

const probability = z.number().min(0).max(1);
const count = z.number().int().nonnegative();

/** One adapter's line of the report's `infrastructureHealth` (docs/architecture.md, Report). */
export const AdapterHealthReportSchema = z.object({
  status: AdapterStatusSchema,
  consciousnessCoherence: probability,
  voiceStability: probability,
  failureProbability: probability,
  trend: HealthTrendSchema,
  /** Error counts per category, as held by the health signature. */
  recentErrors: z.partialRecord(z.enum(ERROR_CATEGORIES), count),
  circuitState: CircuitStateSchema,
  latencyP95Ms: z.number().nonnegative(),
});
/** One adapter's line of the report's `infrastructureHealth`. */
export type AdapterHealthReport = z.infer<typeof AdapterHealthReportSchema>;

/** An adapter whose failure probability is above the prediction threshold, with its likely cause. */
export const PredictedIssueSchema = z.object({
  adapter: z.string().min(1),
  probability,
  likelyCause: z.string().min(1),
  recommendedAction: z.string().min(1),
  /** The error category the cause was read from, when one dominated. */
  category: z.enum(ERROR_CATEGORIES).optional(),
});
/** A predicted issue. */
export type PredictedIssue = z.infer<typeof PredictedIssueSchema>;

/** An observation about the infrastructure: a title, its evidence (counts or names) and what it means. */
export const ConsciousnessInsightSchema = z.object({
  insight: z.string().min(1),
  /** Counts per pattern type (or status), or the names the insight is about. */
  patterns: z.union([z.record(z.string(), count), z.array(z.string())]),
  interpretation: z.string(),
});
/** A consciousness insight. */
export type ConsciousnessInsight = z.infer<typeof ConsciousnessInsightSchema>;

/** What self-healing did: how many actions, how many succeeded, which kind was used most. */
export const SelfHealingSummarySchema = z.object({
  totalActions: count,
  /** Completed actions whose measured outcome was a success. */
  successful: count,
  /** `successful` over the judged actions (completed with a verdict; an unjudged one is not counted); 0 when none was judged. */
  successRate: probability,
  /** The most frequent action type, or null when no action was taken. */
  mostCommonHealing: HealingActionTypeSchema.nullable(),
});
/** The self-healing summary. */
export type SelfHealingSummary = z.infer<typeof SelfHealingSummarySchema>;

/** The consciousness report (docs/architecture.md, Report), as returned by `generateConsciousnessReport()` and served at /report. */
export const ConsciousnessReportSchema = z.object({
  /** ISO-8601 time the report was generated. */
  timestamp: z.string(),
  infrastructureHealth: z.record(z.string(), AdapterHealthReportSchema),
  predictedIssues: z.array(PredictedIssueSchema),
  consciousnessInsights: z.array(ConsciousnessInsightSchema),
  selfHealingSummary: SelfHealingSummarySchema,
  activePatterns: z.array(InfrastructurePatternSchema),
});
/** The consciousness report. */
export type ConsciousnessReport = z.infer<typeof ConsciousnessReportSchema>;
