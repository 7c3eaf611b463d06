import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { CircuitState } from '../vocabulary/CircuitState.js';
import { DISCONNECTING, type HealthTracker } from '../health/HealthTracker.js';
import { clamp } from '../base/clamp.js';
import { RegimeFilter } from './RegimeFilter.js';

/**
 * The features, in vector order (docs/architecture.md, Patterns, prediction, healing): the one list the indices, the persisted weights' layout and the docs derive
 * from. Error rates, failure streaks, the last failure's category, latency against its own history and against
 * the timeout, breaker state, coherence and reachability; and what the call path sees of a fault before calls
 * end: how long the oldest call in flight has been waiting, the request budget left in the provider's rate-limit
 * headers, and the provider's Retry-After (the window it asked for, and how long ago it asked).
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
  'retryAfterRecency',
  'quotaScarcity',
  'failureRecency',
  'latencyZScore',
  'latencyTrend',
  'latencyLevel',
  'timeoutRisk',
  'inFlightAgeZScore',
  'inFlightTimeoutShare',
  'breakerOpen',
  'breakerHalfOpen',
  'breakerClosedRecency',
  'breakerOpenings',
  'incoherence',
  'disconnected',
  'regimeLogOdds',
] as const;

/** One feature's name. */
export type FailureFeatureName = (typeof FAILURE_FEATURE_NAMES)[number];

/** Length of a feature vector. */
export const FAILURE_FEATURE_COUNT = FAILURE_FEATURE_NAMES.length;

/** Each feature's index in the vector, derived from {@link FAILURE_FEATURE_NAMES}. */
export const FEATURE_INDEX: Readonly<Record<FailureFeatureName, number>> = Object.freeze(
  Object.fromEntries(FAILURE_FEATURE_NAMES.map((name, i) => [name, i])) as Record<FailureFeatureName, number>,
);

/**
 * What the features read of the voice's own statistics: the voice's {@link HealthTracker} (one copy, read by the
 * health signature and the predictor alike; its heuristic is the predictor's prior).
 */
export type VoiceStatistics = Pick<
  HealthTracker,
  | 'consecutiveFailures'
  | 'consecutiveSuccesses'
  | 'circuitState'
  | 'coherence'
  | 'isConnected'
  | 'heuristicFailureProbability'
>;

/** The provider's request budget as its latest rate-limit headers gave it. */
export interface RequestBudget {
  /** Requests left when the headers were read. */
  readonly remaining: number;
  /** When the budget refills (epoch ms); undefined when the headers did not say. */
  readonly resetAt: number | undefined;
  /**
   * When the attempt whose response carried the headers started (epoch ms), if known: the provider had counted the
   * requests it received until then, so only attempts started since are missing from `remaining`.
   */
  readonly startedAt?: number | undefined;
}

/** What the call path knows of a voice beyond the outcomes of its calls (all optional). */
export interface CallPathSignals {
  /** Attempts with a request open upstream now. */
  inFlight(): number;
  /** When the oldest of them started (epoch ms); undefined when none is in flight, or it is not known. */
  oldestInFlightStartedAt(): number | undefined;
  /** The request budget of the latest rate-limit headers read; undefined when none were. */
  requestBudget(): RequestBudget | undefined;
  /**
   * Attempts in flight that started after `t` (epoch ms); without it every attempt in flight counts as missing from
   * the budget.
   */
  inFlightSince?(t: number): number;
}

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
  /** In-flight calls and rate-limit headers of the voice; without them those features stay 0. */
  readonly signals?: CallPathSignals;
}

const I = FEATURE_INDEX;

/** Which one-hot slot a failure category sets. */
const CATEGORY_SLOT: Readonly<Record<ErrorCategory, number>> = {
  timeout: I.lastTimeout,
  overloaded: I.lastOverloaded,
  server_error: I.lastServerError,
  network: I.lastNetwork,
  rate_limited: I.lastRateLimited,
  api_return_none: I.lastStructural,
  api_method_missing: I.lastStructural,
  invalid_response: I.lastStructural,
  import_failure: I.lastStructural,
  auth: I.lastAuth,
  bad_request: I.lastOther,
  context_window: I.lastOther,
  content_policy: I.lastOther,
  stream_interrupted: I.lastOther,
  circuit_open: I.lastOther,
  aborted: I.lastOther,
  unknown: I.lastOther,
};

