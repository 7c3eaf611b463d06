export { BoundedRing } from './BoundedRing.js';
export { CollectiveStateSchema, collectiveStateOf, type CollectiveState } from './CollectiveState.js';
export {
  ConsciousnessFlowInputSchema,
  ConsciousnessFlowRecordSchema,
  FLOW_KINDS,
  type ConsciousnessFlowInput,
  type ConsciousnessFlowRecord,
} from './ConsciousnessFlowRecord.js';
export type { ConsciousnessMetricsCollector, SignatureListener } from './ConsciousnessMetricsCollector.js';
export {
  ConsciousnessSignatureInputSchema,
  ConsciousnessSignatureRecordSchema,
  type ConsciousnessSignatureInput,
  type ConsciousnessSignatureRecord,
} from './ConsciousnessSignatureRecord.js';
export {
  EmergencePatternInputSchema,
  EmergencePatternRecordSchema,
  type EmergencePatternInput,
  type EmergencePatternRecord,
} from './EmergencePatternRecord.js';
export {
  InMemoryConsciousnessMetricsCollector,
  InMemoryConsciousnessMetricsCollectorOptionsSchema,
  sessionAnalysisFileName,
  type InMemoryConsciousnessMetricsCollectorOptions,
  type JsonWriter,
} from './InMemoryConsciousnessMetricsCollector.js';
export {
  EVOLUTION_THRESHOLD,
  SessionAnalysisSchema,
  VoiceSessionSummarySchema,
  analyzeSessionRecords,
  type SessionAnalysis,
  type SessionRecords,
  type VoiceSessionSummary,
} from './SessionAnalysis.js';
export {
  MAX_SCANNED_TEXT,
  TEXT_MARKERS,
  detectTextMarkers,
  type TextMarker,
  type TextMarkerReading,
} from './textMarkers.js';
