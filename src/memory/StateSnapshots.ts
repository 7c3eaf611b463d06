import type { Clock } from '../clock/Clock.js';
import { PerNameQueue } from './PerNameQueue.js';
import { positiveOption } from '../base/positiveOption.js';
import { STATE_SNAPSHOT_VERSION, StateSnapshotDocumentSchema } from './StateSnapshotSchema.js';
import {
  STATE_SNAPSHOT_PREFIX,
  parseStateSnapshotName,
  stateSnapshotName,
  type StateSnapshotNameParts,
} from './stateSnapshotName.js';
import type { Store } from './Store.js';

/** Default number of snapshots kept (reference config `max_state_files`). */
export const DEFAULT_MAX_STATE_FILES = 100;
/** Default age in days beyond which snapshots are deleted (reference config `state_retention_days`). */
export const DEFAULT_STATE_RETENTION_DAYS = 7;

const DAY_MS = 86_400_000;

/** Options of {@link StateSnapshots}, validated once at construction. */
export interface StateSnapshotsOptions {
  /** Where the snapshots are kept. */
  readonly store: Store;
  /** Epoch milliseconds: names, timestamps and retention age. Default `Date.now`. */
  readonly clock?: Clock;
  /** Most snapshots kept; the oldest go first. Default 100. */
  readonly maxStateFiles?: number;
  /** Snapshots older than this many days (by the time in their name) are deleted. Default 7. */
  readonly stateRetentionDays?: number;
}

/** A snapshot read back from the store. */
export interface StateSnapshot {
  /** Its store name, `infrastructure_state_<UTC yyyyMMdd_HHmmss>[_N].json`. */
  readonly name: string;
  /** ISO-8601 time it was taken. */
  readonly timestamp: string;
  /** The state object it was given. */
  readonly state: Record<string, unknown>;
}

interface NamedParts extends StateSnapshotNameParts {
  readonly name: string;
}

const newestFirst = (a: NamedParts, b: NamedParts): number => b.timeMs - a.timeMs || b.sequence - a.sequence;

/**
 * Timestamped snapshots of the infrastructure state (docs/architecture.md, Persistence), one store document each, pruned
 * by count and age after every write. Two snapshots in one second get `_1`, `_2`… suffixes rather
 * than overwriting each other.
 */
export class StateSnapshots {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly maxStateFiles: number;
  private readonly retentionMs: number;
  /** Serializes writes so that two of the same second pick different names. */
  private readonly writes = new PerNameQueue();

  /** Creates the snapshot writer; touches nothing until the first write. */
  constructor(options: StateSnapshotsOptions) {
    this.store = options.store;
    this.clock = options.clock ?? Date.now;
    this.maxStateFiles = positiveOption(
      'maxStateFiles',
      options.maxStateFiles,
      DEFAULT_MAX_STATE_FILES,
      true,
    );
    this.retentionMs =
      positiveOption('stateRetentionDays', options.stateRetentionDays, DEFAULT_STATE_RETENTION_DAYS, false) *
      DAY_MS;
  }

  /** Writes `state` as a new snapshot, applies retention, and resolves to the snapshot's name. */
  write(state: Record<string, unknown>): Promise<string> {
    return this.writes.run(STATE_SNAPSHOT_PREFIX, async () => {
      const now = this.clock();
      const name = await this.freeName(now);
      await this.store.writeJson(name, {
        version: STATE_SNAPSHOT_VERSION,
        timestamp: new Date(now).toISOString(),
        state,
      });
      await this.applyRetention(now);
      return name;
    });
  }

  /** Names of the stored snapshots, newest first (quarantined and foreign names excluded). */
  async names(): Promise<string[]> {
    return (await this.snapshots()).map((s) => s.name);
  }

  /** The newest snapshot that reads back valid; invalid ones met on the way are quarantined. */
  async latest(): Promise<StateSnapshot | undefined> {
    for (const { name } of await this.snapshots()) {
      const raw = await this.store.readJson(name);
      if (raw === undefined) continue;
      const parsed = StateSnapshotDocumentSchema.safeParse(raw);
      if (parsed.success) return { name, timestamp: parsed.data.timestamp, state: parsed.data.state };
      const issue = parsed.error.issues[0];
      await this.store.quarantine(
        name,
        `not a state snapshot: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    return undefined;
  }

  private async snapshots(): Promise<NamedParts[]> {
    const found: NamedParts[] = [];
    for (const name of await this.store.list(STATE_SNAPSHOT_PREFIX)) {
      const parts = parseStateSnapshotName(name);
      if (parts !== undefined) found.push({ name, ...parts });
    }
    return found.sort(newestFirst);
  }

  private async freeName(now: number): Promise<string> {
    const first = stateSnapshotName(now);
    const sameSecond = first.slice(0, -'.json'.length);
    let next = 0;
    for (const name of await this.store.list(sameSecond)) {
      const parts = parseStateSnapshotName(name);
      if (parts !== undefined && stateSnapshotName(parts.timeMs) === first) {
        next = Math.max(next, parts.sequence + 1);
      }
    }
    return stateSnapshotName(now, next);
  }

  private async applyRetention(now: number): Promise<void> {
    const cutoff = now - this.retentionMs;
    let kept = 0;
    for (const s of await this.snapshots()) {
      if (s.timeMs >= cutoff && kept < this.maxStateFiles) kept++;
      else await this.store.remove(s.name);
    }
  }
}
