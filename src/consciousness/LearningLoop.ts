import type { AdapterHealthSignature, AdapterStatus } from '../health/AdapterHealthSignature.js';
import type { HealthTracker } from '../health/HealthTracker.js';
import type { Healer } from '../healing/Healer.js';
import type { CallObservation } from '../patterns/CallObservation.js';
import type { InfrastructurePattern } from '../patterns/InfrastructurePattern.js';
import { PatternEngine } from '../patterns/PatternEngine.js';
import { FailureFeatures } from '../prediction/FailureFeatures.js';
import { FailurePredictor } from '../prediction/FailurePredictor.js';
import { PredictiveRouting } from '../prediction/PredictiveRouting.js';
import type { SharedState } from '../scaleout/SharedState.js';
import { CATEGORY_POLICY, type ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { Voice } from '../voice/Voice.js';
import { AfterCalls } from './AfterCalls.js';
import { HealingLedger, type HealingLedgerOptions } from './HealingLedger.js';
import { ResponseShape } from './responseShape.js';

/** A fallback could serve the voice's calls now (and not after a failure a fallback cannot help, like a 400). */
const canRoute = (ok: boolean, category: ErrorCategory | undefined, voice: Voice): boolean =>
  (ok || category === undefined || CATEGORY_POLICY[category].fallback) &&
  (voice.pipeline?.hasFallback() ?? false);

/** A voice's predictor features: its health statistics, its calls in flight, its latest rate-limit headers. */
const newFailureFeatures = (voice: Voice, clock: () => number): FailureFeatures =>
  new FailureFeatures(voice.health, {
    clock,
    signals: {
      inFlight: () => voice.pipeline?.inFlight() ?? 0,
      oldestInFlightStartedAt: () => voice.pipeline?.oldestAttemptStartedAt?.(),
      requestBudget: () => voice.usage.requestBudget,
      inFlightSince: (t) => {
        const pipeline = voice.pipeline;
        if (pipeline === undefined) return 0;
        // Attempts without a deadline are not in the deadline queues: then count every one in flight.
        const all = pipeline.inFlight();
        const since = pipeline.attemptsStartedAfter?.(t);
        return since === undefined || (all > 0 && pipeline.oldestAttemptStartedAt?.() === undefined)
          ? all
          : since;
      },
    },
  });

/** What the loop keeps per voice for prediction and patterns (beside the Voice itself). */
interface VoiceLearning {
  readonly features: FailureFeatures;
  /** Feature vector and prior before the latest outcome ("did the next call fail"). */
  readonly before: Float64Array;
  /** What the model predicted for `before`. */
  predicted: number;
  /** When the predictor and detectors last learned from a call of this voice. */
  learnedAt: number;
  hasBefore: boolean;
  readonly shape: ResponseShape;
  readonly history: AdapterHealthSignature[];
}

/**
 * One attempt as the detectors see it. The loop reuses one (the detectors copy what they keep);
 * the voice's status is read from its health only if a detector asks (the recovery detector,
 * when an episode may end), not computed for every call.
 */
class VoiceObservation implements CallObservation {
  adapter = '';
  timestamp = 0;
  ok = false;
  category: ErrorCategory | undefined = undefined;
  latencyMs = 0;
  coherence = 0;
  responseShape: string | undefined = undefined;
  consecutiveFailures = 0;
  routedOnPrediction = false;
  health: HealthTracker | undefined = undefined;

  get status(): AdapterStatus {
    return this.health!.status;
  }
}

/** What the learning loop is wired to. */
export interface LearningLoopOptions extends Omit<HealingLedgerOptions, 'activePatterns'> {
  /** Number of voices (resonance counts adapters failing together among them). */
  readonly voiceCount: () => number;
  /** Shared state, once created (it is built after the loop and reports patterns into it). */
  readonly shared: () => SharedState | undefined;
}

/**
 * The learning loop: every upstream attempt feeds the failure predictor (and predictive routing)
 * and the pattern detectors; detected patterns go to the healer, and what both learn is remembered
 * in pattern memory. The detectors and the predictor run on the call; what a pattern sets off
 * (metrics, memory, log, events, healing) and the healer's verdicts run after the call delivered
 * its result ({@link AfterCalls}), in order.
 */
export class LearningLoop {
  /** The online failure predictor (its weights are persisted with pattern memory). */
  readonly predictor = new FailurePredictor();
  /** The pattern detectors. */
  readonly patterns: PatternEngine;
  /** The healer. */
  readonly healer: Healer;
  private readonly routing: PredictiveRouting;
  private readonly learning = new Map<Voice, VoiceLearning>();
  private readonly observation = new VoiceObservation();
  /** Whether the reused observation is being read (a pattern's consequences may report another call). */
  private observing = false;
  /** What patterns set off and the healer's verdicts, run after the call that set them off. */
  readonly afterCalls: AfterCalls;
  /** The healer's verdicts are queued in `afterCalls` (once per turn, however many calls ask). */
  private healerDue = false;
  private readonly observeHealer = (): void => {
    this.healerDue = false;
    this.healer.observe(this.o.clock());
  };

  constructor(private readonly o: LearningLoopOptions) {
    const cfg = o.config;
    this.afterCalls = new AfterCalls((err) =>
      o.logger.error({ err: String(err) }, 'learning after a call failed'),
    );
    this.patterns = new PatternEngine({
      degradation: {
        coherenceDrop: cfg.coherenceDegradationThreshold,
        windowSamples: cfg.degradationThreshold,
      },
      resonance: {
        threshold: cfg.resonanceFailureThreshold,
        windowMs: cfg.resonanceWindowMs,
        adapterCount: o.voiceCount,
      },
      historyPerType: cfg.patternsPerTypeLimit,
      historyWindowMs: cfg.patternWindowMs,
      lookup: {
        similarPastPatterns: (type, adapters) => o.memory.similarPastPatterns(type, adapters),
        successfulResolutions: (type, category) =>
          o.memory.successfulResolutions(type, category).map((r) => r.actionType),
      },
      // The engine's state changes now; what the change sets off runs after the call delivered its result.
      onPattern: (pattern) => this.afterCalls.add(() => this.patternDetected(pattern)),
      onResolved: (pattern) => this.afterCalls.add(() => this.patternResolved(pattern)),
      onError: (err) => o.logger.error({ err: String(err) }, 'pattern detection failed'),
    });
    this.routing = new PredictiveRouting({
      threshold: cfg.predictiveRoutingThreshold,
      probeShare: cfg.probeShare,
    });
    this.healer = new HealingLedger({ ...o, activePatterns: () => this.patterns.activePatterns() }).healer;
  }

  /** Forgets a released voice. */
  forget(voice: Voice): void {
    this.learning.delete(voice);
  }

  /** Starts learning about a new voice. */
  track(voice: Voice): void {
    this.learning.set(voice, {
      features: newFailureFeatures(voice, this.o.clock),
      before: new Float64Array(this.predictor.featureCount),
      predicted: 0,
      learnedAt: Number.NEGATIVE_INFINITY,
      hasBefore: false,
      shape: new ResponseShape(),
      history: [],
    });
  }

  /** Recent health snapshots of a voice (one per probe round), oldest first. */
  history(voice: Voice): AdapterHealthSignature[] {
    return [...(this.learning.get(voice)?.history ?? [])];
  }

  /** Takes a health snapshot of every voice (a probe round ended), keeping `adapterHealthHistorySize`. */
  recordHistory(): void {
    for (const [voice, learning] of this.learning) {
      learning.history.push(voice.health.snapshot());
      if (learning.history.length > this.o.config.adapterHealthHistorySize) learning.history.shift();
    }
  }

  /** Learns from one upstream attempt of a voice (after its health update). */
  observe(
    voice: Voice,
    ok: boolean,
    category: ErrorCategory | undefined,
    latencyMs: number,
    response: unknown,
    now: number,
    retryAfterMs: number | undefined,
  ): void {
    voice.lastActivity = now;
    const learning = this.learning.get(voice);
    // A released voice (its last wrap disposed) may still see calls that were in flight.
    if (learning === undefined) return;
    const health = voice.health;
    const cfg = this.o.config;
    // The detectors see every attempt the voice learns from — every attempt, but for a steady
    // voice's successes beyond one per learningIntervalMs (Voice.attemptSucceeded) — and the
    // predictor's model update is sampled the same way for successes (failures always update it).
    const sampled = !ok || now - learning.learnedAt >= cfg.learningIntervalMs;
    if (sampled) learning.learnedAt = now;
    let routedOnPrediction = false;
    if (cfg.enablePrediction && sampled) {
      if (learning.hasBefore) this.predictor.learnFromPrediction(learning.before, learning.predicted, !ok);
      const vector = learning.features.record(ok, category, latencyMs, now, retryAfterMs);
      const prior = learning.features.prior;
      const p = this.predictor.predict(vector, prior);
      learning.before.set(vector);
      learning.predicted = p;
      learning.hasBefore = true;
      const previous = health.failureProbability;
      health.setPredictedFailureProbability(p);
      routedOnPrediction = this.routing.update(voice.tuning, p, now, canRoute(ok, category, voice));
      if (p >= cfg.predictiveRoutingThreshold && previous < cfg.predictiveRoutingThreshold) {
        this.o.emit('prediction', {
          adapter: voice.name,
          probability: p,
          threshold: cfg.predictiveRoutingThreshold,
        });
      }
    }
    if (cfg.enablePatternDetection) {
      const nested = this.observing;
      const o = nested ? new VoiceObservation() : this.observation;
      o.adapter = voice.name;
      o.timestamp = now;
      o.ok = ok;
      o.category = category;
      o.latencyMs = latencyMs;
      o.coherence = health.coherence;
      o.responseShape = ok ? learning.shape.of(response) : undefined;
      o.consecutiveFailures = health.consecutiveFailures;
      o.routedOnPrediction = routedOnPrediction;
      o.health = health;
      this.observing = true;
      try {
        this.patterns.observe(o);
      } finally {
        this.observing = nested;
        o.health = undefined;
      }
    }
    if (this.healer.pendingCount > 0 && !this.healerDue) {
      this.healerDue = true;
      this.afterCalls.add(this.observeHealer);
    }
  }

  /** Resolves once what patterns set off and the healer's verdicts, queued so far, have run. */
  settled(): Promise<void> {
    return this.afterCalls.drained();
  }

  /** A pattern was detected (here, or a fleet resonance confirmed by other instances). */
  patternDetected(pattern: InfrastructurePattern): void {
    for (const adapter of pattern.affectedAdapters) {
      this.o.metrics.patternDetected(pattern.patternType, adapter);
      if (pattern.patternType !== 'recovery')
        this.o.metrics.setPatternActive(pattern.patternType, adapter, true);
    }
    this.o.memory.rememberPattern(pattern);
    this.o.shared()?.patternRemembered(pattern);
    this.o.logger.warn(
      { patternType: pattern.patternType, adapters: pattern.affectedAdapters, category: pattern.category },
      `pattern: ${pattern.patternType}`,
    );
    this.o.emit('pattern', pattern);
    this.healer.onPattern(pattern);
  }

  /** A pattern stopped being active. */
  patternResolved(pattern: InfrastructurePattern): void {
    for (const adapter of pattern.affectedAdapters) {
      this.o.metrics.setPatternActive(pattern.patternType, adapter, false);
      this.healer.patternEnded(adapter, pattern.patternType);
    }
    this.o.memory.rememberPattern(pattern);
    this.o.shared()?.patternRemembered(pattern);
  }
}
