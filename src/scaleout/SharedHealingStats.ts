import type { HealingOutcomeCounts } from '../healing/HealingMemory.js';

/** Where the fleet-wide counts go (PatternMemory). */
export interface HealingStatsSink {
  /** Raises local counts to the fleet-wide ones, per `<pattern>|<category>|<action>` key. */
  mergeFleetCounts(counts: ReadonlyMap<string, HealingOutcomeCounts>): void;
}

/** Most distinct fields accumulated before a flush (one per pattern, category, action and outcome). */
const MAX_PENDING_FIELDS = 4_096;

/**
 * The healing policy's success/failure counts per (pattern, category, action), summed over every
 * instance. Outcomes are accumulated here and sent in the next batch (an atomic `HINCRBY` per
 * field); the batch publishes the new fleet-wide values of the fields it touched, which every
 * instance merges into its memory. While Redis is down the increments keep accumulating and are
 * flushed on reconnection, so no instance's outcomes are lost.
 */
export class SharedHealingStats {
  /** Field (`<key>|s` / `<key>|f`) → increments not yet sent. */
  private pending = new Map<string, number>();

  constructor(private readonly sink: HealingStatsSink) {}

  /** Counts one measured outcome (sent with the next batch). */
  outcome(key: string, success: boolean): void {
    const field = `${key}|${success ? 's' : 'f'}`;
    if (!this.pending.has(field) && this.pending.size >= MAX_PENDING_FIELDS) return;
    this.pending.set(field, (this.pending.get(field) ?? 0) + 1);
  }

  /** Whether increments wait to be sent. */
  get waiting(): boolean {
    return this.pending.size > 0;
  }

  /** Takes the increments to send (`undefined` when none); they are no longer pending. */
  take(): Record<string, number> | undefined {
    if (this.pending.size === 0) return undefined;
    const batch = Object.fromEntries(this.pending);
    this.pending = new Map();
    return batch;
  }

  /** Fleet-wide values of some fields (`<key>|s` / `<key>|f` → count), from a batch message or a full read. */
  merge(fields: Iterable<readonly [string, unknown]>): void {
    const counts = new Map<string, { successes: number; failures: number }>();
    for (const [field, raw] of fields) {
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0 || !/\|[sf]$/.test(field)) continue;
      const key = field.slice(0, -2);
      const entry = counts.get(key) ?? { successes: 0, failures: 0 };
      if (field.endsWith('|s')) entry.successes = n;
      else entry.failures = n;
      counts.set(key, entry);
    }
    if (counts.size > 0) this.sink.mergeFleetCounts(counts);
  }
}
