// Unit tests of the units in front of the attempt loop, each alone with small fakes of what it is
// given: StreamOpening (a stream's attempts up to its first chunk), AbsentMethod (calls with no
// method to run), HealerHandle (what the voice's healer reaches of a wrap).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Classification } from '../../../src/classify/Classification.js';
import { InvalidResponseError } from '../../../src/errors/InvalidResponseError.js';
import { MethodMissingError } from '../../../src/errors/MethodMissingError.js';
import { AbsentMethod, type AbsentHost } from '../../../src/resilience/AbsentMethod.js';
import { AttemptGuard } from '../../../src/resilience/AttemptGuard.js';
import { AttemptLoop } from '../../../src/resilience/AttemptLoop.js';
import { AttemptTimeout } from '../../../src/resilience/AttemptTimeout.js';
import { BreakerOptionsSchema } from '../../../src/resilience/BreakerOptions.js';
import type { AdapterSource } from '../../../src/resilience/CallPipelineParts.js';
import type { Attempt, CallServices } from '../../../src/resilience/CallServices.js';
import { ConcurrencyLimit } from '../../../src/resilience/ConcurrencyLimit.js';
import type { FallbackChain } from '../../../src/resilience/FallbackChain.js';
import { HealerHandle } from '../../../src/resilience/HealerHandle.js';
import type { MethodState } from '../../../src/resilience/MethodState.js';
import { RetryOptionsSchema } from '../../../src/resilience/RetryOptions.js';
import { RetryPolicy } from '../../../src/resilience/RetryPolicy.js';
import { RetrySchedule } from '../../../src/resilience/RetrySchedule.js';
import type { HeldCalls } from '../../../src/resilience/HeldCalls.js';
import { servedStream, StreamOpening, type OpeningStream } from '../../../src/resilience/StreamOpening.js';
import { VoiceBreaker } from '../../../src/resilience/VoiceBreaker.js';
import { SharedBackoff } from '../../../src/voice/SharedBackoff.js';
import type { PipelineHandle, Voice } from '../../../src/voice/Voice.js';
import { VoiceTuning } from '../../../src/voice/VoiceTuning.js';
import { methodState as baseMethodState } from '../../support/methodState.js';

const noCells = { error() {}, call() {}, fallback() {}, firstChunk() {} } as unknown as MethodState['cells'];

const methodState = (overrides: Partial<MethodState> = {}): MethodState =>
  baseMethodState({ cells: noCells, syncStream: true, ...overrides });

async function* chunks(...values: unknown[]): AsyncGenerator<unknown> {
  yield* values;
}

function failing(err: unknown): AsyncIterable<never> {
  return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(err) }) };
}

