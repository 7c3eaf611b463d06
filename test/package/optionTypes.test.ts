import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  InfrastructureConsciousness,
  withConsciousness,
  type Classifier,
  type FallbackValueContext,
  type InfrastructureConsciousnessOptions,
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
  });
});
