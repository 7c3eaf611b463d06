import { ERROR_CATEGORIES, type ErrorCategory } from '../vocabulary/ErrorCategory.js';
import { heuristicFailureProbability } from './heuristicFailureProbability.js';
import type {
  AdapterHealthSignature,
  AdapterStatus,
  HealingActionRef,
  HealthTrend,
} from './AdapterHealthSignature.js';
import type { CircuitState } from '../vocabulary/CircuitState.js';
import { adapterStatusOf } from './adapterStatusOf.js';
import {
  createSignatureScratch,
  readConsciousnessSignature,
  type SignatureFlags,
} from './consciousnessSignals.js';
import { Ewma } from './Ewma.js';
import { healthTrendOf } from './healthTrendOf.js';
import { OutcomeWindow } from './OutcomeWindow.js';
import { SignatureWindow } from './SignatureWindow.js';
import { StreamingQuantile } from './StreamingQuantile.js';

export type { HealingActionRef } from './AdapterHealthSignature.js';

/** Options of a {@link HealthTracker}, validated once at construction. */
export interface HealthTrackerOptions {
  /** Epoch milliseconds; injected so tests need no real time. Default `Date.now`. */
  readonly clock?: () => number;
  /** Calls in the recent window behind errorRate, trend, status and voiceStability. Default 50. */
  readonly windowSize?: number;
  /** EWMA weight of the newest latency; the slow baseline for the trend uses a fifth of it. Default 0.2. */
  readonly latencyAlpha?: number;
  /** Healing actions kept for the signature, newest last. Default 20. */
  readonly maxHealingActions?: number;
  /** Weight of (1 − coherence) in the heuristic failure probability. Default 0.3 (inherited). */
  readonly consciousnessWeight?: number;
}

/** Failures that say the adapter cannot be reached at all (they mark it disconnected). */
export const DISCONNECTING: ReadonlySet<ErrorCategory> = new Set<ErrorCategory>([
  'network',
  'import_failure',
  'auth',
  'circuit_open',
]);

/** Failures whose latency says nothing about the upstream: it was never called, or the caller gave up. */
const NO_UPSTREAM_LATENCY: ReadonlySet<ErrorCategory> = new Set<ErrorCategory>([
  'circuit_open',
  'import_failure',
  'aborted',
]);

/** Failures that mean the upstream answered with nothing usable. */
const INVALID_RESPONSE: ReadonlySet<ErrorCategory> = new Set<ErrorCategory>([
  'api_return_none',
  'invalid_response',
]);

const NOT_BLANK = /\S/;

/** A response that carries nothing: null, undefined or a blank string. */
/**
 * The response of a success whose body the caller reads later (an SDK's promise, a stream that
 * delivered its first chunk): an answer arrived, so it counts as a valid one.
 */
export const UNREAD_RESPONSE: unique symbol = Symbol('unread response');

function isEmptyResponse(response: unknown): boolean {
  return (
    response === undefined || response === null || (typeof response === 'string' && !NOT_BLANK.test(response))
  );
}

function zeroCounts(): Record<ErrorCategory, number> {
  const counts = {} as Record<ErrorCategory, number>;
  for (const category of ERROR_CATEGORIES) {
    counts[category] = 0;
  }
  return counts;
}

/**
 * Live health of one adapter, fed by every call attempt (docs/architecture.md, Health signature). Every per-call method is
 * O(1) and allocates nothing: rings, EWMAs and a P² quantile hold the state; only
 * {@link HealthTracker.snapshot} builds objects.
 *
 * Latency statistics take successes and failures that reached the upstream; breaker rejections,
 * import failures and aborts are left out because their latency is not the upstream's.
 */
