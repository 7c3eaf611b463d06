import type { ServedHolder } from '../FallbackChain.js';
import type { MethodState } from '../MethodState.js';
import { SETTLED, Unadopted, unadopted } from '../resultShapes.js';
import { servedMember } from './Winner.js';

/**
 * The members an SDK's APIPromise offers in both official SDKs, for a method never seen returning
 * one (see `deferredPrototype`): then/catch/finally, `withResponse()` and `asResponse()`.
 */
const SDK_PROMISE: object = Object.freeze({
  then() {},
  catch() {},
  finally() {},
  withResponse() {},
  asResponse() {},
});

/**
 * The prototype of what a held call of `state` returns (a call that does not start its first
 * attempt at once: a cool-down, the concurrency limit, a probe, routing, an open breaker or a
 * missing method serving it from the fallbacks), or undefined for a plain promise. A method that
 * returned a rich promise before gets an object with that promise's members (`instanceof` its
 * class). A method never seen returning, of a client that retries by itself (an SDK client: a
 * numeric `maxRetries`) and named like its resource methods (`chat.completions.create`), gets the
 * SDKs' APIPromise members; anything else — a Fire Circle adapter, a plain async method — a plain
 * promise, as it returns one.
 */
export function deferredPrototype(state: MethodState, sdkClient: boolean): object | undefined {
  if (state.richPrototype !== undefined) return state.richPrototype;
  return state.kind === 'unknown' && sdkClient && state.path.includes('.') ? SDK_PROMISE : undefined;
}

/**
 * What the caller gets for a held call, given `served`: the promise of the call's eventual result
 * (a rich result carried `Unadopted`, or a fallback's answer, with what the fallback adapter
 * returned in `holder`). A plain promise of the value, or a deferred rich object.
 */
export function heldResult(
  state: MethodState,
  served: Promise<unknown>,
  holder: ServedHolder | undefined,
  sdkClient: boolean,
): unknown {
  const prototype = deferredPrototype(state, sdkClient);
  if (prototype === undefined) return served.then(unadopted);
  return new DeferredRich(prototype, served, holder).proxy;
}

type Fulfilled = ((value: unknown) => unknown) | null | undefined;
type Rejected = ((reason: unknown) => unknown) | null | undefined;

/** How a held call ended: its own (rich) result, a fallback's answer, or the call's error. */
type Outcome =
  | { readonly own: true; readonly result: unknown }
  | { readonly own: false; readonly value: unknown }
  | { readonly error: unknown };

/**
 * A rich promise for a call that does not start at once: an object with the members of the
 * method's rich promise, each answered once the held call has a result. `then`/`catch`/`finally`
 * give the eventual data; `withResponse()`, `asResponse()` and the other members are called on the
 * eventual call's own rich result (whose winning attempt answers them), or, when a fallback served
 * the call, on what the fallback adapter returned (its shapes given to a plain answer). Async
 * iteration (a PagePromise's auto-pagination) iterates the eventual page.
 *
 * Nothing is read before the caller asks: the call's result is carried unadopted, so an
 * `asResponse()` finds the body unread. Every member ends with the call's result or its error;
 * the held call's own promise is always handled here, so a caller asking only `withResponse()`
 * leaves no unhandled rejection behind.
 */
export class DeferredRich implements ProxyHandler<object> {
  readonly proxy: object;
  private outcome: Outcome | undefined;
  private waiting: (() => void)[] | undefined;
  private dataPromise: Promise<unknown> | undefined;
  private readonly functions = new Map<string | symbol, (...args: unknown[]) => unknown>();

  constructor(
    prototype: object,
    served: PromiseLike<unknown>,
    private readonly holder: ServedHolder | undefined,
  ) {
    this.proxy = new Proxy(Object.create(prototype) as object, this);
    served.then(
      (value) =>
        this.settle(value instanceof Unadopted ? { own: true, result: value.result } : { own: false, value }),
      (error: unknown) => this.settle({ error }),
    );
  }

  /** The proxy's get trap. */
  get(target: object, prop: string | symbol): unknown {
    if (prop === SETTLED) return () => this.settled();
    let value: unknown;
    try {
      value = Reflect.get(target, prop, target);
    } catch {
      // A getter of the SDK's class reading a private field of an instance we do not have.
      return undefined;
    }
    if (typeof value !== 'function' || prop === 'constructor') return value;
    let fn = this.functions.get(prop);
    if (fn !== undefined) return fn;
    if (prop === 'then') {
      fn = (onFulfilled?: unknown, onRejected?: unknown) =>
        this.data().then(onFulfilled as Fulfilled, onRejected as Rejected);
    } else if (prop === 'catch' || prop === 'finally') {
      fn = (...args: unknown[]) => {
        const data = this.data();
        return (data[prop] as (...a: unknown[]) => unknown).apply(data, args);
      };
    } else if (prop === Symbol.asyncIterator) {
      // A PagePromise's own iteration: the items of the page it resolves to.
      const data = (): Promise<unknown> => this.data();
      fn = async function* () {
        yield* (await data()) as AsyncIterable<unknown>;
      };
    } else {
      fn = (...args: unknown[]) => this.member(prop, args);
    }
    this.functions.set(prop, fn);
    return fn;
  }

  private settle(outcome: Outcome): void {
    this.outcome = outcome;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting !== undefined) for (const run of waiting) run();
  }

  /** Runs `run` once the outcome is known (at once when it is). */
  private when(run: () => void): void {
    if (this.outcome !== undefined) run();
    else (this.waiting ??= []).push(run);
  }

  /** The eventual data (what awaiting the SDK's promise gives), asked once. */
  private data(): Promise<unknown> {
    return (this.dataPromise ??= new Promise((resolve, reject) =>
      this.when(() => {
        const o = this.outcome!;
        if ('error' in o) reject(o.error);
        // The call's own rich result is awaited now, as the caller asked for its data.
        else resolve(o.own ? o.result : o.value);
      }),
    ));
  }

  /** Another member (`withResponse`, `asResponse`, …), called on the eventual result. */
  private member(prop: string | symbol, args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) =>
      this.when(() => {
        const o = this.outcome!;
        if ('error' in o) {
          reject(o.error);
          return;
        }
        try {
          if (!o.own) resolve(servedMember(this.holder?.raw, o.value, prop, args));
          else {
            const own = (o.result as Record<string | symbol, unknown>)[prop];
            if (typeof own !== 'function') throw new TypeError(`${String(prop)} is not a function`);
            resolve((own as (...a: unknown[]) => unknown).apply(o.result, args));
          }
        } catch (err) {
          reject(err);
        }
      }),
    );
  }

  /** Settles once the held call's outcome is known (a probe gate watches it), reading no body. */
  private settled(): Promise<unknown> {
    return new Promise((resolve) =>
      this.when(() => {
        const o = this.outcome!;
        resolve('own' in o && o.own ? new Unadopted(o.result).settled() : undefined);
      }),
    );
  }
}
