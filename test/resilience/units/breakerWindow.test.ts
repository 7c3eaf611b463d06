// The breaker's rolling window runs on the pipeline's clock: a success counts at the time the call
// recorded it, and calls older than the window no longer count, however the clock moved.
import { describe, expect, it } from 'vitest';
import { BreakerOptionsSchema } from '../../../src/resilience/BreakerOptions.js';
import { VoiceBreaker } from '../../../src/resilience/VoiceBreaker.js';

const OPTIONS = BreakerOptionsSchema.parse({
  volumeThreshold: 2,
  errorThresholdPercentage: 50,
  rollingCountTimeoutMs: 1_000,
  rollingCountBuckets: 10,
});

function breakerAt(clock: { t: number }): VoiceBreaker {
  return new VoiceBreaker(
    OPTIONS,
    () => true,
    undefined,
    () => clock.t,
  );
}

describe('VoiceBreaker rolling window', () => {
  it('successes within the window keep two failures under the threshold', async () => {
    const clock = { t: 5_000 };
    const breaker = breakerAt(clock);
    breaker.succeeded();
    breaker.succeeded(clock.t);
    clock.t += 100;
    await breaker.failed(new Error('a'));
    await breaker.failed(new Error('b'));
    expect(breaker.state).toBe('closed');
  });

  it('successes older than the window no longer count: two failures open it', async () => {
    const clock = { t: 5_000 };
    const breaker = breakerAt(clock);
    breaker.succeeded();
    breaker.succeeded();
    clock.t += 2_000;
    await breaker.failed(new Error('a'));
    await breaker.failed(new Error('b'));
    expect(breaker.state).toBe('open');
  });

  it('a success is counted at the time given, not at the clock’s', async () => {
    const clock = { t: 5_000 };
    const breaker = breakerAt(clock);
    // Recorded as of 2 s ago: outside the window now.
    breaker.succeeded(clock.t - 2_000);
    breaker.succeeded(clock.t - 2_000);
    await breaker.failed(new Error('a'));
    await breaker.failed(new Error('b'));
    expect(breaker.state).toBe('open');
  });
});
