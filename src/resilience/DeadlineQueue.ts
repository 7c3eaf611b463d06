import { systemScheduler, type Scheduler, type Timer } from '../clock/Scheduler.js';
/** A pending deadline; `expire` runs at most once, when the deadline passes before `cancel`. */
export interface Deadline {
  at: number;
  expire(): void;
  /** Links of the pending list (null when not pending). */
  prev: Deadline | null;
  next: Deadline | null;
}

/**
 * Timeouts for calls that all share one duration, without a timer per call: deadlines are kept
 * in a doubly-linked list in insertion order (which, with one duration, is deadline order) and
 * one interval sweeps expired ones from the head. Adding and cancelling are O(1) and allocate one
 * node (a Set was tried: V8 makes delete-to-empty on a long-lived Set slow, ~1 µs per call).
 * The interval keeps the process alive only while deadlines are pending (a pending call must end
 * in a result or a timeout, not in a silent exit); once the last one settles it is unref'd at the
 * end of that turn of the event loop (a check in `setImmediate`), so a script whose calls are done
 * exits at once, and the next idle sweep stops it. Calls that follow each other within one turn
 * keep it ref'd instead of toggling it twice per call (two native calls, ~100 ns of a ~1.5 µs call
 * path); a call per turn costs one `setImmediate` instead of the two toggles.
 */
export class DeadlineQueue {
  private head: Deadline | null = null;
  private tail: Deadline | null = null;
  private pending = 0;
  private timer: Timer | undefined;
  /** Whether the timer keeps the process alive now. */
  private refed = false;
  /** The end-of-turn check that unrefs the timer when nothing is pending is scheduled. */
  private unrefScheduled = false;
  private readonly resolutionMs: number;
  private readonly unrefIfIdle = (): void => {
    this.unrefScheduled = false;
    if (this.pending === 0 && this.refed) {
      this.refed = false;
      this.timer?.unref();
    }
  };

  /** `durationMs`: the shared timeout; the sweep runs every `durationMs / 20` (10 ms … 1 s). */
  constructor(
    readonly durationMs: number,
    private readonly now: () => number,
    private readonly scheduler: Scheduler = systemScheduler,
  ) {
    this.resolutionMs = Math.min(1000, Math.max(10, Math.floor(durationMs / 20)));
  }

  /** Starts a deadline `durationMs` after `startedAt` (the caller's clock reading, saving one). */
  add(expire: () => void, startedAt: number): Deadline {
    return this.insert({ at: 0, expire, prev: null, next: null }, startedAt);
  }

  /**
   * Starts the deadline of `deadline` (not pending in any queue), an object of the caller's that
   * is its own list node: a call's record can be its deadline, saving a node and a closure per call.
   */
  insert(deadline: Deadline, startedAt: number): Deadline {
    deadline.at = startedAt + this.durationMs;
    deadline.prev = this.tail;
    deadline.next = null;
    if (this.tail === null) this.head = deadline;
    else this.tail.next = deadline;
    this.tail = deadline;
    this.pending += 1;
    if (!this.refed) {
      if (this.timer === undefined)
        this.timer = this.scheduler.setInterval(() => this.sweep(), this.resolutionMs);
      else this.timer.ref();
      this.refed = true;
    }
    return deadline;
  }

  /** Cancels a deadline (the call settled in time); false when it had already expired (or was cancelled). */
  cancel(deadline: Deadline): boolean {
    if (deadline.prev === null && this.head !== deadline) return false;
    this.unlink(deadline);
    return true;
  }

  /** Stops the sweep now when no deadline is pending (a disposed wrap); a pending one keeps it until it settles. */
  stopIfIdle(): void {
    if (this.pending > 0 || this.timer === undefined) return;
    this.scheduler.clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Deadlines not yet settled or expired. */
  get size(): number {
    return this.pending;
  }

  /** When the oldest pending deadline's call started (its deadline less the duration); undefined when none. */
  get oldestStartedAt(): number | undefined {
    return this.head === null ? undefined : this.head.at - this.durationMs;
  }

  /** Pending deadlines whose calls started after `t` (walks back from the newest: O(their count)). */
  startedAfter(t: number): number {
    let count = 0;
    for (let d = this.tail; d !== null && d.at - this.durationMs > t; d = d.prev) count++;
    return count;
  }

  private unlink(deadline: Deadline): void {
    const { prev, next } = deadline;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    deadline.prev = null;
    deadline.next = null;
    if (--this.pending === 0 && !this.unrefScheduled) {
      this.unrefScheduled = true;
      // The end of this turn of the event loop, not a time: no timer of the scheduler's.
      setImmediate(this.unrefIfIdle);
    }
  }

  private sweep(): void {
    if (this.head === null) {
      // Idle: stop until the next add, so an idle voice costs nothing.
      this.scheduler.clearInterval(this.timer);
      this.timer = undefined;
      this.refed = false;
      return;
    }
    const now = this.now();
    while (this.head !== null && this.head.at <= now) {
      const expired = this.head;
      this.unlink(expired);
      expired.expire();
    }
  }
}
