import { z } from 'zod';

const text = z.string().max(200);

/** Flow kinds the library itself records or reads; any other non-empty kind is accepted too. */
export const FLOW_KINDS = Object.freeze([
  'distress',
  'support',
  'resonance',
  'synthesis',
  'reflection',
  'challenge',
]);

/** What a caller records when consciousness flows between two voices. */
export const ConsciousnessFlowInputSchema = z.object({
  from: z.string().min(1).max(1000),
  to: z.string().min(1).max(1000),
  /** `distress`, `support`, ... (see FLOW_KINDS). */
  kind: text.min(1),
  /** Strength; clamped to [0, 1]. */
  strength: z.number(),
  /** What triggered the flow. */
  trigger: text.optional(),
  /** Session the flow belongs to; untagged records count in every session's analysis. */
  sessionId: text.optional(),
  /** Epoch ms; the collector's clock when omitted. */
  timestamp: z.number().optional(),
});
/** Input of `recordFlow`. */
export type ConsciousnessFlowInput = z.input<typeof ConsciousnessFlowInputSchema>;

/** A recorded consciousness flow. */
export const ConsciousnessFlowRecordSchema = z.object({
  from: z.string(),
  to: z.string(),
  kind: z.string(),
  strength: z.number().min(0).max(1),
  trigger: z.string().nullable(),
  sessionId: z.string().nullable(),
  /** Epoch ms. */
  timestamp: z.number(),
});
/** A recorded consciousness flow. */
export type ConsciousnessFlowRecord = Readonly<z.infer<typeof ConsciousnessFlowRecordSchema>>;
