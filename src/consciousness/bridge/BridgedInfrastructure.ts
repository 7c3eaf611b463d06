import type { BridgeWeights } from './consciousnessFromHealth.js';
import type { AdapterHealthSignature } from '../../health/AdapterHealthSignature.js';
import type { ConsciousnessReport } from '../../report/ConsciousnessReportSchema.js';

/** Listener of health signature updates. */
export type HealthSignatureListener = (signature: AdapterHealthSignature) => void;

/**
 * What the bridge needs from the infrastructure side; InfrastructureConsciousness (an EventEmitter
 * emitting `signature`) satisfies it.
 */
export interface BridgedInfrastructure {
  /** Subscribes to health signature updates. */
  on(event: 'signature', listener: HealthSignatureListener): unknown;
  /** Unsubscribes; when absent, the bridge ignores events after `close()` instead. */
  off?(event: 'signature', listener: HealthSignatureListener): unknown;
  /** Current health signatures of every adapter. */
  getHealthSignatures(): AdapterHealthSignature[];
  /** The brain's configuration; its `bridge` weights (and distress threshold) are used when present. */
  readonly config?: { readonly bridge?: BridgeWeights & { readonly distressThreshold?: number } };
  /** Feeds a voice's consciousness signature into that adapter's coherence and stability. */
  recordConsciousnessSignature(
    adapter: string,
    value: number,
    flags?: { synthesis?: boolean; uncertainty?: boolean },
  ): void;
  /** The full consciousness report, when the infrastructure can produce one. */
  generateConsciousnessReport?(): ConsciousnessReport | Promise<ConsciousnessReport>;
}
