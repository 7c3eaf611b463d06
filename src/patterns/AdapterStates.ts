/**
 * Per-adapter detector state with a hard cap: the least recently observed adapter is evicted when a new one
 * arrives at capacity, so a stream of ever-new adapter names cannot grow memory. O(1) per access to a known
 * adapter; only an eviction scans the (capped) table.
 */
export class AdapterStates<S> {
  /** Maximum number of adapters tracked. */
  public readonly capacity: number;
  // Recency is a counter, not Map re-insertion: delete + set on a long-lived Map costs ~1 µs in V8,
  // on every observation; scanning for the oldest happens only when a new adapter arrives at capacity.
  private readonly states = new Map<string, { state: S; seen: number }>();
  private readonly create: (adapter: string) => S;
  private readonly onEvict: ((adapter: string, state: S) => void) | undefined;
  private tick = 0;
  /** The last adapter touched and its entry: consecutive observations of one voice skip the Map. */
  private lastName: string | undefined;
  private lastEntry: { state: S; seen: number } | undefined;

  /**
   * Creates an empty table; `create` builds the state of a newly seen adapter, `onEvict` receives a state pushed
   * out to make room, so a detector can end a pattern it would otherwise leave active forever.
   */
  constructor(
    capacity: number,
    create: (adapter: string) => S,
    onEvict?: (adapter: string, state: S) => void,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`AdapterStates capacity must be an integer >= 1, got ${String(capacity)}`);
    }
    this.capacity = capacity;
    this.create = create;
    this.onEvict = onEvict;
  }

  /** The adapter's state, created when new (evicting the least recently used at capacity), marked most recent. */
  public touch(adapter: string): S {
    const last = this.lastEntry;
    if (adapter === this.lastName && last !== undefined) {
      last.seen = ++this.tick;
      return last.state;
    }
    const existing = this.states.get(adapter);
    if (existing !== undefined) {
      existing.seen = ++this.tick;
      this.lastName = adapter;
      this.lastEntry = existing;
      return existing.state;
    }
    if (this.states.size >= this.capacity) {
      let oldest: string | undefined;
      let oldestSeen = Infinity;
      for (const [name, entry] of this.states) {
        if (entry.seen < oldestSeen) {
          oldestSeen = entry.seen;
          oldest = name;
        }
      }
      if (oldest !== undefined) {
        const evicted = this.states.get(oldest)!;
        this.states.delete(oldest);
        if (evicted === this.lastEntry) this.lastEntry = this.lastName = undefined;
        this.onEvict?.(oldest, evicted.state);
      }
    }
    const state = this.create(adapter);
    const entry = { state, seen: ++this.tick };
    this.states.set(adapter, entry);
    this.lastName = adapter;
    this.lastEntry = entry;
    return state;
  }

  /** The adapter's state without creating it or changing its recency. */
  public peek(adapter: string): S | undefined {
    return this.states.get(adapter)?.state;
  }

  /** Number of adapters tracked. */
  public get size(): number {
    return this.states.size;
  }

  /** Iterates over (adapter, state) pairs, least recently observed first. */
  public entries(): IterableIterator<[string, S]> {
    const sorted = [...this.states].sort((a, b) => a[1].seen - b[1].seen);
    return sorted.map(([name, entry]): [string, S] => [name, entry.state])[Symbol.iterator]();
  }
}
