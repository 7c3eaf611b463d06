import { z } from 'zod';
import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import { AdapterStates } from './AdapterStates.js';
import type { CallObservation } from './CallObservation.js';
import type { PatternImpact } from '../vocabulary/PatternType.js';
import { NO_PATTERNS, outcomeOf, type DetectedPattern, type PatternDetector } from './PatternDetector.js';
import { parsePatternOptions } from './parsePatternOptions.js';

/** Options of a {@link DegradationDetector} (validated once, at construction). */
export const DegradationOptionsSchema = z
  .object({
    /**
     * How far the fast average of log latency must rise above the slow baseline, in robust standard deviations
     * of the per-call latency noise. With the other defaults, 2.5 gave no false alarm in ~1.4·10^8 simulated
     * healthy calls (uniform or log-normal jitter up to ±50 %, 3 % isolated 3–4x spikes, slow diurnal drift; only
     * 5 % of calls at 10x alarmed, about once per 2.5 million calls) while catching a 200 ms → 2 s ramp over 60
     * calls within ~10 calls and a noise-free 50 ms → 2 s ramp over 30 s within ~3 s.
     */
    latencyDriftThreshold: z.number().positive().default(2.5),
    /** How far the fast error rate (about the last 10 calls) must rise above the slow one (about the last 50). */
    errorRateDriftThreshold: z.number().gt(0).max(1).default(0.2),
    /** Observations an adapter needs before the drift statistics may fire (the baselines are learned first). */
    minSamples: z.number().int().min(2).default(20),
    /** Consecutive observations a drift statistic must stay above its threshold, so one spike is not a drift. */
    confirmSamples: z.number().int().min(1).default(4),
    /** Coherence falling by more than this below its level in the recent window is degradation (inherited: 0.2). */
    coherenceDrop: z.number().positive().max(1).default(0.2),
    /** Observations the coherence level is compared over: the inherited "last 5 samples" (its threshold 5). */
    windowSamples: z.number().int().min(2).default(5),
    /**
     * A failure streak this long is degradation. The Python monitor fired on any rising streak because it sampled
     * every 30 s; per call, one or two failures in a row are ordinary noise at a 1–5 % background error rate.
     */
    minConsecutiveFailures: z.number().int().min(1).default(3),
    /**
     * While the failure predictor routes a voice's calls to its fallbacks, only its probes still reach it, so the
     * streak that confirms a failing voice may never grow to `minConsecutiveFailures` within the fault: a failure
     * streak this much shorter (at least one failure) is degradation then — the predictor expecting the next calls
     * to fail (p at or above the routing threshold, from the failure, the latency and the calls in flight) stands in
     * for the failures routing keeps from happening. Default 2: a failure after which the predictor routes the
     * voice. Routing can start at the first failure (a latency already climbing towards the timeout), and then even
     * a second one may not come before the fault ends. 0 turns the rule off.
     */
    routedStreakAllowance: z.number().int().min(0).default(2),
    /** A streak this long makes the impact `severe` instead of `moderate` (inherited: 3). */
    severeConsecutiveFailures: z.number().int().min(1).default(3),
    /** Consecutive observations with every statistic back to normal before the pattern is resolved. */
    resolveAfter: z.number().int().min(1).default(10),
    /** Adapters tracked at most; the least recently observed is forgotten beyond that. */
    maxAdapters: z.number().int().min(1).default(256),
  })
  .strict();

/** Options of a {@link DegradationDetector}, as the caller writes them. */
export type DegradationOptions = z.input<typeof DegradationOptionsSchema>;

/** What set a degradation off (the first one holding, in this order, names the pattern's suggested action). */
export type DegradationTrigger =
  | 'consecutive_failures'
  | 'breaker_open'
  | 'predicted_failure'
  | 'error_rate_drift'
  | 'latency_drift'
  | 'coherence_drop';

// Smoothing weights of the per-adapter averages: the fast ones follow about the last 3–10 calls, the slow ones
// (the baselines) about the last 50; both start as plain running means so the first value does not dominate.
const LATENCY_FAST_ALPHA = 0.3;
const LATENCY_SLOW_ALPHA = 0.02;
const NOISE_ALPHA = 0.02;
const ERROR_FAST_ALPHA = 0.1;
const ERROR_SLOW_ALPHA = 0.02;
// A latency may exceed the higher of the baseline and the previous accepted latency by at most 3 noise deviations;
// beyond that it enters the fast average clipped. A ramp or a step still passes (each call is close to the one
// before, or climbs 3 deviations per call), while a lone outlier moves the fast average by 0.9 deviations and even
// three outliers in a row stay below the threshold for fewer than `confirmSamples` calls.
const SPIKE_CLIP = 3;
// Floor of the log-latency noise scale (5 %): a perfectly steady latency must still rise materially to drift.
const MIN_LOG_SCALE = 0.05;
// sqrt(pi)/2 turns the mean absolute successive difference into a standard deviation (exact for normal noise);
// successive differences ignore a trend, so a ramp does not inflate its own noise estimate.
const ABS_DIFF_TO_SD = Math.sqrt(Math.PI) / 2;
// Absorbs float noise so that a drop of exactly the threshold (0.9 -> 0.7) is not "more than" it.
const EPSILON = 1e-9;
const RULE_CONFIDENCE = 0.8;
// A drift that fired holds until its statistic falls below half the threshold (hysteresis): while a new level
// is being absorbed the statistic hovers near the threshold, and must not resolve and re-fire over and over.
const RELEASE = 0.5;

