// A first attempt's caller promise always settles, even when the bookkeeping around it throws.
import { describe, expect, it } from 'vitest';
import { MethodLatency } from '../../../src/resilience/AttemptTimeout.js';
import { FirstAttempt, type FirstAttemptHost } from '../../../src/resilience/FirstAttempt.js';
import type { MethodState } from '../../../src/resilience/MethodState.js';
import { Winner } from '../../../src/resilience/results/Winner.js';
import { SETTLE } from '../../../src/resilience/results/RichPromise.js';
import type { VoiceBreaker } from '../../../src/resilience/VoiceBreaker.js';
import { withConsciousness } from '../../../src/wrap/withConsciousness.js';
import { freshInfrastructure, message } from '../../support/fixtures.js';

const state = {
  path: 'sendMessage',
  kind: 'async',
  latency: new MethodLatency(),
} as unknown as MethodState;

const broken = (): never => {
  throw new Error('meter broke');
};

/** A host whose won/lost may throw; records what it was told. */
function host(overrides: Partial<FirstAttemptHost> = {}) {
  const told: unknown[] = [];
  const h: FirstAttemptHost = {
    name: 'v',
    now: () => 0,
    won: (_call, value) => value,
    lost: (_call, err) => Promise.reject(err),
    unrecorded: (_call, err) => told.push(err),
    ...overrides,
  };
  return { host: h, told };
}

const breaker = (overrides: Partial<VoiceBreaker> = {}) =>
  ({ succeeded() {}, failed: () => Promise.resolve(), ...overrides }) as unknown as VoiceBreaker;

function first(
  h: FirstAttemptHost,
  pending: Promise<unknown>,
  b = breaker(),
  rich = false,
  settler?: { [SETTLE](o: unknown): void },
) {
  return new FirstAttempt(
    h,
    {},
    state,
    [],
    { raw: pending, controller: undefined },
    0,
    b,
    undefined,
    rich,
    pending,
    undefined,
    (_s, value) => value,
    settler,
    undefined,
  );
}

describe('FirstAttempt bookkeeping that throws', () => {
  it('recording a success throws: the caller still gets the value, and the host is told', async () => {
    const { host: h, told } = host({ won: broken });
    await expect(first(h, Promise.resolve('answer')).promise).resolves.toBe('answer');
    expect(told).toEqual([new Error('meter broke')]);
  });

  it('the breaker throws on a success: the caller still gets the value', async () => {
    const { host: h } = host();
    await expect(first(h, Promise.resolve('answer'), breaker({ succeeded: broken })).promise).resolves.toBe(
      'answer',
    );
  });

  it('a rich promise: the settler gets the winning attempt itself', async () => {
    const { host: h } = host({ won: broken });
    const raw = Promise.resolve('data');
    let outcome: unknown;
    first(h, raw, breaker(), true, { [SETTLE]: (o: unknown) => (outcome = o) });
    await raw;
    await new Promise((r) => setImmediate(r));
    expect(outcome).toBeInstanceOf(Winner);
    expect((outcome as Winner).raw).toBe(raw);
  });

  it('the rest of the call throws, or the breaker does on a failure: the caller gets the attempt’s error', async () => {
    const failure = new Error('500');
    const { host: h, told } = host({ lost: broken });
    await expect(first(h, Promise.reject(failure)).promise).rejects.toBe(failure);
    expect(told).toHaveLength(1);
    const { host: h2 } = host();
    await expect(first(h2, Promise.reject(failure), breaker({ failed: broken })).promise).rejects.toBe(
      failure,
    );
  });

  it('through a wrap: a voice whose success recording throws still answers the caller, and logs it', async () => {
    const { infrastructure, logLines } = freshInfrastructure();
    const wrapped = withConsciousness(
      { sendMessage: async () => message('hello') },
      { name: 'v', infrastructure },
    );
    infrastructure.voice('v').attemptSucceeded = broken;
    await expect(wrapped.sendMessage()).resolves.toMatchObject({ content: { text: 'hello' } });
    expect(logLines().some((l) => l.includes('recording the call failed') && l.includes('meter broke'))).toBe(
      true,
    );
  });
});
