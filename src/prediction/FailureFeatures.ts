import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { CircuitState } from '../vocabulary/CircuitState.js';
import { heuristicFailureProbability } from '../health/heuristicFailureProbability.js';
import { clamp } from '../base/clamp.js';

/**
 * Names of the features, in the order of {@link FailureFeatures.vector}. docs/architecture.md, Patterns, prediction, healing's list (error
 * rates, consecutive failures, latency z-score and trend, breaker state, last category, coherence)
 * plus what a wrapper sees of how real faults unfold: how long ago the last failure was, the
 * Retry-After a 429 carried, latency against the timeout, and how often the breaker has opened.
 */
export const FAILURE_FEATURE_NAMES = [
  'bias',
  'failureRateFast',
  'failureRateSlow',
  'failureRateMinute',
  'consecutiveFailures',
  'consecutiveSuccesses',
  'lastTimeout',
  'lastOverloaded',
  'lastServerError',
  'lastNetwork',
  'lastRateLimited',
  'lastStructural',
  'lastAuth',
  'lastOther',
  'retryAfterActive',
  'retryAfterRemaining',
  'failureRecency',
  'latencyZScore',
  'latencyTrend',
  'latencyLevel',
  'timeoutRisk',
  'breakerOpen',
  'breakerHalfOpen',
  'breakerClosedRecency',
  'breakerOpenings',
  'incoherence',
  'disconnected',
] as const;

/** One feature's name. */
export type FailureFeatureName = (typeof FAILURE_FEATURE_NAMES)[number];

/** Length of a feature vector. */
export const FAILURE_FEATURE_COUNT = FAILURE_FEATURE_NAMES.length;

// Indices into the vector, spelled out so the hot path does no lookups.
const BIAS = 0;
const FAILURE_FAST = 1;
const FAILURE_SLOW = 2;
const FAILURE_MINUTE = 3;
const CONSECUTIVE = 4;
const CONSECUTIVE_OK = 5;
const LAST_TIMEOUT = 6;
const LAST_OVERLOADED = 7;
const LAST_SERVER_ERROR = 8;
const LAST_NETWORK = 9;
const LAST_RATE_LIMITED = 10;
const LAST_STRUCTURAL = 11;
const LAST_AUTH = 12;
const LAST_OTHER = 13;
const RETRY_AFTER_ACTIVE = 14;
const RETRY_AFTER_REMAINING = 15;
const FAILURE_RECENCY = 16;
const LATENCY_Z = 17;
const LATENCY_TREND = 18;
const LATENCY_LEVEL = 19;
const TIMEOUT_RISK = 20;
const BREAKER_OPEN = 21;
const BREAKER_HALF_OPEN = 22;
const BREAKER_CLOSED_RECENCY = 23;
const BREAKER_OPENINGS = 24;
const INCOHERENCE = 25;
const DISCONNECTED = 26;

/** Which one-hot slot a failure category sets. */
const CATEGORY_SLOT: Readonly<Record<ErrorCategory, number>> = {
  timeout: LAST_TIMEOUT,
  overloaded: LAST_OVERLOADED,
  server_error: LAST_SERVER_ERROR,
  network: LAST_NETWORK,
  rate_limited: LAST_RATE_LIMITED,
  api_return_none: LAST_STRUCTURAL,
  api_method_missing: LAST_STRUCTURAL,
  invalid_response: LAST_STRUCTURAL,
  import_failure: LAST_STRUCTURAL,
  auth: LAST_AUTH,
  bad_request: LAST_OTHER,
  context_window: LAST_OTHER,
  content_policy: LAST_OTHER,
  stream_interrupted: LAST_OTHER,
  circuit_open: LAST_OTHER,
  aborted: LAST_OTHER,
  unknown: LAST_OTHER,
};

