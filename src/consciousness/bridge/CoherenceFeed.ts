import { BoundedRing } from '../collector/BoundedRing.js';
import type { CoherenceUpdate } from './CoherenceUpdate.js';

/**
 * An async iterable of coherence updates with a bounded buffer: when the consumer is slower than
 * the updates, the oldest buffered ones are dropped (counted in `dropped`). Ends on `close()` once
 * the buffer is drained; `break` out of a `for await` closes it too.
 */
export class CoherenceFeed implements AsyncIterableIterator<CoherenceUpdate> {
  private readonly buffer: BoundedRing<CoherenceUpdate>;
  private readonly waiters: ((result: IteratorResult<CoherenceUpdate>) => void)[] = [];
  private closed = false;
  private droppedCount = 0;

  /** Creates a feed buffering at most `capacity` updates; `onClose` runs once when it closes. */
  constructor(
    capacity: number,
    private readonly onClose?: (feed: CoherenceFeed) => void,
  ) {
    this.buffer = new BoundedRing(capacity);
  }

  /** Updates dropped because the buffer was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Whether the feed has been closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Hands an update to a waiting consumer, or buffers it (dropping the oldest when full). */
  push(update: CoherenceUpdate): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      waiter({ value: update, done: false });
      return;
    }
    if (this.buffer.size === this.buffer.capacity) this.droppedCount++;
    this.buffer.push(update);
  }

  /** Ends the feed: buffered updates are still delivered, then iteration finishes. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter({ value: undefined, done: true });
    this.onClose?.(this);
  }

  /** The next update, waiting for one when the buffer is empty. */
  next(): Promise<IteratorResult<CoherenceUpdate>> {
    if (this.buffer.size > 0) {
      return Promise.resolve({ value: this.buffer.shift() as CoherenceUpdate, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Called when the consumer stops early (`break`): closes the feed and discards the buffer. */
  return(): Promise<IteratorResult<CoherenceUpdate>> {
    this.close();
    this.buffer.clear();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** The feed is its own iterator. */
  [Symbol.asyncIterator](): AsyncIterableIterator<CoherenceUpdate> {
    return this;
  }
}
