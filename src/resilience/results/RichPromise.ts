/** How the attempt loop ended for a rich promise: the winning attempt's own object, or a fallback's answer. */
export interface Winner {
  /** The winning attempt's object (an APIPromise), or what the fallback adapter returned. */
  readonly raw: unknown;
  /** Served by the fallback chain: `value` is its (awaited) answer. */
  readonly served: boolean;
  readonly value?: unknown;
  /** When the winning attempt started (first-chunk time of a stream counts from here). */
  readonly attemptStart: number;
}

/** Turns what the caller receives into its observed form (streams, pages); values pass as they are. */
export type Observe = (value: unknown, attemptStart: number) => unknown;

const CONSUMERS = new Set<string | symbol>(['then', 'catch', 'finally']);
const ignore = (): undefined => undefined;

/**
 * What the caller gets for a method that returned a rich promise (an SDK's APIPromise or
 * PagePromise): an object with the same members as the first attempt's promise. `then`
 * resolves through the attempt loop (retries, fallbacks); any other method — `withResponse()`,
 * `asResponse()`, `parse()` — is called on the winning attempt's own promise, so the caller gets
 * `{ data, response }` of the attempt that succeeded. Async iteration (auto-pagination) runs the
 * promise's own iterator against this object, so the first page comes through the loop too.
 */
export class RichPromise implements ProxyHandler<object> {
  /** The object handed to the caller. */
  readonly proxy: object;
  /** `then`, asked by every `await`: kept apart from the other members' map. */
  private thenFn: ((...args: unknown[]) => unknown) | undefined;
  private functions: Map<string | symbol, (...args: unknown[]) => unknown> | undefined;
  private dataPromise: Promise<unknown> | undefined;

  constructor(
    first: object,
    private readonly outcome: Promise<Winner>,
    private readonly observe: Observe,
  ) {
    // Nobody may be listening (fire and forget): a failure must not become an unhandled rejection.
    outcome.then(undefined, ignore);
    // This object is the proxy's handler (its `get` trap below): no handler object per call.
    this.proxy = new Proxy(first, this);
  }

  /** The proxy's get trap. */
  get(target: object, prop: string | symbol): unknown {
    return this.member(target, prop);
  }

  private member(target: object, prop: string | symbol): unknown {
    const value: unknown = Reflect.get(target, prop, target);
    if (typeof value !== 'function') return value;
    if (prop === 'then') {
      return (this.thenFn ??= (...args: unknown[]) => {
        const data = this.data();
        return data.then(...(args as Parameters<Promise<unknown>['then']>));
      });
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

  /** The winner's data (what awaiting the SDK's promise gives), computed once. */
  private data(): Promise<unknown> {
    return (this.dataPromise ??= this.outcome.then((w) => {
      if (w.served) return w.value;
      // Observed once: streams and pages come back as observed proxies, plain data as it is.
      return (w.raw as PromiseLike<unknown>).then((v) => this.observe(v, w.attemptStart));
    }));
  }

  /** Another member of the promise (`withResponse`, `asResponse`, …), called on the winner. */
  private consume(prop: string | symbol, args: unknown[]): Promise<unknown> {
    return this.outcome.then((w) => {
      const own = (w.raw as Record<string | symbol, unknown> | undefined)?.[prop];
      if (typeof own === 'function') {
        const result = (own as (...a: unknown[]) => unknown).apply(w.raw, args);
        if (prop === 'withResponse' && !w.served) {
          return Promise.resolve(result).then((r) => {
            const rec = r as { data?: unknown };
            const data = this.observe(rec.data, w.attemptStart);
            return data === rec.data ? r : { ...rec, data };
          });
        }
        return result;
      }
      // A fallback value (not an SDK promise) served the call: give it the promise's shapes.
      if (prop === 'withResponse')
        return { data: w.value, response: jsonResponse(w.value), request_id: null };
      if (prop === 'asResponse') return jsonResponse(w.value);
      return w.value;
    });
  }
}

function jsonResponse(value: unknown): Response {
  return new Response(JSON.stringify(value ?? null), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}
