/** What a `DataThenable` asks of its owner. */
export interface DataOwner {
  /** Asks for the data, to be handed over through `fulfil` or `fail`. Called once. */
  askForData(): void;
  /** Whether asking now could deliver the data within the asking call (then: not the one-promise path). */
  dataKnown(): boolean;
}

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
 * A thenable of data read only when asked for: `then`, `catch` and `finally` ask its owner for it
 * once (`askForData`) and answer as a promise's would. The first `then` while the data is not known
 * — nearly every caller: one `await` — gets one promise, settled with its handler's result when
 * the data arrives (never within the `then` call); every other consumption gets a native promise
 * of the data, made when first needed.
 *
 * A class of its own that its owner holds, not a base class: V8 builds an instance of a derived
 * class several times slower than one of a class without `extends` when the class's `name` was
 * redefined, as esbuild's `keepNames` (tsx's transform) does to every class (12 against 49 ns for
 * a chain of three, in isolation) — and one is made on every call.
 */
export class DataThenable {
  private asked = false;
  private delivered = Delivered.Not;
  private result: unknown = undefined;
  /** The first caller's `then`: its handlers and the resolving functions of the promise it got. */
  private onFulfilled: Fulfilled = undefined;
  private onRejected: Rejected = undefined;
  private thenResolve: ((value: unknown) => void) | undefined = undefined;
  private thenReject: ((error: unknown) => void) | undefined = undefined;
  /** The promise of the data for every other consumption, and how to settle it. */
  private data: Promise<unknown> | undefined = undefined;
  private resolve: ((value: unknown) => void) | undefined = undefined;
  private reject: ((error: unknown) => void) | undefined = undefined;

  constructor(private readonly owner: DataOwner) {}

  /** Whether the data was asked for (by a consumption). */
  get askedFor(): boolean {
    return this.asked;
  }

  then<R1 = unknown, R2 = never>(
    onfulfilled?: ((value: unknown) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    if (this.thenResolve === undefined && this.data === undefined && !this.owner.dataKnown()) {
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
  fulfil(value: unknown): void {
    this.settleWith(Delivered.Value, value);
  }

  /** The data cannot be had: the error to the first caller's `then` and to the data promise (once). */
  fail(error: unknown): void {
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
    this.owner.askForData();
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
