import { describe, expect, it } from 'vitest';
import { Healer } from '../../src/healing/Healer.js';
import { createSeededRandom } from '../../src/lab/seededRandom.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { PatternMemory } from '../../src/memory/PatternMemory.js';
import {
  FakeVoice,
  T0,
  WINDOW,
  favour,
  healerKit,
  pattern,
  serve,
  type ManualClock,
} from './healingTestKit.js';

/** `rounds` of a route's traffic at a 5xx fault: a failed probe (falls back after its one attempt, 130 ms) and 9 routed calls (100 ms). */
function serveUnderRoute(voice: FakeVoice, time: ManualClock, rounds: number): void {
  for (let i = 0; i < rounds; i++) {
    serve(voice, time, 1, { latencyMs: 130, attempts: 1, fallbacks: 1, probe: true });
    serve(voice, time, 9, { latencyMs: 100, routed: true });
  }
}

describe('Healer: the original test cases', () => {
  it('case 8: api_change on adapter1 + degradation on adapter2 → api_adaptation and retry_strategy', () => {
    const adapter1 = new FakeVoice();
    const adapter2 = new FakeVoice();
    adapter1.fallback = true;
    const { healer } = healerKit({ adapter1, adapter2 });

    const first = healer.onPattern(pattern('api_change', ['adapter1'], 'api_return_none'));
    const second = healer.onPattern(pattern('degradation', ['adapter2'], 'timeout'));

    expect(first.map((a) => [a.targetAdapter, a.actionType])).toEqual([['adapter1', 'api_adaptation']]);
    expect(second.map((a) => [a.targetAdapter, a.actionType])).toEqual([['adapter2', 'retry_strategy']]);
    expect(adapter1.tuning.defensiveValues).toBe(true);
    expect(adapter2.tuning.retry.get('timeout')).toEqual({ delayScale: 2 });
  });

  it('a degradation of a voice a fallback can serve is routed, not backed off', () => {
    const voice = new FakeVoice();
    voice.fallback = true;
    const { healer, time } = healerKit({ v: voice });
    const [action] = healer.onPattern(pattern('degradation', ['v'], 'timeout'));
    expect(action).toMatchObject({ actionType: 'fallback', reason: 'degradation/timeout on v: route' });
    expect(voice.tuning.routeToFallbackUntil).toBe(time.now + WINDOW);
    expect(voice.tuning.retry.size).toBe(0);
  });

  it('case 9: an executed action is completed, successful, recorded on the adapter and listed', () => {
    const voice = new FakeVoice();
    voice.health.sick();
    const { healer, memory, time, outcomes } = healerKit({ anthropic: voice });
    serve(voice, time, 20, { attempts: 3, failures: 0.1 });

    const [action] = healer.onPattern(pattern('degradation', ['anthropic'], 'timeout'));
    expect(action).toMatchObject({
      actionType: 'retry_strategy',
      completed: false,
      success: null,
      impactOnHealth: null,
    });
    expect(voice.health.recorded.map((r) => r.actionId)).toEqual([action?.actionId]);
    expect(healer.pending()).toHaveLength(1);

    serve(voice, time, 19, { attempts: 1, failures: 0.1 });
    expect(healer.observe()).toEqual([]); // 19 calls under it: not enough for a verdict
    serve(voice, time, 1, { attempts: 1 });
    const [done] = healer.observe();

    expect(done).toMatchObject({ actionId: action?.actionId, completed: true, success: true });
    expect(done?.impactOnHealth).toBeGreaterThan(0);
    expect(done?.parameters['verdict']).toBe('helped');
    expect(done?.lessonsLearned[0]).toMatch(/helped.*attempts 3\.00 → 1\.\d\d/);
    expect(healer.successfulHealings().map((a) => a.actionId)).toEqual([action?.actionId]);
    expect(healer.pending()).toEqual([]);
    expect(memory.healingStats('degradation', 'timeout').retry_strategy).toEqual({
      successes: 1,
      failures: 0,
    });
    expect(memory.healings.find((h) => h.actionId === action?.actionId)?.success).toBe(true);
    expect(outcomes).toEqual([done]);
    expect(voice.tuning.retry.get('timeout')).toEqual({ delayScale: 2 }); // what helped stays while its pattern lasts
  });
});

