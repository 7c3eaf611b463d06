import { describe, expect, it } from 'vitest';
import { FAVOURED_PRIOR, NEUTRAL_PRIOR, favouredAction } from '../../src/healing/healingPrior.js';
import { HealingPolicy } from '../../src/healing/HealingPolicy.js';
import type { HealingActionType } from '../../src/vocabulary/HealingActionType.js';
import { createSeededRandom } from '../../src/lab/seededRandom.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { PatternMemory } from '../../src/memory/PatternMemory.js';

const ALL: HealingActionType[] = [
  'retry_strategy',
  'fallback',
  'config_update',
  'api_adaptation',
  'reconnect',
];

function setup(seed = 1): { memory: PatternMemory; policy: HealingPolicy } {
  const memory = new PatternMemory({ store: new MemoryStore() });
  return { memory, policy: new HealingPolicy({ memory, random: createSeededRandom(seed) }) };
}

function tally(draw: () => HealingActionType | undefined, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const a = String(draw());
    counts.set(a, (counts.get(a) ?? 0) + 1);
  }
  return counts;
}

describe('favouredAction', () => {
  it("encodes the original's mapping", () => {
    expect(favouredAction('api_change', 'api_return_none')).toBe('api_adaptation');
    expect(favouredAction('api_change', undefined)).toBe('api_adaptation');
    expect(favouredAction('api_change', 'api_method_missing')).toBe('fallback');
    expect(favouredAction('degradation', 'timeout')).toBe('retry_strategy');
    // Addition: a latency drift (no failure category) has nothing to retry; it favours the route.
    expect(favouredAction('degradation', undefined)).toBe('fallback');
    expect(favouredAction('resonance', 'overloaded')).toBe('retry_strategy');
    expect(favouredAction('degradation', 'rate_limited')).toBe('config_update');
    expect(favouredAction('resonance', 'rate_limited')).toBe('config_update');
    expect(favouredAction('recovery', 'timeout')).toBeUndefined();
  });
});

describe('HealingPolicy', () => {
  it('follows the prior with a fresh memory', () => {
    const { policy } = setup(3);
    const api = tally(() => policy.choose('api_change', 'api_return_none', ALL), 1000);
    expect(api.get('api_adaptation')).toBeGreaterThanOrEqual(970);
    const degradation = tally(() => policy.choose('degradation', 'timeout', ALL), 1000);
    expect(degradation.get('retry_strategy')).toBeGreaterThanOrEqual(970);
    const limited = tally(() => policy.choose('degradation', 'rate_limited', ALL), 1000);
    expect(limited.get('config_update')).toBeGreaterThanOrEqual(970);
  });

  it('switches away from the favoured action once it keeps failing and another keeps working', () => {
    const { memory, policy } = setup(5);
    for (let i = 0; i < 30; i++) {
      memory.recordHealingOutcome('degradation', 'timeout', 'retry_strategy', false, i);
      memory.recordHealingOutcome('degradation', 'timeout', 'fallback', true, i);
    }
    const counts = tally(() => policy.choose('degradation', 'timeout', ALL), 200);
    expect(counts.get('fallback')).toBeGreaterThanOrEqual(180);
    // Another context keeps its own statistics.
    const other = tally(() => policy.choose('degradation', 'server_error', ALL), 200);
    expect(other.get('retry_strategy')).toBeGreaterThanOrEqual(190);
  });

  it('reads outcomes without a category under the key "none"', () => {
    const { memory, policy } = setup();
    memory.recordHealingOutcome('degradation', 'none', 'config_update', true, 0);
    expect(policy.posterior('degradation', undefined, 'config_update')).toEqual({
      alpha: 1 + NEUTRAL_PRIOR.successes,
      beta: NEUTRAL_PRIOR.failures,
    });
    expect(policy.posterior('degradation', undefined, 'fallback')).toEqual({
      alpha: FAVOURED_PRIOR.successes,
      beta: FAVOURED_PRIOR.failures,
    });
  });

  it('is deterministic for a seed', () => {
    const a = setup(11).policy;
    const b = setup(11).policy;
    const seq = (p: HealingPolicy) =>
      Array.from({ length: 50 }, () => p.choose('resonance', 'overloaded', ALL));
    expect(seq(a)).toEqual(seq(b));
  });

  it('returns nothing without candidates and the only one without drawing', () => {
    let draws = 0;
    const memory = new PatternMemory({ store: new MemoryStore() });
    const policy = new HealingPolicy({ memory, random: () => (draws++, 0.5) });
    expect(policy.choose('degradation', 'timeout', [])).toBeUndefined();
    expect(policy.choose('degradation', 'timeout', ['reconnect'])).toBe('reconnect');
    expect(draws).toBe(0);
  });

  it('takes a custom prior', () => {
    const memory = new PatternMemory({ store: new MemoryStore() });
    const policy = new HealingPolicy({
      memory,
      random: createSeededRandom(1),
      prior: (_p, _c, a) =>
        a === 'reconnect' ? { successes: 1e6, failures: 1 } : { successes: 1, failures: 1e6 },
    });
    expect(policy.choose('api_change', 'api_return_none', ALL)).toBe('reconnect');
  });
});
