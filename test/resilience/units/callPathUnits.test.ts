// Unit tests of the call path's composed units, each alone with small fakes of what it is given.
import { describe, expect, it } from 'vitest';
import type { Classification } from '../../../src/classify/Classification.js';
import { TimeoutError } from '../../../src/errors/TimeoutError.js';
import { InvalidResponseError } from '../../../src/errors/InvalidResponseError.js';
import { AttemptGuard } from '../../../src/resilience/AttemptGuard.js';
import { AttemptLoop } from '../../../src/resilience/AttemptLoop.js';
import { AttemptTimeout } from '../../../src/resilience/AttemptTimeout.js';
import type { Attempt, AttemptRun, CallServices } from '../../../src/resilience/CallServices.js';
import { ConcurrencyLimit } from '../../../src/resilience/ConcurrencyLimit.js';
import type { MethodState } from '../../../src/resilience/MethodState.js';
import { RetryOptionsSchema } from '../../../src/resilience/RetryOptions.js';
import { RetryPolicy } from '../../../src/resilience/RetryPolicy.js';
import { RetrySchedule } from '../../../src/resilience/RetrySchedule.js';
import { VoiceBreaker } from '../../../src/resilience/VoiceBreaker.js';
import { BreakerOptionsSchema } from '../../../src/resilience/BreakerOptions.js';
import { SharedBackoff } from '../../../src/voice/SharedBackoff.js';
import type { Voice } from '../../../src/voice/Voice.js';
import { VoiceTuning } from '../../../src/voice/VoiceTuning.js';
import type { ErrorCategory } from '../../../src/vocabulary/ErrorCategory.js';
import { methodState as baseMethodState } from '../../support/methodState.js';

const rateLimited = (retryAfterMs?: number): Classification =>
  ({ category: 'rate_limited', message: '429', retryAfterMs }) as Classification;
const serverError = { category: 'server_error', message: '503' } as Classification;

function cells(): MethodState['cells'] {
  return { error() {}, call() {}, fallback() {}, firstChunk() {} } as unknown as MethodState['cells'];
}

const methodState = (overrides: Partial<MethodState> = {}): MethodState =>
  baseMethodState({ cells: cells(), ...overrides });

/** A voice that keeps cool-downs (per model and for the voice) and counts retries. */
function fakeVoice() {
  const cooldowns = new Map<string, number>();
  const voice = {
    name: 'unit',
    retries: 0,
    coolDown(until: number, _reason: string, model?: string) {
      const key = model ?? '';
      cooldowns.set(key, Math.max(cooldowns.get(key) ?? 0, until));
    },
    cooldownUntil(model?: string) {
      return Math.max(cooldowns.get('') ?? 0, model === undefined ? 0 : (cooldowns.get(model) ?? 0));
    },
    retrying() {
      voice.retries += 1;
    },
  };
  return voice;
}

function policyWith(options: { fallback?: boolean; now?: () => number } = {}) {
  const voice = fakeVoice();
  const now = options.now ?? (() => 1_000);
  const schedule = new RetrySchedule(RetryOptionsSchema.parse({ jitter: 'none', initialDelayMs: 100 }));
  const policy = new RetryPolicy(
    schedule,
    new VoiceTuning(),
    new SharedBackoff(now),
    voice as unknown as Voice,
    (_category: ErrorCategory) => options.fallback === true,
    now,
  );
  return { policy, voice };
}

function breaker(): VoiceBreaker {
  return new VoiceBreaker(BreakerOptionsSchema.parse({}), () => true);
}

describe('RetryPolicy', () => {
  it('takes the per-request maxRetries of an SDK call, else the client’s own budget', () => {
    const { policy } = policyWith();
    const sdk = methodState({ optionsIndex: 1, clientAttempts: 3 });
    expect(policy.budget(sdk, [{}, { maxRetries: 0 }])).toBe(1);
    expect(policy.budget(sdk, [{}, { maxRetries: 4 }])).toBe(5);
    expect(policy.budget(sdk, [{}, {}])).toBe(3);
    expect(policy.budget(methodState(), [])).toBeUndefined();
  });

  it('a 429 naming a model cools that model down; without a model the whole voice', () => {
    const { policy } = policyWith();
    const state = { backoff: undefined };
    policy.giveUp(rateLimited(5_000), 100, state, breaker(), 'p', 'model-a');
    expect(policy.cooledUntil('model-a')).toBe(6_000);
    expect(policy.cooledUntil('model-b')).toBe(0);
    policy.giveUp(rateLimited(2_000), 100, state, breaker(), 'p', undefined);
    expect(policy.cooledUntil('model-b')).toBe(3_000);
    // A shorter cool-down never shortens a longer one.
    expect(policy.cooledUntil('model-a')).toBe(6_000);
  });

  it('gives up for a usable fallback once the waits would pass maxWaitWithFallbackMs, not before', () => {
    const withFallback = policyWith({ fallback: true }).policy;
    const state = { backoff: undefined } as { backoff: undefined; waitedMs?: number };
    expect(withFallback.giveUp(serverError, 200, state, breaker(), 'p', undefined)).toBe(false);
    expect(state.waitedMs).toBe(200);
    expect(withFallback.giveUp(serverError, 400, state, breaker(), 'p', undefined)).toBe(true);
    // Without a fallback the retry waits.
    const alone = policyWith().policy;
    expect(alone.giveUp(serverError, 900, { backoff: undefined }, breaker(), 'p', undefined)).toBe(false);
    // No retry left: give up.
    expect(alone.giveUp(serverError, undefined, { backoff: undefined }, breaker(), 'p', undefined)).toBe(
      true,
    );
  });
});

