import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { FileStore } from '../../src/memory/FileStore.js';
import { msg, simulatedBrain, type SimClock } from './scenarioKit.js';
import { settled } from '../support/VirtualClock.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const networkError = (): Error => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

/** A voice with only the snake_case spelling, whose connection goes stale: calls fail until connect() is called. */
function staleVoice(clock: SimClock, state: { stale: boolean }): Record<string, unknown> {
  return {
    providerName: 'google',
    async send_message(): Promise<unknown> {
      clock.advance(state.stale ? 20 : 150);
      if (state.stale) throw networkError();
      return msg('google answers');
    },
    async connect(): Promise<boolean> {
      state.stale = false;
      return true;
    },
    async disconnect(): Promise<void> {},
  };
}

type Sim = ReturnType<typeof simulatedBrain>;
type Caller = { sendMessage(m: unknown): Promise<{ content: { text: string } }> };

function wrap(sim: Sim, state: { stale: boolean }): Caller {
  return withConsciousness(
    staleVoice(sim.clock, state),
    {
      infrastructure: sim.brain,
      retry: { initialDelayMs: 10, maxDelayMs: 50, maxAttempts: 2 },
      breaker: { volumeThreshold: 100_000 },
      fallbackValue: msg('silence'),
    },
    { sleep: sim.clock.sleep },
  ) as unknown as Caller;
}

/** What one stale-connection episode cost: actions judged failures before the first success, and silenced calls. */
interface Episode {
  readonly failedActionsBeforeSuccess: number;
  readonly silencedCalls: number;
  readonly cured: boolean;
}

/** 20 healthy calls, then the connection goes stale until it is cured (or `maxCalls` calls). */
async function episode(
  sim: Sim,
  voice: Caller,
  state: { stale: boolean },
  maxCalls: number,
): Promise<Episode> {
  for (let i = 0; i < 20; i++) {
    await voice.sendMessage(msg());
    await settled(); // what the call's patterns set off runs after it
    sim.clock.advance(1000);
  }
  const judgedBefore = sim.healings.filter((h) => h.completed).length;
  state.stale = true;
  let silencedCalls = 0;
  for (let i = 0; i < maxCalls && state.stale; i++) {
    if ((await voice.sendMessage(msg())).content.text === 'silence') silencedCalls++;
    await settled();
    sim.clock.advance(1000);
  }
  const cured = !state.stale;
  // The calls under the cure settle its verdict.
  for (let i = 0; i < 30; i++) {
    await voice.sendMessage(msg());
    await settled(); // what the call's patterns set off runs after it
    sim.clock.advance(1000);
  }
  const judged = sim.healings.filter((h) => h.completed && h.targetAdapter === 'google').slice(judgedBefore);
  const firstSuccess = judged.findIndex((h) => h.success);
  return {
    failedActionsBeforeSuccess: (firstSuccess < 0 ? judged : judged.slice(0, firstSuccess)).filter(
      (h) => h.success === false,
    ).length,
    silencedCalls,
    cured,
  };
}

describe('learning survives a restart', () => {
  it('uses the learned alias, and the action that cured the fault first: failed actions per episode at least halved', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ic-restart-'));
    const empty = await mkdtemp(join(tmpdir(), 'ic-restart-empty-'));
    dirs.push(dir, empty);
    const store = (directory: string): FileStore =>
      new FileStore({ directory, logger: pino({ level: 'silent' }) });

    // First process: resolves the alias, and lives through stale connections until reconnect has cured one.
    const first = simulatedBrain({ store: store(dir) });
    await first.brain.ready;
    const state = { stale: false };
    const voice1 = wrap(first, state);
    let learned: Episode | undefined;
    for (let round = 0; round < 5 && learned?.cured !== true; round++) {
      learned = await episode(first, voice1, state, 2_000);
    }
    expect(learned?.cured).toBe(true);
    expect(first.healings.some((h) => h.actionType === 'reconnect' && h.success)).toBe(true);
    await first.brain.stopMonitoring(); // saves memory and a snapshot
    expect((await readdir(dir)).some((f) => f === 'pattern_memory.json')).toBe(true);
    expect((await readdir(dir)).some((f) => f.startsWith('infrastructure_state_'))).toBe(true);

    // Second process, same storage; third process, empty storage; the same fault.
    const withMemory = simulatedBrain({ store: store(dir), seed: 99 });
    const withoutMemory = simulatedBrain({ store: store(empty), seed: 99 });
    await withMemory.brain.ready;
    await withoutMemory.brain.ready;
    expect(withMemory.brain.learnedAlias('google', 'sendMessage')).toBe('send_message');
    const state2 = { stale: false };
    const voice2 = wrap(withMemory, state2);
    expect((await voice2.sendMessage(msg())).content.text).toBe('google answers');
    // The remembered alias is used directly: no api_method_missing.
    expect(withMemory.brain.getHealthSignature('google')!.errorPatterns.api_method_missing).toBeUndefined();

    const remembered = await episode(withMemory, voice2, state2, 2_000);
    const state3 = { stale: false };
    const fresh = await episode(withoutMemory, wrap(withoutMemory, state3), state3, 2_000);
    expect(remembered.cured).toBe(true);
    expect(fresh.failedActionsBeforeSuccess).toBeGreaterThan(0);
    expect(remembered.failedActionsBeforeSuccess).toBeLessThanOrEqual(fresh.failedActionsBeforeSuccess / 2);
    expect(remembered.silencedCalls).toBeLessThan(fresh.silencedCalls);
  }, 60_000);
});
