export * from './AdapterHealthSignature.js';
export { adapterStatusOf, DEGRADED_ERROR_RATE, type AdapterStatusInput } from './adapterStatusOf.js';
export {
  SIGNATURE_WINDOW,
  coherenceOf,
  extractConsciousnessSignature,
  stabilityOf,
  type ConsciousnessSignatureReading,
  type SignatureFlags,
} from './consciousnessSignals.js';
export { Ewma, type EwmaOptions } from './Ewma.js';
export { healthTrendOf, type HealthTrendInput } from './healthTrendOf.js';
export { HealthTracker, type HealthTrackerOptions } from './HealthTracker.js';
export { OutcomeWindow, type OutcomeWindowOptions } from './OutcomeWindow.js';
export { SignatureWindow } from './SignatureWindow.js';
export { StreamingQuantile, type StreamingQuantileOptions } from './StreamingQuantile.js';
