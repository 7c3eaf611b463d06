import { helperHeadersOf } from '../../usage/readRateLimits.js';
import { isAsyncIterable, isPlainIterator } from '../resultShapes.js';
import { StreamObserver, type Observation } from './StreamObserver.js';

export type { Observation } from './StreamObserver.js';

/** Members that hand a stream's data on to someone else: the call counts when they are called. */
const HAND_OFFS = new Set<string | symbol>(['tee', 'toReadableStream']);
/** Members of a page that must run against the observed page (they call its `getNextPage`). */
const PAGE_WALKERS = new Set<string | symbol>(['iterPages', Symbol.asyncIterator]);

/**
 * What the caller receives for a result, observed but not replaced: an SDK stream or a page comes
 * back as a proxy of the SDK's own object (every member intact, `instanceof` true); anything else
 * as it is.
 */
export function observeResult(value: unknown, o: Observation): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (isPage(value)) return observePage(value, o);
  if (isAsyncIterable(value) && !isPlainIterator(value))
    return observeStream(value, new StreamObserver(o, true));
  return value;
}

/** Whether a result is something observeResult would wrap (a page or an SDK stream): cheap. */
export function needsObserving(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { getNextPage?: unknown; [Symbol.asyncIterator]?: unknown };
  return typeof v.getNextPage === 'function' || typeof v[Symbol.asyncIterator] === 'function';
}

/** An SDK page: `getNextPage()` and `hasNextPage()`. */
function isPage(value: object): boolean {
  const v = value as { getNextPage?: unknown; hasNextPage?: unknown };
  return typeof v.getNextPage === 'function' && typeof v.hasNextPage === 'function';
}

/**
 * A stream helper (Anthropic `messages.stream()`, openai `chat.completions.stream()`,
 * `responses.stream()`): an async iterable with its own event emitter.
 */
export function isStreamHelper(value: unknown): value is object {
  return (
    isAsyncIterable(value) && typeof (value as { on?: unknown }).on === 'function' && !isPlainIterator(value)
  );
}

/** Observes a stream helper through its own events; the caller's object is returned untouched. */
export function observeHelper(helper: object, o: Observation): void {
  const observer = new StreamObserver(o, false);
  const on = (helper as { on: (event: string, fn: (...a: unknown[]) => void) => unknown }).on.bind(helper);
  const chunk = (event: unknown): void => observer.chunk(event);
  on('streamEvent', chunk); // Anthropic MessageStream
  on('chunk', chunk); // openai ChatCompletionStream
  on('event', chunk); // openai ResponseStream
  // Connected: the rate-limit headers of the helper's own response, when it exposes one.
  on('connect', () => {
    const headers = helperHeadersOf(helper);
    if (headers !== undefined)
      o.pipeline.voice.usage.headers(o.state.path, o.request, headers, undefined, o.attemptStart);
  });
  on('end', () => observer.ended(false));
  on('abort', () => observer.ended(true));
  on('error', (err: unknown) => observer.failed(err));
}

/** A proxy of an SDK stream whose iteration is observed; hand-offs count the call. */
function observeStream(stream: object, observer: StreamObserver): object {
  const functions = new Map<string | symbol, unknown>();
  const aborted = (): boolean =>
    (stream as { controller?: { signal?: AbortSignal } }).controller?.signal?.aborted === true;
  return new Proxy(stream, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let fn = functions.get(prop);
      if (fn === undefined) {
        if (prop === Symbol.asyncIterator) {
          fn = () => observeIterator((value as () => AsyncIterator<unknown>).call(target), observer, aborted);
        } else if (HAND_OFFS.has(prop)) {
          fn = (...args: unknown[]) => {
            observer.handedOff();
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        } else {
          fn = (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args);
        }
        functions.set(prop, fn);
      }
      return fn;
    },
  });
}

function observeIterator(
  inner: AsyncIterator<unknown>,
  observer: StreamObserver,
  aborted: () => boolean,
): AsyncIterableIterator<unknown> {
  const onResult = (r: IteratorResult<unknown>): IteratorResult<unknown> => {
    if (r.done) observer.ended(aborted());
    else observer.chunk(r.value);
    return r;
  };
  const onError = (err: unknown): never => {
    if (aborted()) observer.ended(true);
    else observer.failed(err);
    throw err;
  };
  const iterator: AsyncIterableIterator<unknown> = {
    next: (...args: [] | [unknown]) => inner.next(...args).then(onResult, onError),
    return: (value?: unknown) => {
      // The caller stopped early (break): not a failure.
      observer.ended(false);
      return inner.return ? inner.return(value) : Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  if (inner.throw) iterator.throw = (e?: unknown) => inner.throw!(e);
  return iterator;
}

/** A proxy of an SDK page whose next-page fetches are protected calls of the same method. */
function observePage(page: object, o: Observation): object {
  const functions = new Map<string | symbol, unknown>();
  const proxy: object = new Proxy(page, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let fn = functions.get(prop);
      if (fn === undefined) {
        if (prop === 'getNextPage') {
          fn = () =>
            o.protectPage(() => (value as () => unknown).call(target)).then((next) => observeResult(next, o));
        } else if (PAGE_WALKERS.has(prop)) {
          fn = (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(proxy, args);
        } else {
          fn = (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args);
        }
        functions.set(prop, fn);
      }
      return fn;
    },
  });
  return proxy;
}
