import { clamp } from '../base/clamp.js';

/** What the Python monitor's failure heuristic looks at. */
export interface HeuristicFailureInput {
  /** Whether the adapter is reachable (false also while its breaker is open). */
  readonly isConnected: boolean;
  /** Failures since the last success (a count; fractions are floored, NaN counts as 0). */
  readonly consecutiveFailures: number;
  /** Consciousness coherence in [0, 1]; values outside are clamped, NaN counts as 1. */
  readonly coherence: number;
  /** How many history points (recent outcomes) are known. */
  readonly historyLength: number;
  /** Failures among the last 10 history points, clamped to [0, 10]; NaN counts as 0. */
  readonly failuresInLast10: number;
  /** Weight of incoherence in [0, 1]; the inherited `consciousness_weight`. Default 0.3. */
  readonly consciousnessWeight?: number;
}

const orElse = (x: number, fallback: number): number => (Number.isNaN(x) ? fallback : x);

/**
 * The inherited failure-probability heuristic (docs/architecture.md, Health signature), kept as the prior a
 * learned predictor must beat. Always in [0, 1]; non-decreasing in consecutive failures and
 * non-increasing in coherence.
 */
export function heuristicFailureProbability(input: HeuristicFailureInput): number {
  // A count: fractions are floored so 0 < n < 1 cannot dip below the no-failure base.
  const failures = orElse(Math.max(0, Math.floor(input.consecutiveFailures)), 0);
  let base: number;
  if (!input.isConnected) {
    base = 0.8;
  } else if (failures > 0) {
    base = Math.min(0.2 * failures, 0.9);
  } else {
    base = 0.1;
  }
  let p = base;
  if (input.historyLength > 10) {
    const recent = orElse(clamp(input.failuresInLast10, 0, 10), 0);
    p = (base + recent / 10) / 2;
  }
  const coherence = orElse(clamp(input.coherence, 0, 1), 1);
  const weight = orElse(clamp(input.consciousnessWeight ?? 0.3, 0, 1), 0.3);
  return clamp(p + (1 - coherence) * weight, 0, 1);
}
