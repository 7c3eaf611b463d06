import { afterEach, describe, expect, it, vi } from 'vitest';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { msg, simulatedBrain, type SimClock } from './scenarioKit.js';
import { settled } from '../support/VirtualClock.js';

const quickRetry = { initialDelayMs: 10, maxDelayMs: 50 };

/** An adapter whose latency and failures follow a script on simulated time. */
function scriptedVoice(
  name: string,
  clock: SimClock,
  script: (call: number) => { latencyMs: number; fail?: Error },
): { providerName: string; calls: number; sendMessage(m: unknown): Promise<unknown> } {
  return {
    providerName: name,
    calls: 0,
    async sendMessage(): Promise<unknown> {
      const step = script(this.calls++);
      clock.advance(step.latencyMs);
      if (step.fail) throw step.fail;
      return msg(`${name} answers`);
    },
  };
}

const timeoutError = (): Error => Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' });
const networkError = (): Error =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

afterEach(() => {
  vi.useRealTimers();
});

describe('the consciousness layer over the wrapper (simulated time)', () => {
  it('raises degradation on a latency ramp before the breaker opens', async () => {
    const { clock, brain, events } = simulatedBrain();
    // 40 calls at ~200 ms, then latency climbs steadily; from call 100 the provider times out.
    const voice = withConsciousness(
      scriptedVoice('anthropic', clock, (n) =>
        n < 100
          ? { latencyMs: n < 40 ? 200 : 200 + (n - 40) * 60 }
          : { latencyMs: 4000, fail: timeoutError() },
      ),
      {
        infrastructure: brain,
        retry: { ...quickRetry, maxAttempts: 1 },
        // The breaker's rolling window runs on the simulated clock: 30 s holds the last six or
        // seven calls, so the timeouts (4.5 s apart) push the healthy calls out of it.
        breaker: { rollingCountTimeoutMs: 30_000 },
        fallbackValue: msg('silence'),
      },
      { sleep: clock.sleep },
    );
    for (let i = 0; i < 130; i++) {
      await voice.sendMessage(msg());
      await settled(); // what the call's patterns set off runs after it
      clock.advance(500);
    }
    const degradation = events.indexOf('pattern:degradation:anthropic');
    const opened = events.indexOf('circuit:anthropic:open');
    expect(degradation).toBeGreaterThanOrEqual(0);
    expect(opened).toBeGreaterThan(degradation);
  });

  it('raises api_change when a method disappears mid-run, and learns the alias (a fact, not a healing verdict)', async () => {
    const { clock, brain, patterns, healings } = simulatedBrain();
    const adapter: Record<string, unknown> = {
      providerName: 'google',
      async sendMessage(): Promise<unknown> {
        clock.advance(100);
        return msg('v1');
      },
    };
    const voice = withConsciousness(adapter, { infrastructure: brain }) as unknown as {
      sendMessage(m: unknown): Promise<{ content: { text: string } }>;
    };
    for (let i = 0; i < 10; i++) {
      await voice.sendMessage(msg());
      await settled(); // what the call's patterns set off runs after it
      clock.advance(1000);
    }
    // The SDK renames the method under us.
    adapter.send_message = async (): Promise<unknown> => {
      clock.advance(100);
      return msg('v2');
    };
    delete adapter.sendMessage;
    expect((await voice.sendMessage(msg())).content.text).toBe('v2');
    await settled();
    expect(patterns.map((p) => [p.patternType, p.category])).toContainEqual([
      'api_change',
      'api_method_missing',
    ]);
    expect(healings.some((h) => h.parameters.alias === 'send_message')).toBe(false);
    expect(brain.learnedAlias('google', 'sendMessage')).toBe('send_message');
  });

  it('raises one resonance naming network when three of five voices fail together', async () => {
    const { clock, brain, patterns } = simulatedBrain();
    let outage = false;
    const names = ['anthropic', 'openai', 'google', 'mistral', 'deepseek'];
    const voices = names.map((name, i) =>
      withConsciousness(
        scriptedVoice(name, clock, () =>
          outage && i < 3 ? { latencyMs: 5, fail: networkError() } : { latencyMs: 150 },
        ),
        { infrastructure: brain, retry: { ...quickRetry, maxAttempts: 1 }, fallbackValue: msg('silence') },
        { sleep: clock.sleep },
      ),
    );
    for (let round = 0; round < 10; round++) {
      for (const v of voices) {
        await v.sendMessage(msg());
        await settled();
      }
      clock.advance(1000);
    }
    outage = true;
    for (let round = 0; round < 5; round++) {
      for (const v of voices) {
        await v.sendMessage(msg());
        await settled();
      }
      clock.advance(1000);
    }
    const resonances = patterns.filter((p) => p.patternType === 'resonance');
    expect(resonances).toHaveLength(1);
    expect(resonances[0]!.category).toBe('network');
    expect([...resonances[0]!.affectedAdapters].sort()).toEqual(['anthropic', 'google', 'openai']);
  });

  it('raises recovery after an outage that nothing helps, and credits no action for it', async () => {
    const store = new MemoryStore();
    const { clock, brain, patterns, healings } = simulatedBrain({ store });
    let down = false;
    const voice = withConsciousness(
      scriptedVoice('mistral', clock, () =>
        down ? { latencyMs: 20, fail: networkError() } : { latencyMs: 150 },
      ),
      {
        infrastructure: brain,
        retry: { ...quickRetry, maxAttempts: 2 },
        breaker: { volumeThreshold: 1000 }, // keep calling through the outage
        fallbackValue: msg('silence'),
      },
      { sleep: clock.sleep },
    );
    const run = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        await voice.sendMessage(msg());
        await settled(); // what the call's patterns set off runs after it
        clock.advance(1000);
      }
    };
    await run(30);
    down = true;
    await run(15);
    down = false;
    await run(20);
    const recovery = patterns.find((p) => p.patternType === 'recovery');
    expect(recovery?.affectedAdapters).toEqual(['mistral']);
    const taken = healings.filter((h) => h.targetAdapter === 'mistral' && h.completed);
    expect(taken.length).toBeGreaterThan(0);
    // Every call under every action failed as before: none helped, and the recovery did not make one a success.
    expect(taken.filter((h) => h.success)).toEqual([]);
    for (const type of ['degradation', 'api_change', 'resonance'] as const) {
      expect(brain.memory.successfulResolutions(type).filter((r) => r.successes > 0)).toEqual([]);
    }
  });
});