describe('AttemptGuard', () => {
  const timeout = (ms: number) => new AttemptTimeout(ms, false, new VoiceTuning(), Date.now);

  it('aborts the attempt’s request when its deadline passes and rejects with TimeoutError', async () => {
    const guard = new AttemptGuard('unit', timeout(20));
    const controller = new AbortController();
    const never = new Promise(() => undefined);
    const state = methodState();
    const outcome = guard.protect(state, never, undefined, Date.now(), breaker(), undefined, controller);
    await expect(outcome).rejects.toBeInstanceOf(TimeoutError);
    expect(controller.signal.aborted).toBe(true);
    expect(controller.signal.reason).toBeInstanceOf(TimeoutError);
  });

  it('checks the value against the method’s schema: a mismatch fails the attempt', async () => {
    const guard = new AttemptGuard('unit', timeout(60_000));
    const { z } = await import('zod');
    const state = methodState({ schema: z.object({ ok: z.literal(true) }) });
    await expect(
      guard.protect(state, Promise.resolve({ ok: true }), guard.check, Date.now(), breaker(), undefined),
    ).resolves.toEqual({ ok: true });
    await expect(
      guard.protect(state, Promise.resolve({ ok: 1 }), guard.check, Date.now(), breaker(), undefined),
    ).rejects.toBeInstanceOf(InvalidResponseError);
  });
});

describe('AttemptLoop', () => {
  function loopWith(fallback: boolean) {
    const { policy, voice } = policyWith({ fallback, now: Date.now });
    const failures: string[] = [];
    const services = {
      name: 'unit',
      voice,
      now: Date.now,
      classify: (err: unknown) =>
        (err === 'aborted' ? { category: 'aborted' } : serverError) as Classification,
      attemptFailed: (_s: MethodState, c: Classification) => failures.push(c.category),
      learnLatency() {},
      reinvoke: () => ({ raw: undefined, controller: undefined }),
      fallBack: () => Promise.resolve('fallback'),
    } as unknown as CallServices;
    const guard = new AttemptGuard('unit', new AttemptTimeout(60_000, false, new VoiceTuning(), Date.now));
    const limit = new ConcurrencyLimit(() => undefined);
    const loop = new AttemptLoop(services, guard, policy, limit, Date.now, async () => true);
    return { loop, failures, voice, limit };
  }

  /** A run whose attempts fail `failing` times, then answer `value`. */
  function run(failing: number, holdsSlot: boolean): AttemptRun & { attempts: number } {
    const r = {
      state: methodState(),
      args: [],
      start: Date.now(),
      breaker: breaker(),
      model: undefined,
      holdsSlot,
      canRetry: true,
      attempts: 0,
      attempt(): Promise<unknown> {
        r.attempts += 1;
        return r.attempts <= failing ? Promise.reject(new Error('503')) : Promise.resolve('value');
      },
      won: (_c: Attempt, value: unknown, _s: number, attempt: number) =>
        `${String(value)} on attempt ${attempt}`,
      next: () => ({ raw: undefined, controller: undefined }),
      fallBack: (c: Classification, _e: unknown, attempts: number) =>
        `fallback after ${attempts} (${c.category})`,
      aborted() {},
    };
    return r;
  }

  it('retries a failing attempt and returns the winner (the run decides what the caller gets)', async () => {
    const { loop, failures, voice } = loopWith(false);
    const r = run(2, false);
    await expect(loop.run(r, { raw: undefined, controller: undefined }, Date.now())).resolves.toBe(
      'value on attempt 3',
    );
    expect(failures).toEqual(['server_error', 'server_error']);
    expect(voice.retries).toBe(2);
  });

  it('goes to the run’s fallback once the retry budget is spent', async () => {
    const { loop } = loopWith(false);
    const r = run(10, false);
    await expect(loop.run(r, { raw: undefined, controller: undefined }, Date.now())).resolves.toBe(
      'fallback after 3 (server_error)',
    );
  });

  it('starts from a first attempt that already failed, and releases the slot of a call that holds one', async () => {
    const { loop, limit } = loopWith(false);
    limit.inFlight += 1;
    const r = run(0, true);
    await expect(
      loop.run(r, { raw: undefined, controller: undefined }, Date.now(), { err: new Error('503') }),
    ).resolves.toBe('value on attempt 2');
    expect(limit.inFlight).toBe(0);
  });
});
