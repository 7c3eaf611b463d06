import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { createSeededRandom } from '../../src/lab/seededRandom.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { settled } from '../support/VirtualClock.js';

const T0 = Date.UTC(2026, 0, 1);
const OVERLOADED = { category: 'overloaded', message: '529', errorName: 'APIError' } as const;

describe('healing while a pattern lasts', () => {
  it('takes another action when the first did not help and the pattern is still active', async () => {
    let now = T0;
    const brain = new InfrastructureConsciousness({
      registry: new Registry(),
      logger: pino({ level: 'silent' }),
      store: new MemoryStore(),
      random: createSeededRandom(7),
      clock: () => now,
      config: { learningIntervalMs: 0, healingActionTimeoutMs: 2_000 },
    });
    const voice = brain.voice('anthropic');
    for (let i = 0; i < 20; i++) {
      now += 100;
      voice.attemptSucceeded(100, { content: { text: 'ok' } });
      voice.callEnded(voice.method('sendMessage'), 'success', 0.1);
    }
    const cells = voice.method('sendMessage');
    // What a pattern sets off runs after the call (AfterCalls): each failure is a call that ended.
    const fail = async (): Promise<void> => {
      now += 100;
      voice.attemptFailed(cells, 'sendMessage', OVERLOADED, 100, 1);
      voice.callEnded(cells, 'failure', 0.1);
      await settled();
    };
    for (let i = 0; i < 5; i++) await fail();
    const [first, ...others] = brain.healingActions();
    expect(first).toMatchObject({ targetAdapter: 'anthropic', completed: false });
    expect(others).toEqual([]);
    // The voice keeps failing under it (more than before it): the action failed, another one is taken.
    for (let i = 0; i < 25; i++) await fail();
    expect(brain.activePatterns().some((p) => p.patternType === 'degradation')).toBe(true);
    const actions = brain.healingActions();
    expect(actions[0]).toMatchObject({ actionId: first!.actionId, completed: true });
    expect(actions[0]!.success).not.toBe(true);
    expect(actions.length).toBeGreaterThan(1);
    expect(actions[1]).toMatchObject({ targetAdapter: 'anthropic', completed: false });
  });
});