/** Options of a {@link FailureFeatures}, validated once at construction. */
export interface FailureFeaturesOptions {
  /** EWMA weight of the newest outcome in the fast failure rate, in (0, 1]. Default 0.3. */
  readonly fastAlpha?: number;
  /** EWMA weight of the newest outcome in the slow failure rate, in (0, 1]. Default 0.05. */
  readonly slowAlpha?: number;
  /** EWMA weight of the newest latency in the fast log-latency average. Default 0.3. */
  readonly latencyFastAlpha?: number;
  /** EWMA weight of the newest latency in the mean and variance behind z-score and trend. Default 0.05. */
  readonly latencySlowAlpha?: number;
  /** EWMA weight of the newest latency in the long baseline behind latencyLevel. Default 0.005. */
  readonly latencyBaselineAlpha?: number;
  /** Time constant of failureRecency in ms: exp(−elapsed / recencyMs). Default 2 000. */
  readonly recencyMs?: number;
  /** Epoch milliseconds, for the time-based features; injected so tests need no real time. Default `Date.now`. */
  readonly clock?: () => number;
}

/** Consecutive outcomes at which the squashed counts saturate. */
const COUNT_CAP = 10;
/** z-scores are clipped to [Z_MIN, Z_MAX] and divided by Z_SCALE, so the feature lies in [-1, 2]. */
const Z_MIN = -3;
const Z_MAX = 6;
const Z_SCALE = 3;
/** Log-ratios of latency averages are clipped to this range. */
const RATIO_MIN = -1;
const RATIO_MAX = 2;
/** latencyLevel is log(fast / baseline) / LEVEL_SCALE, so it reads 2 at 55× the baseline latency. */
const LEVEL_SCALE = 2;
/** Standard deviation floor of log latency, so near-constant latencies do not give huge z-scores. */
const MIN_LOG_STD = 0.05;
/** Floor of the per-call log-latency spread behind timeoutRisk. */
const MIN_RESIDUAL_STD = 0.1;
/** Time constant of the per-minute failure rate, ms. */
const MINUTE_MS = 60_000;
/** Time constant of the recency of the breaker closing (one breaker reset period), ms. */
const BREAKER_CLOSED_MS = 30_000;
/** Time constant of the breaker-openings count, ms; the count saturates at OPENINGS_CAP. */
const OPENINGS_MS = 10 * 60_000;
const OPENINGS_CAP = 5;
/** Retry-After in delay-seconds is rounded up, so its last second is uncertain: retryAfterActive ramps down over it. */
const RETRY_AFTER_RESOLUTION_MS = 1_000;
/** retryAfterRemaining reads 1 at this much Retry-After left, ms. */
const RETRY_AFTER_SCALE_MS = 60_000;
/** More than 10 outcomes changes the heuristic's formula; counting further is not needed. */
const HISTORY_CAP = 1_000_000;
/** The last 10 outcomes as bits. */
const RECENT_MASK = 0x3ff;

function checkAlpha(name: string, value: number): number {
  if (!(value > 0 && value <= 1)) {
    throw new RangeError(`FailureFeatures ${name} must be in (0, 1], got ${String(value)}`);
  }
  return value;
}

/**
 * Streaming features of one adapter for the failure predictor (docs/architecture.md, Patterns, prediction, healing). Every update is
 * O(1) and writes into one reused Float64Array, so the hot path allocates nothing. All features
 * are bounded (within [-1, 2]), so one learning rate suits them all:
 *
 * - failure rates: fast and slow per-call EWMAs, and a time-decayed rate over about a minute
 *   (shrunk towards 0 as the calls behind it age);
 * - consecutive failures and successes, min(n, 10) / 10;
 * - the last call's failure category (timeout, overloaded, server_error, network, rate_limited,
 *   structural, auth, other; all 0 after a success): a refused connection persists, a shed 529
 *   mostly does not;
 * - Retry-After: whether the window the last 429 asked to wait out is still running (ramping down
 *   over its last second, as delay-seconds are rounded up) and how much is left (/ 1 min). A call
 *   sent after that 429 and served ends the window early;
 * - failureRecency = exp(−Δt / 2 s) since the last failure;
 * - latency on the log scale, of successes and timeouts only (a fast 529 or a refused connection
 *   says nothing of the queue): z-score against an EW mean/variance (clipped to [-3, 6], / 3),
 *   trend = log(fast / EW mean), level = log(fast / long baseline) / 2, and timeoutRisk = the
 *   chance a latency around the recent level passes the timeout, which is learned as the
 *   latency of the last timeout seen (0 until one is seen);
 * - breaker open / half-open, recency of its last closing (exp(−Δt / 30 s)), and its openings in
 *   about the last 10 minutes (/ 5): a flapping upstream relapses;
 * - 1 − coherence, disconnected, and a constant bias.
 *
 * It also keeps what the inherited heuristic reads (history length, failures among the last 10),
 * so {@link FailureFeatures.prior} is the prior the predictor starts from.
 */
