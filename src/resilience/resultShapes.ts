/** Whether a value is a thenable (a Promise or a promise-like SDK object such as APIPromise). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
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