/** Which degradation rules hold for the current observation. */
interface HotRules {
  readonly failureStreak: boolean;
  readonly breakerOpen: boolean;
  readonly predicted: boolean;
  readonly errorDrift: boolean;
  readonly latencyDrift: boolean;
  readonly coherenceDrop: boolean;
}

class DegradationState {
  successes = 0;
  lastLogLatency = 0;
  fastLog = 0;
  slowLog = 0;
  lastAccepted = 0;
  meanAbsDiff = 0;
  latencyStreak = 0;
  latencyScore = 0;
  latencyDrifting = false;
  outcomes = 0;
  errorFast = 0;
  errorSlow = 0;
  errorStreak = 0;
  errorDrifting = false;
  lastFailureCategory: ErrorCategory | undefined = undefined;
  readonly coherence: Float64Array;
  coherenceHead = 0;
  coherenceFilled = 0;
  coherenceLoss = 0;
  active = false;
  impact: PatternImpact = 'moderate';
  confidence = 0;
  trigger: DegradationTrigger = 'latency_drift';
  quiet = 0;

  constructor(windowSamples: number) {
    this.coherence = new Float64Array(windowSamples);
  }

  /** Robust standard deviation of per-call log latency. */
  get logScale(): number {
    return Math.max(this.meanAbsDiff * ABS_DIFF_TO_SD, MIN_LOG_SCALE);
  }
}

/**
 * Detects an adapter getting worse (`degradation`, docs/architecture.md, Patterns, prediction, healing): a statistically supported upward drift of latency
 * (fast vs slow average of log latency, in units of the latency noise) or of the error rate (fast vs slow
 * failure rate), a failure streak (any failure, while the failure predictor routes the voice's calls away),
 * or coherence falling by more than 0.2 within the recent window. Fires once
 * per episode (again only to escalate to `severe`), resolves after `resolveAfter` quiet observations.
 */
export class DegradationDetector implements PatternDetector {
  /** Always `degradation`. */
  public readonly type = 'degradation' as const;
  /** The validated options, defaults applied. */
  public readonly options: z.output<typeof DegradationOptionsSchema>;
  private readonly states: AdapterStates<DegradationState>;
  /** The resolution of a pattern whose adapter was just forgotten, returned with the current observation. */
  private evicted: DetectedPattern | undefined = undefined;

  /** Creates a detector; throws a TypeError naming the option path when an option is invalid. */
  constructor(options?: DegradationOptions) {
    this.options = parsePatternOptions('DegradationDetector', DegradationOptionsSchema, options);
    const window = this.options.windowSamples;
    this.states = new AdapterStates(
      this.options.maxAdapters,
      () => new DegradationState(window),
      (adapter, old) => {
        if (old.active) this.evicted = this.resolved(adapter, old, 'forgotten');
      },
    );
  }

  /** Adapters tracked. */
  public get size(): number {
    return this.states.size;
  }

  /** Updates the adapter's statistics; returns a pattern when degradation starts, escalates or ends. */
  public observe(o: CallObservation): readonly DetectedPattern[] {
    const s = this.states.touch(o.adapter);
    const evicted = this.evicted;
    this.evicted = undefined;
    const outcome = outcomeOf(o);
    let emitted: DetectedPattern | undefined;
    if (outcome !== 'neutral') emitted = this.update(o, s, outcome === 'failure');
    if (evicted === undefined) return emitted === undefined ? NO_PATTERNS : [emitted];
    return emitted === undefined ? [evicted] : [evicted, emitted];
  }