export class FailureFeatures {
  /** EWMA weight of the fast failure rate. */
  public readonly fastAlpha: number;
  /** EWMA weight of the slow failure rate. */
  public readonly slowAlpha: number;
  /** EWMA weight of the fast log-latency average. */
  public readonly latencyFastAlpha: number;
  /** EWMA weight of the log-latency mean and variance. */
  public readonly latencySlowAlpha: number;
  /** EWMA weight of the long log-latency baseline. */
  public readonly latencyBaselineAlpha: number;
  /** Time constant of failureRecency, ms. */
  public readonly recencyMs: number;
  private readonly clock: () => number;
  private readonly features = new Float64Array(FAILURE_FEATURE_COUNT);
  private failFast = 0;
  private failSlow = 0;
  private consecutive = 0;
  private successes = 0;
  private history = 0;
  /** The last 10 outcomes as bits, newest in bit 0. */
  private recentBits = 0;
  private recentFailures = 0;
  /** Time-decayed (τ = 1 min) sums of failures and calls, as of `decayedAt`. */
  private minuteFailures = 0;
  private minuteCalls = 0;
  private decayedAt = Number.NaN;
  private latencySamples = 0;
  private logFast = 0;
  private logMean = 0;
  private logVariance = 0;
  private logBaseline = 0;
  private residualVariance = 0;
  private latencyZ = 0;
  /** log1p of the latency of the last timeout: the caller's deadline as observed. */
  private logCeiling = Number.NaN;
  private lastSlot = -1;
  private lastFailureAt = Number.NEGATIVE_INFINITY;
  private retryAfterUntil = Number.NEGATIVE_INFINITY;
  /** When the 429 that set `retryAfterUntil` arrived. */
  private retryAfterFrom = Number.POSITIVE_INFINITY;
  private circuit: CircuitState = 'closed';
  private closedAt = Number.NEGATIVE_INFINITY;
  /** Time-decayed (τ = 10 min) count of breaker openings, as of `openingsAt`. */
  private openings = 0;
  private openingsAt = Number.NaN;
  private coherenceValue = 1;
  private connected = true;

  /** Creates an empty extractor; throws a RangeError or TypeError on an invalid option. */
  constructor(options: FailureFeaturesOptions = {}) {
    this.fastAlpha = checkAlpha('fastAlpha', options.fastAlpha ?? 0.3);
    this.slowAlpha = checkAlpha('slowAlpha', options.slowAlpha ?? 0.05);
    this.latencyFastAlpha = checkAlpha('latencyFastAlpha', options.latencyFastAlpha ?? 0.3);
    this.latencySlowAlpha = checkAlpha('latencySlowAlpha', options.latencySlowAlpha ?? 0.05);
    this.latencyBaselineAlpha = checkAlpha('latencyBaselineAlpha', options.latencyBaselineAlpha ?? 0.005);
    const recencyMs = options.recencyMs ?? 2_000;
    if (!(recencyMs > 0) || !Number.isFinite(recencyMs)) {
      throw new RangeError(`FailureFeatures recencyMs must be finite and > 0, got ${String(recencyMs)}`);
    }
    this.recencyMs = recencyMs;
    const clock = options.clock ?? Date.now;
    if (typeof clock !== 'function') {
      throw new TypeError('FailureFeatures clock must be a function returning epoch milliseconds');
    }
    this.clock = clock;
    this.write(this.clock());
  }

