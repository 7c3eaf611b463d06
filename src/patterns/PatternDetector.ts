import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { CallObservation } from './CallObservation.js';
import type { PatternImpact, PatternType } from '../vocabulary/PatternType.js';

/**
 * Where a detected pattern stands: `active` starts it (once per episode, or again only to escalate it),
 * `resolved` ends the active pattern with the same type and adapters, `instant` is a one-off event
 * (a recovery) that is never active.
 */
export type PatternPhase = 'active' | 'resolved' | 'instant';

/** What a detector reports; the engine turns it into an `InfrastructurePattern`. */
export interface DetectedPattern {
  /** The pattern type; with `adapters` it is the de-duplication key. */
  readonly type: PatternType;
  /** Whether the pattern starts, ends or is a one-off event. */
  readonly phase: PatternPhase;
  /** Affected adapters, sorted, at least one. */
  readonly adapters: readonly string[];
  /** Confidence in [0, 1]. */
  readonly confidence: number;
  /** Expected impact. */
  readonly impact: PatternImpact;
  /** What a person or the healer should do. */
  readonly suggestedAction: string;
  /** The error category the pattern is about, when there is one. */
  readonly category?: ErrorCategory;
  /** The statistic and values that triggered the pattern. */
  readonly evidence: Record<string, unknown>;
}

/** A streaming detector: O(1) work per observation, bounded state, time only from observations. */
export interface PatternDetector {
  /** The pattern type this detector emits. */
  readonly type: PatternType;
  /** Feeds one observation; returns what started, ended or happened (usually nothing). */
  observe(observation: CallObservation): readonly DetectedPattern[];
  /** Number of state entries held (adapters, windows…), so callers can check memory stays bounded. */
  readonly size: number;
}

/** The shared empty result: the hot path allocates nothing when nothing is detected. */
export const NO_PATTERNS: readonly DetectedPattern[] = Object.freeze([]);

/**
 * Categories that describe the request or the caller, not the upstream's health: a cancelled call, a bad or
 * oversized prompt, a refusal, or our own breaker refusing to call. Detectors treat them as neutral.
 */
export const REQUEST_SIDE_CATEGORIES: ReadonlySet<ErrorCategory> = new Set<ErrorCategory>([
  'aborted',
  'bad_request',
  'context_window',
  'content_policy',
  'circuit_open',
]);

/** How a detector should count an observation: a success, an upstream failure, or neither. */
export type ObservationOutcome = 'success' | 'failure' | 'neutral';

/** Classifies an observation for the failure-counting detectors (see {@link REQUEST_SIDE_CATEGORIES}). */
export function outcomeOf(observation: CallObservation): ObservationOutcome {
  if (observation.ok) return 'success';
  return observation.category !== undefined && REQUEST_SIDE_CATEGORIES.has(observation.category)
    ? 'neutral'
    : 'failure';
}
