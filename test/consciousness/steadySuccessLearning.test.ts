import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';

const T0 = Date.UTC(2026, 0, 1);
const OVERLOADED = { category: 'overloaded', message: '529', errorName: 'APIError' } as const;
const ANSWER = { content: { text: 'ok' } };

function brainAt(clock: () => number, learningIntervalMs?: number): InfrastructureConsciousness {
  return new InfrastructureConsciousness({
    registry: new Registry(),
    logger: pino({ level: 'silent' }),
    store: new MemoryStore(),
    clock,
    ...(learningIntervalMs === undefined ? {} : { config: { learningIntervalMs } }),
  });
}

describe('a steady voice learns from one success per learningIntervalMs (1 ms)', () => {
  it('counts every success, learns from those of a voice not yet steady, and from one a millisecond once steady', () => {
    let now = T0;
    const brain = brainAt(() => now);
    const voice = brain.voice('anthropic');
    const health = voice.health;
    // Not steady until the window is full of successes: all learned, even within one millisecond.
    for (let i = 0; i < health.windowSize; i++) {
      expect(voice.attemptSucceeded(10, ANSWER, now)).toBe(true);
    }
    expect(health.steady).toBe(true);
    const ewma = health.latencyEwmaMs;
    // Steady, and a success was learned from this millisecond: counted, not learned.
    for (let i = 0; i < 100; i++) expect(voice.attemptSucceeded(5_000, ANSWER, now)).toBe(false);
    expect(health.totalCalls).toBe(health.windowSize + 100);
    expect(health.latencyEwmaMs).toBe(ewma);
    expect(voice.calls.window(T0 - 60_000, T0 + 60_000).attempts).toBe(health.windowSize + 100);
    // A millisecond later the next success is learned from again.
    now += 1;
    expect(voice.attemptSucceeded(5_000, ANSWER, now)).toBe(true);
    expect(health.latencyEwmaMs).toBeGreaterThan(ewma);
  });

  it('learns from every success with learningIntervalMs 0, and from one per interval with a longer one', () => {
    let now = T0;
    const every = brainAt(() => now, 0).voice('deepseek');
    for (let i = 0; i < 200; i++) expect(every.attemptSucceeded(10, ANSWER, now)).toBe(true);
    const slow = brainAt(() => now, 50).voice('grok');
    for (let i = 0; i < slow.health.windowSize; i++) slow.attemptSucceeded(10, ANSWER, now);
    now += 49;
    expect(slow.attemptSucceeded(10, ANSWER, now)).toBe(false);
    now += 1;
    expect(slow.attemptSucceeded(10, ANSWER, now)).toBe(true);
  });

  it('learns from every success after a failure, until the window holds none again', () => {
    const now = T0;
    const brain = brainAt(() => now);
    const voice = brain.voice('openai');
    for (let i = 0; i < voice.health.windowSize; i++) voice.attemptSucceeded(10, ANSWER, now);
    expect(voice.attemptSucceeded(10, ANSWER, now)).toBe(false);
    voice.attemptFailed(voice.method('create'), 'create', OVERLOADED, 10, 1);
    expect(voice.health.steady).toBe(false);
    // The failure stays in the window for the next windowSize outcomes: every success is learned from.
    for (let i = 0; i < voice.health.windowSize - 1; i++) {
      expect(voice.attemptSucceeded(10, ANSWER, now)).toBe(true);
    }
    expect(voice.attemptSucceeded(10, ANSWER, now)).toBe(true);
    expect(voice.attemptSucceeded(10, ANSWER, now)).toBe(false);
  });

  it('learns from every success of a voice a healing action has tuned, and while responses come back empty', () => {
    const now = T0;
    const brain = brainAt(() => now);
    const empty = brain.voice('google');
    for (let i = 0; i < empty.health.windowSize; i++) empty.attemptSucceeded(10, ANSWER, now);
    expect(empty.attemptSucceeded(10, ANSWER, now)).toBe(false);
    // An empty answer is a success the validity window counts against steadiness.
    empty.attemptSucceeded(10, null, now);
    expect(empty.attemptSucceeded(10, ANSWER, now)).toBe(true);

    const tuned = brain.voice('mistral');
    for (let i = 0; i < tuned.health.windowSize; i++) tuned.attemptSucceeded(10, ANSWER, now);
    tuned.tuning.touch();
    expect(tuned.attemptSucceeded(10, ANSWER, now)).toBe(true);
    expect(tuned.attemptSucceeded(10, ANSWER, now)).toBe(true);
  });

  it('through a wrap: every call counted, a slow call learned from', async () => {
    let now = T0;
    const brain = brainAt(() => now);
    const adapter = {
      async complete(ms: number): Promise<string> {
        now += ms;
        return 'ok';
      },
    };
    const wrapped = withConsciousness(adapter, { infrastructure: brain, name: 'local' });
    // Fast calls a tenth of a millisecond each: ten to a millisecond.
    for (let i = 0; i < 500; i++) await wrapped.complete(0.1);
    const voice = brain.voice('local');
    expect(voice.health.totalCalls).toBe(500);
    const learnedBefore = voice.health.latencyEwmaMs;
    expect(learnedBefore).toBeCloseTo(0.1, 3);
    // A slow call is learned from (more than a millisecond after the last learned one).
    await wrapped.complete(50);
    expect(voice.health.latencyEwmaMs).toBeGreaterThan(5);
    expect(voice.health.totalCalls).toBe(501);
  });
});
