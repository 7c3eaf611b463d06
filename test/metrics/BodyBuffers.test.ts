import { describe, expect, it } from 'vitest';
import { BodyBuffers } from '../../src/metrics/BodyBuffers.js';

describe('BodyBuffers', () => {
  it('hands out exactly the size asked for', () => {
    const bodies = new BodyBuffers();
    expect(bodies.acquire(1000)).toHaveLength(1000);
    expect(bodies.acquire(0)).toHaveLength(0);
  });

  it('reuses a released body for the next scrape that fits in it', () => {
    const bodies = new BodyBuffers();
    const first = bodies.acquire(1000);
    bodies.release(first);
    const second = bodies.acquire(1050); // within the headroom of the first
    expect(second.buffer).toBe(first.buffer);
    bodies.release(second);
    expect(bodies.acquire(100_000).buffer).not.toBe(first.buffer);
  });

  it('never lets two unreleased bodies share memory, even after a body is released twice', () => {
    const bodies = new BodyBuffers();
    const body = bodies.acquire(500);
    bodies.release(body);
    bodies.release(body);
    const a = bodies.acquire(500);
    const b = bodies.acquire(500);
    expect(a.buffer).not.toBe(b.buffer);
    a.fill(1);
    b.fill(2);
    expect(a.every((byte) => byte === 1)).toBe(true);
  });

  it("keeps at most three spare bodies (a body in flight, the next scrape's scratch and body)", () => {
    const bodies = new BodyBuffers();
    const taken = [bodies.acquire(10), bodies.acquire(10), bodies.acquire(10), bodies.acquire(10)];
    for (const body of taken) bodies.release(body);
    const again = [bodies.acquire(10), bodies.acquire(10), bodies.acquire(10), bodies.acquire(10)];
    const reused = again.filter((body) => taken.some((t) => t.buffer === body.buffer));
    expect(reused).toHaveLength(3);
  });
});
