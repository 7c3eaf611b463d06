import type { ConsciousnessLogger } from '../logging/createLogger.js';

/** The part of a pino-like logger a store needs: warnings about storage it had to work around. */
export type StoreLogger = Pick<ConsciousnessLogger, 'warn'>;

/**
 * A small store of JSON documents by flat name (docs/architecture.md, Persistence): the file store now, a shared
 * (e.g. Redis-backed) store later. Nothing outside `src/memory` touches storage except through it.
 *
 * I/O trouble never rejects: a store that cannot persist degrades to memory-only and says so once
 * through its logger. Only programming errors (an invalid name, a value JSON cannot hold) reject.
 */
export interface Store {
  /** True while writes reach durable storage; false for a memory-only store or after degrading to one. */
  readonly persistent: boolean;
  /** The parsed document, or undefined when absent (or unreadable, in which case it was quarantined). */
  readJson(name: string): Promise<unknown>;
  /** Replaces the document atomically; writes of one name apply in call order, the last one wins. */
  writeJson(name: string, value: unknown): Promise<void>;
  /**
   * Replaces the document with `merge(stored)`, atomically with respect to other updates of it,
   * also from other processes sharing the store (`stored` is undefined when absent or unreadable).
   */
  update(name: string, merge: (current: unknown) => unknown): Promise<void>;
  /** Names of stored documents starting with `prefix`, sorted; temp files are never listed. */
  list(prefix: string): Promise<string[]>;
  /** Deletes the document; removing an absent one is not an error. */
  remove(name: string): Promise<void>;
  /**
   * Moves the document aside as `<name>.corrupt-<timestamp>` with a warning naming `reason`, so the
   * caller can start fresh; resolves to the new name, or undefined when nothing was moved.
   */
  quarantine(name: string, reason: string): Promise<string | undefined>;
}
