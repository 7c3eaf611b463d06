import { describe, expect, it } from 'vitest';
import { Healer } from '../../src/healing/Healer.js';
import { createSeededRandom } from '../../src/lab/seededRandom.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { PatternMemory } from '../../src/memory/PatternMemory.js';
import { FakeVoice, T0, WINDOW, favour, healerKit, pattern } from './healingTestKit.js';

describe('Healer: the original test cases', () => {
  it('case 8: api_change on adapter1 + degradation on adapter2 → api_adaptation and retry_strategy', () => {
    const adapter1 = new FakeVoice();
    const adapter2 = new FakeVoice();
    adapter1.fallback = adapter2.fallback = true;
    adapter2.health.p95Ms = 800;
    const { healer } = healerKit({ adapter1, adapter2 });

    const first = healer.onPattern(pattern('api_change', ['adapter1'], 'api_return_none'));
    const second = healer.onPattern(pattern('degradation', ['adapter2'], 'timeout'));

    expect(first.map((a) => [a.targetAdapter, a.actionType])).toEqual([['adapter1', 'api_adaptation']]);
    expect(second.map((a) => [a.targetAdapter, a.actionType])).toEqual([['adapter2', 'retry_strategy']]);
    expect(adapter1.tuning.defensiveValues).toBe(true);
    expect(adapter2.tuning.retry.get('timeout')).toEqual({ delayScale: 2 });
  });

  it('case 9: an executed action is completed, successful, recorded on the adapter and listed', () => {
    const voice = new FakeVoice();
    voice.health.sick();
    const { healer, memory, time, outcomes } = healerKit({ anthropic: voice });

    const [action] = healer.onPattern(pattern('degradation', ['anthropic'], 'timeout'));
    expect(action).toMatchObject({
      actionType: 'retry_strategy',
      completed: false,
      success: null,
      impactOnHealth: null,
    });
    expect(voice.health.recorded.map((r) => r.actionId)).toEqual([action?.actionId]);
    expect(healer.pending()).toHaveLength(1);

    voice.health.well();
    time.advance(WINDOW - 1);
    expect(healer.observe()).toEqual([]); // the window has not elapsed
    time.advance(1);
    const [done] = healer.observe();

    expect(done).toMatchObject({ actionId: action?.actionId, completed: true, success: true });
    expect(done?.impactOnHealth).toBeGreaterThan(0);
    expect(done?.lessonsLearned[0]).toMatch(/helped/);
    expect(healer.successfulHealings().map((a) => a.actionId)).toEqual([action?.actionId]);
    expect(healer.pending()).toEqual([]);
    expect(memory.healingStats('degradation', 'timeout').retry_strategy).toEqual({
      successes: 1,
      failures: 0,
    });
    expect(memory.healings.find((h) => h.actionId === action?.actionId)?.success).toBe(true);
    expect(outcomes).toEqual([done]);
    expect(voice.tuning.retry.get('timeout')).toEqual({ delayScale: 2 }); // what helped stays
  });
});

