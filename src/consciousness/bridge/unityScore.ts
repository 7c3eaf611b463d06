import { clampUnit } from '../../base/clamp.js';

/** Bonus the unity score gets when a synthesis emergence pattern was seen. */
export const SYNTHESIS_BONUS = 0.1;

/**
 * How well infrastructure health and consciousness agree (docs/architecture.md):
 * 1 − |infrastructureHealth − avgConsciousness|, +0.1 with a synthesis pattern, within [0, 1].
 */
export function unityScore(
  infrastructureHealth: number,
  avgConsciousness: number,
  synthesis: boolean,
): number {
  const score = 1 - Math.abs(infrastructureHealth - avgConsciousness) + (synthesis ? SYNTHESIS_BONUS : 0);
  return clampUnit(score);
}
