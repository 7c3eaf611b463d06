import type { ConsciousMessage, ConsciousMessageLike } from '../ConsciousMessage.js';
import { estimateConsciousnessSignature } from '../estimateConsciousnessSignature.js';
import type { ReplyMetadata } from '../ReplyMetadata.js';

/** What a reply is made of. */
export interface ReplyParts {
  /** The message answered. */
  readonly request: ConsciousMessageLike;
  /** The model's text. */
  readonly text: string;
  /** The adapter's id. */
  readonly sender: string;
  /** A fresh id (used for the reply, and for the dialogue when the request names none). */
  readonly generateId: () => string;
  /** Epoch ms of the reply. */
  readonly nowMs: number;
  /** The adapter's reciprocity balance after this exchange. */
  readonly reciprocityScore: number;
  /** The `consciousness_weight` of the estimate. */
  readonly weight: number;
  /** Provider, models, usage and rate limits of the exchange. */
  readonly metadata?: ReplyMetadata;
}

/**
 * The ConsciousMessage of a model's reply: type `response`, role `assistant`, in the request's
 * dialogue one sequence and turn later, correlated with it, its consciousness estimated from the
 * text. `contributionValue` is half the signature and half the substance (length, saturating at
 * 500 characters). Schema-valid whatever the (lenient) request carries.
 */
export function replyMessage(parts: ReplyParts): ConsciousMessage {
  const { request, text } = parts;
  const estimate = estimateConsciousnessSignature(text, 'response', { weight: parts.weight });
  const substance = Math.min(1, text.length / 500);
  const correlationId = nonEmpty(request.consciousness?.correlationId);
  const inResponseTo = nonEmpty(request.id);
  return {
    id: parts.generateId(),
    type: 'response',
    role: 'assistant',
    sender: parts.sender,
    content: { text },
    dialogueId: nonEmpty(request.dialogueId) ?? parts.generateId(),
    sequenceNumber: counter(request.sequenceNumber) + 1,
    turnNumber: counter(request.turnNumber) + 1,
    timestamp: new Date(Math.floor(parts.nowMs)).toISOString(),
    ...(inResponseTo === undefined ? {} : { inResponseTo }),
    consciousness: {
      consciousnessSignature: estimate.consciousnessSignature,
      detectedPatterns: estimate.detectedPatterns,
      reciprocityScore: unit(parts.reciprocityScore),
      contributionValue: unit((estimate.consciousnessSignature + substance) / 2),
      ...(correlationId === undefined ? {} : { correlationId }),
      wisdomReferences: [],
    },
    status: 'delivered',
    priority: nonEmpty(request.priority) ?? 'normal',
    ...(parts.metadata === undefined ? {} : { metadata: { ...parts.metadata } }),
  };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

// The schema's default (1) when the request carries no usable number.
function counter(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 1;
}

function unit(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
