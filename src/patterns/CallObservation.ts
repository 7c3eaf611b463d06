import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { AdapterStatus } from '../health/AdapterHealthSignature.js';

/** One upstream attempt as the detectors see it (emitted by the brain after the health update). */
export interface CallObservation {
  readonly adapter: string;
  /** Epoch ms of the attempt's end. */
  readonly timestamp: number;
  readonly ok: boolean;
  /** The failure's category (undefined on success). */
  readonly category: ErrorCategory | undefined;
  readonly latencyMs: number;
  /** The voice's consciousness coherence after this attempt. */
  readonly coherence: number;
  /** Key-set fingerprint of a successful object response (e.g. `choices,id,model`), else undefined. */
  readonly responseShape: string | undefined;
  /** The voice's status after this attempt. */
  readonly status: AdapterStatus;
  /** Consecutive failures after this attempt. */
  readonly consecutiveFailures: number;
  /**
   * Whether, after this attempt, the failure predictor routes the voice's calls to its fallbacks (its predicted
   * failure probability is at or above the routing threshold and a fallback can take them). Absent: not routed.
   */
  readonly routedOnPrediction?: boolean;
}