describe('Healer: verdicts', () => {
  it('reverts an action that changed nothing for calls and counts it as a failure', () => {
    const voice = new FakeVoice();
    voice.health.sick();
    const { healer, memory, time } = healerKit({ anthropic: voice });
    serve(voice, time, 20, { failures: 0.5 });

    healer.onPattern(pattern('api_change', ['anthropic'], 'api_return_none'));
    expect(voice.tuning.defensiveValues).toBe(true);
    voice.health.well(); // the voice's health numbers say nothing: its calls do
    serve(voice, time, 20, { failures: 0.45 });
    const [done] = healer.observe();

    expect(done).toMatchObject({ actionType: 'api_adaptation', completed: true, success: false });
    expect(done?.parameters['verdict']).toBe('no_effect');
    expect(done?.lessonsLearned[0]).toMatch(/changed nothing measurable; reverted/);
    expect(voice.tuning.defensiveValues).toBe(false);
    expect(memory.healingStats('api_change', 'api_return_none').api_adaptation).toEqual({
      successes: 0,
      failures: 1,
    });
    expect(healer.successfulHealings()).toEqual([]);
  });

  it('judges an action that made calls fail more as hurt, whatever else it improved', () => {
    const voice = new FakeVoice();
    const { healer, time } = healerKit({ v: voice }, { prior: favour('retry_strategy') });
    serve(voice, time, 20, { attempts: 3, failures: 0.1 });
    healer.onPattern(pattern('degradation', ['v'], 'overloaded'));
    serve(voice, time, 20, { attempts: 1, failures: 0.6 });
    const [done] = healer.observe();
    expect(done?.parameters['verdict']).toBe('hurt');
    expect(done?.success).toBe(false);
    expect(done?.impactOnHealth).toBeLessThan(0);
    expect(voice.tuning.retry.has('overloaded')).toBe(false);
  });

  it('judges a route by its routed calls against its probes, not by the fault', () => {
    const voice = new FakeVoice();
    voice.fallback = true;
    const { healer, time } = healerKit({ v: voice }, { prior: favour('fallback') });
    serve(voice, time, 20, { latencyMs: 600 });
    healer.onPattern(pattern('degradation', ['v']));
    // The fault gets worse while the route is on: probes see 3 s, routed calls 100 ms.
    for (let i = 0; i < 10; i++) {
      serve(voice, time, 1, { latencyMs: 3000, probe: true });
      serve(voice, time, 9, { latencyMs: 100, routed: true });
    }
    const [done] = healer.observe();
    expect(done).toMatchObject({ actionType: 'fallback', success: true });
    expect(done?.lessonsLearned[0]).toMatch(/helped.*latency 3000 ms → 10\d ms/);
    expect(voice.tuning.routeToFallbackUntil).toBeGreaterThan(time.now);
  });

  it('judges a route at a failure fault against the calls just before it: a failed probe skips the retries', () => {
    const voice = new FakeVoice();
    voice.fallback = true;
    const { healer, time } = healerKit({ v: voice }, { prior: favour('fallback') });
    // Before the route: every call retried the failing voice 3 times, then the fallback answered (450 ms).
    serve(voice, time, 20, { latencyMs: 450, attempts: 3, fallbacks: 1 });
    healer.onPattern(pattern('degradation', ['v'], 'server_error'));
    // Under it a probe that fails falls back after its one attempt (RetryPolicy.giveUp): 130 ms, near the
    // routed calls' 100 ms — the probes are not what a caller would have seen without the route.
    serveUnderRoute(voice, time, 10);
    const [done] = healer.observe();
    expect(done).toMatchObject({ actionType: 'fallback', success: true });
    expect(done?.lessonsLearned[0]).toMatch(/helped.*latency 450 ms → 100 ms.* over 20 \/ 90 calls/);
    expect(voice.tuning.routeToFallbackUntil).toBeGreaterThan(time.now);
  });

  it('judges a route taken again right after one was reverted against the un-routed calls before both', () => {
    const voice = new FakeVoice();
    voice.fallback = true;
    const { healer, time } = healerKit({ v: voice }, { prior: favour('fallback') });
    serve(voice, time, 20, { latencyMs: 450, attempts: 3, fallbacks: 1 });
    // An earlier route's calls are the latest: routed (100 ms) and failed probes (130 ms), no un-routed call.
    serveUnderRoute(voice, time, 3);
    healer.onPattern(pattern('degradation', ['v'], 'server_error'));
    serveUnderRoute(voice, time, 10);
    const [done] = healer.observe();
    expect(done).toMatchObject({ actionType: 'fallback', success: true });
    expect(done?.lessonsLearned[0]).toMatch(/helped.*latency 450 ms → 100 ms.* over 20 \/ 90 calls/);
  });

  it('judges a route against its probes when no un-routed call saw the fault (routed from its start)', () => {
    const voice = new FakeVoice();
    voice.fallback = true;
    const { healer, time } = healerKit({ v: voice }, { prior: favour('fallback') });
    serve(voice, time, 20, { latencyMs: 10 }); // healthy: none of these attempts failed
    healer.onPattern(pattern('degradation', ['v'], 'server_error'));
    serveUnderRoute(voice, time, 10);
    const [done] = healer.observe();
    // Not "10 ms → 100 ms" against healthy calls from before the fault: the probes are the control.
    expect(done?.lessonsLearned[0]).toMatch(/latency 130 ms → 100 ms.* over 10 \/ 90 calls/);
  });

  it('judges a route against its probes when they find the failure fault faded', () => {
    const voice = new FakeVoice();
    voice.fallback = true;
    const { healer, time } = healerKit({ v: voice }, { prior: favour('fallback') });
    serve(voice, time, 20, { latencyMs: 450, attempts: 3, fallbacks: 1 });
    healer.onPattern(pattern('degradation', ['v'], 'server_error'));
    // 1 probe in 10 still fails (the voice failed every attempt before): the fault faded, the probes are the control.
    serve(voice, time, 10, { latencyMs: 100, attempts: 1, fallbacks: 0.1, probe: true });
    serve(voice, time, 40, { latencyMs: 100, routed: true });
    const [done] = healer.observe();
    expect(done).toMatchObject({ actionType: 'fallback', success: false });
    expect(done?.lessonsLearned[0]).toMatch(/changed nothing.*latency 100 ms → 100 ms.* over 10 \/ 40 calls/);
    expect(voice.tuning.routeToFallbackUntil).toBe(0);
  });

  it('renews a route that won while its pattern lasts', () => {
    const voice = new FakeVoice();
    voice.fallback = true;
    const { healer, time } = healerKit({ v: voice }, { prior: favour('fallback') });
    serve(voice, time, 20, { latencyMs: 600 });
    healer.onPattern(pattern('degradation', ['v']));
    for (let i = 0; i < 10; i++) {
      serve(voice, time, 1, { latencyMs: 3000, probe: true });
      serve(voice, time, 9, { latencyMs: 100, routed: true });
    }
    healer.observe();
    healer.observe(time.advance(2 * WINDOW));
    expect(voice.tuning.routeToFallbackUntil).toBe(time.now + WINDOW);
  });

  it('waits for enough calls, and judges what it has when the window closes: too few is inconclusive, not counted', () => {
    const voice = new FakeVoice();
    const { healer, memory, time } = healerKit({ v: voice }, { prior: favour('api_adaptation') });
    serve(voice, time, 20, { failures: 1 });
    healer.onPattern(pattern('api_change', ['v'], 'api_return_none'));
    serve(voice, time, 2, { failures: 0 });
    expect(healer.observe()).toEqual([]);
    time.advance(WINDOW);
    const [done] = healer.observe();
    expect(done).toMatchObject({ completed: true, success: null });
    expect(done?.parameters['verdict']).toBe('inconclusive');
    expect(voice.tuning.defensiveValues).toBe(false);
    expect(memory.healingStats('api_change', 'api_return_none').api_adaptation).toEqual({
      successes: 0,
      failures: 0,
    });
  });

  it('reads the control at the verdict: calls in flight when the action was taken count in it', () => {
    const voice = new FakeVoice();
    const { healer, memory, time } = healerKit({ v: voice }, { prior: favour('retry_strategy') });
    // The fault's calls: begun in the second before the action, three upstream attempts each, and all still in
    // flight when it is taken (as at the demo's faults: the control read then had 0 or 1 calls).
    const begun = Array.from({ length: 10 }, (_, i) => time.now + i * 100);
    time.advance(1_000);
    const [action] = healer.onPattern(pattern('degradation', ['v'], 'overloaded'));
    expect(action?.reason).toMatch(/backoff/);
    time.advance(1_500);
    for (const start of begun) {
      for (let a = 0; a < 3; a++) voice.calls.attempt(start + 900, a === 2, false, 900);
      voice.calls.callEnded(start + 1_500, 1_500, 'success', false, false);
    }
    serve(voice, time, 20, { attempts: 1 });
    const [done] = healer.observe();

    expect(done?.actionId).toBe(action?.actionId);
    expect(done?.parameters['verdict']).toBe('helped');
    expect(done?.lessonsLearned[0]).toMatch(/attempts 3\.00 → 1\.00.* over 10 \/ 20 calls/);
    expect(memory.healingStats('degradation', 'overloaded').retry_strategy).toEqual({
      successes: 1,
      failures: 0,
    });
  });

  it('a recovery ends measurement and never awards success', () => {
    const voice = new FakeVoice();
    const { healer, memory, time } = healerKit({ v: voice }, { prior: favour('retry_strategy') });
    serve(voice, time, 20, { attempts: 3, failures: 0.2 });
    const [action] = healer.onPattern(pattern('degradation', ['v'], 'server_error'));
    serve(voice, time, 10, { attempts: 3, failures: 0.2 }); // nothing changed under the backoff
    serve(voice, time, 4, { attempts: 1 }); // then the provider came back, and recovery is reported
    const [ended] = healer.onPattern(pattern('recovery', ['v'], 'server_error', { episodeStart: T0 }));
    expect(ended).toMatchObject({ actionId: action?.actionId, completed: true, success: false });
    expect(ended?.lessonsLearned[0]).toMatch(/changed nothing measurable.*until its pattern ended/);
    expect(memory.healingStats('degradation', 'server_error').retry_strategy).toEqual({
      successes: 0,
      failures: 1,
    });
    expect(voice.tuning.retry.has('server_error')).toBe(false);
  });

  it('does not act again on a pattern detected before the voice recovered, but does on one detected after', () => {
    const voice = new FakeVoice();
    const { healer, time, actions } = healerKit({ v: voice }, { prior: favour('retry_strategy') });
    const at = (ms: number): string => new Date(ms).toISOString();
    serve(voice, time, 20, { attempts: 3, failures: 0.2 });
    const fault = { ...pattern('degradation', ['v'], 'server_error'), detectionTime: at(time.now) };
    expect(healer.onPattern(fault)).toHaveLength(1);
    serve(voice, time, 4, { attempts: 1 });
    const [ended] = healer.onPattern({
      ...pattern('recovery', ['v'], 'server_error'),
      detectionTime: at(time.now),
    });
    expect(ended?.completed).toBe(true);

    // The degradation detector has not resolved its pattern yet; the ledger asks again after the verdict.
    time.advance(100);
    expect(healer.onPattern(fault)).toEqual([]);
    expect(actions).toHaveLength(1);
    const again = { ...pattern('degradation', ['v'], 'server_error'), detectionTime: at(time.now) };
    expect(healer.onPattern(again)).toHaveLength(1);
    expect(actions).toHaveLength(2);
  });

  it('a recovery before calls enough were made under an action leaves it unjudged', () => {
    const voice = new FakeVoice();
    const { healer, memory, time } = healerKit({ v: voice }, { prior: favour('retry_strategy') });
    serve(voice, time, 20, { attempts: 3, failures: 0.2 });
    healer.onPattern(pattern('degradation', ['v'], 'server_error'));
    serve(voice, time, 2, { attempts: 1 });
    const [ended] = healer.patternEnded('v', undefined);
    expect(ended).toMatchObject({ completed: true, success: null });
    expect(memory.healingStats('degradation', 'server_error').retry_strategy).toEqual({
      successes: 0,
      failures: 0,
    });
  });

  it('keeps a knob that won while its pattern lasts, then decays it back after one window', () => {
    const voice = new FakeVoice();
    const { healer, time } = healerKit({ v: voice }, { prior: favour('config_update') });
    serve(voice, time, 20, { attempts: 2, rateLimited: 1, failures: 0.2 });
    healer.onPattern(pattern('degradation', ['v'], 'rate_limited'));
    expect(voice.tuning.maxConcurrent).toBe(2);
    serve(voice, time, 20, { attempts: 1 });
    expect(healer.observe()[0]?.success).toBe(true);
    expect(healer.active()).toHaveLength(1);
    healer.observe(time.advance(10 * WINDOW));
    expect(voice.tuning.maxConcurrent).toBe(2); // the pattern still lasts
    healer.patternEnded('v', 'degradation');
    healer.observe(time.advance(WINDOW - 1));
    expect(voice.tuning.maxConcurrent).toBe(2);
    healer.observe(time.advance(1));
    expect(voice.tuning.maxConcurrent).toBeUndefined();
    expect(healer.active()).toEqual([]);
  });

  it('does not revert a knob another action has changed since', () => {
    const voice = new FakeVoice();
    const { healer, time } = healerKit({ anthropic: voice }, { prior: favour('config_update') });
    serve(voice, time, 20, { latencyMs: 2000 });
    healer.onPattern(pattern('degradation', ['anthropic'], 'timeout'));
    expect(voice.tuning.timeoutMs).toBe(3000);
    voice.tuning.timeoutMs = 5000;
    healer.observe(time.advance(WINDOW));
    expect(voice.tuning.timeoutMs).toBe(5000);
  });

  it('a recovery ends every pattern of the voice: knobs that did not win are reverted, the shared backoff released', () => {
    const voice = new FakeVoice();
    voice.fallback = true;
    const { healer, time } = healerKit({ anthropic: voice }, { prior: favour('config_update') });
    serve(voice, time, 20, { latencyMs: 4000, failures: 0.5 });
    healer.onPattern(pattern('degradation', ['anthropic'], 'timeout'));
    expect(voice.tuning.timeoutMs).toBe(6000);
    voice.tuning.sharedBackoff.add('overloaded');
    healer.onPattern(pattern('recovery', ['anthropic'], 'timeout', { episodeStart: T0 }));
    expect(voice.tuning.timeoutMs).toBeUndefined();
    expect(voice.tuning.sharedBackoff.size).toBe(0);
    expect(healer.pending()).toEqual([]);
  });

  it('raises another action over the favoured one once it keeps working', () => {
    const voice = new FakeVoice();
    voice.fallback = true;
    const { healer, memory } = healerKit({ anthropic: voice });
    for (let i = 0; i < 30; i++) {
      memory.recordHealingOutcome('api_change', 'api_return_none', 'api_adaptation', false, T0);
      memory.recordHealingOutcome('api_change', 'api_return_none', 'fallback', true, T0);
    }
    const [action] = healer.onPattern(pattern('api_change', ['anthropic'], 'api_return_none'));
    expect(action?.actionType).toBe('fallback');
  });
});

