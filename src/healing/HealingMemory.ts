import type { HealingActionType } from '../vocabulary/HealingActionType.js';
import type { PatternType } from '../vocabulary/PatternType.js';
import type { SelfHealingAction } from './SelfHealingAction.js';

/** Success and failure counts of one healing action. */
export interface HealingOutcomeCounts {
  readonly successes: number;
  readonly failures: number;
}

/**
 * What the healer reads and writes of pattern memory (PatternMemory implements it): healing owns
 * the interface so that memory, which stores healing actions, sits above healing.
 */
export interface HealingMemory {
  /** Success and failure counts of each action for a pattern type and category. */
  healingStats(patternType: PatternType, category: string): Record<HealingActionType, HealingOutcomeCounts>;
  /** Counts a measured outcome of an action taken for a pattern type and category. */
  recordHealingOutcome(
    patternType: PatternType,
    category: string,
    actionType: HealingActionType,
    success: boolean,
    at: number,
  ): void;
  /** Remembers a healing action (updated in place by its id once its outcome is measured). */
  rememberHealing(action: SelfHealingAction): boolean;
}
