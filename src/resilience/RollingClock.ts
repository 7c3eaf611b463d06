import { EventEmitter } from 'node:events';

/**
 * One bucket-rotation ticker per bucket duration, shared by every breaker using that duration:
 * opossum creates an interval per breaker otherwise. Timers are unref'd (statistics must never
 * keep a process alive).
 */
export class RollingClock extends EventEmitter {
  private static readonly shared = new Map<number, RollingClock>();

  /** The ticker for a bucket duration (created on first use). */
  static every(bucketMs: number): RollingClock {
    let clock = RollingClock.shared.get(bucketMs);
    if (clock === undefined) {
      clock = new RollingClock(bucketMs);
      RollingClock.shared.set(bucketMs, clock);
    }
    return clock;
  }

  private constructor(bucketMs: number) {
    super();
    this.setMaxListeners(0);
    setInterval(() => this.emit('rotate'), bucketMs).unref();
  }
}
