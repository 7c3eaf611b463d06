import { HealingActionTypeSchema } from '../healing/SelfHealingAction.js';
import { type HealingActionType } from '../vocabulary/HealingActionType.js';
import { PatternTypeSchema } from '../patterns/InfrastructurePattern.js';
import { type PatternType } from '../vocabulary/PatternType.js';

/** The three parts of a healing statistics key. */
export interface HealingStatKeyParts {
  readonly patternType: PatternType;
  readonly category: string;
  readonly actionType: HealingActionType;
}

/** True for a category usable in a key: non-empty and free of the `|` separator. */
export function isHealingCategory(category: string): boolean {
  return category.length > 0 && !category.includes('|');
}

/** `<patternType>|<category>|<actionType>`, the key of `healingStats` in pattern_memory.json. */
export function healingStatKey(
  patternType: PatternType,
  category: string,
  actionType: HealingActionType,
): string {
  return `${patternType}|${category}|${actionType}`;
}

/** The parts of a healing statistics key, or undefined when it is malformed. */
export function parseHealingStatKey(key: string): HealingStatKeyParts | undefined {
  const parts = key.split('|');
  if (parts.length !== 3) return undefined;
  const patternType = PatternTypeSchema.safeParse(parts[0]);
  const actionType = HealingActionTypeSchema.safeParse(parts[2]);
  const category = parts[1] ?? '';
  if (!patternType.success || !actionType.success || !isHealingCategory(category)) return undefined;
  return { patternType: patternType.data, category, actionType: actionType.data };
}
