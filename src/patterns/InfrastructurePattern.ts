import { z } from 'zod';
import { ERROR_CATEGORIES } from '../vocabulary/ErrorCategory.js';
import { PATTERN_IMPACTS, PATTERN_TYPES } from '../vocabulary/PatternType.js';

/** The four pattern types. */
export const PatternTypeSchema = z.enum(PATTERN_TYPES);

/** Expected impact of a pattern. */
export const PatternImpactSchema = z.enum(PATTERN_IMPACTS);

/** A detected infrastructure pattern (docs/architecture.md, Patterns, prediction, healing), as emitted, reported and persisted. */
export const InfrastructurePatternSchema = z.object({
  patternId: z.string().min(1),
  patternType: PatternTypeSchema,
  affectedAdapters: z.array(z.string()).min(1),
  /** ISO-8601 detection time. */
  detectionTime: z.string(),
  confidence: z.number().min(0).max(1),
  predictedImpact: PatternImpactSchema,
  suggestedAction: z.string(),
  /** The error category the pattern is about (resonance names the shared one), when there is one. */
  category: z.enum(ERROR_CATEGORIES).optional(),
  /** Detector-specific evidence (drift statistic, fingerprints, counts…). */
  evidence: z.record(z.string(), z.unknown()).default({}),
  /** Ids of remembered patterns of the same type and adapters. */
  similarPastPatterns: z.array(z.string()).default([]),
  /** Healing actions that resolved similar patterns before, best first. */
  successfulResolutions: z.array(z.string()).default([]),
  /** ISO-8601 time the pattern stopped being active, when it has. */
  resolvedAt: z.string().optional(),
});

/** A detected infrastructure pattern. */
export type InfrastructurePattern = z.infer<typeof InfrastructurePatternSchema>;