describe('Healer: every action turns its knob', () => {
  it('retry_strategy sets the per-category override (backoff or fail fast)', () => {
    const voice = new FakeVoice();
    const { healer } = healerKit({ v: voice }, { prior: favour('retry_strategy') });
    const [backoff] = healer.onPattern(pattern('degradation', ['v'], 'overloaded'));
    const [failFast] = healer.onPattern(pattern('degradation', ['v'], 'unknown'));
    expect(voice.tuning.retry.get('overloaded')).toEqual({ delayScale: 2 });
    expect(voice.tuning.retry.get('unknown')).toEqual({ maxAttempts: 1 });
    expect(backoff?.parameters).toEqual({ variant: 'backoff', categories: ['overloaded'], delayScale: 2 });
    expect(failFast?.parameters).toEqual({ variant: 'fail_fast', categories: ['unknown'], maxAttempts: 1 });
    expect(voice.tuning.active).toBe(true);
  });

  it("config_update sets the timeout from the p99 of the voice's successful latencies over the last window", () => {
    const slow = new FakeVoice();
    const unmeasured = new FakeVoice();
    const { healer, time } = healerKit({ slow, unmeasured }, { prior: favour('config_update') });
    serve(slow, time, 100, { latencyMs: 500 }); // older than the window: not counted
    time.advance(WINDOW);
    serve(slow, time, 99, { latencyMs: 1000 });
    serve(slow, time, 1, { latencyMs: 4000 });
    const [a] = healer.onPattern(pattern('degradation', ['slow'], 'timeout'));
    healer.onPattern(pattern('degradation', ['unmeasured'], 'timeout'));
    // 1.5 × the p99, rounded up to whole seconds (the one adaptive-timeout rule).
    expect(a?.parameters).toEqual({ variant: 'adaptive_timeout', timeoutMs: 2000, latencyP99Ms: 1000 });
    expect(slow.tuning.timeoutMs).toBe(2000);
    expect(unmeasured.tuning.timeoutMs).toBeUndefined(); // no latencies: no timeout knob
  });

  it('config_update halves concurrency under rate limiting', () => {
    const voice = new FakeVoice();
    voice.inFlightCalls = 6;
    const { healer } = healerKit({ v: voice });
    const [a] = healer.onPattern(pattern('degradation', ['v'], 'rate_limited'));
    expect(a?.actionType).toBe('config_update');
    expect(voice.tuning.maxConcurrent).toBe(3);
  });

  it('fallback routes until the window ends, and only with a healthy fallback', () => {
    const withFallback = new FakeVoice();
    withFallback.fallback = true;
    const alone = new FakeVoice();
    const { healer } = healerKit({ withFallback, alone }, { prior: favour('fallback') });
    const [a] = healer.onPattern(pattern('degradation', ['withFallback'], 'server_error'));
    const [b] = healer.onPattern(pattern('degradation', ['alone'], 'server_error'));
    expect(a?.actionType).toBe('fallback');
    expect(withFallback.tuning.routeToFallbackUntil).toBe(T0 + WINDOW);
    expect(a?.parameters).toMatchObject({ routeToFallbackUntil: new Date(T0 + WINDOW).toISOString() });
    expect(b?.actionType).not.toBe('fallback');
    expect(alone.tuning.routeToFallbackUntil).toBe(0);
  });

  it('a route for a latency drift puts the probes under the adaptive timeout, and a failed route takes both back', () => {
    const voice = new FakeVoice();
    voice.fallback = true;
    const { healer, time } = healerKit({ v: voice });
    serve(voice, time, 20, { latencyMs: 2_000 });
    const [a] = healer.onPattern(pattern('degradation', ['v'])); // no category: latency alone
    expect(a?.actionType).toBe('fallback');
    expect(voice.tuning.timeoutMs).toBe(3_000);
    expect(a?.parameters).toMatchObject({ variant: 'route', timeoutMs: 3_000 });
    // Routed calls fail as often and are as slow as the probes: the route did nothing.
    for (let i = 0; i < 10; i++) {
      serve(voice, time, 2, { latencyMs: 2_000, probe: true, failures: 0.5 });
      serve(voice, time, 2, { latencyMs: 2_000, routed: true, failures: 0.5 });
    }
    const [outcome] = healer.observe();
    expect(outcome?.success).toBe(false);
    expect(voice.tuning.routeToFallbackUntil).toBe(0);
    expect(voice.tuning.timeoutMs).toBeUndefined();
  });

  it('api_adaptation turns on defensive values', () => {
    const voice = new FakeVoice();
    const { healer } = healerKit({ v: voice }, { prior: favour('api_adaptation') });
    healer.onPattern(pattern('degradation', ['v'], 'invalid_response'));
    expect(voice.tuning.defensiveValues).toBe(true);
  });

  it('reconnect calls the adapter and succeeds when the calls after it fail less', async () => {
    const voice = new FakeVoice();
    let calls = 0;
    voice.reconnect = () => {
      calls++;
      return Promise.resolve();
    };
    const { healer, time } = healerKit({ v: voice }, { prior: favour('reconnect') });
    serve(voice, time, 20, { fallbacks: 1, attempts: 2 });
    const [a] = healer.onPattern(pattern('degradation', ['v'], 'network'));
    expect(a?.actionType).toBe('reconnect');
    expect(calls).toBe(1);
    await healer.settled();
    serve(voice, time, 20);
    const [done] = healer.observe();
    expect(done?.success).toBe(true);
    expect(done?.lessonsLearned[0]).toMatch(/helped.*fallbacks 1\.00 → 0\.0\d/);
  });

  it('counts a rejected or throwing reconnect as a failure, whatever the health did', async () => {
    for (const reconnect of [
      () => Promise.reject(new Error('handshake refused for sk-live0123456789abcdef')),
      () => {
        throw new Error('handshake refused');
      },
    ]) {
      const voice = new FakeVoice();
      voice.health.sick();
      voice.reconnect = reconnect;
      const { healer, memory, time } = healerKit({ v: voice }, { prior: favour('reconnect') });
      serve(voice, time, 20, { failures: 1 });
      healer.onPattern(pattern('degradation', ['v'], 'network'));
      await healer.settled();
      serve(voice, time, 20);
      const [done] = healer.observe();
      expect(done).toMatchObject({ success: false });
      expect(done?.lessonsLearned[0]).toMatch(/handshake refused/);
      expect(done?.lessonsLearned[0]).not.toMatch(/sk-live/);
      expect(memory.healingStats('degradation', 'network').reconnect.failures).toBe(1);
    }
  });

  it('counts a reconnect still running when the window closes as a failure', () => {
    const voice = new FakeVoice();
    voice.reconnect = () => new Promise<void>(() => undefined);
    const { healer, time } = healerKit({ v: voice }, { prior: favour('reconnect') });
    healer.onPattern(pattern('degradation', ['v'], 'network'));
    const [done] = healer.observe(time.advance(WINDOW));
    expect(done?.success).toBe(false);
    expect(done?.lessonsLearned[0]).toMatch(/not finished/);
  });
});

