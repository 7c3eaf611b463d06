import type { HealthTrend } from './AdapterHealthSignature.js';

/** The history a trend is judged from: failures in the two halves of the recent window, and two latency averages. */
export interface HealthTrendInput {
  /** Calls in the newer half of the window. */
  readonly newerCalls: number;
  /** Failures in the newer half of the window. */
  readonly newerFailures: number;
  /** Calls in the older half of the window. */
  readonly olderCalls: number;
  /** Failures in the older half of the window. */
  readonly olderFailures: number;
  /** Fast latency EWMA (recent behaviour), ms. */
  readonly fastLatencyMs: number;
  /** Slow latency EWMA (baseline), ms. */
  readonly slowLatencyMs: number;
  /** Weighted standard deviation of latency around the slow EWMA, ms. */
  readonly slowLatencyStdDevMs: number;
  /** Latency observations behind the averages. */
  readonly latencySamples: number;
}

/** Fewest calls per half before error rates are compared. */
export const MIN_CALLS_PER_HALF = 5;
/** Smallest error-rate difference between halves that counts as a change. */
export const MIN_ERROR_RATE_CHANGE = 0.1;
/** Two-proportion z-score a change must reach. */
export const MIN_ERROR_RATE_Z = 2;
/** Fewest latency observations before latency is compared. */
export const MIN_LATENCY_SAMPLES = 10;
/** Fast/slow latency ratio that counts as worse (its inverse counts as better). */
export const LATENCY_RATIO = 1.25;

/** -1 better, 0 no clear change, +1 worse: newer-half vs older-half error rate, two-proportion z-test. */
function errorRateDirection(input: HealthTrendInput): number {
  const { newerCalls: n1, newerFailures: f1, olderCalls: n2, olderFailures: f2 } = input;
  if (n1 < MIN_CALLS_PER_HALF || n2 < MIN_CALLS_PER_HALF) {
    return 0;
  }
  const diff = f1 / n1 - f2 / n2;
  const pooled = (f1 + f2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (Math.abs(diff) < MIN_ERROR_RATE_CHANGE || se === 0 || Math.abs(diff) / se < MIN_ERROR_RATE_Z) {
    return 0;
  }
  return diff > 0 ? 1 : -1;
}

/** -1 better, 0 no clear change, +1 worse: fast vs slow latency EWMA, by ratio and by one weighted sd. */
function latencyDirection(input: HealthTrendInput): number {
  const { fastLatencyMs: fast, slowLatencyMs: slow, slowLatencyStdDevMs: sd } = input;
  if (input.latencySamples < MIN_LATENCY_SAMPLES || !(slow > 0)) {
    return 0;
  }
  if (fast >= slow * LATENCY_RATIO && fast - slow >= sd) {
    return 1;
  }
  if (fast <= slow / LATENCY_RATIO && slow - fast >= sd) {
    return -1;
  }
  return 0;
}

/**
 * Direction of an adapter's health over its recent history. 'degrading' when the newer half of the
 * window fails clearly more often than the older half (difference ≥ 0.1 and z ≥ 2) or latency
 * rose clearly (fast EWMA ≥ 1.25 × slow and ≥ one sd above it); 'improving' when one of them is
 * clearly better and neither is worse; otherwise 'stable'.
 */
export function healthTrendOf(input: HealthTrendInput): HealthTrend {
  const errors = errorRateDirection(input);
  const latency = latencyDirection(input);
  if (errors > 0 || latency > 0) {
    return 'degrading';
  }
  if (errors < 0 || latency < 0) {
    return 'improving';
  }
  return 'stable';
}
