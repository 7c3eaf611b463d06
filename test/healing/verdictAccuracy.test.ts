import { describe, expect, it } from 'vitest';
import { judgedSuccessRate, VERDICT_WORLDS } from './verdictWorlds.js';

/** Runs per (world, action). */
const SEEDS = 40;

describe('verdict accuracy: faults whose cure is known', () => {
  for (const world of VERDICT_WORLDS) {
    it(`${world.name}: the right action judged a success in ≥ 80 % of runs, the wrong ones in ≤ 20 %`, async () => {
      const rates: Record<string, number> = {};
      for (const action of world.candidates) rates[action] = await judgedSuccessRate(world, action, SEEDS);
      expect(rates[world.right ?? ''] ?? 0, 'the right action must have been taken').not.toBeNaN();
      for (const [action, rate] of Object.entries(rates)) {
        if (action === world.right)
          expect(rate, `${action} (right) in ${world.name}`).toBeGreaterThanOrEqual(0.8);
        else expect(rate, `${action} (wrong) in ${world.name}`).toBeLessThanOrEqual(0.2);
      }
    });
  }
});
