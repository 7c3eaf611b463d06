import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { systemClock, type Clock } from '../clock/Clock.js';

/** The message types of a Fire Circle dialogue (the inherited list). */
export const MESSAGE_TYPES = [
  'proposal',
  'response',
  'reflection',
  'support',
  'concern',
  'dissent',
  'summary',
  'bridge',
  'emergence',
  'empty_chair',
  'wisdom_seed',
  'message',
  'question',
  'disagreement',
] as const;

/** What kind of contribution a message is. */
export const MessageTypeSchema = z.enum(MESSAGE_TYPES);
/** What kind of contribution a message is. */
export type MessageType = z.infer<typeof MessageTypeSchema>;

/** Who speaks: the chat roles every provider understands. */
export const MessageRoleSchema = z.enum(['system', 'user', 'assistant']);
/** Who speaks: the chat roles every provider understands. */
export type MessageRole = z.infer<typeof MessageRoleSchema>;

/** Where a message is in its life. */
export const MessageStatusSchema = z.enum(['draft', 'sent', 'delivered', 'read', 'archived']);
/** Where a message is in its life. */
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

/** The content of a message: its text and, optionally, what consciousness analysis said about it. */
export const MessageContentSchema = z.object({
  text: z.string(),
  consciousnessInsights: z.string().optional(),
  patternContext: z.string().optional(),
});
/** The content of a message. */
export type MessageContent = z.infer<typeof MessageContentSchema>;

const unit = z.number().min(0).max(1);

/** Consciousness metadata of a message; every field has the inherited default. */
export const ConsciousnessMetadataSchema = z.object({
  /** How much consciousness the message carries, 0..1. */
  consciousnessSignature: unit.default(0.5),
  /** Patterns detected in the message (e.g. `synthesis`, `uncertainty`). */
  detectedPatterns: z.array(z.string()).default([]),
  /** The sender's reciprocity balance when the message was written, 0..1 (0.5 = balanced). */
  reciprocityScore: unit.default(0.5),
  /** What the message adds to the dialogue, 0..1. */
  contributionValue: unit.default(0.5),
  /** Correlation id of the dialogue thread. */
  correlationId: z.string().min(1).optional(),
  /** Ids of preserved wisdom the message refers to. */
  wisdomReferences: z.array(z.string()).default([]),
});
/** Consciousness metadata of a message. */
export type ConsciousnessMetadata = z.infer<typeof ConsciousnessMetadataSchema>;

/** A Fire Circle message (the inherited fields, camelCase); timestamps are ISO-8601 strings. */
export const ConsciousMessageSchema = z.object({
  id: z.string().min(1),
  type: MessageTypeSchema.default('message'),
  role: MessageRoleSchema,
  sender: z.string().min(1),
  content: MessageContentSchema,
  dialogueId: z.string().min(1),
  sequenceNumber: z.number().int().min(0).default(1),
  turnNumber: z.number().int().min(0).default(1),
  timestamp: z.iso.datetime({ offset: true }),
  inResponseTo: z.string().min(1).optional(),
  consciousness: ConsciousnessMetadataSchema.prefault({}),
  status: MessageStatusSchema.default('draft'),
  priority: z.string().min(1).default('normal'),
  /** Free-form facts about the message (the reference adapters: provider, models, token usage, rate limits). */
  metadata: z.record(z.string(), z.unknown()).optional(),
});
/** A Fire Circle message. */
export type ConsciousMessage = z.infer<typeof ConsciousMessageSchema>;
/** A Fire Circle message as a caller may write it (fields with defaults may be left out). */
export type ConsciousMessageInput = z.input<typeof ConsciousMessageSchema>;

/**
 * What an adapter reads from a message: its text, and whatever else it carries. Full messages fit,
 * and so do the bare `{ content: { text } }` objects of quick scripts.
 */
export type ConsciousMessageLike = { readonly content: { readonly text: string } } & Partial<
  Readonly<Omit<ConsciousMessage, 'content'>>
>;

/** A message to create: `role` and `content` (or its text) are needed, the rest is filled in. */
export type ConsciousMessageDraft = Omit<
  ConsciousMessageInput,
  'id' | 'sender' | 'dialogueId' | 'timestamp' | 'content'
> & {
  /** The content, or just its text. */
  content: string | z.input<typeof MessageContentSchema>;
  /** A generated id when omitted. */
  id?: string;
  /** The role's name when omitted (`user`, `assistant`, `system`). */
  sender?: string;
  /** A generated id (a new dialogue) when omitted. */
  dialogueId?: string;
  /** The clock's time when omitted. */
  timestamp?: string | Date;
};

/** Where createMessage takes time and ids from (injectable so tests are deterministic). */
export interface CreateMessageOptions {
  /** Epoch-ms clock for the timestamp (default: the system clock). */
  readonly clock?: Clock;
  /** Id generator for the message and dialogue ids (default: random UUIDs). */
  readonly generateId?: () => string;
}

/**
 * Creates a schema-valid ConsciousMessage from a draft: ids, timestamp and sender filled in,
 * defaults applied. Throws a ZodError (with the field's path) when the draft is invalid.
 */
export function createMessage(
  draft: ConsciousMessageDraft,
  options: CreateMessageOptions = {},
): ConsciousMessage {
  const generateId = options.generateId ?? randomUUID;
  const clock = options.clock ?? systemClock;
  const { content, timestamp, ...rest } = draft;
  return ConsciousMessageSchema.parse({
    ...rest,
    id: draft.id ?? generateId(),
    sender: draft.sender ?? draft.role,
    dialogueId: draft.dialogueId ?? generateId(),
    timestamp:
      timestamp instanceof Date ? isoOf(timestamp) : (timestamp ?? isoOf(new Date(Math.floor(clock())))),
    content: typeof content === 'string' ? { text: content } : content,
  });
}

// An invalid Date stays a string the schema rejects with the `timestamp` path, not a RangeError.
function isoOf(date: Date): string {
  return Number.isNaN(date.getTime()) ? String(date) : date.toISOString();
}
