import { describe, expect, it } from 'vitest';
import { pipelineOf, withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, message, recordingSleep, sampleValue } from '../support/fixtures.js';
import { VirtualClock } from '../support/VirtualClock.js';

/** A 429 as the SDKs throw it: status and the provider's Retry-After headers. */
function rateLimited(retryAfterMs: number): Error {
  return Object.assign(new Error('429 Too Many Requests'), {
    status: 429,
    headers: { 'retry-after-ms': String(retryAfterMs) },
  });
}

/** A provider's Retry-After is honoured by not calling it, not only by waiting before a retry. */
describe('rate-limit cool-down', () => {
  it('serves a rate-limited call from a usable fallback at once, and the calls of the cool-down too', async () => {
    let now = 1_000_000;
    const { infrastructure, registry } = freshInfrastructure(() => now);
    let primaryCalls = 0;
    const { waits, sleep } = recordingSleep();
    const voice = withConsciousness(
      {
        providerName: 'openai',
        sendMessage: async (): Promise<{ content: { text: string } }> => {
          primaryCalls += 1;
          throw rateLimited(1_000);
        },
      },
      {
        infrastructure,
        fallbacks: [{ providerName: 'local', sendMessage: async () => message('fallback') }],
      },
      { sleep },
    );
    // Retry-After 1 s is more than maxWaitWithFallbackMs (500 ms): no wait, the fallback answers.
    expect((await voice.sendMessage()).content.text).toBe('fallback');
    expect(waits).toEqual([]);
    now += 300;
    expect((await voice.sendMessage()).content.text).toBe('fallback');
    expect(primaryCalls).toBe(1); // 700 ms of the provider's 1 s left: not called again
    expect(waits).toEqual([]);
    now += 300;
    // 400 ms left, within the budget: the call waits for the primary rather than fall back.
    await expect(voice.sendMessage()).resolves.toMatchObject({ content: { text: 'fallback' } });
    expect(waits).toEqual([400]);
    expect(primaryCalls).toBe(2);
    now += 2_000;
    expect((await voice.sendMessage()).content.text).toBe('fallback');
    expect(primaryCalls).toBe(3); // the cool-down is over: the primary is asked at once
    expect(
      await sampleValue(registry, 'fire_circle_adapter_fallbacks_total', {
        adapter: 'openai',
        target: 'local',
      }),
    ).toBe(4);
  });

  it('without a fallback, waits for the end of the cool-down before calling the provider again', async () => {
    let now = 1_000_000;
    const { infrastructure } = freshInfrastructure(() => now);
    const calls: number[] = [];
    let limited = true;
    const { waits, sleep } = recordingSleep();
    const voice = withConsciousness(
      {
        providerName: 'anthropic',
        sendMessage: async () => {
          calls.push(now);
          if (limited) {
            limited = false;
            throw rateLimited(800);
          }
          return message('ok');
        },
      },
      { infrastructure },
      { sleep },
    );
    // The rate-limited call waits out the Retry-After (800 ms) and retries.
    expect((await voice.sendMessage()).content.text).toBe('ok');
    expect(waits).toEqual([800]);
    expect(calls).toHaveLength(2);
    // A call arriving 300 ms into the cool-down waits the 500 ms left before it is sent.
    now += 300;
    expect((await voice.sendMessage()).content.text).toBe('ok');
    expect(waits).toEqual([800, 500]);
    expect(calls).toHaveLength(3);
    // After the cool-down calls go straight through.
    now += 600;
    expect((await voice.sendMessage()).content.text).toBe('ok');
    expect(waits).toEqual([800, 500]);
    expect(pipelineOf(voice)!.inFlight).toBe(0);
  });
});

describe('waiting to retry while a fallback could answer', () => {
  it('stops retrying once the waits would add up to more than maxWaitWithFallbackMs', async () => {
    const { infrastructure } = freshInfrastructure();
    let primaryCalls = 0;
    const { waits, sleep } = recordingSleep();
    const voice = withConsciousness(
      {
        providerName: 'mistral',
        sendMessage: async (): Promise<{ content: { text: string } }> => {
          primaryCalls += 1;
          throw Object.assign(new Error('internal error'), { status: 500 });
        },
      },
      {
        infrastructure,
        retry: { maxAttempts: 5, initialDelayMs: 300, jitter: 'none', maxWaitWithFallbackMs: 500 },
        fallbacks: [{ providerName: 'local', sendMessage: async () => message('fallback') }],
      },
      { sleep },
    );
    expect((await voice.sendMessage()).content.text).toBe('fallback');
    // 300 ms is within the budget; the next wait (600 ms) would make 900: the fallback answers instead.
    expect(waits).toEqual([300]);
    expect(primaryCalls).toBe(2);
  });
});

describe('the timeout learned from successful latencies', () => {
  it('ends a hanging call after multiplier × p95 of the successes (at least minMs), not after timeout', async () => {
    // Virtual time: the attempt deadlines' sweep and the clock move only when the test moves them.
    const time = new VirtualClock();
    const { infrastructure } = freshInfrastructure(time);
    let hang = false;
    const voice = withConsciousness(
      {
        providerName: 'local',
        sendMessage: (): Promise<{ content: { text: string } }> => {
          if (hang) return new Promise(() => undefined);
          // Each success takes 50 ms of virtual time.
          return new Promise((resolve) => time.setTimeout(() => resolve(message('quick')), 50));
        },
      },
      {
        infrastructure,
        timeout: 60_000,
        retry: { maxAttempts: 1 },
        adaptiveTimeout: { multiplier: 4, minMs: 300, minSamples: 5 },
      },
    );
    const pipeline = pipelineOf(voice)!;
    expect(pipeline.attemptTimeoutMs('sendMessage')).toBe(60_000); // nothing learned yet
    for (let i = 0; i < 5; i++) {
      const call = voice.sendMessage();
      await time.advance(50);
      await call;
    }
    // Successes in 50 ms: 4 × p95 = 200 ms, rounded up to whole seconds.
    expect(pipeline.attemptTimeoutMs('sendMessage')).toBe(1_000);
    await time.advance(1_000); // the timeout is recomputed once a second
    hang = true;
    let settled = false;
    const call = voice.sendMessage().finally(() => (settled = true));
    const failed = expect(call).rejects.toMatchObject({ category: 'timeout' });
    await time.advance(950);
    expect(settled).toBe(false);
    // The learned 1 s, not the configured 60 s (the sweep runs every 50 ms).
    await time.advance(100);
    expect(settled).toBe(true);
    await failed;
  });

  it('can be turned off: the configured timeout applies', async () => {
    const { infrastructure } = freshInfrastructure();
    const voice = withConsciousness(
      { providerName: 'local', sendMessage: async () => message('quick') },
      { infrastructure, timeout: 60_000, adaptiveTimeout: false },
    );
    for (let i = 0; i < 30; i++) await voice.sendMessage();
    expect(pipelineOf(voice)!.attemptTimeoutMs('sendMessage')).toBe(60_000);
    expect(() => withConsciousness({}, { adaptiveTimeout: { multiplier: 0.5 } })).toThrow(
      /adaptiveTimeout\.multiplier/,
    );
  });
});
