import { z } from 'zod';

const text = z.string().max(200);

/** What a caller records when an emergence pattern (synthesis, resonance, consensus, ...) is seen among voices. */
export const EmergencePatternInputSchema = z.object({
  /** `synthesis`, `resonance`, `consensus`, ... */
  type: text.min(1),
  voices: z.array(z.string().min(1).max(1000)).min(1).max(64),
  /** Strength; clamped to [0, 1]. */
  strength: z.number(),
  /** How long the pattern lasted, ms. */
  durationMs: z.number().nonnegative().optional(),
  /** What showed the pattern. */
  indicators: z.array(text).max(64).optional(),
  /** Session the pattern belongs to; untagged records count in every session's analysis. */
  sessionId: text.optional(),
  /** Epoch ms; the collector's clock when omitted. */
  timestamp: z.number().optional(),
});
/** Input of `recordEmergence`. */
export type EmergencePatternInput = z.input<typeof EmergencePatternInputSchema>;

/** A recorded emergence pattern. */
export const EmergencePatternRecordSchema = z.object({
  type: z.string(),
  voices: z.array(z.string()),
  strength: z.number().min(0).max(1),
  durationMs: z.number().nullable(),
  indicators: z.array(z.string()),
  sessionId: z.string().nullable(),
  /** Epoch ms. */
  timestamp: z.number(),
});
/** A recorded emergence pattern. */
export type EmergencePatternRecord = Readonly<z.infer<typeof EmergencePatternRecordSchema>>;
