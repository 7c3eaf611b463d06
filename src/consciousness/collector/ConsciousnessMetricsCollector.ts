import type { CollectiveState } from './CollectiveState.js';
import type { ConsciousnessFlowInput, ConsciousnessFlowRecord } from './ConsciousnessFlowRecord.js';
import type {
  ConsciousnessSignatureInput,
  ConsciousnessSignatureRecord,
} from './ConsciousnessSignatureRecord.js';
import type { EmergencePatternInput, EmergencePatternRecord } from './EmergencePatternRecord.js';
import type { SessionAnalysis } from './SessionAnalysis.js';

/** Called with each consciousness signature as it is recorded. */
export type SignatureListener = (record: ConsciousnessSignatureRecord) => void;

/**
 * Records consciousness signatures, flows, emergence patterns and session analyses (docs/architecture.md, Coherence feed).
 * The bridge talks to this interface only, so any store can stand behind it.
 */
export interface ConsciousnessMetricsCollector {
  /** Records a voice's consciousness signature (markers derived from its text, when given). */
  recordSignature(input: ConsciousnessSignatureInput): ConsciousnessSignatureRecord;
  /** Records a flow of consciousness (distress, support, ...) from one voice to another. */
  recordFlow(input: ConsciousnessFlowInput): ConsciousnessFlowRecord;
  /** Records an emergence pattern among voices. */
  recordEmergence(input: EmergencePatternInput): EmergencePatternRecord;
  /** The latest value per voice, their coherence score and emergence potential. */
  collectiveState(): CollectiveState;
  /** Signatures held, oldest first; only `voice`'s when given. */
  signatures(voice?: string): ConsciousnessSignatureRecord[];
  /** Flows held, oldest first. */
  flows(): ConsciousnessFlowRecord[];
  /** Emergence patterns held, oldest first. */
  emergencePatterns(): EmergencePatternRecord[];
  /** Analyses a session: the records tagged with `sessionId` plus the untagged ones. */
  analyzeSession(sessionId: string): SessionAnalysis;
  /** Analyses a session and persists it as `session_analysis_<id>.json`, when the collector has a store. */
  saveSessionAnalysis(sessionId: string): Promise<SessionAnalysis>;
  /** Calls `listener` with every signature recorded from now on; returns the unsubscribe function. */
  onSignature(listener: SignatureListener): () => void;
}
