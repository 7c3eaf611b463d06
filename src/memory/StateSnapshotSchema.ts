import { z } from 'zod';

/** Version of the state snapshot format this code writes and reads. */
export const STATE_SNAPSHOT_VERSION = 1;

/** A persisted state snapshot: the caller's opaque state object with when it was taken. */
export const StateSnapshotDocumentSchema = z.object({
  version: z.literal(STATE_SNAPSHOT_VERSION),
  /** ISO-8601 time the snapshot was taken. */
  timestamp: z.string(),
  state: z.record(z.string(), z.unknown()),
});

/** A persisted state snapshot. */
export type StateSnapshotDocument = z.infer<typeof StateSnapshotDocumentSchema>;