describe('Healer: outcomes', () => {
  it('reverts an action that did not help and counts it as a failure', () => {
    const voice = new FakeVoice();
    voice.health.sick();
    const { healer, memory, time } = healerKit({ anthropic: voice });

    healer.onPattern(pattern('api_change', ['anthropic'], 'api_return_none'));
    expect(voice.tuning.defensiveValues).toBe(true);
    voice.health.consecutiveFailures = 9; // no better
    const [done] = healer.observe(time.advance(WINDOW));

    expect(done).toMatchObject({
      actionType: 'api_adaptation',
      completed: true,
      success: false,
      impactOnHealth: 0,
    });
    expect(done?.lessonsLearned[0]).toMatch(/did not help.*reverted/);
    expect(voice.tuning.defensiveValues).toBe(false);
    expect(memory.healingStats('api_change', 'api_return_none').api_adaptation).toEqual({
      successes: 0,
      failures: 1,
    });
    expect(healer.successfulHealings()).toEqual([]);
  });

  it('does not revert a knob another action has changed since', () => {
    const voice = new FakeVoice();
    voice.health.sick();
    voice.health.latencyP99Ms = 2000;
    const { healer, time } = healerKit({ anthropic: voice }, { prior: favour('config_update') });
    healer.onPattern(pattern('degradation', ['anthropic'], 'timeout'));
    expect(voice.tuning.timeoutMs).toBe(3000);
    voice.tuning.timeoutMs = 5000;
    healer.observe(time.advance(WINDOW));
    expect(voice.tuning.timeoutMs).toBe(5000);
  });

  it('credits the actions of an episode when the voice recovers, and releases temporary knobs', () => {
    const voice = new FakeVoice();
    voice.fallback = true;
    voice.health.sick();
    voice.health.latencyP99Ms = 4000;
    const { healer, memory, time } = healerKit({ anthropic: voice }, { prior: favour('config_update') });
    const episodeStart = T0 - 5000;

    const [timeout] = healer.onPattern(pattern('degradation', ['anthropic'], 'timeout'));
    voice.tuning.routeToFallbackUntil = T0 + 60_000;
    voice.tuning.maxConcurrent = 2;
    voice.tuning.sharedBackoff.add('overloaded');
    voice.tuning.retry.set('unknown', { maxAttempts: 1 });
    voice.tuning.retry.set('server_error', { maxAttempts: 1, delayScale: 2 });
    voice.tuning.defensiveValues = true;

    voice.health.well();
    const end = time.advance(5000);
    const credited = healer.onPattern(
      pattern('recovery', ['anthropic'], 'timeout', { episodeStart, episodeEnd: end }),
    );

    expect(credited.map((a) => a.actionId)).toEqual([timeout?.actionId]);
    expect(credited[0]).toMatchObject({ completed: true, success: true });
    expect(credited[0]?.impactOnHealth).toBeGreaterThan(0);
    expect(credited[0]?.lessonsLearned[0]).toMatch(/recovery/);
    expect(memory.successfulResolutions('degradation', 'timeout')).toEqual([
      { actionType: 'config_update', successes: 1, failures: 0, successRate: 1 },
    ]);
    expect(healer.pending()).toEqual([]);
    // Temporary knobs released; what was learned stays.
    expect(voice.tuning.routeToFallbackUntil).toBe(0);
    expect(voice.tuning.maxConcurrent).toBeUndefined();
    expect(voice.tuning.sharedBackoff.size).toBe(0);
    expect(voice.tuning.retry.has('unknown')).toBe(false);
    expect(voice.tuning.retry.get('server_error')).toEqual({ delayScale: 2 });
    expect(voice.tuning.timeoutMs).toBe(6000);
    expect(voice.tuning.defensiveValues).toBe(true);
  });

  it('credits only actions taken within the episode', () => {
    const voice = new FakeVoice();
    voice.health.sick();
    const { healer, time } = healerKit({ anthropic: voice });
    healer.onPattern(pattern('degradation', ['anthropic'], 'timeout'));
    const start = time.advance(1000);
    expect(healer.credit('anthropic', start, time.advance(1000))).toEqual([]);
    expect(healer.credit('other', 0, time.now)).toEqual([]);
    expect(healer.pending()).toHaveLength(1);
  });

  it('raises the credited action over the favoured one once it keeps working', () => {
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

  it('config_update sets the timeout from the learned p99, or the p95 where no p99 is tracked', () => {
    const withP99 = new FakeVoice();
    withP99.health.latencyP99Ms = 4000;
    withP99.health.p95Ms = 1000;
    const withP95 = new FakeVoice();
    withP95.health.p95Ms = 2000;
    const { healer } = healerKit({ withP99, withP95 }, { prior: favour('config_update') });
    const [a] = healer.onPattern(pattern('degradation', ['withP99'], 'timeout'));
    healer.onPattern(pattern('degradation', ['withP95']));
    expect(withP99.tuning.timeoutMs).toBe(6000);
    expect(a?.parameters).toEqual({ variant: 'adaptive_timeout', timeoutMs: 6000, latencyP99Ms: 4000 });
    expect(withP95.tuning.timeoutMs).toBe(3000);
  });

  it('config_update halves concurrency under rate limiting', () => {
    const voice = new FakeVoice();
    voice.calls = 6;
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
    voice.health.latencyP99Ms = 2_000;
    const { healer, time } = healerKit({ v: voice });
    const [a] = healer.onPattern(pattern('degradation', ['v'])); // no category: latency alone
    expect(a?.actionType).toBe('fallback');
    expect(voice.tuning.timeoutMs).toBe(3_000);
    expect(a?.parameters).toMatchObject({ variant: 'route', timeoutMs: 3_000 });
    voice.health.sick();
    time.advance(WINDOW);
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

  it('reconnect calls the adapter and succeeds when health improves', async () => {
    const voice = new FakeVoice();
    voice.health.sick();
    let calls = 0;
    voice.reconnect = () => {
      calls++;
      return Promise.resolve();
    };
    const { healer, time } = healerKit({ v: voice }, { prior: favour('reconnect') });
    const [a] = healer.onPattern(pattern('degradation', ['v'], 'network'));
    expect(a?.actionType).toBe('reconnect');
    expect(calls).toBe(1);
    await healer.settled();
    voice.health.well();
    const [done] = healer.observe(time.advance(WINDOW));
    expect(done?.success).toBe(true);
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
      healer.onPattern(pattern('degradation', ['v'], 'network'));
      await healer.settled();
      voice.health.well();
      const [done] = healer.observe(time.advance(WINDOW));
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
    expect(healer.credit('v', 0, time.now)).toEqual([]);
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