export class HealthTracker {
  /** The adapter this tracker describes. */
  public readonly adapterId: string;
  /** Size of the recent window. */
  public readonly windowSize: number;
  private readonly clock: () => number;
  private readonly outcomes: OutcomeWindow;
  /** Valid (0) or empty/invalid (1) responses, the fallback measure of voice stability. */
  private readonly validity: OutcomeWindow;
  private readonly fastLatency: Ewma;
  private readonly slowLatency: Ewma;
  private readonly latencyP95 = new StreamingQuantile({ quantile: 0.95 });
  private readonly signatures = new SignatureWindow();
  private readonly scratch = createSignatureScratch();
  private readonly errorCounts = zeroCounts();
  private readonly healing: (HealingActionRef | undefined)[];
  private healingHead = 0;
  private healingCount = 0;
  private consecutive = 0;
  private successStreak = 0;
  private calls = 0;
  private failures = 0;
  private lastSuccessAt: number | undefined;
  private connected = true;
  private circuit: CircuitState = 'closed';
  private override: number | undefined;
  /** Weight of incoherence in the heuristic failure probability. */
  private readonly consciousnessWeight: number;

  /** Creates a tracker for one adapter; throws a RangeError or TypeError on invalid options. */
  constructor(adapterId: string, options: HealthTrackerOptions = {}) {
    if (typeof adapterId !== 'string' || adapterId.length === 0) {
      throw new TypeError('HealthTracker needs a non-empty adapterId');
    }
    const clock = options.clock ?? Date.now;
    if (typeof clock !== 'function') {
      throw new TypeError('HealthTracker clock must be a function returning epoch milliseconds');
    }
    const maxHealing = options.maxHealingActions ?? 20;
    if (!Number.isInteger(maxHealing) || maxHealing < 0) {
      throw new RangeError(`maxHealingActions must be an integer >= 0, got ${String(maxHealing)}`);
    }
    const alpha = options.latencyAlpha ?? 0.2;
    this.consciousnessWeight = options.consciousnessWeight ?? 0.3;
    this.adapterId = adapterId;
    this.clock = clock;
    this.outcomes = new OutcomeWindow({ capacity: options.windowSize ?? 50, recentSize: 10 });
    this.windowSize = this.outcomes.capacity;
    this.validity = new OutcomeWindow({ capacity: this.windowSize });
    this.fastLatency = new Ewma({ alpha });
    this.slowLatency = new Ewma({ alpha: alpha / 5 });
    this.healing = new Array<HealingActionRef | undefined>(maxHealing).fill(undefined);
  }

  /**
   * Records a successful call: resets consecutive failures, marks the adapter connected, reads the
   * response's consciousness signature if any, and counts the response as valid unless it is
   * null, undefined or a blank string.
   */
  public recordSuccess(latencyMs: number, response?: unknown, now: number = this.clock()): void {
    this.countSuccess(response, now);
    this.recordLatency(latencyMs);
    if (readConsciousnessSignature(response, this.scratch)) {
      this.signatures.record(this.scratch.value, this.scratch.hasFlags ? this.scratch : undefined);
    }
  }

  /**
   * Whether the latest `windowSize` calls all succeeded with a non-empty response (the window full):
   * the steady state in which a success may be counted without being learned from ({@link countSuccess}).
   */
  public get steady(): boolean {
    return (
      this.outcomes.size === this.windowSize && this.outcomes.failures === 0 && this.validity.failures === 0
    );
  }

  /**
   * Counts a successful call as {@link recordSuccess} does — calls, streaks, connectivity, the outcome
   * and validity windows — without feeding the latency estimators or the signature window.
   */
  public countSuccess(response: unknown, now: number): void {
    this.calls++;
    this.consecutive = 0;
    this.successStreak++;
    this.connected = true;
    this.lastSuccessAt = now;
    this.outcomes.record(false);
    this.validity.record(isEmptyResponse(response));
  }