describe('Healer: resonance, stacking, switches', () => {
  it('puts the shared category on the shared backoff of every affected voice, without routing', () => {
    const voices = { a: new FakeVoice(), b: new FakeVoice(), c: new FakeVoice() };
    for (const v of Object.values(voices)) v.fallback = true;
    const { healer } = healerKit(voices);
    const actions = healer.onPattern(pattern('resonance', ['a', 'b', 'c'], 'overloaded'));
    for (const v of Object.values(voices)) {
      expect([...v.tuning.sharedBackoff]).toEqual(['overloaded']);
      expect(v.tuning.routeToFallbackUntil).toBe(0);
    }
    expect(actions.map((a) => [a.targetAdapter, a.actionType, a.parameters['sharedBackoff']])).toEqual([
      ['a', 'retry_strategy', 'overloaded'],
      ['b', 'retry_strategy', 'overloaded'],
      ['c', 'retry_strategy', 'overloaded'],
    ]);
  });

  it('does not stack a second pending action of the same type for the same pattern', () => {
    const voice = new FakeVoice();
    voice.health.sick();
    const { healer, time, actions } = healerKit({ v: voice });
    expect(healer.onPattern(pattern('degradation', ['v'], 'timeout'))).toHaveLength(1);
    expect(healer.onPattern(pattern('degradation', ['v'], 'timeout'))).toEqual([]);
    expect(healer.onPattern(pattern('degradation', ['v'], 'server_error'))).toHaveLength(1);
    expect(healer.pending()).toHaveLength(2);
    expect(voice.health.recorded).toHaveLength(2);
    healer.observe(time.advance(WINDOW));
    expect(healer.onPattern(pattern('degradation', ['v'], 'timeout'))).toHaveLength(1);
    expect(actions).toHaveLength(3);
  });

  it('does nothing when disabled', () => {
    const voice = new FakeVoice();
    voice.health.sick();
    const { healer, memory, time, actions } = healerKit({ v: voice }, { enabled: false });
    expect(healer.onPattern(pattern('api_change', ['v'], 'api_return_none'))).toEqual([]);
    expect(healer.onPattern(pattern('resonance', ['v'], 'overloaded'))).toEqual([]);
    voice.tuning.maxConcurrent = 1;
    expect(healer.patternEnded('v', undefined, time.now)).toEqual([]);
    expect(healer.observe(time.advance(WINDOW))).toEqual([]);
    expect(voice.tuning.defensiveValues).toBe(false);
    expect(voice.tuning.sharedBackoff.size).toBe(0);
    expect(voice.tuning.maxConcurrent).toBe(1);
    expect(voice.health.recorded).toEqual([]);
    expect(memory.healings).toEqual([]);
    expect(actions).toEqual([]);
  });

  it('skips adapters it has no voice for', () => {
    const { healer } = healerKit({});
    expect(healer.onPattern(pattern('degradation', ['ghost'], 'timeout'))).toEqual([]);
  });

  it('keeps a bounded history and hands out copies', () => {
    const voice = new FakeVoice();
    const { healer } = healerKit({ v: voice }, { maxHistory: 2 });
    healer.onPattern(pattern('degradation', ['v'], 'timeout'));
    healer.onPattern(pattern('degradation', ['v'], 'server_error'));
    healer.onPattern(pattern('degradation', ['v'], 'overloaded'));
    const history = healer.history();
    expect(history.map((a) => a.reason)).toEqual([
      'degradation/server_error on v: backoff',
      'degradation/overloaded on v: backoff',
    ]);
    history[0]!.lessonsLearned.push('tampered');
    expect(healer.history()[0]?.lessonsLearned).toEqual([]);
    expect(healer.pending()).toHaveLength(3);
  });

  it('rejects invalid options at construction', () => {
    const memory = new PatternMemory({ store: new MemoryStore() });
    const base = { clock: () => T0, random: createSeededRandom(1), memory, voices: () => undefined };
    expect(() => new Healer({ ...base, outcomeWindowMs: 0 })).toThrow(RangeError);
    expect(() => new Healer({ ...base, maxHistory: 1.5 })).toThrow(RangeError);
    expect(new Healer(base).outcomeWindowMs).toBe(30_000);
  });
});
