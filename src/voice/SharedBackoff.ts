import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';

/**
 * One backoff schedule shared by every voice for a category (used during resonance): each retry
 * takes the next slot after the previous one, so voices failing together retry one after another
 * instead of stampeding the provider — and the healthy voices behind it — in lockstep.
 */
export class SharedBackoff {
  private readonly nextSlot = new Map<ErrorCategory, number>();

  constructor(private readonly clock: () => number) {}

  /**
   * Reserves the next retry slot of `category` at least `delayMs` after the previous one and
   * returns the wait — or undefined (no retry: go to the fallbacks) when that slot is further
   * away than `maxWaitMs`, so a queue of voices never parks calls for long.
   */
  reserve(category: ErrorCategory, delayMs: number, maxWaitMs: number): number | undefined {
    const now = this.clock();
    const slot = Math.max(now, this.nextSlot.get(category) ?? 0) + delayMs;
    if (slot - now > maxWaitMs) return undefined;
    this.nextSlot.set(category, slot);
    return slot - now;
  }
}
