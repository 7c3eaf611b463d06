import type { CallWindow } from '../voice/CallTally.js';
import type { HealingVariant } from './applicableActions.js';

/** What a measured action did for calls. */
export type Verdict = 'helped' | 'no_effect' | 'hurt' | 'inconclusive';

/** A quantity calls see, per call; lower is better for every one. */
export type CallQuantity = 'failures' | 'fallbacks' | 'latency' | 'attempts' | 'rateLimited';

/** Thresholds of a verdict, validated by the healer. */
export interface VerdictThresholds {
  /** Calls each side of the comparison needs (before and under the action, or probes and routed calls). */
  readonly minCalls: number;
  /** Least relative change of a quantity that counts (0.25 = 25 %). */
  readonly minRelativeEffect: number;
}

/** Default {@link VerdictThresholds}. */
export const DEFAULT_VERDICT_THRESHOLDS: VerdictThresholds = Object.freeze({
  minCalls: 3,
  minRelativeEffect: 0.25,
});

/** One-sided z a change must reach to count (95 %): a change within the noise of the samples is none. */
export const VERDICT_Z = 1.645;

/** Least absolute change of each quantity (per call; latency in ms) that counts, beside the relative one. */
const MIN_ABSOLUTE: Readonly<Record<CallQuantity, number>> = {
  failures: 0.1,
  fallbacks: 0.1,
  latency: 50,
  attempts: 0.15,
  rateLimited: 0.1,
};

/**
 * The quantities each action is meant to move. A verdict is `helped` when one of them moved the right way by the
 * minimum effect and beyond the noise, and caller-visible failures did not rise so.
 */
export const TARGETS: Readonly<Record<HealingVariant, readonly CallQuantity[]>> = {
  backoff: ['attempts', 'rateLimited'],
  fail_fast: ['latency', 'attempts'],
  adaptive_timeout: ['latency', 'failures'],
  concurrency: ['rateLimited', 'failures'],
  route: ['latency', 'failures'],
  defensive_values: ['failures'],
  reconnect: ['failures', 'fallbacks', 'attempts', 'latency'],
};

/** One side of a comparison: its calls, and per quantity the sum of the per-call values and of their squares. */
export interface CallSample {
  readonly calls: number;
  readonly sum: Readonly<Record<CallQuantity, number>>;
  /** Sum of squared per-call values; only latency's is measured (the others are counts or 0/1 outcomes). */
  readonly latencySquares: number;
}

const share = (k: number, n: number): number => (n > 0 ? k / n : 0);

function sample(
  calls: number,
  failures: number,
  fallbacks: number,
  latencySum: number,
  latencySquares: number,
  attempts: number,
  rateLimited: number,
): CallSample {
  return {
    calls,
    sum: { failures, fallbacks, latency: latencySum, attempts, rateLimited },
    latencySquares,
  };
}

/** Per-call mean of a quantity. */
export const meanOf = (s: CallSample, q: CallQuantity): number => share(s.sum[q], s.calls);

/**
 * Variance of one call's value of `q` under "no change" (both samples pooled): p(1 − p) for the 0/1 outcomes,
 * the mean for counts (attempts and 429s per call, Poisson-like), the pooled sample variance for latency.
 */
function pooledVariance(q: CallQuantity, a: CallSample, b: CallSample): number {
  const n = a.calls + b.calls;
  const mean = share(a.sum[q] + b.sum[q], n);
  switch (q) {
    case 'failures':
    case 'fallbacks':
      return mean * (1 - mean);
    case 'attempts':
    case 'rateLimited':
      return mean;
    case 'latency':
      return Math.max(0, share(a.latencySquares + b.latencySquares, n) - mean * mean);
  }
}

/** The sample of every call of a window. */
export function sampleOf(w: CallWindow): CallSample {
  return sample(
    w.calls,
    w.failures,
    w.fallbacks,
    w.latencySumMs,
    w.latencySquaresMs2,
    w.attempts,
    w.rateLimited,
  );
}

/** The sample of a route's probes (the calls it left on the untouched path); attempts are not split by path. */
export function probeSampleOf(w: CallWindow): CallSample {
  return sample(w.probes, w.probeFailures, 0, w.probeLatencySumMs, w.probeLatencySquaresMs2, 0, 0);
}

/** The sample of a window's calls that were not probes (the routed ones, while a route is on). */
export function routedSampleOf(w: CallWindow): CallSample {
  return sample(
    w.calls - w.probes,
    w.failures - w.probeFailures,
    0,
    w.latencySumMs - w.probeLatencySumMs,
    w.latencySquaresMs2 - w.probeLatencySquaresMs2,
    0,
    0,
  );
}

/** Probability of at most `k` successes in `n` trials of probability `p` (summed in log space: no underflow). */
export function binomialAtMost(k: number, n: number, p: number): number {
  if (k >= n || p <= 0) return 1;
  if (k < 0) return 0;
  if (p >= 1) return 0;
  let log = n * Math.log1p(-p);
  const odds = Math.log(p / (1 - p));
  let total = Math.exp(log);
  for (let i = 0; i < k; i++) {
    log += Math.log((n - i) / (i + 1)) + odds;
    total += Math.exp(log);
  }
  return Math.min(1, total);
}

