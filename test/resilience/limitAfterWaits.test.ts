import { describe, expect, it } from 'vitest';
import { withConsciousness, pipelineOf } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, message } from '../support/fixtures.js';

/** An adapter that counts its requests open at once; `fail(id, n)` decides whether the n-th request of call `id` fails. */
function countingAdapter(fail: (id: number, n: number) => Error | undefined) {
  const stats = { running: 0, peak: 0, requests: 0 };
  const tries = new Map<number, number>();
  const adapter = {
    providerName: 'openai',
    async sendMessage(id: number): Promise<unknown> {
      stats.requests += 1;
      stats.peak = Math.max(stats.peak, ++stats.running);
      const n = (tries.get(id) ?? 0) + 1;
      tries.set(id, n);
      await new Promise((r) => setTimeout(r, 15));
      stats.running -= 1;
      const error = fail(id, n);
      if (error !== undefined) throw error;
      return message(`ok ${id}`);
    },
  };
  return { adapter, stats };
}

const overloaded = (): Error => Object.assign(new Error('overloaded'), { status: 503 });

/** The concurrency limit healing sets holds for retries and for calls that waited out a cool-down too. */
describe('the concurrency limit after waits', () => {
  it('a retry waits for a slot after its backoff sleep: never more requests open than the limit', async () => {
    const { infrastructure } = freshInfrastructure();
    // Every call's first request fails, its retry succeeds: each sleeps once, handing its slot on meanwhile.
    const { adapter, stats } = countingAdapter((_id, n) => (n === 1 ? overloaded() : undefined));
    const voice = withConsciousness(adapter, {
      infrastructure,
      retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 10, jitter: 'none' },
      breaker: { volumeThreshold: 1_000 },
    });
    const tuning = infrastructure.voice('openai').tuning;
    tuning.maxConcurrent = 1;
    tuning.touch();
    const replies = await Promise.all(Array.from({ length: 6 }, (_, id) => voice.sendMessage(id)));
    expect(replies.map((r) => (r as { content: { text: string } }).content.text).sort()).toEqual(
      ['ok 0', 'ok 1', 'ok 2', 'ok 3', 'ok 4', 'ok 5'].sort(),
    );
    expect(stats.requests).toBe(12);
    expect(stats.peak).toBe(1);
    expect(pipelineOf(voice)!.inFlight).toBe(0);
  });

  it('calls that waited out a Retry-After cool-down pass the limit one by one', async () => {
    const { infrastructure } = freshInfrastructure();
    // Call 0's first request is refused with a 429 asking for 80 ms; everything else succeeds.
    const { adapter, stats } = countingAdapter((id, n) =>
      id === 0 && n === 1
        ? Object.assign(new Error('rate limited'), { status: 429, headers: { 'retry-after-ms': '80' } })
        : undefined,
    );
    const voice = withConsciousness(adapter, {
      infrastructure,
      retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 200, jitter: 'none' },
    });
    const tuning = infrastructure.voice('openai').tuning;
    tuning.maxConcurrent = 1;
    tuning.touch();
    const first = voice.sendMessage(0);
    // Three calls arrive while the cool-down runs (no fallback: they wait for its end, then go).
    while (stats.requests === 0 || stats.running > 0) await new Promise((r) => setTimeout(r, 2));
    const waiting = [1, 2, 3].map((id) => voice.sendMessage(id));
    const replies = await Promise.all([first, ...waiting]);
    expect(replies).toHaveLength(4);
    expect(stats.requests).toBe(5);
    expect(stats.peak).toBe(1);
    expect(pipelineOf(voice)!.inFlight).toBe(0);
  });
});