  /**
   * Records one attempt's outcome and the context after it, and returns the updated vector (the
   * same reused array every time: copy it to keep it). `category` is read only when `ok` is false
   * (undefined or unknown strings count as unknown). Only successes and timeouts feed the latency
   * statistics, and only finite, non-negative latencies. `retryAfterMs` is the delay a failure
   * asked for (Retry-After / retry-after-ms, as classified), if any.
   */
  public record(
    ok: boolean,
    category: ErrorCategory | undefined,
    latencyMs: number,
    circuitState: CircuitState,
    coherence: number,
    isConnected: boolean,
    now: number = this.clock(),
    retryAfterMs?: number,
  ): Float64Array {
    const failed = ok ? 0 : 1;
    const known: ErrorCategory =
      category !== undefined && Object.hasOwn(CATEGORY_SLOT, category) ? category : 'unknown';
    this.failFast += this.fastAlpha * (failed - this.failFast);
    this.failSlow += this.slowAlpha * (failed - this.failSlow);
    this.consecutive = ok ? 0 : this.consecutive + 1;
    this.successes = ok ? this.successes + 1 : 0;
    if (this.history < HISTORY_CAP) {
      this.history++;
    }
    this.recentFailures += failed - ((this.recentBits >>> 9) & 1);
    this.recentBits = ((this.recentBits << 1) | failed) & RECENT_MASK;
    this.decayMinute(now);
    this.minuteFailures += failed;
    this.minuteCalls += 1;
    this.lastSlot = ok ? -1 : CATEGORY_SLOT[known];
    if (ok) {
      // A call sent after the last 429 arrived, and served, proves its window is over.
      if (now - latencyMs >= this.retryAfterFrom) this.retryAfterUntil = Number.NEGATIVE_INFINITY;
      this.recordLatency(latencyMs);
    } else {
      this.lastFailureAt = now;
      if (retryAfterMs !== undefined && retryAfterMs > 0 && Number.isFinite(retryAfterMs + now)) {
        this.retryAfterUntil = now + retryAfterMs;
        this.retryAfterFrom = now;
      }
      if (known === 'timeout') {
        // A timeout's latency is the deadline the caller gave up at.
        if (latencyMs > 0 && Number.isFinite(latencyMs)) this.logCeiling = Math.log1p(latencyMs);
        this.recordLatency(latencyMs);
      }
    }
    return this.update(circuitState, coherence, isConnected, now);
  }

  /**
   * Updates breaker state, coherence and reachability without an outcome (e.g. the breaker went
   * half-open on its timer), refreshes the time-based features to the clock's now, and returns
   * the updated vector. Call it right before predicting. NaN coherence counts as 1.
   */
  public setContext(circuitState: CircuitState, coherence: number, isConnected: boolean): Float64Array {
    return this.update(circuitState, coherence, isConnected, this.clock());
  }

  /** The current feature vector, in the order of {@link FAILURE_FEATURE_NAMES}; reused, copy to keep. */
  public get vector(): Float64Array {
    return this.features;
  }

  /**
   * The inherited heuristic on this extractor's state: the prior a learned predictor starts
   * from. Equals HealthTracker's heuristic when fed the same outcomes and context.
   */
  public get prior(): number {
    return heuristicFailureProbability({
      isConnected: this.connected && this.circuit !== 'open',
      consecutiveFailures: this.consecutive,
      coherence: this.coherenceValue,
      historyLength: this.history,
      failuresInLast10: this.recentFailures,
    });
  }

  /** Failures since the last success. */
  public get consecutiveFailures(): number {
    return this.consecutive;
  }

  /** Outcomes recorded (saturates at one million). */
  public get historyLength(): number {
    return this.history;
  }

  /** Failures among the last 10 outcomes. */
  public get failuresInLast10(): number {
    return this.recentFailures;
  }

