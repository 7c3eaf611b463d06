import { keepShape } from '../../base/keepShape.js';
import { RichPromise } from './RichPromise.js';

type RichConstructor<C extends RichPromise, A extends unknown[]> = new (first: object, ...rest: A) => C;

const classes = new WeakMap<object, WeakMap<object, unknown>>();
/** Nearly every call asks for the same class as the call before: answered without the maps. */
let last: { base: object; sdk: object; made: unknown } | undefined;

/**
 * The class of what the caller gets for an SDK promise whose prototype is `sdk`: a subclass of
 * `base` whose prototype chain runs through `sdk`'s, so that `instanceof APIPromise` (or
 * `PagePromise`) holds as unwrapped. Each function member of the SDK's chain (`asResponse`,
 * `withResponse`, `parse`, `_thenUnwrap`, …) is answered by the call's winning attempt; `then`,
 * `catch`, `finally` and this library's own symbol-keyed members are `base`'s. The SDK's async
 * iterator (a page promise's auto-pagination) is kept: it awaits the promise it is called on.
 * Built once per SDK class and base; `sample` makes an instance of placeholders, kept so that the
 * class's instance shape outlives full garbage collections (see `keepShape`).
 */
export function richClass<C extends RichPromise, A extends unknown[]>(
  base: RichConstructor<C, A>,
  sdk: object,
  sample: (made: RichConstructor<C, A>) => C,
): RichConstructor<C, A> {
  if (last !== undefined && last.sdk === sdk && last.base === base) return last.made as RichConstructor<C, A>;
  let ofBase = classes.get(base);
  if (ofBase === undefined) classes.set(base, (ofBase = new WeakMap()));
  let made = ofBase.get(sdk) as RichConstructor<C, A> | undefined;
  if (made === undefined) {
    made = build(base, sdk);
    keepShape(sample(made));
    ofBase.set(sdk, made);
  }
  last = { base, sdk, made };
  return made;
}

function build<C extends RichPromise, A extends unknown[]>(
  base: RichConstructor<C, A>,
  sdk: object,
): RichConstructor<C, A> {
  const Rich = class extends (base as unknown as new (...args: unknown[]) => RichPromise) {};
  const own = Rich.prototype as unknown as Record<string | symbol, unknown>;
  Object.setPrototypeOf(own, sdk);
  for (const key of sdkMembers(sdk)) {
    Object.defineProperty(own, key, {
      value: answeredByWinner(key),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  // The base's own members last: they win over an SDK member of the same name (then, catch, finally).
  for (const proto of chainOf(base.prototype, Object.prototype).reverse()) {
    for (const key of Reflect.ownKeys(proto)) {
      if (key === 'constructor') continue;
      Object.defineProperty(own, key, Object.getOwnPropertyDescriptor(proto, key)!);
    }
  }
  const sdkName = (sdk as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof sdkName === 'string') Object.defineProperty(Rich, 'name', { value: sdkName });
  return Rich as unknown as RichConstructor<C, A>;
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

function answeredByWinner(key: string | symbol): (...args: unknown[]) => unknown {
  const member = function (this: RichPromise, ...args: unknown[]): unknown {
    return RichPromise.member(this, key, args);
  };
  Object.defineProperty(member, 'name', {
    value: typeof key === 'string' ? key : `[${key.description ?? ''}]`,
  });
  return member;
}
