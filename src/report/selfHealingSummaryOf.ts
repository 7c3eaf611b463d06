import { HealingActionTypeSchema, type SelfHealingAction } from '../healing/SelfHealingAction.js';
import type { SelfHealingSummary } from './ConsciousnessReportSchema.js';

/**
 * Summarises healing actions: success rate among the judged ones (completed with a verdict; an action too few
 * calls were made under is not judged; 0 when none was judged) and the
 * most frequent action type (ties go to the type listed first in the schema; null without actions).
 */
export function selfHealingSummaryOf(actions: readonly SelfHealingAction[]): SelfHealingSummary {
  let completed = 0;
  let successful = 0;
  const byType = new Map<SelfHealingAction['actionType'], number>();
  for (const action of actions) {
    if (action.completed && action.success !== null) {
      completed++;
      if (action.success === true) successful++;
    }
    byType.set(action.actionType, (byType.get(action.actionType) ?? 0) + 1);
  }
  let mostCommonHealing: SelfHealingSummary['mostCommonHealing'] = null;
  let most = 0;
  for (const type of HealingActionTypeSchema.options) {
    const n = byType.get(type) ?? 0;
    if (n > most) {
      most = n;
      mostCommonHealing = type;
    }
  }
  return {
    totalActions: actions.length,
    successful,
    successRate: completed === 0 ? 0 : successful / completed,
    mostCommonHealing,
  };
}