  /** Forgets every outcome and returns to a closed, coherent, connected context. */
  public reset(): void {
    this.failFast = 0;
    this.failSlow = 0;
    this.consecutive = 0;
    this.successes = 0;
    this.history = 0;
    this.recentBits = 0;
    this.recentFailures = 0;
    this.minuteFailures = 0;
    this.minuteCalls = 0;
    this.decayedAt = Number.NaN;
    this.latencySamples = 0;
    this.logFast = 0;
    this.logMean = 0;
    this.logVariance = 0;
    this.logBaseline = 0;
    this.residualVariance = 0;
    this.latencyZ = 0;
    this.logCeiling = Number.NaN;
    this.lastSlot = -1;
    this.lastFailureAt = Number.NEGATIVE_INFINITY;
    this.retryAfterUntil = Number.NEGATIVE_INFINITY;
    this.retryAfterFrom = Number.POSITIVE_INFINITY;
    this.circuit = 'closed';
    this.closedAt = Number.NEGATIVE_INFINITY;
    this.openings = 0;
    this.openingsAt = Number.NaN;
    this.update('closed', 1, true, this.clock());
  }

  private update(
    circuitState: CircuitState,
    coherence: number,
    isConnected: boolean,
    now: number,
  ): Float64Array {
    if (circuitState !== this.circuit) {
      // Leaving closed counts as an opening even when the open state itself was never reported.
      if (this.circuit === 'closed') {
        this.openings = this.decayed(this.openings, this.openingsAt, now, OPENINGS_MS) + 1;
        this.openingsAt = now;
      } else if (circuitState === 'closed') {
        this.closedAt = now;
      }
      this.circuit = circuitState;
    }
    this.coherenceValue = Number.isNaN(coherence) ? 1 : clamp(coherence, 0, 1);
    this.connected = isConnected;
    this.write(now);
    return this.features;
  }

  /** Ages the per-minute sums to `now` (a clock going backwards or NaN ages nothing). */
  private decayMinute(now: number): void {
    const factor = decay(now - this.decayedAt, MINUTE_MS);
    this.minuteFailures *= factor;
    this.minuteCalls *= factor;
    if (now >= this.decayedAt || Number.isNaN(this.decayedAt)) this.decayedAt = now;
  }

  /** `value` recorded at `at`, aged to `now` with time constant `tauMs`. */
  private decayed(value: number, at: number, now: number, tauMs: number): number {
    return value * decay(now - at, tauMs);
  }

  private recordLatency(latencyMs: number): void {
    if (!(latencyMs >= 0) || !Number.isFinite(latencyMs)) {
      return;
    }
    const x = Math.log1p(latencyMs);
    if (this.latencySamples === 0) {
      this.logFast = x;
      this.logMean = x;
      this.logVariance = 0;
      this.logBaseline = x;
      this.residualVariance = 0;
      this.latencyZ = 0;
    } else {
      // The z-score compares the new latency with the average as it was before it.
      const std = Math.sqrt(this.logVariance);
      this.latencyZ = clamp((x - this.logMean) / (std > MIN_LOG_STD ? std : MIN_LOG_STD), Z_MIN, Z_MAX);
      const residual = x - this.logFast;
      this.residualVariance += this.latencySlowAlpha * (residual * residual - this.residualVariance);
      this.logFast += this.latencyFastAlpha * residual;
      const diff = x - this.logMean;
      const incr = this.latencySlowAlpha * diff;
      this.logMean += incr;
      this.logVariance = (1 - this.latencySlowAlpha) * (this.logVariance + diff * incr);
      this.logBaseline += this.latencyBaselineAlpha * (x - this.logBaseline);
    }
    this.latencySamples++;
  }

