import { keepShape } from '../base/keepShape.js';
import { TimeoutError } from '../errors/TimeoutError.js';
import type { AttemptCheck } from './AttemptGuard.js';
import type { Attempt, CallWait } from './CallServices.js';
import type { Deadline, DeadlineQueue } from './DeadlineQueue.js';
import type { MethodState } from './MethodState.js';
import type { VoiceBreaker } from './VoiceBreaker.js';
import { SETTLE } from './results/RichPromise.js';
import { Winner } from './results/Winner.js';

/** Takes a call's outcome: the winner, or a promise of it (a rich promise settles itself from it). */
export interface Settler {
  [SETTLE](outcome: unknown): void;
}

/** What a first attempt hands on when it settles. */
export interface FirstAttemptHost {
  readonly name: string;
  /** The time now (epoch ms): when an attempt's success is counted and recorded. */
  now(): number;
  /** The attempt won at `end` (its value checked, the breaker told): what the caller gets. */
  won(call: FirstAttempt, value: unknown, end: number): unknown;
  /** The attempt failed (the breaker counted it): the rest of the call (retries, fallbacks). */
  lost(call: FirstAttempt, err: unknown): Promise<unknown>;
  /** Bookkeeping of the call threw `err` (the call ends all the same). */
  unrecorded(call: FirstAttempt, err: unknown): void;
}

/**
 * The first attempt of a unary call under a closed breaker — nearly every call — as one record:
 * it is its own deadline node, and its promise is settled from the attempt's own callbacks (no
 * async frame, no closure per step). A failure hands the call to the attempt loop. A unary call's
 * promise is made here (`promise`); a rich promise is handed the outcome itself (`settler`, no
 * promise between).
 */
export class FirstAttempt implements Deadline {
  at = 0;
  prev: Deadline | null = null;
  next: Deadline | null = null;
  private expired = false;
  /** The caller's promise of a unary call (undefined when a settler takes the outcome). */
  readonly promise: Promise<unknown> | undefined;
  /** The attempt waits on its parsed data, not its response (a rich promise the caller awaited first). */
  read = false;
  private resolve: ((outcome: unknown) => void) | undefined;

  constructor(
    private readonly host: FirstAttemptHost,
    readonly owner: object,
    readonly state: MethodState,
    readonly args: unknown[],
    readonly attempt: Attempt,
    readonly start: number,
    readonly breaker: VoiceBreaker,
    readonly model: string | undefined,
    readonly rich: boolean,
    /** What the attempt waits on; undefined: `listen` is called later (a rich promise's first consumption). */
    pending: PromiseLike<unknown> | undefined,
    private readonly deadlines: DeadlineQueue | undefined,
    private readonly check: AttemptCheck,
    /** Takes what `won` gives, or the promise `lost` gives; undefined: `promise` settles with it. */
    private readonly settler: Settler | undefined,
    /** What the call waited before this attempt (`start`), if anything. */
    readonly wait: CallWait | undefined,
  ) {
    this.promise =
      settler === undefined
        ? new Promise((resolve) => {
            this.resolve = resolve;
          })
        : undefined;
    deadlines?.insert(this, start);
    if (pending !== undefined) this.listen(pending);
  }

  /** Waits on what the attempt gives: its value, a rich promise's response, or its data (`read`). */
  listen(pending: PromiseLike<unknown>): void {
    try {
      pending.then(
        (value) => this.settled(value),
        (err: unknown) => this.rejected(err),
      );
    } catch (err) {
      this.rejected(err);
    }
  }

  /**
   * The attempt's promise rejected. Waiting on its data, the attempt succeeded all the same if its
   * response arrived (a body that does not parse, cut mid-way): as when it waits on its response
   * (`richAttempt`, no response schema), the call counts that response and the caller gets the
   * SDK's error from reading it — not a retry.
   */
  private rejected(err: unknown): void {
    const raw = this.attempt.raw as { asResponse?: unknown };
    if (this.read && this.state.schema === undefined && typeof raw.asResponse === 'function') {
      this.read = false;
      try {
        (raw.asResponse as () => PromiseLike<unknown>).call(raw).then(
          (response) => this.settled(response),
          () => this.rejected(err),
        );
        return;
      } catch {
        // No response to be had: the attempt failed with `err`.
      }
    }
    if (this.inTime()) this.failed(err);
  }

  /** The deadline passed first: the attempt's request is aborted and the call moves on. */
  expire(): void {
    this.expired = true;
    const error = new TimeoutError(this.host.name, this.state.path, this.deadlines!.durationMs);
    this.attempt.controller?.abort(error);
    this.failed(error);
  }

  private settled(value: unknown): void {
    if (!this.inTime()) return;
    let checked: unknown;
    try {
      checked = this.check(this.state, value);
    } catch (err) {
      this.failed(err);
      return;
    }
    let outcome: unknown;
    try {
      const end = this.host.now();
      this.breaker.succeeded(end);
      outcome = this.host.won(this, checked, end);
    } catch (err) {
      // Our bookkeeping failed (a breaker, a meter, a listener): the call succeeded all the same,
      // and the caller gets its result rather than a promise that never settles.
      outcome = this.rich
        ? new Winner(this.attempt.raw, false, this.read ? checked : undefined, this.start, 0, this.read)
        : checked;
      this.tell(err);
    }
    this.finish(outcome);
  }

  /** Whether the attempt settled before its deadline (cancelling the deadline). */
  private inTime(): boolean {
    if (this.expired) return false;
    const deadlines = this.deadlines;
    return deadlines === undefined || deadlines.cancel(this);
  }

  private failed(err: unknown): void {
    // Whatever the breaker or the rest of the call throws, the caller's call ends: with the rest
    // of the call (retries, fallbacks), else with this attempt's error.
    const next = (): void => {
      let rest: unknown;
      try {
        rest = this.host.lost(this, err);
      } catch (thrown) {
        this.tell(thrown);
        rest = Promise.reject(err);
      }
      this.finish(rest);
    };
    let counted: PromiseLike<unknown>;
    try {
      counted = this.breaker.failed(err);
    } catch (thrown) {
      this.tell(thrown);
      counted = Promise.resolve();
    }
    counted.then(next, next);
  }

  /** Tells the host its bookkeeping threw; nothing it throws in turn escapes. */
  private tell(err: unknown): void {
    try {
      this.host.unrecorded(this, err);
    } catch {
      // Nothing is left to tell: the call ends all the same.
    }
  }

  private finish(outcome: unknown): void {
    if (this.settler !== undefined) this.settler[SETTLE](outcome);
    else this.resolve!(outcome);
  }
}

// One attempt of placeholders, kept (see `keepShape`): objects for the records, and fractional
// milliseconds for its start and, as `DeadlineQueue.insert` writes it, its deadline.
const PLACEHOLDER = {} as never;
keepShape(
  new FirstAttempt(
    PLACEHOLDER,
    PLACEHOLDER,
    PLACEHOLDER,
    [],
    PLACEHOLDER,
    0.5,
    PLACEHOLDER,
    undefined,
    false,
    undefined,
    undefined,
    PLACEHOLDER,
    PLACEHOLDER,
    undefined,
  ),
).at = 0.5;
