/** A pending deadline; `expire` runs at most once, when the deadline passes before `cancel`. */
export interface Deadline {
  readonly at: number;
  readonly expire: () => void;
}

/**
 * Timeouts for calls that all share one duration, without a timer per call: deadlines are kept
 * in insertion order (which, with one duration, is deadline order) and one unref'd interval
 * sweeps expired ones from the head. Adding and cancelling are O(1). The interval runs only while
 * deadlines are pending, and keeps the process alive meanwhile: a pending call must end in a result
 * or a timeout, not in a silent exit.
 */
export class DeadlineQueue {
  private readonly pending = new Set<Deadline>();
  private timer: NodeJS.Timeout | undefined;
  private readonly resolutionMs: number;

  /** `durationMs`: the shared timeout; the sweep runs every `durationMs / 20` (10 ms … 1 s). */
  constructor(
    readonly durationMs: number,
    private readonly now: () => number,
  ) {
    this.resolutionMs = Math.min(1000, Math.max(10, Math.floor(durationMs / 20)));
  }

  /** Starts a deadline `durationMs` from now. */
  add(expire: () => void): Deadline {
    const deadline: Deadline = { at: this.now() + this.durationMs, expire };
    this.pending.add(deadline);
    if (this.timer === undefined) this.startSweeping();
    return deadline;
  }

  /** Cancels a deadline (the call settled in time). */
  cancel(deadline: Deadline): void {
    this.pending.delete(deadline);
  }

  /** Deadlines not yet settled or expired. */
  get size(): number {
    return this.pending.size;
  }

  private startSweeping(): void {
    this.timer = setInterval(() => this.sweep(), this.resolutionMs);
  }

  private sweep(): void {
    if (this.pending.size === 0) {
      // Idle: stop until the next add, so an idle voice costs nothing.
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const now = this.now();
    for (const deadline of this.pending) {
      if (deadline.at > now) break;
      this.pending.delete(deadline);
      deadline.expire();
    }
  }
}