  private write(now: number): void {
    const f = this.features;
    const warm = this.latencySamples >= 2;
    const minute = decay(now - this.decayedAt, MINUTE_MS);
    f[BIAS] = 1;
    f[FAILURE_FAST] = this.failFast;
    f[FAILURE_SLOW] = this.failSlow;
    f[FAILURE_MINUTE] = (this.minuteFailures * minute) / (this.minuteCalls * minute + 1);
    f[CONSECUTIVE] = Math.min(this.consecutive, COUNT_CAP) / COUNT_CAP;
    f[CONSECUTIVE_OK] = Math.min(this.successes, COUNT_CAP) / COUNT_CAP;
    f[LAST_TIMEOUT] = this.lastSlot === LAST_TIMEOUT ? 1 : 0;
    f[LAST_OVERLOADED] = this.lastSlot === LAST_OVERLOADED ? 1 : 0;
    f[LAST_SERVER_ERROR] = this.lastSlot === LAST_SERVER_ERROR ? 1 : 0;
    f[LAST_NETWORK] = this.lastSlot === LAST_NETWORK ? 1 : 0;
    f[LAST_RATE_LIMITED] = this.lastSlot === LAST_RATE_LIMITED ? 1 : 0;
    f[LAST_STRUCTURAL] = this.lastSlot === LAST_STRUCTURAL ? 1 : 0;
    f[LAST_AUTH] = this.lastSlot === LAST_AUTH ? 1 : 0;
    f[LAST_OTHER] = this.lastSlot === LAST_OTHER ? 1 : 0;
    const retryLeft = this.retryAfterUntil - now;
    f[RETRY_AFTER_ACTIVE] = retryLeft > 0 ? Math.min(retryLeft / RETRY_AFTER_RESOLUTION_MS, 1) : 0;
    f[RETRY_AFTER_REMAINING] = retryLeft > 0 ? Math.min(retryLeft / RETRY_AFTER_SCALE_MS, 1) : 0;
    // A clock that goes backwards or returns NaN must not give recencies outside [0, 1].
    f[FAILURE_RECENCY] = recency(now - this.lastFailureAt, this.recencyMs);
    f[LATENCY_Z] = this.latencyZ / Z_SCALE;
    f[LATENCY_TREND] = warm ? clamp(this.logFast - this.logMean, RATIO_MIN, RATIO_MAX) : 0;
    f[LATENCY_LEVEL] = warm
      ? clamp((this.logFast - this.logBaseline) / LEVEL_SCALE, RATIO_MIN, RATIO_MAX)
      : 0;
    f[TIMEOUT_RISK] = warm && this.logCeiling > 0 ? this.timeoutRisk() : 0;
    f[BREAKER_OPEN] = this.circuit === 'open' ? 1 : 0;
    f[BREAKER_HALF_OPEN] = this.circuit === 'half_open' ? 1 : 0;
    f[BREAKER_CLOSED_RECENCY] =
      this.circuit === 'closed' ? recency(now - this.closedAt, BREAKER_CLOSED_MS) : 0;
    f[BREAKER_OPENINGS] =
      this.openings === 0
        ? 0
        : Math.min(this.decayed(this.openings, this.openingsAt, now, OPENINGS_MS), OPENINGS_CAP) /
          OPENINGS_CAP;
    f[INCOHERENCE] = 1 - this.coherenceValue;
    f[DISCONNECTED] = this.connected ? 0 : 1;
  }

  /** Chance that a latency drawn around the recent level passes the observed timeout, in [0, 1]. */
  private timeoutRisk(): number {
    const std = Math.sqrt(this.residualVariance);
    return normalTail((this.logCeiling - this.logFast) / (std > MIN_RESIDUAL_STD ? std : MIN_RESIDUAL_STD));
  }
}

/** exp(−elapsed / tau) in [0, 1]; 0 when nothing happened yet or elapsed is NaN, 1 when negative. */
function recency(elapsedMs: number, tauMs: number): number {
  if (!(elapsedMs >= 0)) {
    return elapsedMs < 0 ? 1 : 0;
  }
  // Past 40 time constants the value is below 1e-17: skip the exp on the hot path.
  return elapsedMs < 40 * tauMs ? Math.exp(-elapsedMs / tauMs) : 0;
}

/** The factor exp(−elapsed / tau) ages a sum by; 1 when elapsed is negative or NaN (nothing to age). */
function decay(elapsedMs: number, tauMs: number): number {
  return elapsedMs > 0 ? Math.exp(-elapsedMs / tauMs) : 1;
}

/** Upper tail of the standard normal, 1 − Φ(z) (Abramowitz–Stegun 7.1.26, error < 1.5e-7). */
function normalTail(z: number): number {
  const x = (z < 0 ? -z : z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const half = 0.5 * poly * Math.exp(-x * x);
  return z >= 0 ? half : 1 - half;
}
