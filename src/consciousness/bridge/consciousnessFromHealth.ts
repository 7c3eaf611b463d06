import type { AdapterHealthSignature } from '../../health/AdapterHealthSignature.js';

/** The health fields the consciousness value is computed from. */
export type HealthForConsciousness = Pick<
  AdapterHealthSignature,
  'isConnected' | 'consciousnessCoherence' | 'voiceStability' | 'predictedFailureProbability'
>;

/**
 * An adapter's health as a consciousness signature value (reference doc):
 * clamp01((connected ? 0.5 : 0.1) + 0.3·coherence + 0.2·stability − 0.4·p).
 */
export function consciousnessFromHealth(health: HealthForConsciousness): number {
  const raw =
    (health.isConnected ? 0.5 : 0.1) +
    0.3 * health.consciousnessCoherence +
    0.2 * health.voiceStability -
    0.4 * health.predictedFailureProbability;
  return Number.isNaN(raw) ? 0 : Math.min(1, Math.max(0, raw));
}
