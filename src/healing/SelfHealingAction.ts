import { z } from 'zod';
import { HEALING_ACTION_TYPES } from '../vocabulary/HealingActionType.js';

/** Kinds of healing action. */
export const HealingActionTypeSchema = z.enum(HEALING_ACTION_TYPES);

/** A healing action taken, with its outcome measured after the fact (docs/architecture.md, Patterns, prediction, healing). */
export const SelfHealingActionSchema = z.object({
  actionId: z.string().min(1),
  actionType: HealingActionTypeSchema,
  targetAdapter: z.string().min(1),
  /** ISO-8601 time the action was taken. */
  initiatedAt: z.string(),
  reason: z.string(),
  parameters: z.record(z.string(), z.unknown()).default({}),
  /** True once the outcome window has elapsed and `success` / `impactOnHealth` are measured. */
  completed: z.boolean(),
  success: z.boolean().nullable(),
  /** Change of the adapter's health score over the outcome window (−1 … 1). */
  impactOnHealth: z.number().min(-1).max(1).nullable(),
  lessonsLearned: z.array(z.string()).default([]),
});

/** A healing action with its measured outcome. */
export type SelfHealingAction = z.infer<typeof SelfHealingActionSchema>;
