import type { AdapterStatus } from './AdapterHealthSignature.js';
import type { CircuitState } from '../vocabulary/CircuitState.js';

/** What an adapter's status is decided from. */
export interface AdapterStatusInput {
  /** Whether the adapter is reachable. */
  readonly isConnected: boolean;
  /** State of its circuit breaker. */
  readonly circuitState: CircuitState;
  /** Failures since the last success. */
  readonly consecutiveFailures: number;
  /** Failure share of the recent window. */
  readonly errorRate: number;
  /** Failures still in the recent window. */
  readonly windowFailures: number;
}

/** Error rate of the recent window at or above which an adapter is degraded. */
export const DEGRADED_ERROR_RATE = 0.2;

/**
 * Status of an adapter, first rule that applies: 'disconnected' when not connected or the breaker
 * is open; 'degraded' when the last call failed, the window's error rate is ≥ 0.2 or the breaker
 * is half open; 'recovering' when the last call succeeded but failures of the episode are still in
 * the window; otherwise 'healthy' (the window is free of failures).
 */
export function adapterStatusOf(input: AdapterStatusInput): AdapterStatus {
  if (!input.isConnected || input.circuitState === 'open') {
    return 'disconnected';
  }
  if (
    input.consecutiveFailures >= 1 ||
    input.errorRate >= DEGRADED_ERROR_RATE ||
    input.circuitState === 'half_open'
  ) {
    return 'degraded';
  }
  return input.windowFailures > 0 ? 'recovering' : 'healthy';
}
