/** How many links of a `cause` chain are read; bounds the work and breaks cycles without a Set. */
export const MAX_CAUSE_DEPTH = 5;

/** Reads `obj[key]`; getters, Proxy traps and revoked Proxies that throw read as undefined. */
export function readProperty(obj: unknown, key: PropertyKey): unknown {
  if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function')) return undefined;
  try {
    return (obj as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Reads `obj[key]` when it is a non-empty string. */
export function readString(obj: unknown, key: PropertyKey): string | undefined {
  const value = readProperty(obj, key);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The prototype of `obj`, or undefined when a Proxy trap throws. */
export function readPrototype(obj: unknown): unknown {
  if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function')) return undefined;
  try {
    return Object.getPrototypeOf(obj);
  } catch {
    return undefined;
  }
}

/** The next error of a chain: `cause`, else the first of an AggregateError's `errors` (happy eyeballs). */
export function nextCause(err: unknown): unknown {
  const cause = readProperty(err, 'cause');
  if (cause !== undefined && cause !== null) return cause;
  const errors = readProperty(err, 'errors');
  try {
    return Array.isArray(errors) ? readProperty(errors, 0) : undefined;
  } catch {
    // Array.isArray throws on a revoked Proxy.
    return undefined;
  }
}
