import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { HealingMemory } from './HealingMemory.js';
import type { PatternType } from '../vocabulary/PatternType.js';
import { defaultHealingPrior, type HealingPrior } from './healingPrior.js';
import type { RandomSource } from './RandomSource.js';
import { sampleBeta } from './sampleBeta.js';
import type { HealingActionType } from '../vocabulary/HealingActionType.js';

/** The key under which outcomes without a category are counted in memory. */
export const NO_CATEGORY = 'none';

/** Options of a {@link HealingPolicy}. */
export interface HealingPolicyOptions {
  /** Where the outcome counts live (`healingStats`). */
  readonly memory: HealingMemory;
  /** Uniform [0, 1) source for the Thompson draws. */
  readonly random: RandomSource;
  /** Pseudo-counts per context and action. Default {@link defaultHealingPrior}. */
  readonly prior?: HealingPrior;
}

/** Parameters of a Beta posterior over an action's success rate. */
export interface BetaPosterior {
  readonly alpha: number;
  readonly beta: number;
}

/**
 * Chooses a healing action by Thompson sampling per (pattern type, category): each applicable action's success
 * rate is drawn from Beta(successes + prior successes, failures + prior failures), counts read from
 * HealingMemory, and the highest draw wins. Deterministic for a given random source.
 */
export class HealingPolicy {
  private readonly memory: HealingMemory;
  private readonly random: RandomSource;
  private readonly prior: HealingPrior;

  /** Creates a policy over `memory`'s statistics. */
  constructor(options: HealingPolicyOptions) {
    this.memory = options.memory;
    this.random = options.random;
    this.prior = options.prior ?? defaultHealingPrior;
  }

  /** The Beta posterior of `actionType`'s success rate in the context. */
  posterior(
    patternType: PatternType,
    category: ErrorCategory | undefined,
    actionType: HealingActionType,
  ): BetaPosterior {
    const counts = this.memory.healingStats(patternType, category ?? NO_CATEGORY)[actionType];
    const prior = this.prior(patternType, category, actionType);
    return { alpha: counts.successes + prior.successes, beta: counts.failures + prior.failures };
  }

  /** The candidate with the highest sampled success rate (ties: the first); undefined with no candidates. */
  choose(
    patternType: PatternType,
    category: ErrorCategory | undefined,
    candidates: readonly HealingActionType[],
  ): HealingActionType | undefined {
    if (candidates.length <= 1) return candidates[0];
    const stats = this.memory.healingStats(patternType, category ?? NO_CATEGORY);
    let best: HealingActionType | undefined;
    let bestDraw = -1;
    for (const actionType of candidates) {
      const counts = stats[actionType];
      const prior = this.prior(patternType, category, actionType);
      const draw = sampleBeta(
        counts.successes + prior.successes,
        counts.failures + prior.failures,
        this.random,
      );
      if (draw > bestDraw) {
        best = actionType;
        bestDraw = draw;
      }
    }
    return best;
  }
}
