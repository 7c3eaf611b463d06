/** Calls allowed to wait for a concurrency slot before the excess goes to the fallbacks. */
const MAX_WAITING = 100;

/**
 * The concurrency limit healing sets after rate limiting: it counts calls with a request open
 * upstream (not calls sleeping before a retry). Waiting calls give up their place when their
 * AbortSignal fires; every way a woken call ends hands its slot on.
 */
export class ConcurrencyLimit {
  /** Calls in flight (awaiting a result). */
  inFlight = 0;
  /** Calls of `inFlight` sleeping before a retry (they hold no upstream request). */
  sleeping = 0;
  /** Waiters woken for a slot that have not started their call yet. */
  private reserved = 0;
  private readonly waiting: { wake: () => void; signal: AbortSignal | undefined }[] = [];

  constructor(private readonly limit: () => number | undefined) {}

  /** Calls with an upstream request open now. */
  get attempting(): number {
    return this.inFlight - this.sleeping;
  }

  /** Whether a new call must wait (or go elsewhere) under the limit. */
  full(): boolean {
    const limit = this.limit();
    return limit !== undefined && this.attempting + this.reserved >= limit;
  }

  /** Whether the wait line is full. */
  get crowded(): boolean {
    return this.waiting.length >= MAX_WAITING;
  }

  /** Number of calls waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Waits for a slot; resolves false when the caller aborted first. */
  acquire(signal: AbortSignal | undefined): Promise<boolean> {
    return new Promise((resolve) => {
      const entry = {
        signal,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(true);
        },
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  /** A woken waiter started (or ended) its call: its reservation is released. */
  started(): void {
    this.reserved -= 1;
  }

  /** Wakes waiting calls while the limit has room for them. */
  pump(): void {
    // Nearly every call ends with nobody waiting: no limit to look up.
    if (this.waiting.length === 0) return;
    const limit = this.limit() ?? Number.POSITIVE_INFINITY;
    while (this.waiting.length > 0 && this.attempting + this.reserved < limit) {
      this.reserved += 1;
      this.waiting.shift()!.wake();
    }
  }
}
