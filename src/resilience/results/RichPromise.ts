import { isThenable, SETTLED } from '../resultShapes.js';
import { ASK, ASKED, DataThenable, FAIL, FULFIL, KNOWN } from './DataThenable.js';
import { servedMember, Winner } from './Winner.js';

export { Winner } from './Winner.js';

/** Takes a call's outcome: the winner, or a promise of it (the attempt loop's, after a failure). */
export const SETTLE: unique symbol = Symbol('settle');
/** Turns what the caller receives into its observed form (see `RichPromise[OBSERVE]`). */
export const OBSERVE: unique symbol = Symbol('observe');
/** The caller's first consumption: its data (`then`) or another member (see `RichPromise[CONSUMED]`). */
export const CONSUMED: unique symbol = Symbol('consumed');

/** Where the first attempt's data, asked for early, stands. */
const enum Early {
  NotAsked,
  Pending,
  Parsed,
  Failed,
}

/**
 * What the caller gets for a method that returned a rich promise (an SDK's APIPromise or
 * PagePromise): a thenable of the call's data (`DataThenable`) with the first attempt's members. Each SDK class
 * gets a subclass of this one whose prototype chain runs through the SDK's (`instanceof APIPromise`
 * and `instanceof Promise` hold; see `richClass`): its members — `withResponse()`, `asResponse()`,
 * `parse()` — are called on the winning attempt's own promise, so the caller gets
 * `{ data, response }` of the attempt that succeeded; async iteration (auto-pagination) runs the
 * SDK's own iterator, which awaits this object, so the first page comes through the attempt loop
 * too.
 *
 * The data is read only when the caller asks for it (`then`, `catch`, `finally`): an
 * `asResponse()` finds the body unread. When the caller
 * asks before the outcome is known, the first attempt's data is asked for at once, alongside the
 * attempt (the SDK memoises it: the same data the caller would get unwrapped), and handed over when
 * that attempt is the winner — unless that attempt waits on its data itself (`CONSUMED`). A plain
 * object, not a Proxy nor a promise: making one costs no trap, no closure and no promise per call.
 */
export class RichPromise extends DataThenable {
  // Declared and assigned in the constructor (see `DataThenable`).
  declare private readonly first: object;
  /** The call's outcome, once known; `failure` when nothing could serve it. */
  declare private winner: Winner | undefined;
  declare private failure: { readonly error: unknown } | undefined;
  /** The first attempt's data, asked for early (see above). */
  declare private early: Early;
  declare private earlyValue: unknown;
  /** Other members called, or settlement watched, before the outcome was known. */
  declare private waiting: (() => void)[] | undefined;

  constructor(first: object) {
    super();
    this.first = first;
    this.winner = undefined;
    this.failure = undefined;
    this.early = Early.NotAsked;
    this.earlyValue = undefined;
    this.waiting = undefined;
  }

  /** A member of the SDK's promise (`withResponse`, `asResponse`, …) called on `rich`: answered by the winner. */
  static member(rich: RichPromise, prop: string | symbol, args: unknown[]): Promise<unknown> {
    rich[CONSUMED](false);
    return new Promise((resolve, reject) => {
      const run = (): void => {
        const failure = rich.failure;
        if (failure !== undefined) reject(failure.error);
        else {
          try {
            resolve(rich.consume(rich.winner!, prop, args));
          } catch (err) {
            reject(err);
          }
        }
      };
      if (rich.winner !== undefined || rich.failure !== undefined) run();
      else (rich.waiting ??= []).push(run);
    });
  }

  /**
   * Turns what the caller receives into its observed form (streams, pages); values pass as they
   * are. `winner`: the attempt that produced it (its start, and its latency to the response). The
   * call path's subclass observes and meters (a method, not a closure per call).
   */
  [OBSERVE](value: unknown, winner: Winner): unknown {
    void winner;
    return value;
  }

