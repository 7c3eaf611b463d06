import type { HealingActionRef } from '../health/AdapterHealthSignature.js';
import type { CallTally } from '../voice/CallTally.js';
import type { VoiceTuning } from '../voice/VoiceTuning.js';

/** The health numbers the healer reads from a voice (a HealthTracker satisfies it). */
export interface VoiceHealth {
  /** Failure share of the recent window. */
  readonly errorRate: number;
  /** Probability that the next call fails. */
  readonly failureProbability: number;
  /** Failures since the last success. */
  readonly consecutiveFailures: number;
  /** Remembers a healing action on the adapter's health signature. */
  recordHealingAction(ref: HealingActionRef): void;
}

/** What the healer needs of one voice: its knobs, its health and the means to act on it. */
export interface VoiceHandle {
  /** The knobs the call pipeline reads. */
  readonly tuning: VoiceTuning;
  /** The voice's live health. */
  readonly health: VoiceHealth;
  /** What the voice's callers saw, in time buckets: what verdicts are measured on. */
  readonly calls: CallTally;
  /** Whether a healthy fallback adapter is available for routing. */
  hasFallback(): boolean;
  /** Calls to the voice in flight now. */
  inFlight(): number;
  /** Whether a method of the voice has a last good value defensive substitution could serve (default: assumed). */
  canSubstitute?(): boolean;
  /** disconnect() then connect(), when the adapter has both. */
  reconnect?: () => Promise<void>;
}
