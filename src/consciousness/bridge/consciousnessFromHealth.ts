import type { AdapterHealthSignature } from '../../health/AdapterHealthSignature.js';
import { clampUnit } from '../../base/clamp.js';

/** The health fields the consciousness value is computed from. */
export type HealthForConsciousness = Pick<
  AdapterHealthSignature,
  'isConnected' | 'consciousnessCoherence' | 'voiceStability' | 'predictedFailureProbability'
>;

/** Weights of the health → consciousness formula (the brain's `config.bridge`). */
export interface BridgeWeights {
  readonly connectedBase: number;
  readonly disconnectedBase: number;
  readonly coherenceWeight: number;
  readonly stabilityWeight: number;
  readonly failurePenalty: number;
}

/** The inherited weights (docs/architecture.md, Coherence feed). */
export const DEFAULT_BRIDGE_WEIGHTS: BridgeWeights = Object.freeze({
  connectedBase: 0.5,
  disconnectedBase: 0.1,
  coherenceWeight: 0.3,
  stabilityWeight: 0.2,
  failurePenalty: 0.4,
});

/**
 * An adapter's health as a consciousness signature value (docs/architecture.md):
 * clamp01((connected ? 0.5 : 0.1) + 0.3·coherence + 0.2·stability − 0.4·p), weights configurable.
 */
export function consciousnessFromHealth(
  health: HealthForConsciousness,
  weights: BridgeWeights = DEFAULT_BRIDGE_WEIGHTS,
): number {
  const raw =
    (health.isConnected ? weights.connectedBase : weights.disconnectedBase) +
    weights.coherenceWeight * health.consciousnessCoherence +
    weights.stabilityWeight * health.voiceStability -
    weights.failurePenalty * health.predictedFailureProbability;
  return clampUnit(raw);
}
