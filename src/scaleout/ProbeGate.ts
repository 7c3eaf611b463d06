import { systemScheduler, type Scheduler } from '../clock/Scheduler.js';
import type { CooldownGate } from '../voice/CooldownGate.js';
import { isAsyncIterable, isThenable, Unadopted } from '../resilience/resultShapes.js';
import { SharedKeys } from './SharedKeys.js';

/**
 * Longest time a probe holds the calls behind it (ms, from the probe's start): a 429 comes back
 * fast, so a probe still running after this is taken as an answer (a long completion) and the
 * others go.
 */
export const PROBE_HOLD_MS = 1_000;

/**
 * One probe per cool-down end in this instance: of the calls that waited for the end of a
 * cool-down (of a voice, or of one of its models), the first goes; the others — and calls arriving
 * while it is out — wait until its result settles (a promise settles, a stream yields its first
 * chunk or fails) — a 429 has set a new cool-down by then, which they honour (fallback or a new
 * wait) — or until {@link PROBE_HOLD_MS} passed since it started. A held call whose AbortSignal
 * aborts is rejected at once with the signal's reason. Across instances the same job is done by
 * the staggered resume of the instances that did not set the deadline (SharedCooldowns), so a
 * fleet sends one request, not one per waiting call per instance, into a provider that just asked
 * for a pause. Passes every call straight through while Redis is not answering (the instance then
 * works exactly as a single one).
 */
export class ProbeGate implements CooldownGate {
  /** The outcome of the probe in flight, per cool-down member (`<voice>` or `<voice>:<model>`). */
  private readonly probes = new Map<string, Promise<void>>();

  constructor(
    /** Whether the shared state is connected (otherwise no gate). */
    private readonly active: () => boolean,
    /** The hold's timer. */
    private readonly scheduler: Scheduler = systemScheduler,
    private readonly holdMs = PROBE_HOLD_MS,
  ) {}

  /** Calls held behind a probe right now (for tests and the benchmark). */
  waiting = 0;

  /** Probes out right now: the call path looks no further while it is 0. */
  out = 0;

  probing(voice: string, model: string | undefined): boolean {
    return this.out !== 0 && this.probes.has(SharedKeys.cooldownMember(voice, model));
  }

  pass(
    voice: string,
    model: string | undefined,
    go: () => unknown,
    signal?: AbortSignal,
    aborted?: () => void,
  ): unknown {
    if (!this.active()) return go();
    const member = SharedKeys.cooldownMember(voice, model);
    const probe = this.probes.get(member);
    if (probe !== undefined) return this.behind(probe, go, signal, aborted);
    const result = go();
    // A rich result carried unadopted (an SDK's APIPromise) is watched without reading its body.
    const watched = result instanceof Unadopted ? result.settled() : result;
    if (isThenable(watched)) {
      const settled = this.open(member);
      watched.then(settled, settled);
      return result;
    }
    // A stream settles with its first chunk (or its failure before one): hold until then.
    if (isAsyncIterable(result)) return settlesAtFirstChunk(result, this.open(member));
    return result;
  }

  hold(
    voice: string,
    model: string | undefined,
    go: () => unknown,
    signal?: AbortSignal,
    aborted?: () => void,
  ): unknown {
    const probe = this.probes.get(SharedKeys.cooldownMember(voice, model));
    return probe === undefined ? go() : this.behind(probe, go, signal, aborted);
  }

  /** Registers the probe of `member`; the function returned settles it (idempotent). */
  private open(member: string): () => void {
    let release!: () => void;
    const outcome = new Promise<void>((resolve) => (release = resolve));
    let settled = false;
    const done = (): void => {
      if (settled) return;
      settled = true;
      this.scheduler.clearTimeout(timer);
      if (this.probes.get(member) === outcome) {
        this.probes.delete(member);
        this.out -= 1;
      }
      release();
    };
    const timer = this.scheduler.setTimeout(done, this.holdMs);
    timer.unref();
    if (this.probes.get(member) === undefined) this.out += 1;
    this.probes.set(member, outcome);
    return done;
  }

  /** A call held until `probe` settles; rejected at once with the reason when `signal` aborts. */
  private behind(
    probe: Promise<void>,
    go: () => unknown,
    signal: AbortSignal | undefined,
    aborted: (() => void) | undefined,
  ): Promise<unknown> {
    if (signal?.aborted) {
      aborted?.();
      return Promise.reject(signal.reason as Error);
    }
    this.waiting += 1;
    return new Promise((resolve, reject) => {
      let left = false;
      const onAbort = (): void => {
        if (left) return;
        left = true;
        this.waiting -= 1;
        aborted?.();
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      void probe.then(() => {
        if (left) return;
        left = true;
        this.waiting -= 1;
        signal?.removeEventListener('abort', onAbort);
        try {
          resolve(go());
        } catch (err) {
          reject(err as Error);
        }
      });
    });
  }
}

/**
 * `stream` as it is, but `settled` is called when its first `next()` settles (a chunk, the end, or
 * a failure — after the pipeline's retries and fallbacks for a stream under the pipeline) or when
 * the caller stops before it.
 */
function settlesAtFirstChunk<T>(stream: AsyncIterable<T>, settled: () => void): AsyncIterableIterator<T> {
  let iterator: AsyncIterator<T> | undefined;
  const source = (): AsyncIterator<T> => (iterator ??= stream[Symbol.asyncIterator]());
  let first = true;
  const watched: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => watched,
    next: (...args: [] | [unknown]) => {
      const result = source().next(...args);
      if (first) {
        first = false;
        result.then(settled, settled);
      }
      return result;
    },
    return: async (value?: unknown) => {
      settled();
      return (await source().return?.(value)) ?? { done: true, value: undefined };
    },
    throw: async (error?: unknown) => {
      settled();
      const it = source();
      if (it.throw === undefined) throw error;
      return it.throw(error);
    },
  };
  return watched;
}