/**
 * Whether a voice's upstream attempts failed clearly less often in `now` than in `before` — the fault changed in
 * between: the share fell by the minimum relative effect, and so few of `now`'s attempts failed that at `before`'s
 * share it would happen in under 5 % of samples (an exact binomial tail: `now` is often a handful of probes).
 */
export function attemptFailuresFell(
  before: CallWindow,
  now: CallWindow,
  thresholds: VerdictThresholds = DEFAULT_VERDICT_THRESHOLDS,
): boolean {
  if (before.attempts === 0 || now.attempts === 0) return false;
  const was = before.failedAttempts / before.attempts;
  const is = now.failedAttempts / now.attempts;
  if (relativeChange(was, is) < thresholds.minRelativeEffect) return false;
  return binomialAtMost(now.failedAttempts, now.attempts, was) < 0.05;
}

/** The sample of a window's calls made while no route was on: neither routed nor probes. */
export function unroutedSampleOf(w: CallWindow): CallSample {
  return sample(
    w.calls - w.routed - w.probes,
    w.failures - w.probeFailures,
    0,
    w.latencySumMs - w.routedLatencySumMs - w.probeLatencySumMs,
    w.latencySquaresMs2 - w.routedLatencySquaresMs2 - w.probeLatencySquaresMs2,
    0,
    0,
  );
}

/** A verdict with the change of its deciding quantity. */
export interface MeasuredVerdict {
  readonly verdict: Verdict;
  /** Relative improvement of the best target quantity, in [−1, 1] (positive: better). */
  readonly impact: number;
  /** The quantities compared, for the lesson (e.g. `latency 583 ms → 105 ms`). */
  readonly detail: string;
}

const relativeChange = (before: number, after: number): number => {
  const scale = Math.max(Math.abs(before), Math.abs(after));
  return scale === 0 ? 0 : (before - after) / scale;
};

const shown = (q: CallQuantity, x: number): string =>
  q === 'latency' ? `${Math.round(x)} ms` : x.toFixed(2);

/**
 * Whether `treated` is better than `control` on `q` (+1), worse (−1) or neither (0): the change must reach the
 * minimum absolute and relative effect, and a one-sided z of {@link VERDICT_Z} over the two samples' noise.
 */
function effect(q: CallQuantity, control: CallSample, treated: CallSample, t: VerdictThresholds): -1 | 0 | 1 {
  const before = meanOf(control, q);
  const after = meanOf(treated, q);
  const delta = before - after;
  if (Math.abs(delta) < MIN_ABSOLUTE[q]) return 0;
  if (Math.abs(relativeChange(before, after)) < t.minRelativeEffect) return 0;
  const noise = Math.sqrt(pooledVariance(q, control, treated) * (1 / control.calls + 1 / treated.calls));
  if (Math.abs(delta) < VERDICT_Z * noise) return 0;
  return delta > 0 ? 1 : -1;
}

/**
 * Judges an action by what it changed for calls: `control` is what calls saw without it (the voice's recent
 * history at the same fault, or the probes a route left on the untouched path), `treated` what they saw under it.
 * Fewer than `minCalls` on either side is `inconclusive`; caller-visible failures rising beyond the noise by the
 * minimum effect is `hurt`; a target quantity of the action falling so is `helped`; anything else `no_effect`.
 */
export function judgeVerdict(
  variant: HealingVariant,
  control: CallSample,
  treated: CallSample,
  thresholds: VerdictThresholds = DEFAULT_VERDICT_THRESHOLDS,
  targets: readonly CallQuantity[] = TARGETS[variant],
): MeasuredVerdict {
  const parts = targets.map((q) => `${q} ${shown(q, meanOf(control, q))} → ${shown(q, meanOf(treated, q))}`);
  const detail = `${parts.join(', ')} per call over ${control.calls} / ${treated.calls} calls`;
  if (control.calls < thresholds.minCalls || treated.calls < thresholds.minCalls) {
    return { verdict: 'inconclusive', impact: 0, detail };
  }
  let best = Number.NEGATIVE_INFINITY;
  let helped = false;
  for (const q of targets) {
    best = Math.max(best, relativeChange(meanOf(control, q), meanOf(treated, q)));
    if (effect(q, control, treated, thresholds) === 1) helped = true;
  }
  const failuresRose = effect('failures', control, treated, thresholds) === -1;
  const verdict: Verdict = failuresRose ? 'hurt' : helped ? 'helped' : 'no_effect';
  const impact = failuresRose
    ? relativeChange(meanOf(control, 'failures'), meanOf(treated, 'failures'))
    : best;
  return { verdict, impact: Math.min(1, Math.max(-1, impact)), detail };
}