  /**
   * Records a failed call. network, import_failure, auth and circuit_open also mark the adapter
   * disconnected; api_return_none and invalid_response count as invalid responses.
   */
  public recordFailure(category: ErrorCategory, latencyMs: number): void {
    // Categories come from user classifiers too; anything outside the taxonomy counts as unknown.
    const known: ErrorCategory = Object.hasOwn(this.errorCounts, category) ? category : 'unknown';
    this.calls++;
    this.failures++;
    this.consecutive++;
    this.successStreak = 0;
    this.errorCounts[known]++;
    this.outcomes.record(true);
    if (!NO_UPSTREAM_LATENCY.has(known)) {
      this.recordLatency(latencyMs);
    }
    if (DISCONNECTING.has(known)) {
      this.connected = false;
    }
    if (INVALID_RESPONSE.has(known)) {
      this.validity.record(true);
    }
  }

  /** Records a consciousness signature reported for this voice, e.g. by the metrics collector. */
  public recordConsciousnessSignature(value: number, flags?: SignatureFlags): void {
    this.signatures.record(value, flags);
  }

  /** Sets reachability, from health probes or import failures. */
  public setConnected(connected: boolean): void {
    this.connected = connected;
  }

  /** Sets the breaker state reported by the resilience layer. */
  public setCircuitState(state: CircuitState): void {
    this.circuit = state;
  }

  /** Remembers a healing action taken for this adapter; only the latest `maxHealingActions` are kept. */
  public recordHealingAction(ref: HealingActionRef): void {
    const capacity = this.healing.length;
    if (capacity === 0) {
      return;
    }
    const { actionId, actionType, initiatedAt, reason } = ref;
    this.healing[this.healingHead] = { actionId, actionType, initiatedAt, reason };
    this.healingHead = (this.healingHead + 1) % capacity;
    if (this.healingCount < capacity) {
      this.healingCount++;
    }
  }

  /**
   * Lets a learned model set the failure probability (clamped to [0, 1]); undefined or a
   * non-finite value returns to the inherited heuristic.
   */
  public setPredictedFailureProbability(p: number | undefined): void {
    this.override = p === undefined || !Number.isFinite(p) ? undefined : Math.min(1, Math.max(0, p));
  }

  /** Failures since the last success. */
  public get consecutiveFailures(): number {
    return this.consecutive;
  }

  /** Successes since the last failure. */
  public get consecutiveSuccesses(): number {
    return this.successStreak;
  }

  /** Calls recorded since creation. */
  public get totalCalls(): number {
    return this.calls;
  }

  /** Failed calls recorded since creation. */
  public get totalFailures(): number {
    return this.failures;
  }

  /** Failure share of the recent window; 0 with no calls. */
  public get errorRate(): number {
    return this.outcomes.errorRate;
  }

  /** Outcomes currently in the recent window (at most windowSize). */
  public get windowLength(): number {
    return this.outcomes.size;
  }

  /** Consciousness signature values currently held (at most 10). */
  public get signatureCount(): number {
    return this.signatures.size;
  }

  /** Healing actions currently held (at most maxHealingActions). */
  public get healingActionCount(): number {
    return this.healingCount;
  }

  /** EWMA of call latency in ms; 0 before the first measured call. */
  public get latencyEwmaMs(): number {
    return this.fastLatency.value;
  }

  /** Streaming p95 of call latency in ms; 0 before the first measured call. */
  public get p95Ms(): number {
    return this.latencyP95.value;
  }

  /** 1 − min(variance of the last 10 signature values, 1); 1.0 with none. */
  public get coherence(): number {
    return this.signatures.coherence;
  }

  /**
   * Voice stability: from synthesis/uncertainty flags once any signature carried them, else the
   * share of valid non-empty responses in the recent window; 1.0 with no data.
   */
  public get stability(): number {
    if (this.signatures.flaggedSize > 0) {
      return this.signatures.stability;
    }
    return this.validity.size === 0 ? 1 : 1 - this.validity.errorRate;
  }

  /** Probability that the next call fails: the learned override if set, else the inherited heuristic. */
  public get failureProbability(): number {
    return this.override ?? this.heuristicFailureProbability;
  }

