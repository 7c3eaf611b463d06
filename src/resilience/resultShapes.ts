/**
 * Whether a value is a thenable (a Promise or a promise-like SDK object such as APIPromise). A
 * value whose `then` getter throws is not one: it goes back to the caller as it is, whose own
 * `await` meets the throw — as it would without the wrapper — instead of the throw escaping
 * from the wrapped call.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}

/** Whether a value is an async iterable (a stream). */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/** The caller's AbortSignal, if one of the arguments carries one (`{ signal }` or the signal itself). */
export function findSignal(args: readonly unknown[]): AbortSignal | undefined {
  for (const arg of args) {
    if (arg instanceof AbortSignal) return arg;
    if (typeof arg === 'object' && arg !== null) {
      const signal = (arg as { signal?: unknown }).signal;
      if (signal instanceof AbortSignal) return signal;
    }
  }
  return undefined;
}

const PROMISE_MEMBERS = new Set(['then', 'catch', 'finally', 'constructor']);
/** Rich-or-not per prototype: the walk below runs once per class, not per call. */
const richPrototypes = new WeakMap<object, boolean>();

/**
 * Whether a thenable carries its own API beyond then/catch/finally (an SDK's APIPromise or
 * PagePromise: `withResponse()`, `asResponse()`, auto-pagination). Plain promises are not rich.
 */
export function isRichThenable(value: PromiseLike<unknown>): boolean {
  const first = Object.getPrototypeOf(value) as object | null;
  if (first === Promise.prototype || first === null) return false;
  // One SDK class answers nearly every call: the last prototype asked needs no WeakMap lookup.
  if (first === lastPrototype) return lastRich;
  let known = richPrototypes.get(first);
  if (known === undefined) {
    known = walkRich(first);
    richPrototypes.set(first, known);
  }
  lastPrototype = first;
  lastRich = known;
  return known;
}

let lastPrototype: object | undefined;
let lastRich = false;

function walkRich(first: object): boolean {
  let rich = false;
  for (
    let proto: object | null = first;
    proto !== null && proto !== Promise.prototype && proto !== Object.prototype;
  ) {
    for (const key of Reflect.ownKeys(proto)) {
      if (typeof key === 'string' && PROMISE_MEMBERS.has(key)) continue;
      const d = Object.getOwnPropertyDescriptor(proto, key);
      if (d !== undefined && typeof d.value === 'function') rich = true;
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return rich;
}

const ITERATOR_MEMBERS = new Set<string | symbol>([
  'next',
  'return',
  'throw',
  Symbol.asyncIterator,
  'constructor',
]);
const plainPrototypes = new WeakMap<object, boolean>();

function plainMembers(o: object): boolean {
  for (const key of Reflect.ownKeys(o)) if (!ITERATOR_MEMBERS.has(key)) return false;
  return true;
}

/**
 * Whether an async iterable is a plain iterator (an async generator, or an object whose only API
 * is next/return/throw): safe to replace by a retrying stream. SDK streams (`controller`, `tee`,
 * `toReadableStream`, `on`, …) are observed instead.
 */
export function isPlainIterator(value: AsyncIterable<unknown>): boolean {
  if (Object.prototype.toString.call(value) === '[object AsyncGenerator]') return true;
  if (!plainMembers(value)) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === null || proto === Object.prototype) return true;
  let plain = plainPrototypes.get(proto);
  if (plain === undefined) {
    plain = true;
    for (
      let o: object | null = proto;
      o !== null && o !== Object.prototype;
      o = Object.getPrototypeOf(o) as object | null
    ) {
      if (!plainMembers(o)) plain = false;
    }
    plainPrototypes.set(proto, plain);
  }
  return plain;
}

/**
 * What a rich result (the caller's object for an SDK's APIPromise, held or not) answers for this
 * key: a method giving a promise that settles (never rejects) once the call's
 * outcome is known — reading nothing of its response.
 */
export const SETTLED: unique symbol = Symbol('settled');

/**
 * A rich result carried through a promise without being adopted: a promise resolved with a
 * thenable calls its `then`, and a rich promise's `then` reads the response body (an `asResponse()`
 * the caller asks for later would find it used). What the continuation of a held call returns.
 */
export class Unadopted {
  constructor(readonly result: unknown) {}

  /** Settles (never rejects) once the call's outcome is known, reading nothing of its response. */
  settled(): PromiseLike<unknown> {
    const settled = (this.result as { [SETTLED]?: unknown })[SETTLED];
    return typeof settled === 'function'
      ? (settled as () => PromiseLike<unknown>).call(this.result)
      : Promise.resolve();
  }
}

/** A call's result as a held call's continuation returns it: a rich result is carried unadopted. */
export function carry(result: unknown): unknown {
  return isThenable(result) && isRichThenable(result) ? new Unadopted(result) : result;
}

/** What a held call's promise carried: the result itself. */
export function unadopted(value: unknown): unknown {
  return value instanceof Unadopted ? value.result : value;
}
