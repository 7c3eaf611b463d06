import { z } from 'zod';
import { SelfHealingActionSchema } from '../healing/SelfHealingAction.js';
import { InfrastructurePatternSchema } from '../patterns/InfrastructurePattern.js';
import { parseHealingStatKey } from './healingStatKey.js';

/** Version of pattern_memory.json this code writes and reads; any other version is set aside on load. */
export const PATTERN_MEMORY_VERSION = 1;

/** Store name of the persisted learning (docs/architecture.md, Persistence). */
export const PATTERN_MEMORY_FILE = 'pattern_memory.json';

/** Outcome counts of one healing action in one (pattern type, category) context. */
export const HealingStatSchema = z.object({
  successes: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative(),
  /** ISO-8601 time of the latest recorded outcome. */
  lastUsedAt: z.string(),
});

/** Outcome counts of one healing action in one context. */
export type HealingStat = z.infer<typeof HealingStatSchema>;

/** A `<patternType>|<category>|<actionType>` key. */
export const HealingStatKeySchema = z
  .string()
  .refine((key) => parseHealingStatKey(key) !== undefined, 'expected <patternType>|<category>|<actionType>');

/** pattern_memory.json: what the system has learned, kept across restarts. */
export const PatternMemoryDocumentSchema = z.object({
  version: z.literal(PATTERN_MEMORY_VERSION),
  /** ISO-8601 time of the save. */
  savedAt: z.string(),
  healingStats: z.record(HealingStatKeySchema, HealingStatSchema),
  /** Method aliases learned per adapter: `{ [adapter]: { [method]: alias } }`. */
  learnedAliases: z.record(z.string(), z.record(z.string(), z.string())),
  /** Remembered patterns, oldest first. */
  patternHistory: z.array(InfrastructurePatternSchema),
  /** Remembered healing actions, oldest first. */
  healingHistory: z.array(SelfHealingActionSchema),
  /** The failure predictor's model, validated by the predictor's own schema; absent when it has none. */
  predictorWeights: z.unknown().optional(),
});

/** pattern_memory.json as parsed. */
export type PatternMemoryDocument = z.infer<typeof PatternMemoryDocumentSchema>;