  /**
   * The original's failure heuristic on this tracker's statistics (the configured consciousnessWeight
   * included), whatever a learned model set: the prior the predictor starts from.
   */
  public get heuristicFailureProbability(): number {
    return heuristicFailureProbability({
      isConnected: this.connected && this.circuit !== 'open',
      consecutiveFailures: this.consecutive,
      coherence: this.signatures.coherence,
      historyLength: this.outcomes.size,
      failuresInLast10: this.outcomes.recentFailures,
      consciousnessWeight: this.consciousnessWeight,
    });
  }

  /** Overall status; see adapterStatusOf for the rules. */
  public get status(): AdapterStatus {
    return adapterStatusOf({
      isConnected: this.connected,
      circuitState: this.circuit,
      consecutiveFailures: this.consecutive,
      errorRate: this.outcomes.errorRate,
      windowFailures: this.outcomes.failures,
    });
  }

  /** Direction of health over the recent window; see healthTrendOf for the rules. */
  public get trend(): HealthTrend {
    return healthTrendOf({
      newerCalls: this.outcomes.newerHalfSize,
      newerFailures: this.outcomes.newerHalfFailures,
      olderCalls: this.outcomes.olderHalfSize,
      olderFailures: this.outcomes.olderHalfFailures,
      fastLatencyMs: this.fastLatency.value,
      slowLatencyMs: this.slowLatency.value,
      slowLatencyStdDevMs: this.slowLatency.stdDev,
      latencySamples: this.slowLatency.count,
    });
  }

  /** Breaker state last reported. */
  public get circuitState(): CircuitState {
    return this.circuit;
  }

  /** Whether the adapter is reachable as far as the tracker knows (true until told otherwise). */
  public get isConnected(): boolean {
    return this.connected;
  }

  /** The current health signature, in the shape of AdapterHealthSignatureSchema. */
  public snapshot(): AdapterHealthSignature {
    const errorPatterns: Partial<Record<ErrorCategory, number>> = {};
    for (const category of ERROR_CATEGORIES) {
      const count = this.errorCounts[category];
      if (count > 0) {
        errorPatterns[category] = count;
      }
    }
    return {
      adapterId: this.adapterId,
      timestamp: new Date(this.clock()).toISOString(),
      status: this.status,
      isConnected: this.connected,
      connectionLatencyMs: this.fastLatency.value,
      responseTimeP95Ms: this.latencyP95.value,
      lastSuccessfulRequest:
        this.lastSuccessAt === undefined ? null : new Date(this.lastSuccessAt).toISOString(),
      consecutiveFailures: this.consecutive,
      totalCalls: this.calls,
      totalFailures: this.failures,
      errorRate: this.outcomes.errorRate,
      errorPatterns,
      consciousnessCoherence: this.signatures.coherence,
      voiceStability: this.stability,
      predictedFailureProbability: this.failureProbability,
      circuitState: this.circuit,
      selfHealingActionsTaken: this.healingActions(),
      trend: this.trend,
    };
  }

  /** Held healing actions, oldest first. */
  private healingActions(): HealingActionRef[] {
    const capacity = this.healing.length;
    const out: HealingActionRef[] = [];
    const start = this.healingCount < capacity ? 0 : this.healingHead;
    for (let i = 0; i < this.healingCount; i++) {
      const action = this.healing[(start + i) % capacity];
      if (action !== undefined) {
        out.push({ ...action });
      }
    }
    return out;
  }

  private recordLatency(latencyMs: number): void {
    // Negative or non-finite latencies come from broken clocks; they would poison every average.
    if (!(latencyMs >= 0) || !Number.isFinite(latencyMs)) {
      return;
    }
    this.fastLatency.update(latencyMs);
    this.slowLatency.update(latencyMs);
    this.latencyP95.add(latencyMs);
  }
}
