import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';

/**
 * The regimes an upstream switches between, in state order: serving (the odd failure), degraded (a share of calls
 * shed or broken), down (almost every call fails).
 */
export const REGIMES = ['healthy', 'degraded', 'down'] as const;

/** One regime's name. */
export type Regime = (typeof REGIMES)[number];

/** How an outcome reads to the filter: served, or the kind of failure. */
const OUTCOME_CLASSES = ['served', 'timeout', 'transient', 'unreachable', 'rateLimited', 'other'] as const;

const K = REGIMES.length;
const C = OUTCOME_CLASSES.length;
const SERVED = 0;

/** Which outcome class a failure category falls in. */
const CLASS_OF: Readonly<Record<ErrorCategory, number>> = {
  timeout: 1,
  overloaded: 2,
  server_error: 2,
  stream_interrupted: 2,
  network: 3,
  import_failure: 3,
  auth: 3,
  circuit_open: 3,
  rate_limited: 4,
  api_return_none: 5,
  api_method_missing: 5,
  invalid_response: 5,
  bad_request: 5,
  context_window: 5,
  content_policy: 5,
  aborted: 5,
  unknown: 5,
};

/** Options of a {@link RegimeFilter}. */
export interface RegimeFilterOptions {
  /**
   * Share of what the filter has learned (outcome and transition counts) kept at each outcome, in (0, 1]: below 1
   * it keeps tracking an upstream whose regimes change character. Default 0.9995.
   */
  readonly forgetting?: number;
}

/**
 * Prior pseudo-counts of each regime's outcomes (weak: a few dozen calls outweigh them): a healthy upstream fails
 * about 2 % of calls, a degraded one about 30 %, a down one about 95 %; failures of any kind equally likely.
 */
const PRIOR_FAILURE = [0.02, 0.3, 0.95] as const;
const PRIOR_STRENGTH = [50, 10, 10] as const;
/** Prior mean time in each regime, ms, and the pseudo-count of exits behind it. */
const PRIOR_DWELL_MS = [600_000, 60_000, 60_000] as const;
const PRIOR_LEAVES = 2;
/** Prior share of each regime's exits going to each other regime (row: from, column: to; diagonal unused). */
const PRIOR_DESTINATION = [
  [0, 0.5, 0.5],
  [0.6, 0, 0.4],
  [0.5, 0.5, 0],
] as const;
/** Floor of a regime's chance, so the filter can always come back to a regime. */
const MIN_POSTERIOR = 1e-6;

/**
 * An online regime filter over one voice's call outcomes (docs/architecture.md, Patterns, prediction, healing): a
 * hidden Markov model with three regimes (healthy, degraded, down) in continuous time — a regime is left at a rate
 * of its own, so the longer since the last outcome, the more the belief relaxes — run as a forward filter. Each
 * regime's chance of each kind of outcome (served, timeout, transient, unreachable, rate limited, other) and the
 * exit rates and destinations are learned online from the filter's own beliefs (expected counts on weak priors,
 * slowly forgotten; each outcome is counted once the next one has arrived, a one-step smoother, so the first
 * refused connection of an outage counts to the outage, not to the healthy regime believed in until then), so it tells a shaky recovery (a steady share of 529s) from an outage (every call
 * refused) without being told either. Its forecast — the chance the next call fails — is a mixture over the
 * regimes: in a regime that fails 30 % of calls it settles near 0.3 instead of swinging with every failure.
 *
 * Every update is O(regimes² + regimes × outcome kinds) and allocates nothing.
 */
export class RegimeFilter {
  /** Share of the learned counts kept at each outcome. */
  public readonly forgetting: number;
  /** Belief over the regimes as of `at` (after the last outcome). */
  private readonly belief = new Float64Array(K);
  /** Expected outcome counts per regime, row-major K × C. */
  private readonly emissions = new Float64Array(K * C);
  private readonly emissionTotals = new Float64Array(K);
  /** Expected exits per regime and destination (row: from), and expected time spent per regime (ms). */
  private readonly exits = new Float64Array(K * K);
  private readonly exposure = new Float64Array(K);
  private at = Number.NaN;
  /** Scratch: the belief moved to now, and the joint of (regime before, regime after). */
  private readonly moved = new Float64Array(K);
  private readonly joint = new Float64Array(K * K);
  private readonly transition = new Float64Array(K * K);
  private readonly beta = new Float64Array(K);
  /** The outcome waiting to be learned from (its class; −1: none), the belief before it and the transition to it. */
  private pending = -1;
  private pendingElapsed = 0;
  private readonly previous = new Float64Array(K);
  private readonly previousTransition = new Float64Array(K * K);

  constructor(options: RegimeFilterOptions = {}) {
    const forgetting = options.forgetting ?? 0.9995;
    if (!(forgetting > 0 && forgetting <= 1)) {
      throw new RangeError(`RegimeFilter forgetting must be in (0, 1], got ${String(forgetting)}`);
    }
    this.forgetting = forgetting;
    this.reset();
  }

  /** Forgets every outcome: the priors again, and a healthy upstream. */
  public reset(): void {
    for (let k = 0; k < K; k++) {
      const strength = PRIOR_STRENGTH[k]!;
      const failures = strength * PRIOR_FAILURE[k]!;
      this.emissions[k * C + SERVED] = strength - failures;
      for (let c = 1; c < C; c++) this.emissions[k * C + c] = failures / (C - 1);
      this.emissionTotals[k] = strength;
      this.exposure[k] = PRIOR_LEAVES * PRIOR_DWELL_MS[k]!;
      for (let j = 0; j < K; j++) {
        this.exits[k * K + j] = PRIOR_LEAVES * PRIOR_DESTINATION[k]![j]!;
      }
    }
    this.belief.fill(MIN_POSTERIOR);
    this.belief[0] = 1 - (K - 1) * MIN_POSTERIOR;
    this.at = Number.NaN;
    this.pending = -1;
  }

