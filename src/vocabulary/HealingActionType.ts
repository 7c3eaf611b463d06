/** Kinds of healing action (docs/architecture.md, "Healing"). */
export const HEALING_ACTION_TYPES = [
  'retry_strategy',
  'fallback',
  'config_update',
  'api_adaptation',
  'reconnect',
] as const;
/** A kind of healing action. */
export type HealingActionType = (typeof HEALING_ACTION_TYPES)[number];

/** Measured result of a healing action (`result` label of healing_actions_total). */
export const HEALING_RESULTS = ['success', 'failure'] as const;
/** Measured result of a healing action. */
export type HealingResult = (typeof HEALING_RESULTS)[number];
