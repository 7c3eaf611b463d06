/** Asks for the data (see `DataThenable[ASK]`). */
export const ASK: unique symbol = Symbol('ask');
/** Whether the data would be delivered within the asking call (see `DataThenable[KNOWN]`). */
export const KNOWN: unique symbol = Symbol('known');
/** Delivers the data, or the error instead of it (see `DataThenable[FULFIL]`). */
export const FULFIL: unique symbol = Symbol('fulfil');
export const FAIL: unique symbol = Symbol('fail');
/** Whether the data was asked for (see `DataThenable[ASKED]`). */
export const ASKED: unique symbol = Symbol('asked');

type Fulfilled = ((value: unknown) => unknown) | null | undefined;
type Rejected = ((reason: unknown) => unknown) | null | undefined;

/** Whether the data was delivered. */
const enum Delivered {
  Not,
  Value,
  Error,
}

/** The resolving functions of the promise being constructed: one executor, not a closure per call. */
let nextResolve: ((value: unknown) => void) | undefined;
let nextReject: ((error: unknown) => void) | undefined;
function capture(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
  nextResolve = resolve;
  nextReject = reject;
}

/**
 * A thenable of data read only when asked for: `then`, `catch` and `finally` ask for it once
 * (`ASK`, the subclass's) and answer as a promise's would. The first `then` while the data is not
 * known — nearly every caller: one `await` — gets one promise, settled with its handler's result
 * when the data arrives (never within the `then` call); every other consumption gets a native
 * promise of the data, made when first needed. Symbol-keyed hooks, so that no SDK member a
 * subclass also carries is shadowed.
 */
export abstract class DataThenable {
  // Fields are declared (`declare`) and assigned in the constructors along this class chain, not
  // defined as class fields: V8 builds an instance of a chain of classes with field definitions
  // (private ones above all) at about twice the cost, on every call (see `richClass`).
  /** Whether the data was asked for. */
  declare private asked: boolean;
  declare private delivered: Delivered;
  declare private result: unknown;
  /** The first caller's `then`: its handlers and the resolving functions of the promise it got. */
  declare private onFulfilled: Fulfilled;
  declare private onRejected: Rejected;
  declare private thenResolve: ((value: unknown) => void) | undefined;
  declare private thenReject: ((error: unknown) => void) | undefined;
  /** The promise of the data for every other consumption, and how to settle it. */
  declare private data: Promise<unknown> | undefined;
  declare private resolve: ((value: unknown) => void) | undefined;
  declare private reject: ((error: unknown) => void) | undefined;

  constructor() {
    this.asked = false;
    this.delivered = Delivered.Not;
    this.result = undefined;
    this.onFulfilled = undefined;
    this.onRejected = undefined;
    this.thenResolve = undefined;
    this.thenReject = undefined;
    this.data = undefined;
    this.resolve = undefined;
    this.reject = undefined;
  }

  /** Asks for the data, to be handed over through `FULFIL` or `FAIL`. Called once. */
  protected abstract [ASK](): void;

  /** Whether asking now could deliver the data within the asking call (then: not the one-promise path). */
  protected abstract [KNOWN](): boolean;

  /** Whether the data was asked for (by a consumption). */
  protected get [ASKED](): boolean {
    return this.asked;
  }

  then<R1 = unknown, R2 = never>(
    onfulfilled?: ((value: unknown) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    if (this.thenResolve === undefined && this.data === undefined && !this[KNOWN]()) {
      const promise = new Promise(capture);
      this.thenResolve = nextResolve;
      this.thenReject = nextReject;
      this.onFulfilled = onfulfilled as Fulfilled;
      this.onRejected = onrejected as Rejected;
      if (!this.asked) this.askOnce();
      return promise as Promise<R1 | R2>;
    }
    return this.dataPromise().then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<unknown> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<unknown> {
    return this.dataPromise().finally(onfinally);
  }

  /** The data is there: to the first caller's `then` and to the data promise (once). */
  protected [FULFIL](value: unknown): void {
    this.settleWith(Delivered.Value, value);
  }

  /** The data cannot be had: the error to the first caller's `then` and to the data promise (once). */
  protected [FAIL](error: unknown): void {
    this.settleWith(Delivered.Error, error);
  }

  private settleWith(how: Delivered.Value | Delivered.Error, result: unknown): void {
    if (this.delivered !== Delivered.Not) return;
    this.delivered = how;
    this.result = result;
    const ok = how === Delivered.Value;
    if (ok) this.resolve?.(result);
    else this.reject?.(result);
    const resolve = this.thenResolve;
    if (resolve === undefined) return;
    const handler = ok ? this.onFulfilled : this.onRejected;
    if (typeof handler === 'function') {
      try {
        resolve(handler(result));
      } catch (err) {
        this.thenReject!(err);
      }
    } else if (ok) resolve(result);
    else this.thenReject!(result);
  }

  private askOnce(): void {
    this.asked = true;
    this[ASK]();
  }

  private dataPromise(): Promise<unknown> {
    if (this.data !== undefined) return this.data;
    const data = new Promise(capture);
    this.data = data;
    this.resolve = nextResolve;
    this.reject = nextReject;
    if (this.delivered === Delivered.Value) this.resolve!(this.result);
    else if (this.delivered === Delivered.Error) this.reject!(this.result);
    else if (!this.asked) this.askOnce();
    return data;
  }
}