  /**
   * The caller consumes this promise: `data` for its data (then, catch, finally), else another
   * member. Answers whether the first attempt now waits on its own data (and hands it over with
   * its outcome: `Winner.read`); if not, the data is asked for alongside the attempt. The call
   * path's subclass decides there what its first attempt waits on.
   */
  [CONSUMED](data: boolean): boolean {
    void data;
    return false;
  }

  /** The call's outcome: the winner, or a promise of it (the attempt loop's, after a failure). */
  [SETTLE](outcome: unknown): void {
    if (outcome instanceof Winner) this.won(outcome);
    else if (isThenable(outcome)) {
      outcome.then(
        (w) => this.won(w as Winner),
        (error: unknown) => this.lost(error),
      );
    } else this.won(outcome as Winner);
  }

  /** Settles once the call's outcome is known (a probe gate watches it), reading no body. */
  [SETTLED](): Promise<void> {
    return new Promise((resolve) => {
      if (this.winner !== undefined || this.failure !== undefined) resolve();
      else (this.waiting ??= []).push(resolve);
    });
  }

  protected override [KNOWN](): boolean {
    return this.winner !== undefined || this.failure !== undefined;
  }

  private won(winner: Winner): void {
    this.winner = winner;
    if (this[ASKED]) this.deliver(winner);
    this.wake();
  }

  private lost(error: unknown): void {
    this.failure = { error };
    if (this[ASKED]) this[FAIL](error);
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    if (waiting === undefined) return;
    this.waiting = undefined;
    for (const run of waiting) run();
  }

  /** The data is asked for: delivered now if the outcome is known, else asked of the first attempt. */
  protected override [ASK](): void {
    if (this.failure !== undefined) this[FAIL](this.failure.error);
    else if (this.winner !== undefined) this.deliver(this.winner);
    else if (!this[CONSUMED](true)) this.askEarly();
  }

  /** Asks the first attempt's promise for its data now (memoised by the SDK), not after the outcome. */
  private askEarly(): void {
    this.early = Early.Pending;
    const first = this.first;
    try {
      (first as PromiseLike<unknown>).then(
        (value) => {
          this.early = Early.Parsed;
          this.earlyValue = value;
          const winner = this.winner;
          if (winner !== undefined && winner.raw === first && !winner.served) this.deliver(winner);
        },
        // The first attempt failed or was not the winner: the outcome says what the caller gets.
        () => {
          this.early = Early.Failed;
        },
      );
    } catch {
      this.early = Early.Failed;
    }
  }

  /** Settles this promise from the winner: its answer, or its own promise's data, observed. */
  private deliver(winner: Winner): void {
    if (winner.served) {
      this[FULFIL](winner.value);
      return;
    }
    if (winner.read) {
      this.resolveObserved(winner.value, winner);
      return;
    }
    if (winner.raw === this.first) {
      // Not there yet: its own callback delivers it.
      if (this.early === Early.Pending) return;
      if (this.early === Early.Parsed) {
        this.resolveObserved(this.earlyValue, winner);
        return;
      }
    }
    try {
      (winner.raw as PromiseLike<unknown>).then(
        (value) => this.resolveObserved(value, winner),
        (error: unknown) => this[FAIL](error),
      );
    } catch (err) {
      this[FAIL](err);
    }
  }

  private resolveObserved(value: unknown, winner: Winner): void {
    try {
      // Observed once: streams and pages come back as observed proxies, plain data as it is.
      this[FULFIL](this[OBSERVE](value, winner));
    } catch (err) {
      this[FAIL](err);
    }
  }

  private consume(w: Winner, prop: string | symbol, args: unknown[]): unknown {
    if (w.served) return servedMember(w.raw, w.value, prop, args);
    const own = (w.raw as Record<string | symbol, unknown>)[prop];
    if (typeof own !== 'function') throw new TypeError(`${String(prop)} is not a function`);
    const result = (own as (...a: unknown[]) => unknown).apply(w.raw, args);
    if (prop !== 'withResponse') return result;
    return Promise.resolve(result).then((r) => {
      const rec = r as { data?: unknown };
      const data = this[OBSERVE](rec.data, w);
      return data === rec.data ? r : { ...rec, data };
    });
  }
}
