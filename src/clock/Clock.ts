/** Current time in epoch milliseconds (fractional allowed). Injected everywhere so tests control time. */
export type Clock = () => number;

const origin = performance.timeOrigin;

/** Monotonic epoch-millisecond clock with sub-millisecond resolution. */
export const systemClock: Clock = () => origin + performance.now();

/** Sleeps `ms` milliseconds; resolves early with `false` when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<boolean>;

/** Real-time sleep used by retries; wakes up early (resolving `false`) if the caller aborts. */
export const systemSleep: Sleep = (ms, signal) =>
  new Promise<boolean>((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
