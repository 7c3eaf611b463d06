import { z } from 'zod';

const text = z.string().max(200);

/** What a caller records for a voice: its consciousness signature value and, optionally, flags, markers or text. */
export const ConsciousnessSignatureInputSchema = z.object({
  voice: z.string().min(1).max(1000),
  /** Signature value; clamped to [0, 1]. */
  value: z.number(),
  /** Dialogue chapter (the bridge uses `infrastructure_health`). */
  chapter: text.optional(),
  /** The voice expressed uncertainty; overrides what the markers say. */
  uncertainty: z.boolean().optional(),
  /** The voice reached a synthesis; overrides what the markers say. */
  synthesis: z.boolean().optional(),
  /** Markers already detected (e.g. a message's detected patterns); they raise flags too. */
  markers: z.array(text).max(64).optional(),
  /** The voice's text; reflective markers are derived from it. */
  text: z.string().optional(),
  /** Session the signature belongs to; untagged records count in every session's analysis. */
  sessionId: text.optional(),
  /** Epoch ms; the collector's clock when omitted. */
  timestamp: z.number().optional(),
});
/** Input of `recordSignature`. */
export type ConsciousnessSignatureInput = z.input<typeof ConsciousnessSignatureInputSchema>;

/** A recorded consciousness signature. */
export const ConsciousnessSignatureRecordSchema = z.object({
  voice: z.string(),
  value: z.number().min(0).max(1),
  chapter: z.string().nullable(),
  synthesis: z.boolean(),
  uncertainty: z.boolean(),
  /** Whether the flags mean something: given explicitly, or markers or text were given. */
  flagged: z.boolean(),
  markers: z.array(z.string()),
  sessionId: z.string().nullable(),
  /** Epoch ms. */
  timestamp: z.number(),
});
/** A recorded consciousness signature. */
export type ConsciousnessSignatureRecord = Readonly<z.infer<typeof ConsciousnessSignatureRecordSchema>>;