describe('StreamOpening', () => {
  /** An opening on a real attempt loop (no waits between attempts), with fakes around it. */
  function opening(options: { reinvoked: unknown[]; state?: MethodState }) {
    const now = { t: 1_000 };
    const clock = (): number => now.t;
    const events: string[] = [];
    const voice = {
      name: 'unit',
      retrying() {},
      firstChunk: () => events.push('voice.firstChunk'),
      attemptSucceeded: (ms: number) => events.push(`voice.attemptSucceeded ${ms}`),
    };
    const reinvoked = [...options.reinvoked];
    const services = {
      name: 'unit',
      voice,
      now: clock,
      classify: (err: unknown) => ({ category: 'server_error', message: String(err) }) as Classification,
      attemptFailed: (_s: MethodState, c: Classification, _ms: number, attempt: number) =>
        events.push(`failed ${attempt} ${c.message}`),
      learnLatency: (_s: MethodState, ms: number) => events.push(`learned ${ms}`),
      reinvoke: (): Attempt => {
        if (reinvoked.length === 0) throw new Error('no more attempts');
        return { raw: reinvoked.shift(), controller: undefined };
      },
      fallBack: (_s: MethodState, _a: unknown[], c: Classification, _e: unknown, attempts: number) => {
        events.push(`fallBack after ${attempts}: ${c.message}`);
        return Promise.resolve(['from', 'the fallback']);
      },
    } as unknown as CallServices;
    const schedule = new RetrySchedule(RetryOptionsSchema.parse({ jitter: 'none', initialDelayMs: 100 }));
    const policy = new RetryPolicy(
      schedule,
      new VoiceTuning(),
      new SharedBackoff(clock),
      voice as unknown as Voice,
      () => false,
      clock,
    );
    const guard = new AttemptGuard('unit', new AttemptTimeout(false, false, new VoiceTuning(), clock));
    const loop = new AttemptLoop(
      services,
      guard,
      policy,
      new ConcurrencyLimit(() => undefined),
      clock,
      async (ms) => {
        now.t += ms;
        return true;
      },
    );
    const stream: OpeningStream<unknown> = {
      iterating: () => events.push('iterating'),
      opened: (result, attemptStart, attempt) => {
        events.push(`opened on attempt ${attempt} (started ${attemptStart}): ${String(result.value)}`);
        return result;
      },
      served: async (value) => {
        events.push(`served ${JSON.stringify(value)}`);
        return { done: false, value };
      },
      aborted: () => events.push('aborted'),
    };
    const breaker = new VoiceBreaker(BreakerOptionsSchema.parse({}), () => true);
    const state = options.state ?? methodState();
    const run = new StreamOpening(loop, {}, state, [{ model: 'm' }], now.t, breaker, stream);
    return { run, events, now };
  }

  it('retries a stream that fails before its first chunk; the first chunk counts the attempt as a success', async () => {
    const { run, events } = opening({ reinvoked: [chunks('hello', 'world')] });
    expect(run.model).toBe('m');
    expect(run.holdsSlot).toBe(false);
    await expect(run.open(failing(new Error('503')), 1)).resolves.toEqual({ done: false, value: 'hello' });
    expect(events).toEqual([
      'iterating',
      'failed 1 Error: 503',
      'iterating',
      'voice.firstChunk',
      'voice.attemptSucceeded 0',
      'learned 0',
      'opened on attempt 2 (started 1100): hello',
    ]);
  });

  it('a method answering something other than a stream fails the attempt; once the budget is spent the fallback chain serves', async () => {
    const { run, events } = opening({ reinvoked: [Promise.resolve('not a stream'), failing('reset')] });
    await expect(run.open(failing(new Error('503')), 1)).resolves.toEqual({
      done: false,
      value: ['from', 'the fallback'],
    });
    expect(events.filter((e) => e.startsWith('failed'))).toEqual([
      'failed 1 Error: 503',
      `failed 2 ${String(new InvalidResponseError('unit', 'chat.completions.create', ['(root): expected a stream']))}`,
      'failed 3 reset',
    ]);
    expect(events.slice(-2)).toEqual(['fallBack after 3: reset', 'served ["from","the fallback"]']);
  });

  it('checks the first chunk against the method’s chunk schema: a mismatch fails the attempt', async () => {
    const state = methodState({ chunkSchema: z.object({ text: z.string() }) });
    const { run, events } = opening({ reinvoked: [chunks({ text: 'ok' })], state });
    await expect(run.open(chunks({ text: 42 }), 1)).resolves.toEqual({ done: false, value: { text: 'ok' } });
    expect(events.filter((e) => e.startsWith('failed'))).toHaveLength(1);
    expect(events.at(-1)).toBe('opened on attempt 2 (started 1100): [object Object]');
  });
});

describe('servedStream', () => {
  async function all(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
    const out: unknown[] = [];
    for await (const v of iterable) out.push(v);
    return out;
  }

  it('iterates a served stream as it is, a sync iterable chunk by chunk, any other value (a string too) as one chunk', async () => {
    const stream = chunks('a', 'b');
    expect(servedStream(stream)).toBe(stream);
    expect(await all(servedStream(['x', 'y']))).toEqual(['x', 'y']);
    expect(await all(servedStream('text'))).toEqual(['text']);
    expect(await all(servedStream({ n: 1 }))).toEqual([{ n: 1 }]);
  });
});