/** The one-hot slots, first to last. */
const FIRST_SLOT = I.lastTimeout;
const LAST_SLOT = I.lastOther;

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
/** Time constant of retryAfterRecency (since the provider last asked to wait), ms. */
const RETRY_AFTER_RECENCY_MS = 30_000;
/** Probabilities are clamped to [REGIME_EPSILON, 1 − REGIME_EPSILON] before regimeLogOdds takes their logit … */
const REGIME_EPSILON = 1e-3;
/** … and the difference of log-odds is divided by this (and clipped to [-1, 2], as every feature is). */
const REGIME_LOG_ODDS_SCALE = 4;
/** quotaScarcity = exp(−requests left / QUOTA_SCALE): 1 with none left, 0.37 with 2, 0.08 with 5. */
const QUOTA_SCALE = 2;

function checkAlpha(name: string, value: number): number {
  if (!(value > 0 && value <= 1)) {
    throw new RangeError(`FailureFeatures ${name} must be in (0, 1], got ${String(value)}`);
  }
  return value;
}

/**
 * Streaming features of one voice for the failure predictor (docs/architecture.md, Patterns, prediction, healing). The voice's statistics (failure and success
 * streaks, breaker state, coherence, reachability, the heuristic) are read from its {@link HealthTracker}, never
 * copied; what is kept here is what only prediction needs. Every update is O(1) and writes into one reused
 * Float64Array, so the hot path allocates nothing. All features are bounded (within [-1, 2]), so one learning
 * rate suits them all:
 *
 * - failure rates: fast and slow per-call EWMAs, and a time-decayed rate over about a minute
 *   (shrunk towards 0 as the calls behind it age);
 * - consecutive failures and successes, min(n, 10) / 10;
 * - the last call's failure category (timeout, overloaded, server_error, network, rate_limited,
 *   structural, auth, other; all 0 after a success): a refused connection persists, a shed 529
 *   mostly does not;
 * - Retry-After: whether the window the last 429 asked to wait out is still running (ramping down
 *   over its last second, as delay-seconds are rounded up), how much is left (/ 1 min), and how long ago the
 *   provider last asked (exp(−Δt / 30 s)). A call sent after that 429 and served ends the window early;
 * - quotaScarcity: the requests left in the latest rate-limit headers, less the calls in flight (not counted in
 *   them yet), as exp(−left / 2) until the budget's reset time;
 * - failureRecency = exp(−Δt / 2 s) since the last failure;
 * - latency on the log scale, of successes and timeouts only (a fast 529 or a refused connection
 *   says nothing of the queue): z-score against an EW mean/variance (clipped to [-3, 6], / 3),
 *   trend = log(fast / EW mean), level = log(fast / long baseline) / 2, and timeoutRisk = the
 *   chance a latency around the recent level passes the timeout, which is learned as the
 *   latency of the last timeout seen (0 until one is seen);
 * - the oldest call in flight, which tells of a slowdown before any slow call ends: its age as a z-score
 *   against the latency history (only above 0), and its age as a share of the timeout learned;
 * - breaker open / half-open, recency of its last closing (exp(−Δt / 30 s)), and its openings in
 *   about the last 10 minutes (/ 5): a flapping upstream relapses;
 * - 1 − coherence, and a constant bias;
 * - disconnected: the tracker says the voice is unreachable (a health probe, an import failure), or a call found it
 *   unreachable (network, import_failure, auth, circuit_open) and no call sent after that one has been served
 *   since: the tracker marks the voice connected on any success, also of a call sent before the refusal.
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
  private readonly signals: CallPathSignals | undefined;
  private readonly features = new Float64Array(FAILURE_FEATURE_COUNT);
  /** The voice's regime filter (healthy, degraded, down), fed every outcome recorded here. */
  public readonly regimes = new RegimeFilter();
  private failFast = 0;
  private failSlow = 0;
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
  /** When the last failed call started: a success of a call started before it says nothing about after it. */
  private lastFailureStartedAt = Number.NEGATIVE_INFINITY;
  /**
   * When the call that last found the upstream unreachable (a disconnecting failure) started; +∞ once a call sent
   * after it was served.
   */
  private unreachableFrom = Number.POSITIVE_INFINITY;
  private retryAfterUntil = Number.NEGATIVE_INFINITY;
  /** When the 429 that set `retryAfterUntil` arrived (+∞ once a later call proved its window over). */
  private retryAfterFrom = Number.POSITIVE_INFINITY;
  /** When the provider last asked to wait (a failure carrying Retry-After). */
  private retryAfterAskedAt = Number.NEGATIVE_INFINITY;
  /** The breaker state last seen, to count its transitions. */
  private circuit: CircuitState = 'closed';
  private closedAt = Number.NEGATIVE_INFINITY;
  /** Time-decayed (τ = 10 min) count of breaker openings, as of `openingsAt`. */
  private openings = 0;
  private openingsAt = Number.NaN;

  /**
   * Features of the voice whose statistics are `statistics` (its HealthTracker); throws a RangeError or
   * TypeError on an invalid option.
   */
  constructor(
    private readonly statistics: VoiceStatistics,
    options: FailureFeaturesOptions = {},
  ) {
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
    this.signals = options.signals;
    this.circuit = statistics.circuitState;
    this.write(this.clock());
  }

  /**
   * Records one attempt's outcome (after the voice's statistics recorded it) and returns the updated vector (the
   * same reused array every time: copy it to keep it). `category` is read only when `ok` is false (undefined or
   * unknown strings count as unknown). Only successes and timeouts feed the latency statistics, and only finite,
   * non-negative latencies. `retryAfterMs` is the delay a failure asked for (Retry-After / retry-after-ms, as
   * classified), if any.
   */
  public record(
    ok: boolean,
    category: ErrorCategory | undefined,
    latencyMs: number,
    now: number = this.clock(),
    retryAfterMs?: number,
  ): Float64Array {
    const failed = ok ? 0 : 1;
    const known: ErrorCategory =
      category !== undefined && Object.hasOwn(CATEGORY_SLOT, category) ? category : 'unknown';
    this.failFast += this.fastAlpha * (failed - this.failFast);
    this.failSlow += this.slowAlpha * (failed - this.failSlow);
    this.decayMinute(now);
    this.minuteFailures += failed;
    this.minuteCalls += 1;
    // A call's start: a failed one's latency is not always the upstream's (an abort), so NaN counts as now.
    const startedAt = latencyMs > 0 && Number.isFinite(latencyMs) ? now - latencyMs : now;
    // The regime filter reads outcomes in the order they come; a success of a call sent before the last refused
    // connection (calls overlap) says nothing of the upstream since, and is not fed to it. A 429 is the provider's
    // quota, not the upstream's health: the Retry-After and budget features read it.
    const unreachable = this.unreachableFrom;
    const staleSuccess = ok && unreachable !== Number.POSITIVE_INFINITY && startedAt < unreachable;
    if (!staleSuccess && (ok || known !== 'rate_limited')) this.regimes.record(ok, category, now);
    if (ok) {
      // A success of a call sent before the last failed one says nothing of the upstream since.
      if (startedAt >= this.lastFailureStartedAt) this.lastSlot = -1;
      // Likewise only a call sent after the last refused connection, and served, shows the upstream reachable.
      if (startedAt >= this.unreachableFrom) this.unreachableFrom = Number.POSITIVE_INFINITY;
      // A call sent after the last 429 arrived, and served, proves its window is over.
      if (startedAt >= this.retryAfterFrom) {
        this.retryAfterUntil = Number.NEGATIVE_INFINITY;
        this.retryAfterFrom = Number.POSITIVE_INFINITY;
      }
      this.recordLatency(latencyMs);
    } else {
      this.lastSlot = CATEGORY_SLOT[known];
      this.lastFailureAt = now;
      this.lastFailureStartedAt = startedAt;
      if (DISCONNECTING.has(known)) this.unreachableFrom = startedAt;
      if (retryAfterMs !== undefined && retryAfterMs > 0 && Number.isFinite(retryAfterMs + now)) {
        this.retryAfterUntil = now + retryAfterMs;
        this.retryAfterFrom = now;
        this.retryAfterAskedAt = now;
      }
      if (known === 'timeout') {
        // A timeout's latency is the deadline the caller gave up at.
        if (latencyMs > 0 && Number.isFinite(latencyMs)) this.logCeiling = Math.log1p(latencyMs);
        this.recordLatency(latencyMs);
      }
    }
    return this.refresh(now);
  }

  /**
   * Reads the voice's statistics and the call path's signals again (e.g. the breaker went half-open on its
   * timer, a call has been in flight for a while), refreshes the time-based features to `now`, and returns the
   * updated vector. Call it right before predicting.
   */
  public refresh(now: number = this.clock()): Float64Array {
    const circuitState = this.statistics.circuitState;
    if (circuitState !== this.circuit) {
      // Leaving closed counts as an opening even when the open state itself was never seen.
      if (this.circuit === 'closed') {
        this.openings = this.decayed(this.openings, this.openingsAt, now, OPENINGS_MS) + 1;
        this.openingsAt = now;
      } else if (circuitState === 'closed') {
        this.closedAt = now;
      }
      this.circuit = circuitState;
    }
    this.write(now);
    return this.features;
  }

  /** The current feature vector, in the order of {@link FAILURE_FEATURE_NAMES}; reused, copy to keep. */
  public get vector(): Float64Array {
    return this.features;
  }

  /** The original's heuristic on the voice's statistics: the prior a learned predictor starts from. */
  public get prior(): number {
    return this.statistics.heuristicFailureProbability;
  }

  /** Forgets everything recorded here (the voice's statistics are its tracker's). */
  public reset(): void {
    this.failFast = 0;
    this.failSlow = 0;
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
    this.lastFailureStartedAt = Number.NEGATIVE_INFINITY;
    this.unreachableFrom = Number.POSITIVE_INFINITY;
    this.retryAfterUntil = Number.NEGATIVE_INFINITY;
    this.retryAfterFrom = Number.POSITIVE_INFINITY;
    this.retryAfterAskedAt = Number.NEGATIVE_INFINITY;
    this.circuit = this.statistics.circuitState;
    this.closedAt = Number.NEGATIVE_INFINITY;
    this.openings = 0;
    this.openingsAt = Number.NaN;
    this.regimes.reset();
    this.write(this.clock());
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
      this.latencyZ = clamp((x - this.logMean) / this.logStd(), Z_MIN, Z_MAX);
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

  /** Standard deviation of log latency, floored. */
  private logStd(): number {
    const std = Math.sqrt(this.logVariance);
    return std > MIN_LOG_STD ? std : MIN_LOG_STD;
  }

  private write(now: number): void {
    const f = this.features;
    const stats = this.statistics;
    const warm = this.latencySamples >= 2;
    const minute = decay(now - this.decayedAt, MINUTE_MS);
    f[I.bias] = 1;
    f[I.failureRateFast] = this.failFast;
    f[I.failureRateSlow] = this.failSlow;
    f[I.failureRateMinute] = (this.minuteFailures * minute) / (this.minuteCalls * minute + 1);
    f[I.consecutiveFailures] = squash(stats.consecutiveFailures);
    f[I.consecutiveSuccesses] = squash(stats.consecutiveSuccesses);
    for (let slot = FIRST_SLOT; slot <= LAST_SLOT; slot++) f[slot] = slot === this.lastSlot ? 1 : 0;
    const until = this.retryAfterUntil;
    const resetAt = until > now ? this.budgetResetWithin(until) : undefined;
    // The headers' reset is exact: the window holds until then. Retry-After alone is uncertain in its last second.
    const retryLeft = (resetAt ?? until) - now;
    f[I.retryAfterActive] =
      retryLeft > 0 ? (resetAt !== undefined ? 1 : Math.min(retryLeft / RETRY_AFTER_RESOLUTION_MS, 1)) : 0;
    f[I.retryAfterRemaining] = retryLeft > 0 ? Math.min(retryLeft / RETRY_AFTER_SCALE_MS, 1) : 0;
    f[I.retryAfterRecency] = recency(now - this.retryAfterAskedAt, RETRY_AFTER_RECENCY_MS);
    // A clock that goes backwards or returns NaN must not give recencies outside [0, 1].
    f[I.failureRecency] = recency(now - this.lastFailureAt, this.recencyMs);
    f[I.latencyZScore] = this.latencyZ / Z_SCALE;
    f[I.latencyTrend] = warm ? clamp(this.logFast - this.logMean, RATIO_MIN, RATIO_MAX) : 0;
    f[I.latencyLevel] = warm
      ? clamp((this.logFast - this.logBaseline) / LEVEL_SCALE, RATIO_MIN, RATIO_MAX)
      : 0;
    f[I.timeoutRisk] = warm && this.logCeiling > 0 ? this.timeoutRisk() : 0;
    this.writeSignals(now, warm);
    const circuit = this.circuit;
    f[I.breakerOpen] = circuit === 'open' ? 1 : 0;
    f[I.breakerHalfOpen] = circuit === 'half_open' ? 1 : 0;
    f[I.breakerClosedRecency] = circuit === 'closed' ? recency(now - this.closedAt, BREAKER_CLOSED_MS) : 0;
    f[I.breakerOpenings] =
      this.openings === 0
        ? 0
        : Math.min(this.decayed(this.openings, this.openingsAt, now, OPENINGS_MS), OPENINGS_CAP) /
          OPENINGS_CAP;
    const coherence = stats.coherence;
    f[I.incoherence] = Number.isNaN(coherence) ? 0 : 1 - clamp(coherence, 0, 1);
    // The tracker marks the voice connected on any success, also of a call sent before the refusal (calls overlap):
    // that says nothing of the upstream since, so a refusal counts until a call sent after it is served.
    f[I.disconnected] = !stats.isConnected || this.unreachableFrom !== Number.POSITIVE_INFINITY ? 1 : 0;
    // The regime filter's forecast against the heuristic's, on the log-odds scale (the heuristic is the offset).
    f[I.regimeLogOdds] = clamp(
      (logit(this.regimes.failureProbability(now)) - logit(stats.heuristicFailureProbability)) /
        REGIME_LOG_ODDS_SCALE,
      RATIO_MIN,
      RATIO_MAX,
    );
  }

  /**
   * The budget reset the rate-limit headers name within the last second of a Retry-After window ending at `until`
   * (Retry-After counts whole seconds, rounded up: the window really ends then), else undefined.
   */
  private budgetResetWithin(until: number): number | undefined {
    const resetAt = this.signals?.requestBudget()?.resetAt;
    return resetAt !== undefined && resetAt <= until && resetAt > until - RETRY_AFTER_RESOLUTION_MS
      ? resetAt
      : undefined;
  }

  /** The features of in-flight calls and rate-limit headers (0 without signals). */
  private writeSignals(now: number, warm: boolean): void {
    const f = this.features;
    const signals = this.signals;
    let ageZ = 0;
    let timeoutShare = 0;
    let scarcity = 0;
    if (signals !== undefined) {
      const oldest = signals.oldestInFlightStartedAt();
      const age = oldest === undefined ? Number.NaN : now - oldest;
      if (age > 0 && Number.isFinite(age)) {
        const x = Math.log1p(age);
        // Only a call older than usual says anything: a young one may be a fast answer on its way.
        if (warm) ageZ = clamp((x - this.logMean) / this.logStd(), 0, Z_MAX) / Z_SCALE;
        if (this.logCeiling > 0) timeoutShare = Math.min(age / Math.expm1(this.logCeiling), 1);
      }
      const budget = signals.requestBudget();
      if (budget !== undefined && !(budget.resetAt !== undefined && now >= budget.resetAt)) {
        const from = budget.startedAt;
        const uncounted =
          from !== undefined && signals.inFlightSince !== undefined
            ? signals.inFlightSince(from)
            : signals.inFlight();
        const left = budget.remaining - uncounted;
        if (Number.isFinite(left)) scarcity = left > 0 ? Math.exp(-left / QUOTA_SCALE) : 1;
      }
    }
    f[I.inFlightAgeZScore] = ageZ;
    f[I.inFlightTimeoutShare] = timeoutShare;
    f[I.quotaScarcity] = scarcity;
  }

  /** Chance that a latency drawn around the recent level passes the observed timeout, in [0, 1]. */
  private timeoutRisk(): number {
    const std = Math.sqrt(this.residualVariance);
    return normalTail((this.logCeiling - this.logFast) / (std > MIN_RESIDUAL_STD ? std : MIN_RESIDUAL_STD));
  }
}

/** log(p / (1 − p)) of p clamped to [REGIME_EPSILON, 1 − REGIME_EPSILON] (NaN counts as 0.5). */
function logit(p: number): number {
  const q = Number.isNaN(p) ? 0.5 : clamp(p, REGIME_EPSILON, 1 - REGIME_EPSILON);
  return Math.log(q / (1 - q));
}

/** min(n, 10) / 10 of a count (NaN or negative counts as 0). */
function squash(n: number): number {
  return n > 0 ? Math.min(n, COUNT_CAP) / COUNT_CAP : 0;
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
