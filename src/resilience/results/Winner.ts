import { keepShape } from '../../base/keepShape.js';

/**
 * How the attempt loop ended for a rich promise: the winning attempt's own object, or a fallback's
 * answer. A class, not an object literal, on purpose: V8 pretenures an object-literal allocation
 * site whose objects survive young-generation collections, and a pretenured per-call record keeps
 * every object of its call (the SDK's promise, its response, our records) alive into the old
 * generation until the next full collection. With the literal, `npm run bench`'s rich-promise row
 * spent a quarter of its time in the garbage collector (2–3 ms per scavenge against 0.4 ms, seen
 * with `node --trace-gc` and `--trace-pretenuring-statistics`); class instances have no allocation
 * site and are never pretenured. The same holds for every record created per call on the hot path.
 */
export class Winner {
  constructor(
    /** The winning attempt's object (an APIPromise), or what the fallback adapter returned. */
    readonly raw: unknown,
    /** Served by the fallback chain: `value` is its (awaited) answer. */
    readonly served: boolean,
    readonly value: unknown,
    /** When the winning attempt started (first-chunk time of a stream counts from here). */
    readonly attemptStart: number,
    /** How long the winning attempt took to its response (ms; 0 when not measured, as for a fallback's answer). */
    readonly latencyMs: number,
    /** The attempt waited on its own data (the caller asked for it first): `value` is that data. */
    readonly read = false,
  ) {}
}
// One winner kept, so that its shape outlives full collections (see `keepShape`; fractional milliseconds).
keepShape(new Winner(undefined, false, undefined, 0.5, 0.5));

/**
 * A member of a rich promise (`withResponse()`, `asResponse()`, …) for a call a fallback served:
 * called on what the fallback adapter returned when it has that member (another SDK client's
 * APIPromise); otherwise the promise's shapes are given to the fallback's answer (`value`).
 */
export function servedMember(raw: unknown, value: unknown, prop: string | symbol, args: unknown[]): unknown {
  const own = (raw as Record<string | symbol, unknown> | undefined)?.[prop];
  if (typeof own === 'function') return (own as (...a: unknown[]) => unknown).apply(raw, args);
  if (prop === 'withResponse') return { data: value, response: jsonResponse(value), request_id: null };
  if (prop === 'asResponse') return jsonResponse(value);
  return value;
}

function jsonResponse(value: unknown): Response {
  return new Response(JSON.stringify(value ?? null), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}
