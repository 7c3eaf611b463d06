export type { CallObservation } from './CallObservation.js';
export {
  InfrastructurePatternSchema,
  PatternImpactSchema,
  PatternTypeSchema,
  type InfrastructurePattern,
  type PatternImpact,
  type PatternType,
} from './InfrastructurePattern.js';
export {
  NO_PATTERNS,
  REQUEST_SIDE_CATEGORIES,
  outcomeOf,
  type DetectedPattern,
  type ObservationOutcome,
  type PatternDetector,
  type PatternPhase,
} from './PatternDetector.js';
export { AdapterStates } from './AdapterStates.js';
export {
  DegradationDetector,
  DegradationOptionsSchema,
  type DegradationOptions,
  type DegradationTrigger,
} from './DegradationDetector.js';
export {
  ApiChangeDetector,
  ApiChangeOptionsSchema,
  STRUCTURAL_CATEGORIES,
  type ApiChangeOptions,
} from './ApiChangeDetector.js';
export {
  RESONANCE_ACTION,
  ResonanceDetector,
  ResonanceOptionsSchema,
  type ResonanceOptions,
} from './ResonanceDetector.js';
export { RecoveryDetector, RecoveryOptionsSchema, type RecoveryOptions } from './RecoveryDetector.js';
export {
  EMPTY_PATTERN_LOOKUP,
  PatternEngine,
  PatternEngineOptionsSchema,
  type PatternChanges,
  type PatternEngineOptions,
  type PatternLookup,
} from './PatternEngine.js';
