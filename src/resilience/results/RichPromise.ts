import { isThenable, SETTLED } from '../resultShapes.js';
import { DataThenable, type DataOwner } from './DataThenable.js';
import { servedMember, Winner } from './Winner.js';

export { Winner } from './Winner.js';

/** Takes a call's outcome: the winner, or a promise of it (the attempt loop's, after a failure). */
export const SETTLE: unique symbol = Symbol('settle');

/** What a call does with what its caller receives and with its caller's first consumption (`RichCall`). */
export interface RichObserver {
  /**
   * Turns what the caller receives into its observed form (streams, pages); values pass as they
   * are. `winner`: the attempt that produced it (its start, and its latency to the response).
   */
  observe(value: unknown, winner: Winner): unknown;
  /**
   * The caller consumes the promise: `data` for its data (then, catch, finally), else another
   * member. Answers whether the first attempt now waits on its own data (and hands it over with
   * its outcome: `Winner.read`); if not, the data is asked for alongside the attempt.
   */
  consumed(data: boolean): boolean;
}

/** Values pass as they are; the first attempt waits on nothing of the caller's. */
const UNOBSERVED: RichObserver = {
  observe: (value) => value,
  consumed: () => false,
};

/** Where the first attempt's data, asked for early, stands. */
const enum Early {
  NotAsked,
  Pending,
  Parsed,
  Failed,
}

/**
 * The call behind what the caller gets for a method that returned a rich promise (an SDK's
 * APIPromise or PagePromise; the caller holds a front of it, see `richClass`): a thenable of the
 * call's data (`DataThenable`) whose other members — `withResponse()`, `asResponse()`, `parse()`
 * — are called on the winning attempt's own promise (`member`), so the caller gets
 * `{ data, response }` of the attempt that succeeded; async iteration (auto-pagination) runs the
 * SDK's own iterator, which awaits the front, so the first page comes through the attempt loop
 * too.
 *
 * The data is read only when the caller asks for it (`then`, `catch`, `finally`): an
 * `asResponse()` finds the body unread. When the caller asks before the outcome is known, the
 * first attempt's data is asked for at once, alongside the attempt (the SDK memoises it: the same
 * data the caller would get unwrapped), and handed over when that attempt is the winner — unless
 * that attempt waits on its data itself (`RichObserver.consumed`). Plain objects, not a Proxy nor
 * a promise: making one costs no trap, no closure and no promise per call.
 */
export class RichPromise implements DataOwner {
  private readonly data: DataThenable;
  /** The call's outcome, once known; `failure` when nothing could serve it. */
  private winner: Winner | undefined = undefined;
  private failure: { readonly error: unknown } | undefined = undefined;
  /** The first attempt's data, asked for early (see above). */
  private early = Early.NotAsked;
  private earlyValue: unknown = undefined;
  /** Other members called, or settlement watched, before the outcome was known. */
  private waiting: (() => void)[] | undefined = undefined;

  constructor(
    private readonly first: object,
    private readonly observer: RichObserver = UNOBSERVED,
  ) {
    this.data = new DataThenable(this);
  }

  then(
    onfulfilled?: ((value: unknown) => unknown) | null,
    onrejected?: ((reason: unknown) => unknown) | null,
  ): Promise<unknown> {
    return this.data.then(onfulfilled, onrejected);
  }

  catch(onrejected?: ((reason: unknown) => unknown) | null): Promise<unknown> {
    return this.data.catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<unknown> {
    return this.data.finally(onfinally);
  }

  /** A member of the SDK's promise (`withResponse`, `asResponse`, …) called on `rich`: answered by the winner. */
  static member(rich: RichPromise, prop: string | symbol, args: unknown[]): Promise<unknown> {
    rich.observer.consumed(false);
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

  /** Whether the outcome is known (the data can be delivered within the asking call). */
  dataKnown(): boolean {
    return this.winner !== undefined || this.failure !== undefined;
  }

  private won(winner: Winner): void {
    this.winner = winner;
    if (this.data.askedFor) this.deliver(winner);
    this.wake();
  }

  private lost(error: unknown): void {
    this.failure = { error };
    if (this.data.askedFor) this.data.fail(error);
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    if (waiting === undefined) return;
    this.waiting = undefined;
    for (const run of waiting) run();
  }

  /** The data is asked for: delivered now if the outcome is known, else asked of the first attempt. */
  askForData(): void {
    if (this.failure !== undefined) this.data.fail(this.failure.error);
    else if (this.winner !== undefined) this.deliver(this.winner);
    else if (!this.observer.consumed(true)) this.askEarly();
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
      this.data.fulfil(winner.value);
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
        (error: unknown) => this.data.fail(error),
      );
    } catch (err) {
      this.data.fail(err);
    }
  }

  private resolveObserved(value: unknown, winner: Winner): void {
    try {
      // Observed once: streams and pages come back as observed proxies, plain data as it is.
      this.data.fulfil(this.observer.observe(value, winner));
    } catch (err) {
      this.data.fail(err);
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
      const data = this.observer.observe(rec.data, w);
      return data === rec.data ? r : { ...rec, data };
    });
  }
}
