import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, message, sampleValue } from '../support/fixtures.js';
import { OpenAIVoice, testClient } from '../support/openaiVoice.js';
import { startScriptedServer, type ScriptedServer } from '../support/scriptedOpenAIServer.js';

const servers: ScriptedServer[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
});
afterEach(async () => {
  vi.useRealTimers();
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const breaker = { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 200 };

/** Ten calls against an upstream that always answers 503; how each ended and how many requests went out. */
async function failingRun(listen: (infrastructure: InfrastructureConsciousness) => void): Promise<{
  outcomes: string[];
  requests: number;
  opened: boolean;
  logLines: string[];
}> {
  const upstream = await startScriptedServer(() => ({ status: 503 }));
  servers.push(upstream);
  const { infrastructure, logLines } = freshInfrastructure();
  let opened = false;
  infrastructure.on('circuit', (e) => (opened ||= e.to === 'open'));
  listen(infrastructure);
  const voice = withConsciousness(new OpenAIVoice(testClient(upstream.url)), {
    infrastructure,
    retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
    // No half-open trial during the run: both runs must see the same calls, however slow the machine.
    breaker: { ...breaker, resetTimeoutMs: 60_000 },
  });
  const outcomes: string[] = [];
  for (let i = 0; i < 10; i++) {
    outcomes.push(
      await voice.sendMessage(message()).then(
        () => 'ok',
        (err: unknown) => (err as Error).constructor.name,
      ),
    );
  }
  return { outcomes, requests: upstream.requests.length, opened, logLines: logLines() };
}

describe('listeners that throw (issue 10, finding 3)', () => {
  it('a throwing signature listener when the breaker opens changes no call and crashes nothing', async () => {
    const control = await failingRun(() => undefined);
    const hostile = await failingRun((infrastructure) => {
      infrastructure.on('signature', function throwOnOpen(s) {
        if (s.circuitState === 'open') throw new Error('listener bug with token=abc123def456');
      });
      infrastructure.on('signature', async function rejectAlways() {
        await Promise.resolve();
        throw new Error('async listener bug');
      });
      infrastructure.on('pattern', () => {
        throw new Error('pattern listener bug');
      });
    });
    expect(control.opened).toBe(true);
    expect(hostile.opened).toBe(true);
    expect(hostile.outcomes).toEqual(control.outcomes);
    expect(hostile.requests).toBe(control.requests);
    await new Promise((r) => setImmediate(r));
    expect(unhandled).toEqual([]);
    // Logged once per listener, however often it failed; the secret in its message redacted.
    const failed = hostile.logLines.filter((l) => l.includes('listener failed'));
    expect(failed.filter((l) => l.includes('throwOnOpen'))).toHaveLength(1);
    expect(failed.filter((l) => l.includes('rejectAlways'))).toHaveLength(1);
    expect(failed.join('\n')).not.toContain('abc123def456');
  });

  it('a throwing circuit listener during a success leaves the success alone (no retry, no duplicate request)', async () => {
    // The breaker's clock (Date) is virtual: it half-opens when the test moves it.
    vi.useFakeTimers({ toFake: ['Date'] });
    let healthy = false;
    const upstream = await startScriptedServer(() => (healthy ? { text: 'back' } : { status: 503 }));
    servers.push(upstream);
    const { infrastructure, registry } = freshInfrastructure();
    const transitions: string[] = [];
    infrastructure.on('circuit', function throwAlways(e) {
      transitions.push(e.to);
      throw new Error(`circuit listener bug on ${e.to}`);
    });
    const voice = withConsciousness(new OpenAIVoice(testClient(upstream.url)), {
      infrastructure,
      retry: { maxAttempts: 1 },
      breaker,
    });
    for (let i = 0; i < 3; i++) await expect(voice.sendMessage(message())).rejects.toThrow();
    expect(transitions).toEqual(['open']);
    healthy = true;
    // Half-open is entered by the trial call itself: a throw in its listener must not fail it.
    vi.advanceTimersByTime(breaker.resetTimeoutMs);
    expect(transitions).toEqual(['open']);
    const before = upstream.requests.length;
    expect((await voice.sendMessage(message())).content.text).toBe('back');
    expect(transitions).toEqual(['open', 'half_open', 'closed']);
    expect(upstream.requests.length).toBe(before + 1);
    expect(await sampleValue(registry, 'fire_circle_adapter_calls_total', { outcome: 'success' })).toBe(1);
    expect(infrastructure.listenerFailures).toBe(3);
    expect(unhandled).toEqual([]);
  });
});
