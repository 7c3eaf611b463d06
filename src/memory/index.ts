export { FileStore, type FileStoreOptions } from './FileStore.js';
export {
  healingStatKey,
  isHealingCategory,
  parseHealingStatKey,
  type HealingStatKeyParts,
} from './healingStatKey.js';
export { jsonText } from './jsonText.js';
export { MemoryStore, type MemoryStoreOptions } from './MemoryStore.js';
export {
  DEFAULT_MAX_HEALING_HISTORY,
  DEFAULT_MAX_PATTERN_MEMORY_SIZE,
  DEFAULT_PATTERNS_PER_TYPE_LIMIT,
  MAX_SIMILAR_PAST_PATTERNS,
  PatternMemory,
  type HealingInput,
  type HealingOutcomeCounts,
  type PatternInput,
  type PatternMemoryLoadOutcome,
  type PatternMemoryOptions,
  type ResolutionRecord,
} from './PatternMemory.js';
export * from './PatternMemorySchema.js';
export { PerNameQueue } from './PerNameQueue.js';
export * from './StateSnapshotSchema.js';
export {
  STATE_SNAPSHOT_PREFIX,
  parseStateSnapshotName,
  stateSnapshotName,
  type StateSnapshotNameParts,
} from './stateSnapshotName.js';
export {
  DEFAULT_MAX_STATE_FILES,
  DEFAULT_STATE_RETENTION_DAYS,
  StateSnapshots,
  type StateSnapshot,
  type StateSnapshotsOptions,
} from './StateSnapshots.js';
export type { Store, StoreLogger } from './Store.js';
export { MAX_STORE_NAME_LENGTH, assertStoreName, isStoreName, quarantineNameFor } from './storeName.js';
export { formatUtcStamp, parseUtcStamp } from './utcStamp.js';
