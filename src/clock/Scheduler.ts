import type { Clock, Sleep } from './Clock.js';
import { systemClock } from './Clock.js';

/** A scheduled callback: whether it keeps the process alive (no-ops on a virtual clock). */
export interface Timer {
  ref(): unknown;
  unref(): unknown;
}

/**
 * Runs callbacks later: every timer of the library (deadlines, retry and cool-down waits, the
 * probe loop, autosaves, load timeouts) goes through one, so a test can run them on virtual time.
 * Node's own four timer functions are one (the default).
 */
export interface Scheduler {
  /** Calls `callback` once, `ms` from now. */
  setTimeout(callback: () => void, ms: number): Timer;
  /** Cancels a timeout (undefined or already fired: nothing). */
  clearTimeout(timer: Timer | undefined): void;
  /** Calls `callback` every `ms`. */
  setInterval(callback: () => void, ms: number): Timer;
  /** Cancels an interval (undefined: nothing). */
  clearInterval(timer: Timer | undefined): void;
}

/**
 * A clock object: `now()` reads the time; with the four {@link Scheduler} methods too, the
 * library's timers run on it (a virtual clock in tests), without them on the real timers.
 */
export interface TimeSource extends Partial<Scheduler> {
  /** Current time in epoch milliseconds. */
  now(): number;
}

/** The `clock` option: a function returning epoch ms (real timers), or a {@link TimeSource}. */
export type ClockOption = Clock | TimeSource;

/** Node's timers. */
export const systemScheduler: Scheduler = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (timer) => clearInterval(timer as NodeJS.Timeout | undefined),
};

const SCHEDULER_METHODS = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] as const;

/** Why `value` is not a valid `clock` option, or undefined when it is. */
export function clockOptionProblem(value: unknown): string | undefined {
  if (typeof value === 'function') return undefined;
  if (typeof value !== 'object' || value === null || typeof (value as TimeSource).now !== 'function') {
    return 'expected a function returning epoch ms, or an object with now()';
  }
  const given = SCHEDULER_METHODS.filter((m) => typeof (value as Record<string, unknown>)[m] === 'function');
  if (given.length === 0 || given.length === SCHEDULER_METHODS.length) return undefined;
  const missing = SCHEDULER_METHODS.filter((m) => !given.includes(m));
  return `a clock that schedules needs all of ${SCHEDULER_METHODS.join(', ')} (missing ${missing.join(', ')})`;
}

/** The clock function and the scheduler of a `clock` option (real ones for what it leaves out). */
export function timeOf(option: ClockOption | undefined): { clock: Clock; scheduler: Scheduler } {
  if (option === undefined) return { clock: systemClock, scheduler: systemScheduler };
  if (typeof option === 'function') return { clock: option, scheduler: systemScheduler };
  const scheduler = typeof option.setTimeout === 'function' ? (option as Scheduler) : systemScheduler;
  return { clock: () => option.now(), scheduler };
}

/** A {@link Sleep} on `scheduler`: resolves `true` after `ms`, or `false` early when `signal` aborts. */
export function sleepOn(scheduler: Scheduler): Sleep {
  return (ms, signal) =>
    new Promise<boolean>((resolve) => {
      if (signal?.aborted) return resolve(false);
      const onAbort = (): void => {
        scheduler.clearTimeout(timer);
        resolve(false);
      };
      const timer = scheduler.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
}

/** Real-time sleep; wakes up early (resolving `false`) if the caller aborts. */
export const systemSleep: Sleep = sleepOn(systemScheduler);
