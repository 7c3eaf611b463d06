import type { ErrorCategory } from '../classify/ErrorCategory.js';
import type { CircuitState } from '../health/AdapterHealthSignature.js';
import { heuristicFailureProbability } from './heuristicFailureProbability.js';

/**
 * Names of the features, in the order of {@link FailureFeatures.vector}. The first fifteen are
 * DESIGN §6's list; the rest were added because they measurably helped in the prediction bench.
 */
export const FAILURE_FEATURE_NAMES = [
  'bias',
  'failureRateFast',
  'failureRateSlow',
  'consecutiveFailures',
  'latencyZScore',
  'latencyTrend',
  'breakerOpen',
  'breakerHalfOpen',
  'lastTransient',
  'lastRateLimited',
  'lastStructural',
  'lastAuth',
  'lastOther',
  'incoherence',
  'disconnected',
  'consecutiveSuccesses',
  'firstFailure',
  'secondFailure',
  'rateLimitedRate',
  'failureRecency',
  'successRecency',
  'latencyLevel',
] as const;

/** One feature's name. */
export type FailureFeatureName = (typeof FAILURE_FEATURE_NAMES)[number];

/** Length of a feature vector. */
export const FAILURE_FEATURE_COUNT = FAILURE_FEATURE_NAMES.length;

// Indices into the vector, spelled out so the hot path does no lookups.
const BIAS = 0;
const FAILURE_FAST = 1;
const FAILURE_SLOW = 2;
const CONSECUTIVE = 3;
const LATENCY_Z = 4;
const LATENCY_TREND = 5;
const BREAKER_OPEN = 6;
const BREAKER_HALF_OPEN = 7;
const LAST_TRANSIENT = 8;
const LAST_RATE_LIMITED = 9;
const LAST_STRUCTURAL = 10;
const LAST_AUTH = 11;
const LAST_OTHER = 12;
const INCOHERENCE = 13;
const DISCONNECTED = 14;
const CONSECUTIVE_OK = 15;
const FIRST_FAILURE = 16;
const SECOND_FAILURE = 17;
const RATE_LIMITED_RATE = 18;
const FAILURE_RECENCY = 19;
const SUCCESS_RECENCY = 20;
const LATENCY_LEVEL = 21;

