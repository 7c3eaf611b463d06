import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { FileStore } from '../../src/memory/FileStore.js';
import { msg, simulatedBrain, type SimClock } from './scenarioKit.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const networkError = (): Error => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

/** A voice with only the snake_case spelling, whose provider goes down and comes back. */
function flakyVoice(clock: SimClock, state: { down: boolean }): Record<string, unknown> {
  return {
    providerName: 'google',
    async send_message(): Promise<unknown> {
      clock.advance(state.down ? 20 : 150);
      if (state.down) throw networkError();
      return msg('google answers');
    },
  };
}

async function run(
  voice: { sendMessage(m: unknown): Promise<unknown> },
  clock: SimClock,
  n: number,
): Promise<void> {
  for (let i = 0; i < n; i++) {
    await voice.sendMessage(msg());
    clock.advance(1000);
  }
}

describe('learning survives a restart', () => {
  it('uses the learned alias and the action that healed, from the first call of the next process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ic-restart-'));
    dirs.push(dir);
    const store = () => new FileStore({ directory: dir, logger: pino({ level: 'silent' }) });
    const options = (brain: unknown) => ({
      infrastructure: brain as never,
      retry: { initialDelayMs: 10, maxDelayMs: 50, maxAttempts: 2 },
      breaker: { volumeThreshold: 1000 },
      fallbackValue: msg('silence'),
    });

    // First process: resolves the alias, lives through an outage, a healing action is credited.
    const first = simulatedBrain({ store: store() });
    await first.brain.ready;
    const state = { down: false };
    const voice1 = withConsciousness(flakyVoice(first.clock, state), options(first.brain), {
      sleep: first.clock.sleep,
    }) as unknown as { sendMessage(m: unknown): Promise<unknown> };
    await run(voice1, first.clock, 30);
    state.down = true;
    await run(voice1, first.clock, 15);
    state.down = false;
    await run(voice1, first.clock, 20);
    const healed = first.healings.find((h) => h.completed && h.success && h.targetAdapter === 'google');
    expect(healed).toBeDefined();
    await first.brain.stopMonitoring(); // saves memory and a snapshot
    expect((await readdir(dir)).some((f) => f === 'pattern_memory.json')).toBe(true);
    expect((await readdir(dir)).some((f) => f.startsWith('infrastructure_state_'))).toBe(true);

    // Second process, same storage.
    const second = simulatedBrain({ store: store(), seed: 99 });
    await second.brain.ready;
    expect(second.brain.learnedAlias('google', 'sendMessage')).toBe('send_message');
    const voice2 = withConsciousness(flakyVoice(second.clock, state), options(second.brain), {
      sleep: second.clock.sleep,
    }) as unknown as { sendMessage(m: unknown): Promise<{ content: { text: string } }> };
    expect((await voice2.sendMessage(msg())).content.text).toBe('google answers');
    // The remembered alias is used directly: no api_method_missing, no new alias healing.
    expect(second.brain.getHealthSignature('google')!.errorPatterns.api_method_missing).toBeUndefined();
    expect(second.healings.filter((h) => h.parameters.alias !== undefined)).toHaveLength(0);

    // The same outage again: the pattern recalls what healed it, and that action is chosen first.
    await run(voice2, second.clock, 29);
    state.down = true;
    await run(voice2, second.clock, 15);
    const recurring = second.patterns.find(
      (p) => p.patternType !== 'recovery' && p.affectedAdapters.includes('google'),
    );
    expect(recurring?.successfulResolutions).toContain(healed!.actionType);
    const firstAction = second.healings.find((h) => h.targetAdapter === 'google');
    expect(firstAction?.actionType).toBe(healed!.actionType);
  });
});
