import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  InfrastructureConsciousness,
  withConsciousness,
  type BreakerOptionsInput,
  type Classifier,
  type FallbackValueContext,
  type InfrastructureConsciousnessOptions,
  type RetryOptionsInput,
  type WithConsciousnessOptions,
} from '../../src/index.js';
import { memoryLogger } from '../support/memoryLogger.js';

// `npm run typecheck` compiles this file: the options below are user code that must type-check
// through the root entry point, and each @ts-expect-error is code that must not.

class EchoAdapter {
  readonly providerName = 'echo';
  async sendMessage(text: string): Promise<{ content: string }> {
    if (text === 'teapot') throw Object.assign(new Error("I'm a teapot"), { status: 418 });
    return { content: text };
  }
}

function brain(): InfrastructureConsciousness {
  const options: InfrastructureConsciousnessOptions = {
    registry: new Registry(),
    logger: memoryLogger().logger,
    clock: () => Date.now(),
    random: () => 0.5,
    preset: 'dev',
    config: { enablePersistence: false, maxVoices: 10 },
    usage: { enabled: true, maxModelsPerVoice: 5 },
  };
  return new InfrastructureConsciousness(options);
}

describe('options typed for users', () => {
  it('takes classifiers that read whatever was thrown, and a typed fallback function', async () => {
    const teapot: Classifier = (err) => (err.status === 418 ? 'overloaded' : undefined);
    const contexts: FallbackValueContext[] = [];
    const options: WithConsciousnessOptions<EchoAdapter> = {
      infrastructure: brain(),
      classifiers: [teapot, (err) => err.category],
      fallbackValue: (ctx) => {
        contexts.push(ctx);
        return { content: `fallback for ${ctx.method}` };
      },
      retry: { maxAttempts: 1 },
      timeout: 5_000,
      contract: 'none',
    };
    const echo = withConsciousness(new EchoAdapter(), options);
    expect(await echo.sendMessage('hi')).toEqual({ content: 'hi' });
    expect(await echo.sendMessage('teapot')).toEqual({ content: 'fallback for sendMessage' });
    expect(contexts.map((c) => c.category)).toEqual(['overloaded']);
  });

  it('refuses, at compile time and at run time, what the schemas refuse', () => {
    const infrastructure = brain();
    // @ts-expect-error a timeout is a number of milliseconds
    const badTimeout: WithConsciousnessOptions<EchoAdapter> = { timeout: '5s' };
    expect(() => withConsciousness(new EchoAdapter(), { ...badTimeout, infrastructure })).toThrow(/timeout/);
    // @ts-expect-error the fallback value must be what one of the adapter's methods returns
    const badFallback: WithConsciousnessOptions<EchoAdapter> = { fallbackValue: 42 };
    expect(badFallback.fallbackValue).toBe(42);
    // @ts-expect-error a metric prefix is a string
    const badPrefix: InfrastructureConsciousnessOptions = { metricsPrefix: 5 };
    expect(() => new InfrastructureConsciousness(badPrefix)).toThrow(/metricsPrefix/);
    // @ts-expect-error presets are dev and prod
    const badPreset: InfrastructureConsciousnessOptions = { preset: 'staging' };
    expect(() => new InfrastructureConsciousness(badPreset)).toThrow(/preset/);
    // @ts-expect-error the jitters are decorrelated, full and none
    const badJitter: RetryOptionsInput = { jitter: 'random' };
    expect(() => withConsciousness(new EchoAdapter(), { retry: badJitter, infrastructure })).toThrow(
      /retry\.jitter/,
    );
    // @ts-expect-error a reset timeout is a number of milliseconds
    const badReset: BreakerOptionsInput = { resetTimeoutMs: '30s' };
    expect(() => withConsciousness(new EchoAdapter(), { breaker: badReset, infrastructure })).toThrow(
      /breaker\.resetTimeoutMs/,
    );
    // @ts-expect-error an unknown retry option (a typo of maxAttempts)
    const typo: WithConsciousnessOptions<EchoAdapter> = { retry: { maxAttempt: 2 } };
    expect(() => withConsciousness(new EchoAdapter(), { ...typo, infrastructure })).toThrow(/maxAttempt/);
    // @ts-expect-error usage.enabled is a boolean
    const badUsage: InfrastructureConsciousnessOptions = { usage: { enabled: 'yes' } };
    expect(() => new InfrastructureConsciousness(badUsage)).toThrow(/usage\.enabled/);
    // @ts-expect-error shared state needs a Redis URL or client
    const noRedis: InfrastructureConsciousnessOptions = { shared: { namespace: 'fc' } };
    expect(() => new InfrastructureConsciousness(noRedis)).toThrow(/shared\.redis/);
  });

  it('types every retry and breaker option precisely (numbers, the jitter names)', async () => {
    const retry: RetryOptionsInput = {
      maxAttempts: 2,
      initialDelayMs: 1,
      maxDelayMs: 5,
      retryAfterCapMs: 1_000,
      maxWaitWithFallbackMs: 0,
      jitter: 'none',
    };
    const breaker: BreakerOptionsInput = {
      errorThresholdPercentage: 50,
      volumeThreshold: 2,
      resetTimeoutMs: 60_000,
      rollingCountTimeoutMs: 10_000,
      rollingCountBuckets: 10,
      maxBreakers: 4,
    };
    let calls = 0;
    const flaky = {
      providerName: 'flaky',
      async sendMessage(): Promise<string> {
        calls += 1;
        throw Object.assign(new Error('upstream 503'), { status: 503 });
      },
    };
    const voice = withConsciousness(flaky, { infrastructure: brain(), retry, breaker, contract: 'none' });
    await expect(voice.sendMessage()).rejects.toThrow('upstream 503');
    expect(calls).toBe(2); // retry.maxAttempts
    // Two failed attempts of two: the breaker (volumeThreshold 2) is open, the next call is not attempted.
    await expect(voice.sendMessage()).rejects.toMatchObject({ category: 'circuit_open' });
    expect(calls).toBe(2);
  });
});
