import type { HealingOutcomeCounts } from '../healing/HealingMemory.js';
import { LuaScript } from './LuaScript.js';
import type { RedisLink } from './RedisLink.js';
import type { SharedKeys } from './SharedKeys.js';
import { RefetchGate } from './RefetchGate.js';

/** One atomic increment of a fleet-wide count, plus the generation readers watch. */
const COUNT_OUTCOME = new LuaScript(
  'count healing outcome',
  `redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('HINCRBY', KEYS[2], 'healing', 1)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1`,
);

/** Where the fleet-wide counts go (PatternMemory). */
export interface HealingStatsSink {
  /** Raises local counts to the fleet-wide ones, per `<pattern>|<category>|<action>` key. */
  mergeFleetCounts(counts: ReadonlyMap<string, HealingOutcomeCounts>): void;
}

/**
 * The healing policy's success/failure counts per (pattern, category, action), summed over every
 * instance by atomic increments (`HINCRBY`), so each instance's bandit learns from all outcomes.
 * Read back whenever the healing generation moved.
 */
export class SharedHealingStats {
  private readonly gate: RefetchGate;

  constructor(
    private readonly link: RedisLink,
    private readonly keys: SharedKeys,
    private readonly ttlMs: number,
    private readonly sink: HealingStatsSink,
    clock: () => number,
    refetchMs: number,
  ) {
    this.gate = new RefetchGate(clock, refetchMs);
  }

  /** Counts one measured outcome fleet-wide (fire and forget). */
  outcome(key: string, success: boolean): void {
    void this.link.script(
      COUNT_OUTCOME,
      [this.keys.healing, this.keys.generations],
      [`${key}|${success ? 's' : 'f'}`, String(this.ttlMs)],
    );
  }

  /** The healing generation read by the sync: re-reads the counts when it moved. */
  async synced(generation: string): Promise<void> {
    if (!this.gate.due(generation)) return;
    const pairs = await this.link.pairs(['HGETALL', this.keys.healing]);
    if (pairs === undefined) return;
    this.gate.fetched(generation);
    const counts = new Map<string, { successes: number; failures: number }>();
    for (const [field, text] of pairs) {
      const n = Number(text);
      const key = field.slice(0, -2);
      if (!Number.isFinite(n) || n < 0 || !/\|[sf]$/.test(field)) continue;
      const entry = counts.get(key) ?? { successes: 0, failures: 0 };
      if (field.endsWith('|s')) entry.successes = n;
      else entry.failures = n;
      counts.set(key, entry);
    }
    this.sink.mergeFleetCounts(counts);
  }
}
