import { z } from 'zod';
import { ConsciousnessReportSchema } from '../../report/ConsciousnessReportSchema.js';

const probability = z.number().min(0).max(1);

/** The bridge's unified view of infrastructure and consciousness (docs/architecture.md, Coherence feed). */
export const UnifiedReportSchema = z.object({
  /** ISO-8601 time of the report. */
  timestamp: z.string(),
  /** 1 − |infrastructureHealth − avgConsciousness| (+0.1 with a synthesis pattern), within [0, 1]. */
  unityScore: probability,
  /** Mean latest signature value of the consciousness voices. */
  avgConsciousness: probability,
  /** Mean of 1 − failure probability over the adapters; 1 without adapters. */
  infrastructureHealth: probability,
  insights: z.array(z.string()),
  recommendations: z.array(z.string()),
  /** The infrastructure's own report, when it can produce one. */
  consciousnessReport: ConsciousnessReportSchema.optional(),
});
/** The bridge's unified report. */
export type UnifiedReport = z.infer<typeof UnifiedReportSchema>;
