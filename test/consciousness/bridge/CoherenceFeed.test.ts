import { describe, expect, it } from 'vitest';
import { CoherenceFeed } from '../../../src/consciousness/bridge/CoherenceFeed.js';
import { type CoherenceUpdate } from '../../../src/consciousness/bridge/CoherenceUpdate.js';

const update = (i: number): CoherenceUpdate => ({
  adapter: `a${i}`,
  coherence: 0.9,
  voiceStability: 0.8,
  failureProbability: 0.1,
  timestamp: i,
});

describe('CoherenceFeed', () => {
  it('hands updates to a waiting consumer', async () => {
    const feed = new CoherenceFeed(4);
    const next = feed.next();
    feed.push(update(1));
    await expect(next).resolves.toEqual({ value: update(1), done: false });
  });

  it('drops the oldest updates when the consumer is slow, and counts them', async () => {
    const feed = new CoherenceFeed(2);
    for (let i = 1; i <= 5; i++) feed.push(update(i));
    expect(feed.dropped).toBe(3);
    feed.close();
    const seen: number[] = [];
    for await (const u of feed) seen.push(u.timestamp);
    expect(seen).toEqual([4, 5]);
  });

  it('ends pending reads on close and ignores later pushes', async () => {
    let closedWith: CoherenceFeed | undefined;
    const feed = new CoherenceFeed(2, (f) => {
      closedWith = f;
    });
    const pending = feed.next();
    feed.close();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    feed.push(update(1));
    await expect(feed.next()).resolves.toEqual({ value: undefined, done: true });
    expect(closedWith).toBe(feed);
    expect(feed.isClosed).toBe(true);
  });

  it('closes when the consumer breaks out of the loop', async () => {
    const feed = new CoherenceFeed(4);
    feed.push(update(1));
    feed.push(update(2));
    for await (const u of feed) {
      expect(u.timestamp).toBe(1);
      break;
    }
    expect(feed.isClosed).toBe(true);
    await expect(feed.next()).resolves.toMatchObject({ done: true });
  });
});