  /**
   * Records one call's outcome at `now` (`category` read only when `ok` is false; unknown strings count as other):
   * moves the belief to now, weighs it by how likely each regime makes this outcome, and learns from it.
   */
  public record(ok: boolean, category: ErrorCategory | undefined, now: number): void {
    const c = ok
      ? SERVED
      : category !== undefined && Object.hasOwn(CLASS_OF, category)
        ? CLASS_OF[category]
        : 5;
    const elapsed = this.elapsed(now);
    this.fillTransition(elapsed);
    const b = this.belief;
    const t = this.transition;
    const e = this.emissions;
    const beta = this.beta;
    // How likely this outcome is from each regime the last outcome may have come from.
    for (let j = 0; j < K; j++) {
      let v = 0;
      for (let k = 0; k < K; k++) v += t[j * K + k]! * (e[k * C + c]! / this.emissionTotals[k]!);
      beta[j] = v;
    }
    if (this.pending >= 0) this.learnPending();
    const next = this.moved;
    let total = 0;
    for (let k = 0; k < K; k++) {
      let v = 0;
      for (let j = 0; j < K; j++) v += b[j]! * t[j * K + k]!;
      v *= e[k * C + c]! / this.emissionTotals[k]!;
      next[k] = v;
      total += v;
    }
    if (!(total > 0) || !Number.isFinite(total)) return;
    this.previous.set(b);
    this.previousTransition.set(t);
    this.pending = c;
    this.pendingElapsed = elapsed;
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const q = next[k]! / total;
      const floored = q < MIN_POSTERIOR ? MIN_POSTERIOR : q;
      b[k] = floored;
      sum += floored;
    }
    for (let k = 0; k < K; k++) b[k]! /= sum;
    if (now >= this.at || Number.isNaN(this.at)) this.at = now;
  }

  /**
   * Learns from the outcome before this one, now that this one tells which regime it more likely came from (a
   * one-step smoother: the first refused connection of an outage is counted to the outage once the second
   * arrives, not to the healthy regime the filter still believed in).
   */
  private learnPending(): void {
    const c = this.pending;
    const a = this.previous;
    const t = this.previousTransition;
    const e = this.emissions;
    const beta = this.beta;
    const joint = this.joint;
    let total = 0;
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        const v = a[i]! * t[i * K + j]! * (e[j * C + c]! / this.emissionTotals[j]!) * beta[j]!;
        joint[i * K + j] = v;
        total += v;
      }
    }
    if (!(total > 0) || !Number.isFinite(total)) return;
    const keep = this.forgetting;
    // Forget a little of everything learned, then add this outcome's expected counts.
    for (let i = 0; i < K * C; i++) e[i]! *= keep;
    for (let i = 0; i < K * K; i++) this.exits[i]! *= keep;
    for (let k = 0; k < K; k++) {
      this.emissionTotals[k]! *= keep;
      this.exposure[k]! *= keep;
    }
    const elapsed = this.pendingElapsed;
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        const q = joint[i * K + j]! / total;
        // Time spent in the regime held before the outcome (approximately: the whole interval).
        if (elapsed > 0) this.exposure[i]! += q * elapsed;
        if (i !== j) this.exits[i * K + j]! += q;
        e[j * C + c]! += q;
        this.emissionTotals[j]! += q;
      }
    }
  }

  /** Chance the next call, started at `now`, fails: the regimes' failure chances weighed by the belief at now. */
  public failureProbability(now: number): number {
    this.fillTransition(this.elapsed(now));
    const b = this.belief;
    const t = this.transition;
    let p = 0;
    for (let j = 0; j < K; j++) {
      let w = 0;
      for (let i = 0; i < K; i++) w += b[i]! * t[i * K + j]!;
      p += w * (1 - this.emissions[j * C + SERVED]! / this.emissionTotals[j]!);
    }
    return p < 0 ? 0 : p > 1 ? 1 : p;
  }

  /** The belief in regime `k` (index in {@link REGIMES}) as of the last outcome. */
  public posterior(k: number): number {
    return this.belief[k] ?? 0;
  }

  /** The chance regime `k` makes a call fail, as learned. */
  public regimeFailureProbability(k: number): number {
    if (!(k >= 0 && k < K)) return Number.NaN;
    return 1 - this.emissions[k * C + SERVED]! / this.emissionTotals[k]!;
  }

  /** Mean time in regime `k` before it is left, ms, as learned. */
  public dwellMs(k: number): number {
    if (!(k >= 0 && k < K)) return Number.NaN;
    let leaves = 0;
    for (let j = 0; j < K; j++) if (j !== k) leaves += this.exits[k * K + j]!;
    return this.exposure[k]! / leaves;
  }

  /** Milliseconds since the last outcome (0 before the first, or when the clock went back). */
  private elapsed(now: number): number {
    const d = now - this.at;
    return d > 0 && Number.isFinite(d) ? d : 0;
  }

  /** The transition matrix over `elapsed` ms: stay with exp(−rate·Δt), else go where exits went. */
  private fillTransition(elapsed: number): void {
    const t = this.transition;
    for (let i = 0; i < K; i++) {
      let leaves = 0;
      for (let j = 0; j < K; j++) if (j !== i) leaves += this.exits[i * K + j]!;
      const rate = leaves / this.exposure[i]!;
      const stay = Math.exp(-rate * elapsed);
      for (let j = 0; j < K; j++) {
        t[i * K + j] = i === j ? stay : ((1 - stay) * this.exits[i * K + j]!) / leaves;
      }
    }
  }
}