  private update(o: CallObservation, s: DegradationState, failed: boolean): DetectedPattern | undefined {
    const opts = this.options;
    if (failed) {
      s.lastFailureCategory = o.category ?? 'unknown';
    } else if (Number.isFinite(o.latencyMs) && o.latencyMs >= 0) {
      this.updateLatency(s, o.latencyMs);
    }
    this.updateErrorRate(s, failed);
    this.updateCoherence(s, o.coherence);

    const failureStreak = failed && o.consecutiveFailures >= opts.minConsecutiveFailures;
    // A failure after which the voice is disconnected (its breaker open: more than half of its recent calls failed,
    // a stronger statement than any streak). The breaker then refuses calls for its reset time, and refused calls
    // are neutral here, so this failure may be the last one seen of the fault.
    const breakerOpen = !failureStreak && failed && o.status === 'disconnected';
    const predicted =
      !failureStreak &&
      failed &&
      o.routedOnPrediction === true &&
      opts.routedStreakAllowance > 0 &&
      o.consecutiveFailures >= Math.max(1, opts.minConsecutiveFailures - opts.routedStreakAllowance);
    const errorDrift = s.errorDrifting;
    const latencyDrift = s.latencyDrifting;
    const coherenceDrop = s.coherenceLoss > opts.coherenceDrop + EPSILON;
    const hot = failureStreak || breakerOpen || predicted || errorDrift || latencyDrift || coherenceDrop;
    const severe = failed && o.consecutiveFailures >= opts.severeConsecutiveFailures;

    if (!s.active) {
      if (!hot) return undefined;
      s.active = true;
      s.quiet = 0;
      s.impact = severe ? 'severe' : 'moderate';
    } else if (hot) {
      s.quiet = 0;
      // An active pattern is reported again only when it escalates to severe.
      if (!severe || s.impact === 'severe') return undefined;
      s.impact = 'severe';
    } else {
      s.quiet++;
      if (s.quiet < opts.resolveAfter) return undefined;
      s.active = false;
      return this.resolved(o.adapter, s, 'statistics_normal');
    }
    return this.activePattern(o, s, {
      failureStreak,
      breakerOpen,
      predicted,
      errorDrift,
      latencyDrift,
      coherenceDrop,
    });
  }

  private updateLatency(s: DegradationState, latencyMs: number): void {
    // Log latency: latency noise is multiplicative, so drifts and spreads are compared as ratios.
    const x = Math.log(Math.max(latencyMs, 1));
    const n = s.successes;
    if (n === 0) {
      s.fastLog = x;
      s.slowLog = x;
      s.lastAccepted = x;
    } else {
      const scale = s.logScale;
      s.meanAbsDiff += Math.max(NOISE_ALPHA, 1 / n) * (Math.abs(x - s.lastLogLatency) - s.meanAbsDiff);
      const ceiling = Math.max(s.slowLog, s.lastAccepted) + SPIKE_CLIP * scale;
      const accepted = n >= this.options.minSamples ? Math.min(x, ceiling) : x;
      s.lastAccepted = accepted;
      s.fastLog += Math.max(LATENCY_FAST_ALPHA, 1 / (n + 1)) * (accepted - s.fastLog);
      // The baseline takes the raw value: a lasting new level is absorbed within ~150 calls and the drift ends.
      s.slowLog += Math.max(LATENCY_SLOW_ALPHA, 1 / (n + 1)) * (x - s.slowLog);
    }
    s.lastLogLatency = x;
    s.successes = n + 1;
    // The fast average restarts from the baseline when the warm-up ends: an outlier among the first calls
    // (which are not clipped yet, as the noise scale is still unknown) must not look like a drift.
    if (s.successes === this.options.minSamples) {
      s.fastLog = s.slowLog;
      s.lastAccepted = s.slowLog;
    }
    s.latencyScore = (s.fastLog - s.slowLog) / s.logScale;
    const threshold = this.options.latencyDriftThreshold;
    const above = s.successes >= this.options.minSamples && s.latencyScore >= threshold;
    s.latencyStreak = above ? s.latencyStreak + 1 : 0;
    s.latencyDrifting = s.latencyDrifting
      ? s.latencyScore >= threshold * RELEASE
      : s.latencyStreak >= this.options.confirmSamples;
  }

  private updateErrorRate(s: DegradationState, failed: boolean): void {
    const x = failed ? 1 : 0;
    const warmup = 1 / (s.outcomes + 1);
    s.errorFast += Math.max(ERROR_FAST_ALPHA, warmup) * (x - s.errorFast);
    s.errorSlow += Math.max(ERROR_SLOW_ALPHA, warmup) * (x - s.errorSlow);
    s.outcomes++;
    const rise = s.errorFast - s.errorSlow;
    const threshold = this.options.errorRateDriftThreshold;
    s.errorStreak = s.outcomes >= this.options.minSamples && rise >= threshold ? s.errorStreak + 1 : 0;
    s.errorDrifting = s.errorDrifting
      ? rise >= threshold * RELEASE
      : s.errorStreak >= this.options.confirmSamples;
  }

