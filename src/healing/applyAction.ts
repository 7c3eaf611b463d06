import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { ApplicableAction } from './applicableActions.js';
import type { RetryOverride, VoiceTuning } from '../voice/VoiceTuning.js';

/** An action applied to a voice's tuning: what was set, and how to take it back. */
export interface AppliedAction {
  /** The knob values set, as recorded in the action's `parameters`. */
  readonly parameters: Record<string, unknown>;
  /** Restores the previous values of the knobs this action still holds (a knob changed since is left alone). */
  readonly revert: () => void;
  /** Extends a knob with a built-in end (a route) to `now` + its window, while it still holds this action's value. */
  readonly renew: ((now: number) => void) | undefined;
}

/** Sets the retry override fields `patch` on every category; reverting restores each previous override. */
function patchRetry(
  tuning: VoiceTuning,
  categories: readonly ErrorCategory[],
  patch: RetryOverride,
): () => void {
  const previous = categories.map((category) => {
    const before = tuning.retry.get(category);
    const after: RetryOverride = { ...before, ...patch };
    tuning.retry.set(category, after);
    return { category, before, after };
  });
  return () => {
    for (const { category, before, after } of previous) {
      if (tuning.retry.get(category) !== after) continue;
      if (before === undefined) tuning.retry.delete(category);
      else tuning.retry.set(category, before);
    }
  };
}

/** Sets one plain knob; reverting restores its previous value if the knob still holds this one. */
function setKnob<K extends 'timeoutMs' | 'maxConcurrent' | 'routeToFallbackUntil' | 'defensiveValues'>(
  tuning: VoiceTuning,
  knob: K,
  value: VoiceTuning[K],
): () => void {
  const before = tuning[knob];
  tuning[knob] = value;
  return () => {
    if (tuning[knob] === value) tuning[knob] = before;
  };
}

/**
 * Turns the knob of `action` on `tuning` and marks it changed. A route lasts `routeWindowMs` from `now`;
 * reconnect turns no knob (the healer calls the adapter).
 */
export function applyAction(
  tuning: VoiceTuning,
  action: ApplicableAction,
  now: number,
  routeWindowMs: number,
): AppliedAction {
  let parameters: Record<string, unknown>;
  let revert: () => void;
  let renew: ((now: number) => void) | undefined;
  switch (action.variant) {
    case 'backoff':
      revert = patchRetry(tuning, action.categories, { delayScale: action.delayScale });
      parameters = { categories: [...action.categories], delayScale: action.delayScale };
      break;
    case 'fail_fast':
      revert = patchRetry(tuning, action.categories, { maxAttempts: action.maxAttempts });
      parameters = { categories: [...action.categories], maxAttempts: action.maxAttempts };
      break;
    case 'adaptive_timeout':
      revert = setKnob(tuning, 'timeoutMs', action.timeoutMs);
      parameters = { timeoutMs: action.timeoutMs, latencyP99Ms: action.latencyP99Ms };
      break;
    case 'concurrency':
      revert = setKnob(tuning, 'maxConcurrent', action.maxConcurrent);
      parameters = { maxConcurrent: action.maxConcurrent };
      break;
    case 'route': {
      let until = now + routeWindowMs;
      const before = tuning.routeToFallbackUntil;
      tuning.routeToFallbackUntil = until;
      const revertRoute = (): void => {
        if (tuning.routeToFallbackUntil === until) tuning.routeToFallbackUntil = before;
      };
      renew = (at) => {
        if (tuning.routeToFallbackUntil !== until) return;
        until = at + routeWindowMs;
        tuning.routeToFallbackUntil = until;
      };
      parameters = { routeToFallbackUntil: new Date(until).toISOString(), probeShare: tuning.probeShare };
      // Probes must not hang on a slow voice: they get the adaptive timeout unless a shorter one is set.
      const probeTimeoutMs = action.probeTimeoutMs;
      if (
        probeTimeoutMs !== undefined &&
        !(tuning.timeoutMs !== undefined && tuning.timeoutMs <= probeTimeoutMs)
      ) {
        const revertTimeout = setKnob(tuning, 'timeoutMs', probeTimeoutMs);
        parameters = { ...parameters, timeoutMs: probeTimeoutMs };
        revert = () => {
          revertRoute();
          revertTimeout();
        };
      } else {
        revert = revertRoute;
      }
      break;
    }
    case 'defensive_values':
      revert = setKnob(tuning, 'defensiveValues', true);
      parameters = { defensiveValues: true };
      break;
    case 'reconnect':
      return { parameters: { variant: action.variant }, revert: () => undefined, renew: undefined };
  }
  tuning.touch();
  return {
    parameters: { variant: action.variant, ...parameters },
    revert: () => {
      revert();
      tuning.touch();
    },
    renew,
  };
}
