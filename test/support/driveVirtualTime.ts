import { vi } from 'vitest';
import type { VirtualClock } from './VirtualClock.js';

/**
 * Event-loop turns given to real I/O before virtual time moves on. Runs that are on virtual time
 * except their HTTP exchanges (SDK clients and the provider emulator over loopback): bytes written
 * on loopback are readable at the next turn, so a request a timer started has reached the emulator
 * (and an answer the emulator wrote has reached its SDK) within a few turns, with nothing due
 * meanwhile.
 */
const IO_TURNS = 25;

async function ioTurns(): Promise<void> {
  for (let i = 0; i < IO_TURNS; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export interface DriveOptions {
  /**
   * Until this holds, time moves only to timers due within `warmUpStepMs` (start-up work — loading
   * the SDKs, opening connections — is real and must not see a long wait pass). Default: started.
   */
  readonly started?: () => boolean;
  /** Longest move before `started()` (default 1 s). */
  readonly warmUpStepMs?: number;
  /** Runs at each stop once started, at a fixed instant of the run (e.g. a scrape). */
  readonly between?: () => Promise<void>;
  /**
   * `Date` follows `time` (vitest's fake Date, timers left real): for what reads `Date.now()`,
   * such as the breakers (cockatiel takes no clock, see VoiceBreaker).
   */
  readonly fakeDate?: boolean;
}

/**
 * Runs `time` until `done()`: each time the real I/O had its turns, moves to the next timer (and
 * fires it). Nothing waits on the wall clock; a run whose only waits are on `time` and on loopback
 * I/O sees every timer at its own time.
 */
export async function driveVirtualTime(
  time: VirtualClock,
  done: () => boolean,
  options: DriveOptions = {},
): Promise<void> {
  const { started = () => true, warmUpStepMs = 1_000, between, fakeDate = false } = options;
  if (fakeDate) vi.useFakeTimers({ toFake: ['Date'], now: time.now() });
  try {
    while (!done()) {
      await ioTurns();
      const running = started();
      if (running && between !== undefined) await between();
      const wait = Math.max(0, (time.nextAt ?? Infinity) - time.now());
      if (wait <= (running ? Infinity : warmUpStepMs)) {
        if (fakeDate) vi.setSystemTime(time.now() + wait);
        await time.advance(wait);
      }
    }
  } finally {
    if (fakeDate) vi.useRealTimers();
  }
}

/** Drives `time` until `promise` settles; resolves or rejects like it. */
export async function settledOn<T>(time: VirtualClock, promise: Promise<T>): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => (settled = true));
  watched.catch(() => {}); // the caller sees the rejection below
  await driveVirtualTime(time, () => settled);
  return watched;
}