  private updateCoherence(s: DegradationState, coherence: number): void {
    if (!Number.isFinite(coherence)) return;
    const ring = s.coherence;
    ring[s.coherenceHead] = coherence;
    s.coherenceHead = s.coherenceHead + 1 === ring.length ? 0 : s.coherenceHead + 1;
    if (s.coherenceFilled < ring.length) s.coherenceFilled++;
    // The level it fell from is the window's best: a dip after a bump counts, a slow slide over many windows not.
    let level = coherence;
    for (let i = 0; i < s.coherenceFilled; i++) level = Math.max(level, ring[i]!);
    s.coherenceLoss = level - coherence;
  }

  private activePattern(o: CallObservation, s: DegradationState, hot: HotRules): DetectedPattern {
    const { failureStreak, breakerOpen, predicted, errorDrift, latencyDrift, coherenceDrop } = hot;
    const opts = this.options;
    const triggers: DegradationTrigger[] = [];
    let confidence = 0;
    if (failureStreak) {
      triggers.push('consecutive_failures');
      confidence = Math.max(confidence, RULE_CONFIDENCE);
    }
    if (breakerOpen) {
      triggers.push('breaker_open');
      confidence = Math.max(confidence, RULE_CONFIDENCE);
    }
    if (predicted) {
      triggers.push('predicted_failure');
      confidence = Math.max(confidence, RULE_CONFIDENCE);
    }
    const errorRise = s.errorFast - s.errorSlow;
    if (errorDrift) {
      triggers.push('error_rate_drift');
      confidence = Math.max(confidence, strengthConfidence(errorRise, opts.errorRateDriftThreshold));
    }
    if (latencyDrift) {
      triggers.push('latency_drift');
      confidence = Math.max(confidence, strengthConfidence(s.latencyScore, opts.latencyDriftThreshold));
    }
    if (coherenceDrop) {
      triggers.push('coherence_drop');
      confidence = Math.max(confidence, RULE_CONFIDENCE);
    }
    s.trigger = triggers[0] ?? s.trigger;
    s.confidence = confidence;
    const failureRelated =
      s.trigger === 'consecutive_failures' ||
      s.trigger === 'breaker_open' ||
      s.trigger === 'predicted_failure' ||
      s.trigger === 'error_rate_drift';
    const category = failureRelated ? s.lastFailureCategory : undefined;
    return {
      type: 'degradation',
      phase: 'active',
      adapters: [o.adapter],
      confidence,
      impact: s.impact,
      suggestedAction: SUGGESTED_ACTION[s.trigger],
      ...(category !== undefined ? { category } : {}),
      evidence: {
        trigger: s.trigger,
        triggers,
        latencyScore: s.latencyScore,
        latencyThreshold: opts.latencyDriftThreshold,
        latencyRecentMs: Math.exp(s.fastLog),
        latencyBaselineMs: Math.exp(s.slowLog),
        errorRateRecent: s.errorFast,
        errorRateBaseline: s.errorSlow,
        consecutiveFailures: o.consecutiveFailures,
        routedOnPrediction: o.routedOnPrediction === true,
        coherence: o.coherence,
        coherenceDrop: s.coherenceLoss,
        samples: s.outcomes,
      },
    };
  }

  private resolved(adapter: string, s: DegradationState, reason: string): DetectedPattern {
    return {
      type: 'degradation',
      phase: 'resolved',
      adapters: [adapter],
      confidence: s.confidence,
      impact: s.impact,
      suggestedAction: SUGGESTED_ACTION[s.trigger],
      evidence: { trigger: s.trigger, reason, quietObservations: s.quiet },
    };
  }
}

const SUGGESTED_ACTION: Readonly<Record<DegradationTrigger, string>> = {
  consecutive_failures: 'Repeated failures - apply a retry strategy with backoff and keep the fallback ready',
  breaker_open:
    'Most recent calls failed and the breaker opened - calls go to the fallbacks until its trial call succeeds',
  predicted_failure:
    'Failures predicted to go on - calls are routed to the fallbacks while probes keep measuring the voice',
  error_rate_drift: 'Error rate rising - apply a retry strategy with backoff',
  latency_drift:
    'Latency drifting upward - route calls to a fallback, probing the voice under the adaptive timeout',
  coherence_drop: 'Consciousness coherence falling - check the voice for unstable responses',
};

/** Confidence from how far a statistic is past its threshold: 0.6 at the threshold, towards 0.95 far beyond. */
function strengthConfidence(statistic: number, threshold: number): number {
  if (!(statistic > 0)) return 0.6;
  return Math.min(0.95, 0.6 + 0.35 * Math.max(0, 1 - threshold / statistic));
}
