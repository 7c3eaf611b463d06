import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from '../../src/resilience/DeadlineQueue.js';
import { VirtualClock } from '../support/VirtualClock.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('DeadlineQueue', () => {
  it('counts the pending deadlines whose calls started after a time', () => {
    const time = new VirtualClock();
    const queue = new DeadlineQueue(1_000, time.clock, time);
    const at = [100, 200, 300, 400];
    const deadlines = at.map((t) => queue.add(() => undefined, t));
    expect(queue.startedAfter(0)).toBe(4);
    expect(queue.startedAfter(200)).toBe(2);
    expect(queue.startedAfter(400)).toBe(0);
    queue.cancel(deadlines[3]!);
    expect(queue.startedAfter(200)).toBe(1);
    queue.cancel(deadlines[0]!);
    expect(queue.startedAfter(50)).toBe(2);
    for (const d of deadlines) queue.cancel(d);
    expect(queue.startedAfter(0)).toBe(0);
  });

  it('expires a deadline that is not cancelled, once, not before it passes, and then refuses to cancel it', async () => {
    const time = new VirtualClock();
    const queue = new DeadlineQueue(20, time.clock, time);
    let expired = 0;
    const deadline = queue.add(() => (expired += 1), time.now());
    expect(queue.size).toBe(1);
    await time.advance(19);
    expect(expired).toBe(0);
    // The sweep runs every 10 ms for a 20 ms duration: the one at 20 ms finds it due.
    await time.advance(1);
    expect(expired).toBe(1);
    await time.advance(100);
    expect(expired).toBe(1);
    expect(queue.cancel(deadline)).toBe(false);
    expect(queue.size).toBe(0);
  });

  it('cancels a pending deadline: it never expires, and the idle sweep stops', async () => {
    const time = new VirtualClock();
    const queue = new DeadlineQueue(20, time.clock, time);
    let expired = 0;
    const deadline = queue.add(() => (expired += 1), time.now());
    expect(queue.cancel(deadline)).toBe(true);
    expect(queue.cancel(deadline)).toBe(false);
    await time.advance(1_000);
    expect(time.pending).toBe(0);
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
