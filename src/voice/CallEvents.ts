import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { InfrastructurePattern } from '../patterns/InfrastructurePattern.js';
import type { AdapterHealthSignature } from '../health/AdapterHealthSignature.js';
import type { CircuitState } from '../vocabulary/CircuitState.js';
import type { HealingActionType } from '../vocabulary/HealingActionType.js';
import type { OperationRecord } from '../usage/OperationRecord.js';

/** A classified failure, as emitted to listeners and logs (no raw error: secrets stay out). */
export interface FailureEvent {
  readonly adapter: string;
  readonly method: string;
  readonly category: ErrorCategory;
  readonly status?: number;
  readonly code?: string;
  readonly message: string;
  readonly latencyMs: number;
  readonly attempt: number;
}

/** A circuit transition. */
export interface CircuitEvent {
  readonly adapter: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly timestamp: number;
}

/** A healing action taken on the call path (alias resolution, fallback routing, ...). */
export interface HealingEvent {
  readonly actionId: string;
  readonly actionType: HealingActionType;
  readonly targetAdapter: string;
  readonly initiatedAt: string;
  readonly reason: string;
  readonly parameters: Record<string, unknown>;
  /**
   * Measured success: true when the verdict (`parameters.verdict`) is `helped`; false while not completed and for
   * every other verdict, `inconclusive` (too few calls; not counted by the learner) included.
   */
  readonly success: boolean;
  /** Whether the outcome has been measured (call-path actions such as an alias are complete at once). */
  readonly completed?: boolean;
  /** Measured change of the voice's health score, once completed. */
  readonly impactOnHealth?: number | null;
}

/** The predicted failure probability of a voice crossed the routing threshold. */
export interface PredictionEvent {
  readonly adapter: string;
  readonly probability: number;
  readonly threshold: number;
}

/** Typed events of InfrastructureConsciousness. */
export interface InfrastructureEvents {
  failure: [FailureEvent];
  circuit: [CircuitEvent];
  healing: [HealingEvent];
  pattern: [InfrastructurePattern];
  prediction: [PredictionEvent];
  signature: [AdapterHealthSignature];
  /** Every upstream operation with its models and token usage (built only while somebody listens). */
  operation: [OperationRecord];
}

/** Whether each event has a listener, by event name (the brain keeps it up to date). */
export type Listening = Readonly<Record<keyof InfrastructureEvents, boolean>>;
