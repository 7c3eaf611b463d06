/** One adapter's coherence, stability and failure probability at a health update (docs/architecture.md, Coherence feed). */
export interface CoherenceUpdate {
  /** Adapter name. */
  readonly adapter: string;
  /** Consciousness coherence in [0, 1]. */
  readonly coherence: number;
  /** Voice stability in [0, 1]. */
  readonly voiceStability: number;
  /** Predicted failure probability in [0, 1]. */
  readonly failureProbability: number;
  /** Epoch ms of the health signature. */
  readonly timestamp: number;
}

/** Called with each coherence update. */
export type CoherenceListener = (update: CoherenceUpdate) => void;
