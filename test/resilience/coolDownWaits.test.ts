import { describe, expect, it } from 'vitest';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, message, sampleValue } from '../support/fixtures.js';
import { VirtualClock } from '../support/VirtualClock.js';

/** A 429 as the SDKs throw it: status and the provider's Retry-After. */
function rateLimited(retryAfterMs: number): Error {
  return Object.assign(new Error('429 Too Many Requests'), {
    status: 429,
    headers: { 'retry-after-ms': String(retryAfterMs) },
  });
}

/** Learning off: only the call path's own rules (retry, cool-down, fallback) decide. */
const PLAIN = { enablePrediction: false, enableSelfHealing: false, enablePatternDetection: false };

/** A primary whose requests answer after 10 ms of virtual time, refused with a 429 where `refuse(n)` says so. */
function primaryOn(time: VirtualClock, refuse: (n: number) => number | undefined) {
  const requests: number[] = [];
  const adapter = {
    providerName: 'openai',
    sendMessage: (): Promise<{ content: { text: string } }> => {
      requests.push(time.now());
      const retryAfter = refuse(requests.length);
      return new Promise((resolve, reject) =>
        time.setTimeout(
          () => (retryAfter === undefined ? resolve(message('primary')) : reject(rateLimited(retryAfter))),
          10,
        ),
      );
    },
  };
  return { adapter, requests };
}

/** A call that waits out a provider's Retry-After before it is sent is treated as the caller saw it (issue 15). */
describe('a call that waited out a cool-down', () => {
  it('counts the cool-down it waited in its retry waits: it does not wait a second Retry-After when a fallback could answer', async () => {
    const time = new VirtualClock();
    const { infrastructure } = freshInfrastructure(time, { config: PLAIN });
    // Request 1 (call A) and request 3 (call B, after its wait) are refused, each asking for 400 ms.
    const { adapter, requests } = primaryOn(time, (n) => (n === 1 || n === 3 ? 400 : undefined));
    let fallbackCalls = 0;
    const voice = withConsciousness(adapter, {
      infrastructure,
      retry: { maxAttempts: 3, maxWaitWithFallbackMs: 500 },
      fallbacks: [
        {
          providerName: 'local',
          sendMessage: async () => {
            fallbackCalls += 1;
            return message('fallback');
          },
        },
      ],
    });
    const callA = voice.sendMessage();
    await time.advance(10); // A's request is refused: A waits 400 ms (within 500) and retries; the cool-down runs
    await time.advance(100);
    const startB = time.now();
    let endB: number | undefined;
    const callB = voice.sendMessage().then((reply) => ((endB = time.now()), reply));
    // B arrives with 300 ms of the cool-down left (within 500): it waits, then is sent and refused again.
    await time.until(() => endB !== undefined);
    expect((await callA).content.text).toBe('primary');
    // B already waited 300 ms: another 400 would make 700 > 500, so the fallback answers now.
    expect((await callB).content.text).toBe('fallback');
    expect(fallbackCalls).toBe(1);
    expect(requests).toHaveLength(3);
    expect(endB! - startB).toBeLessThan(400);
  });

  it('records the caller latency from the call, the cool-down included', async () => {
    const time = new VirtualClock();
    const { infrastructure, registry } = freshInfrastructure(time, { config: PLAIN });
    // Only the first request is refused, asking for 400 ms; no fallback, so later calls wait out the cool-down.
    const { adapter, requests } = primaryOn(time, (n) => (n === 1 ? 400 : undefined));
    const voice = withConsciousness(adapter, { infrastructure, retry: { maxAttempts: 2 } });
    const first = voice.sendMessage();
    await time.advance(10);
    let waitedDone = false;
    // Arrives with 400 ms of cool-down left: waits 400, then its request takes 10 ms.
    const waited = voice.sendMessage().then(() => (waitedDone = true));
    await time.until(() => waitedDone);
    await Promise.all([first, waited]);
    expect(requests).toHaveLength(3);
    const sum = async (): Promise<number | undefined> =>
      sampleValue(registry, 'fire_circle_adapter_call_duration_seconds_sum', {
        adapter: 'openai',
        method: 'sendMessage',
      });
    // Call one: 10 + 400 + 10 ms; call two: 400 + 10 ms (its request alone would be 10 ms).
    expect(await sum()).toBeCloseTo(0.42 + 0.41, 3);
  });
});
