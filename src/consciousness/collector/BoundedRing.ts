/** Fixed-capacity ring buffer: pushing past capacity evicts the oldest item. O(1) push, bounded memory. */
export class BoundedRing<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;

  /** Creates a ring holding at most `capacity` (≥ 1) items. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`BoundedRing: capacity must be a positive integer, got ${capacity}`);
    }
    this.items = new Array<T | undefined>(capacity);
  }

  /** Items held. */
  get size(): number {
    return this.count;
  }

  /** Appends an item; returns the evicted oldest one when the ring was full. */
  push(item: T): T | undefined {
    const evicted = this.count === this.capacity ? this.items[this.head] : undefined;
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    return evicted;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const index = (this.head - this.count + this.capacity) % this.capacity;
    const item = this.items[index];
    this.items[index] = undefined;
    this.count--;
    return item;
  }

  /** Removes every item. */
  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
  }

  /** Items oldest first. */
  *[Symbol.iterator](): IterableIterator<T> {
    const start = (this.head - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      yield this.items[(start + i) % this.capacity] as T;
    }
  }

  /** Items oldest first, as a new array. */
  toArray(): T[] {
    return [...this];
  }
}
