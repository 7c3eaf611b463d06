import type { Clock } from '../clock/Clock.js';
import { jsonText } from './jsonText.js';
import type { Store, StoreLogger } from './Store.js';
import { assertStoreName, quarantineNameFor } from './storeName.js';

/** Options of a {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Receives the quarantine warnings. Default: discards them. */
  readonly logger?: StoreLogger;
  /** Epoch milliseconds, for quarantine names. Default `Date.now`. */
  readonly clock?: Clock;
}

const silentLogger: StoreLogger = { warn: () => undefined };

/**
 * A {@link Store} held in process memory, for tests and memory-only mode. Documents are kept as JSON
 * text, so what is read back is a fresh copy with exactly the file store's JSON semantics.
 */
export class MemoryStore implements Store {
  /** Always false: nothing survives the process. */
  readonly persistent = false;
  private readonly documents = new Map<string, string>();
  private readonly logger: StoreLogger;
  private readonly clock: Clock;

  /** Creates an empty store. */
  constructor(options: MemoryStoreOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? Date.now;
  }

  /** The parsed document, or undefined when absent. */
  async readJson(name: string): Promise<unknown> {
    assertStoreName(name);
    const text = this.documents.get(name);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  }

  /** Replaces the document. */
  async writeJson(name: string, value: unknown): Promise<void> {
    assertStoreName(name);
    this.documents.set(name, jsonText(value));
  }

  /** Replaces the document with `merge(stored)` (one process: nothing else can interleave). */
  async update(name: string, merge: (current: unknown) => unknown): Promise<void> {
    assertStoreName(name);
    const text = this.documents.get(name);
    this.documents.set(name, jsonText(merge(text === undefined ? undefined : (JSON.parse(text) as unknown))));
  }

  /** Names starting with `prefix`, sorted. */
  async list(prefix: string): Promise<string[]> {
    return [...this.documents.keys()].filter((name) => name.startsWith(prefix)).sort();
  }

  /** Deletes the document if present. */
  async remove(name: string): Promise<void> {
    assertStoreName(name);
    this.documents.delete(name);
  }

  /** Renames the document to `<name>.corrupt-<timestamp>` with a warning. */
  async quarantine(name: string, reason: string): Promise<string | undefined> {
    assertStoreName(name);
    const text = this.documents.get(name);
    if (text === undefined) return undefined;
    const base = quarantineNameFor(name, this.clock());
    let target = base;
    for (let n = 2; this.documents.has(target); n++) target = `${base}-${n}`;
    this.documents.delete(name);
    this.documents.set(target, text);
    this.logger.warn({ name, quarantinedAs: target, reason }, 'stored document set aside; starting fresh');
    return target;
  }
}
