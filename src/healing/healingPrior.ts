import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { PatternType } from '../vocabulary/PatternType.js';
import type { HealingActionType } from '../vocabulary/HealingActionType.js';

/** Pseudo-counts added to the recorded outcomes of an action before sampling its success rate. */
export interface PseudoCounts {
  readonly successes: number;
  readonly failures: number;
}

/** A prior over healing actions per (pattern type, category) context. */
export type HealingPrior = (
  patternType: PatternType,
  category: ErrorCategory | undefined,
  actionType: HealingActionType,
) => PseudoCounts;

/**
 * Prior of the action the Python monitor chose for a context: Beta(9, 1), worth about ten observations, so a fresh
 * memory reproduces the inherited mapping (each neutral action beats it in under 0.5% of draws), while
 * recorded failures wear it down (after about 26 its mean is no better than an untried action's).
 */
export const FAVOURED_PRIOR: PseudoCounts = Object.freeze({ successes: 9, failures: 1 });
/** Prior of every other applicable action: Beta(1, 3), untried and not presumed to work. */
export const NEUTRAL_PRIOR: PseudoCounts = Object.freeze({ successes: 1, failures: 3 });

/**
 * The inherited mapping (docs/architecture.md, Patterns, prediction, healing): rate limiting → config_update (concurrency);
 * api_change → api_adaptation, or fallback when a method or import is gone; degradation and resonance →
 * retry_strategy (resonance's backoff is the shared one); recovery → nothing. One addition: a degradation that is
 * a latency drift alone has nothing to retry, so it favours fallback (route, the probes under an adaptive timeout).
 * The favoured action may not be offered (backoff is not where a route is: applicableActions); the policy then draws
 * among the actions that are.
 */
export function favouredAction(
  patternType: PatternType,
  category: ErrorCategory | undefined,
): HealingActionType | undefined {
  if (patternType === 'recovery') return undefined;
  if (category === 'rate_limited') return 'config_update';
  if (patternType === 'api_change') {
    return category === 'api_method_missing' || category === 'import_failure' ? 'fallback' : 'api_adaptation';
  }
  // A latency drift (degradation without a failure category): route to the fallback, probes under a timeout.
  if (patternType === 'degradation' && category === undefined) return 'fallback';
  return 'retry_strategy';
}

/** The default prior: {@link FAVOURED_PRIOR} for the {@link favouredAction}, {@link NEUTRAL_PRIOR} for the rest. */
export const defaultHealingPrior: HealingPrior = (patternType, category, actionType) =>
  favouredAction(patternType, category) === actionType ? FAVOURED_PRIOR : NEUTRAL_PRIOR;