/** Which one-hot slot a failure category sets. */
const CATEGORY_SLOT: Readonly<Record<ErrorCategory, number>> = {
  timeout: LAST_TRANSIENT,
  overloaded: LAST_TRANSIENT,
  server_error: LAST_TRANSIENT,
  network: LAST_TRANSIENT,
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

/** Failures whose latency is not the upstream's (never called, or the caller gave up), as in HealthTracker. */
const NO_UPSTREAM_LATENCY: ReadonlySet<ErrorCategory> = new Set<ErrorCategory>([
  'circuit_open',
  'import_failure',
  'aborted',
]);

/** Options of a {@link FailureFeatures}, validated once at construction. */
export interface FailureFeaturesOptions {
  /** EWMA weight of the newest outcome in the fast failure (and rate-limit) rate, in (0, 1]. Default 0.3. */
  readonly fastAlpha?: number;
  /** EWMA weight of the newest outcome in the slow failure rate, in (0, 1]. Default 0.05. */
  readonly slowAlpha?: number;
  /** EWMA weight of the newest latency in the fast log-latency average. Default 0.3. */
  readonly latencyFastAlpha?: number;
  /** EWMA weight of the newest latency in the mean and variance behind z-score and trend. Default 0.05. */
  readonly latencySlowAlpha?: number;
  /** EWMA weight of the newest latency in the long baseline behind latencyLevel. Default 0.005. */
  readonly latencyBaselineAlpha?: number;
  /** Time constant of the recency features in ms: exp(−elapsed / recencyMs). Default 10 000. */
  readonly recencyMs?: number;
  /** Epoch milliseconds, for the recency features; injected so tests need no real time. Default `Date.now`. */
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
/** Standard deviation floor of log latency, so near-constant latencies do not give huge z-scores. */
const MIN_LOG_STD = 0.05;
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

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/**
 * Streaming features of one adapter for the failure predictor (DESIGN §6). Every update is
 * O(1) and writes into one reused Float64Array, so the hot path allocates nothing. All features
 * are bounded (roughly [-1, 2]), so one learning rate suits them all:
 *
 * - failure rates: fast and slow EWMAs of the failure indicator; the fast EWMA of the 429 indicator;
 * - counts: consecutive failures and successes, min(n, 10) / 10; indicators for exactly 1 and 2
 *   consecutive failures (a linear model cannot bend the count otherwise);
 * - latency, on the log scale (latencies are roughly log-normal): z-score of the newest latency
 *   against an EW mean/variance (clipped to [-3, 6], / 3), trend = log(fast / EW mean), level =
 *   log(fast / long baseline), which a slow ramp cannot hide by dragging the EW mean along;
 * - breaker open / half-open; the last call's failure group (transient: timeout, overloaded,
 *   server_error, network; rate_limited; structural: api_return_none, api_method_missing,
 *   invalid_response, import_failure; auth; other), all 0 after a success;
 * - 1 − coherence, disconnected, and recency of the last failure and success, exp(−Δt / 10 s);
 * - a constant bias.
 *
 * It also keeps what the original's heuristic reads (history length, failures among the last 10),
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
  /** Time constant of the recency features, ms. */
  public readonly recencyMs: number;
  private readonly clock: () => number;
  private readonly features = new Float64Array(FAILURE_FEATURE_COUNT);
  private failFast = 0;
  private failSlow = 0;
  private limitedFast = 0;
  private consecutive = 0;
  private successes = 0;
  private history = 0;
  /** The last 10 outcomes as bits, newest in bit 0. */
  private recentBits = 0;
  private recentFailures = 0;
  private latencySamples = 0;
  private logFast = 0;
  private logMean = 0;
  private logVariance = 0;
  private logBaseline = 0;
  private latencyZ = 0;
  private lastSlot = -1;
  private lastFailureAt = Number.NEGATIVE_INFINITY;
  private lastSuccessAt = Number.NEGATIVE_INFINITY;
  private circuit: CircuitState = 'closed';
  private coherenceValue = 1;
  private connected = true;

  /** Creates an empty extractor; throws a RangeError or TypeError on an invalid option. */
  constructor(options: FailureFeaturesOptions = {}) {
    this.fastAlpha = checkAlpha('fastAlpha', options.fastAlpha ?? 0.3);
    this.slowAlpha = checkAlpha('slowAlpha', options.slowAlpha ?? 0.05);
    this.latencyFastAlpha = checkAlpha('latencyFastAlpha', options.latencyFastAlpha ?? 0.3);
    this.latencySlowAlpha = checkAlpha('latencySlowAlpha', options.latencySlowAlpha ?? 0.05);
    this.latencyBaselineAlpha = checkAlpha('latencyBaselineAlpha', options.latencyBaselineAlpha ?? 0.005);
    const recencyMs = options.recencyMs ?? 10_000;
    if (!(recencyMs > 0) || !Number.isFinite(recencyMs)) {
      throw new RangeError(`FailureFeatures recencyMs must be finite and > 0, got ${String(recencyMs)}`);
    }
    this.recencyMs = recencyMs;
    const clock = options.clock ?? Date.now;
    if (typeof clock !== 'function') {
      throw new TypeError('FailureFeatures clock must be a function returning epoch milliseconds');
    }
    this.clock = clock;
    this.write();
  }

  /**
   * Records one attempt's outcome and the context after it, and returns the updated vector (the
   * same reused array every time: copy it to keep it). `category` is read only when `ok` is false
   * (undefined or unknown strings count as unknown). Negative or non-finite latencies, and those of
   * circuit_open, import_failure and aborted, leave the latency statistics alone.
   */
  public record(
    ok: boolean,
    category: ErrorCategory | undefined,
    latencyMs: number,
    circuitState: CircuitState,
    coherence: number,
    isConnected: boolean,
    now: number = this.clock(),
  ): Float64Array {
    const failed = ok ? 0 : 1;
    const known: ErrorCategory =
      category !== undefined && Object.hasOwn(CATEGORY_SLOT, category) ? category : 'unknown';
    const limited = !ok && known === 'rate_limited' ? 1 : 0;
    this.failFast += this.fastAlpha * (failed - this.failFast);
    this.failSlow += this.slowAlpha * (failed - this.failSlow);
    this.limitedFast += this.fastAlpha * (limited - this.limitedFast);
    this.consecutive = ok ? 0 : this.consecutive + 1;
    this.successes = ok ? this.successes + 1 : 0;
    if (this.history < HISTORY_CAP) {
      this.history++;
    }
    this.recentFailures += failed - ((this.recentBits >>> 9) & 1);
    this.recentBits = ((this.recentBits << 1) | failed) & RECENT_MASK;
    this.lastSlot = ok ? -1 : CATEGORY_SLOT[known];
    if (ok) {
      this.lastSuccessAt = now;
    } else {
      this.lastFailureAt = now;
    }
    if (ok || !NO_UPSTREAM_LATENCY.has(known)) {
      this.recordLatency(latencyMs);
    }
    return this.setContext(circuitState, coherence, isConnected);
  }

  /**
   * Updates breaker state, coherence and reachability without an outcome (e.g. the breaker went
   * half-open on its timer), refreshes the recency features to the clock's now, and returns the
   * updated vector. Call it right before predicting. NaN coherence counts as 1.
   */
  public setContext(circuitState: CircuitState, coherence: number, isConnected: boolean): Float64Array {
    this.circuit = circuitState;
    this.coherenceValue = Number.isNaN(coherence) ? 1 : clamp(coherence, 0, 1);
    this.connected = isConnected;
    this.write();
    return this.features;
  }

  /** The current feature vector, in the order of {@link FAILURE_FEATURE_NAMES}; reused, copy to keep. */
  public get vector(): Float64Array {
    return this.features;
  }

  /**
   * The original's heuristic on this extractor's state: the prior a learned predictor starts
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
    this.limitedFast = 0;
    this.consecutive = 0;
    this.successes = 0;
    this.history = 0;
    this.recentBits = 0;
    this.recentFailures = 0;
    this.latencySamples = 0;
    this.logFast = 0;
    this.logMean = 0;
    this.logVariance = 0;
    this.logBaseline = 0;
    this.latencyZ = 0;
    this.lastSlot = -1;
    this.lastFailureAt = Number.NEGATIVE_INFINITY;
    this.lastSuccessAt = Number.NEGATIVE_INFINITY;
    this.setContext('closed', 1, true);
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
      this.latencyZ = 0;
    } else {
      // The z-score compares the new latency with the average as it was before it.
      const std = Math.sqrt(this.logVariance);
      this.latencyZ = clamp((x - this.logMean) / (std > MIN_LOG_STD ? std : MIN_LOG_STD), Z_MIN, Z_MAX);
      this.logFast += this.latencyFastAlpha * (x - this.logFast);
      const diff = x - this.logMean;
      const incr = this.latencySlowAlpha * diff;
      this.logMean += incr;
      this.logVariance = (1 - this.latencySlowAlpha) * (this.logVariance + diff * incr);
      this.logBaseline += this.latencyBaselineAlpha * (x - this.logBaseline);
    }
    this.latencySamples++;
  }

  private write(): void {
    const f = this.features;
    const warm = this.latencySamples >= 2;
    const now = this.clock();
    f[BIAS] = 1;
    f[FAILURE_FAST] = this.failFast;
    f[FAILURE_SLOW] = this.failSlow;
    f[CONSECUTIVE] = Math.min(this.consecutive, COUNT_CAP) / COUNT_CAP;
    f[LATENCY_Z] = this.latencyZ / Z_SCALE;
    f[LATENCY_TREND] = warm ? clamp(this.logFast - this.logMean, RATIO_MIN, RATIO_MAX) : 0;
    f[BREAKER_OPEN] = this.circuit === 'open' ? 1 : 0;
    f[BREAKER_HALF_OPEN] = this.circuit === 'half_open' ? 1 : 0;
    f[LAST_TRANSIENT] = this.lastSlot === LAST_TRANSIENT ? 1 : 0;
    f[LAST_RATE_LIMITED] = this.lastSlot === LAST_RATE_LIMITED ? 1 : 0;
    f[LAST_STRUCTURAL] = this.lastSlot === LAST_STRUCTURAL ? 1 : 0;
    f[LAST_AUTH] = this.lastSlot === LAST_AUTH ? 1 : 0;
    f[LAST_OTHER] = this.lastSlot === LAST_OTHER ? 1 : 0;
    f[INCOHERENCE] = 1 - this.coherenceValue;
    f[DISCONNECTED] = this.connected ? 0 : 1;
    f[CONSECUTIVE_OK] = Math.min(this.successes, COUNT_CAP) / COUNT_CAP;
    f[FIRST_FAILURE] = this.consecutive === 1 ? 1 : 0;
    f[SECOND_FAILURE] = this.consecutive === 2 ? 1 : 0;
    f[RATE_LIMITED_RATE] = this.limitedFast;
    // A clock that goes backwards or returns NaN must not give recencies outside [0, 1].
    f[FAILURE_RECENCY] = recency(now - this.lastFailureAt, this.recencyMs);
    f[SUCCESS_RECENCY] = recency(now - this.lastSuccessAt, this.recencyMs);
    f[LATENCY_LEVEL] = warm ? clamp(this.logFast - this.logBaseline, RATIO_MIN, RATIO_MAX) : 0;
  }
}

/** exp(−elapsed / tau) in [0, 1]; 0 when nothing happened yet or elapsed is NaN. */
function recency(elapsedMs: number, tauMs: number): number {
  if (!(elapsedMs >= 0)) {
    return elapsedMs < 0 ? 1 : 0;
  }
  return Math.exp(-elapsedMs / tauMs);
}
