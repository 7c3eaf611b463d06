import { describe, expect, it } from 'vitest';
import { sleepOn, systemScheduler } from '../../src/clock/Scheduler.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { freshInfrastructure, message } from '../support/fixtures.js';
import { VirtualClock } from '../support/VirtualClock.js';

/** Tracks whether a promise has settled yet. */
function watch<T>(promise: Promise<T>): { readonly done: boolean; readonly result: Promise<T> } {
  const state = { done: false, result: promise };
  promise.then(
    () => (state.done = true),
    () => (state.done = true),
  );
  return state;
}

describe('the clock option', () => {
  it('a function reads the time and leaves the timers real (the option as it always was)', () => {
    const { infrastructure } = freshInfrastructure(() => 42);
    expect(infrastructure.clock()).toBe(42);
    expect(infrastructure.scheduler).toBe(systemScheduler);
  });

  it('an object with only now() reads the time from it and keeps the real timers', () => {
    let now = 1_000;
    const { infrastructure } = freshInfrastructure({ now: () => now });
    now = 2_500;
    expect(infrastructure.clock()).toBe(2_500);
    expect(infrastructure.scheduler).toBe(systemScheduler);
  });

  it('an object with the four timer functions runs the brain on them', () => {
    const time = new VirtualClock(5_000);
    const { infrastructure } = freshInfrastructure(time);
    expect(infrastructure.clock()).toBe(5_000);
    expect(infrastructure.scheduler).toBe(time);
  });

  it('rejects a clock that schedules only in part, naming what is missing', () => {
    expect(() =>
      freshInfrastructure({ now: () => 0, setTimeout: () => ({ ref() {}, unref() {} }) } as never),
    ).toThrow(
      /clock: a clock that schedules needs all of .*missing clearTimeout, setInterval, clearInterval/,
    );
    expect(() => freshInfrastructure(42 as never)).toThrow(/clock: expected a function returning epoch ms/);
  });
});

describe('a wrap on a virtual clock waits on it, never on the wall clock', () => {
  it('waits the retry delay in virtual time', async () => {
    const time = new VirtualClock();
    const { infrastructure } = freshInfrastructure(time);
    const calls: number[] = [];
    const voice = withConsciousness(
      {
        providerName: 'mistral',
        sendMessage: async () => {
          calls.push(time.now());
          if (calls.length === 1) throw Object.assign(new Error('internal error'), { status: 500 });
          return message('second try');
        },
      },
      { infrastructure, retry: { maxAttempts: 2, initialDelayMs: 300, jitter: 'none' } },
    );
    const call = watch(voice.sendMessage());
    await time.advance(299);
    expect(calls).toHaveLength(1);
    expect(call.done).toBe(false);
    await time.advance(1);
    expect(call.done).toBe(true);
    expect((await call.result).content.text).toBe('second try');
    expect(calls[1]! - calls[0]!).toBe(300);
  });

  it('ends a hanging attempt at its timeout in virtual time', async () => {
    const time = new VirtualClock();
    const { infrastructure } = freshInfrastructure(time);
    const voice = withConsciousness(
      { providerName: 'local', sendMessage: (): Promise<unknown> => new Promise(() => undefined) },
      { infrastructure, timeout: 2_000, retry: { maxAttempts: 1 }, adaptiveTimeout: false },
    );
    const call = watch(voice.sendMessage());
    const failed = expect(call.result).rejects.toMatchObject({ category: 'timeout' });
    await time.advance(1_900);
    expect(call.done).toBe(false);
    await time.advance(200); // the sweep of a 2 s queue runs every 100 ms
    expect(call.done).toBe(true);
    await failed;
  });

  it("times a loader out in virtual time (the wrap's loadTimeout)", async () => {
    const time = new VirtualClock();
    const { infrastructure } = freshInfrastructure(time);
    const voice = withConsciousness(() => new Promise<{ sendMessage(): Promise<unknown> }>(() => undefined), {
      infrastructure,
      name: 'slow-loader',
      loadTimeout: 5_000,
    });
    const call = watch(voice.sendMessage());
    const failed = expect(call.result).rejects.toMatchObject({ category: 'import_failure' });
    await time.advance(4_999);
    expect(call.done).toBe(false);
    await time.advance(1);
    expect(call.done).toBe(true);
    await failed;
  });

  it('keeps a breaker isolated after rejected credentials until resetTimeoutMs of virtual time passed', async () => {
    const time = new VirtualClock();
    const { infrastructure } = freshInfrastructure(time);
    let calls = 0;
    const voice = withConsciousness(
      {
        providerName: 'openai',
        sendMessage: async () => {
          calls += 1;
          if (calls === 1) throw Object.assign(new Error('401 Incorrect API key'), { status: 401 });
          return message('key rotated');
        },
      },
      { infrastructure, breaker: { resetTimeoutMs: 10_000 } },
    );
    await expect(voice.sendMessage()).rejects.toThrow('401 Incorrect API key'); // the adapter's own error
    await time.advance(9_000);
    await expect(voice.sendMessage()).rejects.toMatchObject({ category: 'circuit_open' });
    expect(calls).toBe(1);
    await time.advance(1_000);
    expect((await voice.sendMessage()).content.text).toBe('key rotated');
  });
});

describe('sleepOn', () => {
  it('wakes after the time on its scheduler, or early with false when aborted (its timer cleared)', async () => {
    const time = new VirtualClock();
    const sleep = sleepOn(time);
    const woke = watch(sleep(100));
    await time.advance(99);
    expect(woke.done).toBe(false);
    await time.advance(1);
    expect(await woke.result).toBe(true);
    const stop = new AbortController();
    const aborted = sleep(100, stop.signal);
    stop.abort();
    expect(await aborted).toBe(false);
    expect(time.pending).toBe(0);
    expect(await sleep(1, AbortSignal.abort())).toBe(false);
  });
});
