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
export {
  CallTally,
  EMPTY_WINDOW,
  DEFAULT_TALLY_BUCKET_MS,
  DEFAULT_TALLY_SPAN_MS,
  type CallTallyOptions,
  type CallWindow,
  type TalliedOutcome,
} from './CallTally.js';
export {
  judgeVerdict,
  sampleOf,
  meanOf,
  probeSampleOf,
  routedSampleOf,
  DEFAULT_VERDICT_THRESHOLDS,
  VERDICT_Z,
  TARGETS,
  type CallSample,
  type CallQuantity,
  type MeasuredVerdict,
  type Verdict,
  type VerdictThresholds,
} from './judgeVerdict.js';
export {
  Healer,
  DEFAULT_OUTCOME_WINDOW_MS,
  DEFAULT_HEALER_HISTORY,
  DEFAULT_VERDICT_CALLS,
  type HealerOptions,
  type HealablePattern,
} from './Healer.js';
