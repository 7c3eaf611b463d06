import type { Scheduler, Timer, TimeSource } from '../../src/clock/Scheduler.js';

/** A timer of the virtual clock. */
interface VirtualTimer extends Timer {
  at: number;
  readonly seq: number;
  readonly callback: () => void;
  /** Period of an interval; undefined for a timeout. */
  readonly every: number | undefined;
}

/** Lets every promise job queued so far run (and those they queue), then returns. */
export const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Virtual time for the `clock` option (and anything taking a Clock or a Scheduler): time moves
 * only when the test calls {@link advance}, which fires the timers due on the way in time order,
 * each at its own time, letting the promise jobs they start run before the next one. Nothing
 * waits on the wall clock, and nothing fires that the test did not move time past.
 */
export class VirtualClock implements TimeSource, Scheduler {
  private time: number;
  private seq = 0;
  private readonly timers: VirtualTimer[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  /** The time as a function, for options that take a Clock. */
  readonly clock = (): number => this.time;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): Timer {
    return this.add(callback, ms, undefined);
  }

  clearTimeout(timer: Timer | undefined): void {
    const i = this.timers.indexOf(timer as VirtualTimer);
    if (i >= 0) this.timers.splice(i, 1);
  }

  setInterval(callback: () => void, ms: number): Timer {
    return this.add(callback, ms, Math.max(1, ms));
  }

  clearInterval(timer: Timer | undefined): void {
    this.clearTimeout(timer);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.length;
  }

  /** When the next timer fires (undefined: none is pending). */
  get nextAt(): number | undefined {
    return this.next()?.at;
  }

  /** Moves time forward by `ms`, firing every timer due on the way; resolves once their work settled. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    await settled();
    for (let timer = this.next(); timer !== undefined && timer.at <= until; timer = this.next()) {
      this.time = Math.max(this.time, timer.at);
      if (timer.every === undefined) this.clearTimeout(timer);
      else timer.at += timer.every;
      timer.callback();
      await settled();
    }
    this.time = until;
    await settled();
  }

  /**
   * Advances in steps of `stepMs` until `done()` holds; throws when it still does not after
   * `limitMs` of virtual time (a test waiting for something that never comes fails, it does not hang).
   */
  async until(done: () => boolean, stepMs = 10, limitMs = 600_000): Promise<void> {
    const limit = this.time + limitMs;
    while (!done()) {
      if (this.time >= limit)
        throw new Error(`VirtualClock.until: not done after ${limitMs} ms of virtual time`);
      await this.advance(stepMs);
    }
  }

  private add(callback: () => void, ms: number, every: number | undefined): Timer {
    const timer: VirtualTimer = {
      at: this.time + Math.max(0, ms),
      seq: this.seq++,
      callback,
      every,
      ref: () => timer,
      unref: () => timer,
    };
    this.timers.push(timer);
    return timer;
  }

  private next(): VirtualTimer | undefined {
    let first: VirtualTimer | undefined;
    for (const t of this.timers) {
      if (first === undefined || t.at < first.at || (t.at === first.at && t.seq < first.seq)) first = t;
    }
    return first;
  }
}
