import { isThenable, SETTLED } from '../resultShapes.js';
import { servedMember, Winner } from './Winner.js';

export { Winner } from './Winner.js';

type Fulfilled = ((value: unknown) => unknown) | null | undefined;
type Rejected = ((reason: unknown) => unknown) | null | undefined;

const CONSUMERS = new Set<string | symbol>(['then', 'catch', 'finally']);

/** Where the first attempt's data, asked for early, stands. */
const enum Early {
  NotAsked,
  Pending,
  Parsed,
  Failed,
}

/**
 * What the caller gets for a method that returned a rich promise (an SDK's APIPromise or
 * PagePromise): an object with the same members as the first attempt's promise. `then`
 * resolves through the attempt loop (retries, fallbacks); any other method — `withResponse()`,
 * `asResponse()`, `parse()` — is called on the winning attempt's own promise, so the caller gets
 * `{ data, response }` of the attempt that succeeded. Async iteration (auto-pagination) runs the
 * promise's own iterator against this object, so the first page comes through the loop too.
 *
 * The call path hands the outcome over with `settle` — at once from the first attempt's own
 * callback in the common case, so awaiting this object costs no promise hop of ours beyond the
 * SDK's. When the caller awaits before the outcome is known, the first attempt's data is asked
 * for at once, alongside the attempt (the SDK memoises it: the same data the caller would get
 * unwrapped), and handed over when that attempt is the winner.
 */
export class RichPromise implements ProxyHandler<object> {
  /** The object handed to the caller. */
  readonly proxy: object;
  /** The call's outcome, once known; `failure` when nothing could serve it. */
  private winner: Winner | undefined;
  private failure: { readonly error: unknown } | undefined;
  /** `then`, asked by every `await`: kept apart from the other members' map. */
  private thenFn: ((onFulfilled?: unknown, onRejected?: unknown) => unknown) | undefined;
  private functions: Map<string | symbol, (...args: unknown[]) => unknown> | undefined;
  /** The winner's data (what awaiting the SDK's promise gives), and how to settle it. */
  private dataPromise: Promise<unknown> | undefined;
  private resolveData: ((value: unknown) => void) | undefined;
  private rejectData: ((error: unknown) => void) | undefined;
  /** The first attempt's data, asked for early (see above). */
  private early = Early.NotAsked;
  private earlyValue: unknown;
  /** Other members called before the outcome was known. */
  private waiting: (() => void)[] | undefined;

  constructor(private readonly first: object) {
    // This object is the proxy's handler (its `get` trap below): no handler object per call.
    this.proxy = new Proxy(first, this);
  }

  /**
   * Turns what the caller receives into its observed form (streams, pages); values pass as they
   * are. `winner`: the attempt that produced it (its start, and its latency to the response). The
   * call path's subclass observes and meters (a method, not a closure per call).
   */
  protected observe(value: unknown, winner: Winner): unknown {
    void winner;
    return value;
  }

  /** The call's outcome: the winner, or a promise of it (the attempt loop's, after a failure). */
  settle(outcome: unknown): void {
    if (isThenable(outcome)) {
      outcome.then(
        (w) => this.won(w as Winner),
        (error: unknown) => this.lost(error),
      );
    } else this.won(outcome as Winner);
  }

  /** The proxy's get trap. */
  get(target: object, prop: string | symbol): unknown {
    const value: unknown = Reflect.get(target, prop, target);
    if (typeof value !== 'function') return prop === SETTLED ? () => this.outcomeKnown() : value;
    if (prop === 'then') {
      return (this.thenFn ??= (onFulfilled?: unknown, onRejected?: unknown) =>
        this.data().then(onFulfilled as Fulfilled, onRejected as Rejected));
    }
    const functions = (this.functions ??= new Map());
    let fn = functions.get(prop);
    if (fn !== undefined) return fn;
    if (CONSUMERS.has(prop)) {
      fn = (...args: unknown[]) => {
        const data = this.data();
        return (data[prop as 'then'] as (...a: unknown[]) => unknown).apply(data, args);
      };
    } else if (prop === Symbol.asyncIterator) {
      // The promise's own iterator (`const page = await this; …`) against the proxy.
      const proxy = this.proxy;
      fn = () => (value as () => unknown).call(proxy);
    } else {
      fn = (...args: unknown[]) => this.consume(prop, args);
    }
    functions.set(prop, fn);
    return fn;
  }

