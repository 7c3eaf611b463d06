import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadlineQueue } from '../../src/resilience/DeadlineQueue.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

afterEach(() => {
  vi.useRealTimers();
});

describe('DeadlineQueue', () => {
  it('expires a deadline that is not cancelled, once, not before it passes, and then refuses to cancel it', () => {
    vi.useFakeTimers();
    const queue = new DeadlineQueue(20, Date.now);
    let expired = 0;
    const deadline = queue.add(() => (expired += 1), Date.now());
    expect(queue.size).toBe(1);
    vi.advanceTimersByTime(19);
    expect(expired).toBe(0);
    // The sweep runs every 10 ms for a 20 ms duration: the one at 20 ms finds it due.
    vi.advanceTimersByTime(1);
    expect(expired).toBe(1);
    vi.advanceTimersByTime(100);
    expect(expired).toBe(1);
    expect(queue.cancel(deadline)).toBe(false);
    expect(queue.size).toBe(0);
  });

  it('cancels a pending deadline: it never expires', () => {
    vi.useFakeTimers();
    const queue = new DeadlineQueue(20, Date.now);
    let expired = 0;
    const deadline = queue.add(() => (expired += 1), Date.now());
    expect(queue.cancel(deadline)).toBe(true);
    expect(queue.cancel(deadline)).toBe(false);
    vi.advanceTimersByTime(1_000);
    expect(expired).toBe(0);
    expect(queue.size).toBe(0);
  });

  it('keeps the process alive while a deadline is pending, and not after the turn its last one settled in', async () => {
    const before = timers();
    const queue = new DeadlineQueue(60_000, Date.now);
    const pending = Array.from({ length: 3 }, () => queue.add(() => undefined, Date.now()));
    expect(timers()).toBe(before + 1);
    // Calls settling one after another within a turn: the timer stays ref'd meanwhile.
    for (const d of pending) queue.cancel(d);
    expect(timers()).toBe(before + 1);
    await nextTurn();
    expect(timers()).toBe(before);
    // A new deadline refs it again.
    const again = queue.add(() => undefined, Date.now());
    expect(timers()).toBe(before + 1);
    queue.cancel(again);
    await nextTurn();
    expect(timers()).toBe(before);
  });
});
