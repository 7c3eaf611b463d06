export {
  HealingActionTypeSchema,
  SelfHealingActionSchema,
  type HealingActionType,
  type SelfHealingAction,
} from './SelfHealingAction.js';
export { VoiceTuning, type RetryOverride } from './VoiceTuning.js';
export { SharedBackoff } from './SharedBackoff.js';
export type { VoiceHandle, VoiceHealth } from './VoiceHandle.js';
export type { RandomSource } from './RandomSource.js';
export { sampleBeta, sampleGamma } from './sampleBeta.js';
export {
  applicableActions,
  adaptiveTimeoutMs,
  BACKOFF_DELAY_SCALE,
  TIMEOUT_P99_FACTOR,
  MIN_ADAPTIVE_TIMEOUT_MS,
  MAX_ADAPTIVE_TIMEOUT_MS,
  DEFAULT_MAX_CONCURRENT,
  PERSISTENT_FAILURES,
  type ApplicableAction,
  type ApplicableActionsOptions,
  type HealingContext,
  type HealingVariant,
} from './applicableActions.js';
export { applyAction, type AppliedAction } from './applyAction.js';
export {
  defaultHealingPrior,
  favouredAction,
  FAVOURED_PRIOR,
  NEUTRAL_PRIOR,
  type HealingPrior,
  type PseudoCounts,
} from './healingPrior.js';
export {
  HealingPolicy,
  NO_CATEGORY,
  type BetaPosterior,
  type HealingPolicyOptions,
} from './HealingPolicy.js';
export { readHealth, type HealthReading } from './HealthReading.js';
export { judgeOutcome, HEALTHY_ERROR_RATE, type HealingOutcome } from './judgeOutcome.js';
export {
  Healer,
  DEFAULT_OUTCOME_WINDOW_MS,
  DEFAULT_HEALER_HISTORY,
  type HealerOptions,
  type HealablePattern,
} from './Healer.js';