  /** Settles once the call's outcome is known (a probe gate watches it), reading no body. */
  private outcomeKnown(): Promise<void> {
    return new Promise((resolve) => {
      if (this.winner !== undefined || this.failure !== undefined) resolve();
      else (this.waiting ??= []).push(resolve);
    });
  }

  private won(winner: Winner): void {
    this.winner = winner;
    if (this.resolveData !== undefined) this.deliverData(winner);
    this.wake();
  }

  private lost(error: unknown): void {
    this.failure = { error };
    this.rejectData?.(error);
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    if (waiting === undefined) return;
    this.waiting = undefined;
    for (const run of waiting) run();
  }

  /** The winner's data (what awaiting the SDK's promise gives), computed once. */
  private data(): Promise<unknown> {
    if (this.dataPromise !== undefined) return this.dataPromise;
    const promise = new Promise((resolve, reject) => {
      this.resolveData = resolve;
      this.rejectData = reject;
    });
    this.dataPromise = promise;
    if (this.failure !== undefined) this.rejectData!(this.failure.error);
    else if (this.winner !== undefined) this.deliverData(this.winner);
    else this.askEarly();
    return promise;
  }

  /** Asks the first attempt's promise for its data now (memoised by the SDK), not after the outcome. */
  private askEarly(): void {
    if (this.early !== Early.NotAsked) return;
    this.early = Early.Pending;
    try {
      (this.first as PromiseLike<unknown>).then(
        (value) => {
          this.early = Early.Parsed;
          this.earlyValue = value;
          const winner = this.winner;
          if (winner !== undefined && winner.raw === this.first && !winner.served) this.deliverData(winner);
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

  /** Settles the data promise from the winner: its answer, or its own promise's data, observed. */
  private deliverData(winner: Winner): void {
    const resolve = this.resolveData!;
    const reject = this.rejectData!;
    if (winner.served) {
      resolve(winner.value);
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
      (winner.raw as PromiseLike<unknown>).then((value) => this.resolveObserved(value, winner), reject);
    } catch (err) {
      reject(err);
    }
  }

  private resolveObserved(value: unknown, winner: Winner): void {
    try {
      // Observed once: streams and pages come back as observed proxies, plain data as it is.
      this.resolveData!(this.observe(value, winner));
    } catch (err) {
      this.rejectData!(err);
    }
  }

  /** Another member of the promise (`withResponse`, `asResponse`, …), called on the winner. */
  private consume(prop: string | symbol, args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const run = (): void => {
        if (this.failure !== undefined) reject(this.failure.error);
        else {
          try {
            resolve(this.consumeWinner(this.winner!, prop, args));
          } catch (err) {
            reject(err);
          }
        }
      };
      if (this.winner !== undefined || this.failure !== undefined) run();
      else (this.waiting ??= []).push(run);
    });
  }

  private consumeWinner(w: Winner, prop: string | symbol, args: unknown[]): unknown {
    if (w.served) return servedMember(w.raw, w.value, prop, args);
    const own = (w.raw as Record<string | symbol, unknown>)[prop];
    if (typeof own !== 'function') throw new TypeError(`${String(prop)} is not a function`);
    const result = (own as (...a: unknown[]) => unknown).apply(w.raw, args);
    if (prop !== 'withResponse') return result;
    return Promise.resolve(result).then((r) => {
      const rec = r as { data?: unknown };
      const data = this.observe(rec.data, w);
      return data === rec.data ? r : { ...rec, data };
    });
  }
}
