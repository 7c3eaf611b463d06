import { formatUtcStamp, parseUtcStamp } from './utcStamp.js';

/** Prefix of every state snapshot name (docs/architecture.md, Persistence). */
export const STATE_SNAPSHOT_PREFIX = 'infrastructure_state_';

const NAME = /^infrastructure_state_(\d{8}_\d{6})(?:_(\d+))?\.json$/;

/** What a snapshot's name says: the second it was taken and its rank among that second's snapshots. */
export interface StateSnapshotNameParts {
  /** Epoch milliseconds of the UTC second in the name. */
  readonly timeMs: number;
  /** 0 for the first snapshot of that second, then 1, 2… (the `_N` suffix). */
  readonly sequence: number;
}

/** `infrastructure_state_<UTC yyyyMMdd_HHmmss>.json`, with `_N` before `.json` for the N-th extra one that second. */
export function stateSnapshotName(epochMs: number, sequence = 0): string {
  const suffix = sequence > 0 ? `_${sequence}` : '';
  return `${STATE_SNAPSHOT_PREFIX}${formatUtcStamp(epochMs)}${suffix}.json`;
}

/** The parts of a snapshot name, or undefined for any other name (quarantined and temp files included). */
export function parseStateSnapshotName(name: string): StateSnapshotNameParts | undefined {
  const m = NAME.exec(name);
  if (m === null || m[1] === undefined) return undefined;
  const timeMs = parseUtcStamp(m[1]);
  if (timeMs === undefined) return undefined;
  return { timeMs, sequence: m[2] === undefined ? 0 : Number(m[2]) };
}
