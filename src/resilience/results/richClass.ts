import { keepShape } from '../../base/keepShape.js';
import { SETTLED } from '../resultShapes.js';
import { RichPromise } from './RichPromise.js';

/** What the caller gets for a call of a rich promise: an object in front of the call (`RichPromise`). */
export type RichFront = new (call: RichPromise) => object;

const classes = new WeakMap<object, RichFront>();
/**
 * SDK promise classes whose front keeps an instance (and so the class, and the SDK's prototype)
 * alive for good: the first ones seen. A client making a new promise class per call must not
 * grow the process; further fronts only lose their shape at full collections.
 */
export const MAX_KEPT_FRONTS = 16;
let keptFronts = 0;
/** Nearly every call asks for the same class as the call before: answered without the map. */
let last: { sdk: object; made: RichFront } | undefined;

/**
 * The class of what the caller gets for an SDK promise whose prototype is `sdk`: an object in
 * front of the call (a `RichPromise`, which it holds in a private field, out of the caller's
 * sight), whose prototype chain runs through `sdk`'s, so that `instanceof APIPromise` (or
 * `PagePromise`) and `instanceof Promise` hold as unwrapped. `then`, `catch` and `finally` are the
 * call's; each other function member of the SDK's chain (`asResponse`, `withResponse`, `parse`,
 * `_thenUnwrap`, …) is answered by the call's winning attempt. The SDK's async iterator (a page
 * promise's auto-pagination) is kept: it awaits the object it is called on. Built once per SDK
 * class; for the first `MAX_KEPT_FRONTS` classes one instance of placeholders is kept, so that the
 * class's instance shape outlives full garbage collections (see `keepShape`).
 *
 * A front and its call, rather than one object: the call's parts (`RichCall`, its `RichPromise`
 * and that one's `DataThenable`) hold fields the caller must not see, and are plain classes
 * without `extends` — instances of derived classes, with private fields or with a redefined
 * `name` (esbuild's `keepNames`, which tsx applies), cost V8 several times more to build.
 */
export function richClass(sdk: object): RichFront {
  if (last !== undefined && last.sdk === sdk) return last.made;
  let made = classes.get(sdk);
  if (made === undefined) {
    made = build(sdk);
    if (keptFronts < MAX_KEPT_FRONTS) {
      keptFronts += 1;
      keepShape(new made({} as RichPromise));
    }
    classes.set(sdk, made);
  }
  last = { sdk, made };
  return made;
}

function build(sdk: object): RichFront {
  // The call behind a front of this class, for the SDK members below: set by the class's static
  // block rather than kept as a static member, which the caller would see on `constructor`.
  let callOf!: (rich: Rich) => RichPromise;
  class Rich {
    readonly #call: RichPromise;

    static {
      callOf = (rich) => rich.#call;
    }

    constructor(call: RichPromise) {
      this.#call = call;
    }

    then(
      onfulfilled?: ((value: unknown) => unknown) | null,
      onrejected?: ((reason: unknown) => unknown) | null,
    ): Promise<unknown> {
      return this.#call.then(onfulfilled, onrejected);
    }

    catch(onrejected?: ((reason: unknown) => unknown) | null): Promise<unknown> {
      return this.#call.catch(onrejected);
    }

    finally(onfinally?: (() => void) | null): Promise<unknown> {
      return this.#call.finally(onfinally);
    }

    /** Settles once the call's outcome is known, reading no body (see `RichPromise[SETTLED]`). */
    [SETTLED](): Promise<void> {
      return this.#call[SETTLED]();
    }
  }
  const own = Rich.prototype as unknown as Record<string | symbol, unknown>;
  Object.setPrototypeOf(own, sdk);
  for (const key of sdkMembers(sdk)) {
    // The front's own members (then, catch, finally) win over the SDK's of the same name.
    if (Object.prototype.hasOwnProperty.call(own, key)) continue;
    Object.defineProperty(own, key, {
      value: answeredByWinner(key, callOf),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  const sdkName = (sdk as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof sdkName === 'string') Object.defineProperty(Rich, 'name', { value: sdkName });
  return Rich;
}

/** Keys of the function members along `sdk`'s chain, up to Promise's (or Object's) prototype. */
function sdkMembers(sdk: object): Set<string | symbol> {
  const keys = new Set<string | symbol>();
  for (const proto of chainOf(sdk, Promise.prototype)) {
    for (const key of Reflect.ownKeys(proto)) {
      if (key === 'constructor' || key === Symbol.asyncIterator) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
      if (typeof descriptor.value === 'function') keys.add(key);
    }
  }
  return keys;
}

/** The prototypes from `from` up to, not including, `until` (or Object's prototype, or the end of the chain). */
function chainOf(from: object, until: object): object[] {
  const chain: object[] = [];
  for (
    let proto: object | null = from;
    proto !== null && proto !== until && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    chain.push(proto);
  }
  return chain;
}

function answeredByWinner<F>(
  key: string | symbol,
  callOf: (rich: F) => RichPromise,
): (this: F, ...args: unknown[]) => unknown {
  const member = function (this: F, ...args: unknown[]): unknown {
    return RichPromise.member(callOf(this), key, args);
  };
  Object.defineProperty(member, 'name', {
    value: typeof key === 'string' ? key : `[${key.description ?? ''}]`,
  });
  return member;
}
