/** Current time in epoch milliseconds (fractional allowed). Injected everywhere so tests control time. */
export type Clock = () => number;

const origin = performance.timeOrigin;

/** Monotonic epoch-millisecond clock with sub-millisecond resolution. */
export const systemClock: Clock = () => origin + performance.now();

/** Sleeps `ms` milliseconds; resolves early with `false` when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<boolean>;