describe('AbsentMethod', () => {
  function host() {
    const calls: string[] = [];
    const h = {
      name: 'unit',
      invoke: (owner: object, state: MethodState) => {
        calls.push(`invoke ${state.path} on ${(owner as { id: string }).id}`);
        return Promise.resolve('answer');
      },
      classify: (err: unknown, _s: MethodState, phase?: string) => {
        calls.push(`classify ${(err as Error).name}${phase === undefined ? '' : ` (${phase})`}`);
        return { category: 'unknown', message: String(err) } as Classification;
      },
      attemptFailed: (_s: MethodState, _c: Classification, ms: number, attempt: number) =>
        calls.push(`attemptFailed ${ms} ms, attempt ${attempt}`),
      fallBack: (_s: MethodState, _a: unknown[], _c: Classification, err: unknown, attempts: number) => {
        calls.push(`fallBack ${(err as Error).name} after ${attempts}`);
        return Promise.resolve('fallback');
      },
    } as unknown as AbsentHost;
    const held = {
      asResult: (_s: MethodState, _a: unknown[], served: Promise<unknown>, start: number) => {
        calls.push(`asResult from ${start}`);
        return served;
      },
      servedByFallback: (_s: MethodState, _a: unknown[], err: unknown, attempts: number, start: number) => {
        calls.push(`servedByFallback ${(err as Error).name} after ${attempts} from ${start}`);
        return Promise.resolve('fallback');
      },
    } as unknown as HeldCalls;
    return { h, held, calls };
  }

  function source(loaded: object | undefined, loadError?: Error): AdapterSource {
    return { current: () => loaded, load: () => Promise.resolve(loaded), loadError };
  }

  it('a call made before the adapter loaded runs on it once it has', async () => {
    const { h, held, calls } = host();
    const absent = new AbsentMethod(h, held, source({ id: 'loaded' }), () => 5);
    await expect(absent.whenLoaded(methodState(), [])).resolves.toBe('answer');
    expect(calls).toEqual(['asResult from 5', 'invoke chat.completions.create on loaded']);
  });

  it('an adapter that cannot load: the fallback chain serves, with the load error classified in the load phase', async () => {
    const { h, held, calls } = host();
    const loadError = Object.assign(new Error('no module'), { name: 'LoadError' });
    const absent = new AbsentMethod(h, held, source(undefined, loadError), () => 5);
    await expect(absent.whenLoaded(methodState(), [])).resolves.toBe('fallback');
    expect(calls).toEqual(['asResult from 5', 'classify LoadError (load)', 'fallBack LoadError after 0']);
  });

  it('a method the adapter lacks: a MethodMissingError, counted as one failed attempt, to the fallback chain', async () => {
    const { h, held, calls } = host();
    const absent = new AbsentMethod(h, held, source({ id: 'loaded' }), () => 5);
    await expect(absent.missing(methodState(), [])).resolves.toBe('fallback');
    expect(calls).toEqual([
      `classify ${new MethodMissingError('unit', 'x', []).name}`,
      'attemptFailed 0 ms, attempt 1',
      `servedByFallback ${new MethodMissingError('unit', 'x', []).name} after 1 from 5`,
    ]);
  });
});

describe('HealerHandle', () => {
  function handleOn(adapter: object | undefined) {
    let attached: PipelineHandle | undefined;
    const voice = {
      attach: (h: PipelineHandle) => (attached = h),
      detach: (h: PipelineHandle) => {
        if (attached === h) attached = undefined;
      },
    } as unknown as Voice;
    let sourceDisposed = false;
    const source: AdapterSource = {
      current: () => adapter,
      load: () => Promise.resolve(adapter),
      loadError: undefined,
      dispose: () => (sourceDisposed = true),
    };
    const limit = new ConcurrencyLimit(() => undefined);
    const timeout = new AttemptTimeout(1_000, false, new VoiceTuning(), () => 0);
    let timeoutDisposed = false;
    timeout.dispose = () => (timeoutDisposed = true);
    const chain = { any: () => true } as unknown as FallbackChain;
    const handle = new HealerHandle('unit', voice, source, limit, timeout, chain);
    return {
      handle,
      limit,
      attached: () => attached,
      disposed: () => ({ source: sourceDisposed, timeout: timeoutDisposed }),
    };
  }

  it('is attached to its voice when made and released with the wrap (timeouts and loader stopped, detached)', () => {
    const { handle, attached, disposed } = handleOn({});
    expect(attached()).toBe(handle);
    handle.release();
    expect(attached()).toBeUndefined();
    expect(disposed()).toEqual({ source: true, timeout: true });
  });

  it('tells the healer the attempts in flight, a usable fallback, and a last good value once one exists', () => {
    const { handle, limit } = handleOn({});
    limit.inFlight = 2;
    expect(handle.inFlight()).toBe(limit.attempting);
    expect(handle.inFlight()).toBe(2);
    expect(handle.hasFallback()).toBe(true);
    expect(handle.oldestAttemptStartedAt()).toBeUndefined();
    expect(handle.canSubstitute()).toBe(false);
    handle.markSubstitutable();
    expect(handle.canSubstitute()).toBe(true);
  });

  it('reconnect: disconnect() then connect() on the real adapter; an adapter without connect(), or one returning false, rejects', async () => {
    const log: string[] = [];
    const adapter = {
      disconnect: () => log.push('disconnect'),
      connect: () => log.push('connect') > 0,
    };
    await handleOn(adapter).handle.reconnect();
    expect(log).toEqual(['disconnect', 'connect']);
    await expect(handleOn({}).handle.reconnect()).rejects.toThrow('unit cannot reconnect');
    await expect(handleOn({ connect: () => false }).handle.reconnect()).rejects.toThrow(
      'unit connect() returned false',
    );
  });
});
