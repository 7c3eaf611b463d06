import { classifyError } from '../classify/classifyError.js';
import type { Classification, ClassifyContext, Classifier } from '../classify/Classification.js';
import { CATEGORY_POLICY, type ErrorCategory } from '../classify/ErrorCategory.js';
import type { Clock, Sleep } from '../clock/Clock.js';
import type { Voice } from '../consciousness/Voice.js';
import { CircuitOpenError } from '../errors/CircuitOpenError.js';
import { InvalidResponseError } from '../errors/InvalidResponseError.js';
import { MethodMissingError } from '../errors/MethodMissingError.js';
import { NoneReturnError } from '../errors/NoneReturnError.js';
import { TimeoutError } from '../errors/TimeoutError.js';
import { VoiceSilencedError } from '../errors/VoiceSilencedError.js';
import { DeadlineQueue } from './DeadlineQueue.js';
import { StreamingQuantile } from '../health/StreamingQuantile.js';
import type { MethodState } from './MethodState.js';
import { findSignal, isAsyncIterable, isThenable } from './resultShapes.js';
import type { RetrySchedule, RetryState } from './RetrySchedule.js';
import { InterceptedStream } from './InterceptedStream.js';
import { aliasCandidates } from './methodAliases.js';
import { VoiceBreaker } from './VoiceBreaker.js';
import type { VoiceTuning } from '../healing/VoiceTuning.js';
import type { SharedBackoff } from '../healing/SharedBackoff.js';
import { RateLimitedLocallyError } from '../errors/RateLimitedLocallyError.js';
import type { BreakerOptions } from './BreakerOptions.js';

/** How the attempt timeout follows the voice's successful latencies. */
export interface AdaptiveTimeoutOptions {
  /** Timeout = multiplier × p95 of successful attempt latencies … */
  readonly multiplier: number;
  /** … at least this … */
  readonly minMs: number;
  /** … once this many successes are measured. */
  readonly minSamples: number;
}

/** How often the attempt timeout is recomputed (ms of the pipeline's clock). */
const TIMEOUT_REFRESH_MS = 1_000;

/** A fallback adapter as the pipeline sees it. */
export interface FallbackTarget {
  /** Voice name (metric label `target`). */
  readonly name: string;
  /** Resolves `path` on the fallback adapter to a bound function, or undefined if it has none. */
  resolve(path: string): ((...args: unknown[]) => unknown) | undefined;
  /** False while the fallback's own breaker is open (it is skipped then). */
  allows(): boolean;
}

/** Where the adapter comes from: given, or loaded (and re-loaded with backoff) by a loader. */
export interface AdapterSource {
  /** The adapter if it is available now. */
  current(): object | undefined;
  /** Waits for an in-flight or due load attempt; undefined when the adapter still cannot load. */
  load(): Promise<object | undefined>;
  /** Why the adapter is unavailable (the last load error), if it is. */
  readonly loadError: unknown;
}

/** The last rung: a value, or a function computing one from the failed call. */
export type FallbackValue = unknown;

/** Context handed to a `fallbackValue` function. */
export interface FallbackValueContext {
  readonly adapter: string;
  readonly method: string;
  readonly args: readonly unknown[];
  readonly category: ErrorCategory;
  readonly error: unknown;
}

/** Everything one adapter's pipeline is built from. */
export interface CallPipelineParts {
  readonly name: string;
  readonly voice: Voice;
  readonly breaker: BreakerOptions;
  readonly retry: RetrySchedule;
  readonly timeoutMs: number | false;
  /** The timeout learned from successful latencies (see WithConsciousnessOptions), or false. */
  readonly adaptiveTimeout: AdaptiveTimeoutOptions | false;
  readonly classifiers: readonly Classifier[];
  readonly fallbacks: readonly FallbackTarget[];
  readonly fallbackValue: { readonly value: FallbackValue } | undefined;
  /** Configured aliases per method path (`methodAliases` option). */
  readonly methodAliases: Readonly<Record<string, readonly string[]>>;
  readonly source: AdapterSource;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** Random source in [0, 1) (probe share of routed calls). */
  readonly random: () => number;
  /** The infrastructure-wide backoff used for categories in resonance. */
  readonly sharedBackoff: SharedBackoff;
}

/** Calls allowed to wait for a concurrency slot before the excess goes to the fallbacks. */
const MAX_WAITING = 100;

const NO_STATE = undefined;

const RATE_LIMITED = { category: 'rate_limited' } as const;

/**
 * One adapter's resilience pipeline, run inline on every intercepted call:
 * breaker gate → attempt (timed, validated) → classify → retry with backoff → fallback chain
 * (fallback adapters in order, fallback value) → VoiceSilencedError. Sync results stay sync.
 */
export class CallPipeline {
  /** Voice name. */
  readonly name: string;
  /** The adapter's breaker (read by wrappers that use this adapter as a fallback). */
  readonly breaker: VoiceBreaker;
  private deadlines: DeadlineQueue | undefined;
  private readonly tuning: VoiceTuning;
  private inFlightCalls = 0;
  /** Calls of `inFlightCalls` sleeping before a retry (they hold no upstream request). */
  private sleepingCalls = 0;
  /** Waiters woken for a concurrency slot that have not started their call yet. */
  private reservedSlots = 0;
  private readonly waiting: (() => void)[] = [];
  /** A method that may be answered with its last good value has one (defensive values could serve). */
  private substitutable = false;
  /** The provider asked us (429 + Retry-After) not to call before this time (epoch ms). */
  private coolingUntil = 0;
  /** p95 of successful attempt latencies (timeouts and failures excluded: they would feed back). */
  private readonly successLatency = new StreamingQuantile({ quantile: 0.95 });
  /** When the attempt timeout is next recomputed (epoch ms). */
  private timeoutRefreshAt = 0;
  /** Failures are classified once: the breaker's filter and the retry decision share the result. */
  private readonly classified = new WeakMap<object, Classification>();

  constructor(private readonly parts: CallPipelineParts) {
    this.name = parts.name;
    this.breaker = new VoiceBreaker(
      parts.breaker,
      (err) => CATEGORY_POLICY[this.classify(err, undefined).category].countsForBreaker,
    );
    this.deadlines = parts.timeoutMs === false ? undefined : new DeadlineQueue(parts.timeoutMs, parts.clock);
    this.breaker.onTransition((to) => parts.voice.circuitChanged(to));
    this.tuning = parts.voice.tuning;
    parts.voice.attach({
      inFlight: () => this.attempting,
      hasFallback: () => parts.fallbacks.some((fb) => fb.allows()),
      canSubstitute: () => this.substitutable,
      reconnect: () => this.reconnect(),
    });
  }

  /** Runs one caller call of `state.path` on `owner` (undefined: the adapter is not loaded yet). */
  invoke(owner: object | undefined, state: MethodState, args: unknown[]): unknown {
    if (owner === undefined) return this.invokeWhenLoaded(state, args);
    // Healing knobs cost nothing until a healing action sets one.
    if (this.tuning.active && state.kind !== 'sync') return this.invokeTuned(owner, state, args);
    return this.invokeDirect(owner, state, args);
  }

  /** Calls in flight (awaiting a result) right now. */
  get inFlight(): number {
    return this.inFlightCalls;
  }

  /** Calls with an upstream request open now (in flight and not sleeping before a retry). */
  private get attempting(): number {
    return this.inFlightCalls - this.sleepingCalls;
  }

  private invokeDirect(owner: object, state: MethodState, args: unknown[], cooled = false): unknown {
    const fn = this.callable(owner, state);
    if (fn === undefined) return this.missingMethod(state, args);
    const start = this.parts.clock();
    if (start >= this.timeoutRefreshAt) this.refreshTimeout(start);
    if (state.kind !== 'sync') {
      if (!this.breaker.allows()) {
        state.cells.error('circuit_open');
        const open = this.classify(new CircuitOpenError(this.name, state.path), state);
        return this.asResult(state, args, this.fallBack(state, args, open, undefined, 0, start), start);
      }
      if (!cooled && this.cooledUntil() > start) return this.whileCooling(owner, state, args, start);
    }
    let result: unknown;
    try {
      result = (fn as (...a: unknown[]) => unknown).apply(owner, args);
    } catch (err) {
      if (state.kind === 'async' || state.contractAsync) {
        return this.settle(owner, state, args, Promise.reject(err), start);
      }
      state.kind = 'sync';
      this.recordSync(state, start, err);
      throw err;
    }
    if (isThenable(result)) {
      state.kind = 'async';
      return this.settle(owner, state, args, result, start);
    }
    if (isAsyncIterable(result)) {
      state.kind = 'async';
      state.syncStream = true;
      return new InterceptedStream(this, owner, state, args, result, start);
    }
    if (state.contractAsync) {
      // A contract method answering synchronously still gets validation, retry and fallbacks.
      return this.settle(owner, state, args, Promise.resolve(result), start);
    }
    state.kind = 'sync';
    this.recordSync(state, start, undefined);
    return result;
  }

  /** The call path while healing knobs are set: adaptive timeout, routing, concurrency limit. */
  private invokeTuned(owner: object, state: MethodState, args: unknown[]): unknown {
    const tuning = this.tuning;
    const now = this.parts.clock();
    if (tuning.timeoutMs !== undefined && this.deadlines?.durationMs !== tuning.timeoutMs) {
      this.refreshTimeout(now);
    }
    if (
      tuning.routeToFallbackUntil > now &&
      this.parts.random() >= tuning.probeShare &&
      this.parts.fallbacks.some((fb) => fb.allows())
    ) {
      return this.asResult(state, args, this.routeAround(owner, state, args, now), now);
    }
    const limit = tuning.maxConcurrent;
    if (limit !== undefined && this.attempting + this.reservedSlots >= limit) {
      if (this.waiting.length >= MAX_WAITING || this.hasUsableFallback(RATE_LIMITED)) {
        const detail = `${limit} call(s) in flight while rate limited, and ${this.waiting.length} waiting`;
        const error = new RateLimitedLocallyError(this.name, state.path, detail);
        const served = this.fallBack(state, args, this.classify(error, state), error, 0, now);
        return this.asResult(state, args, served, now);
      }
      const slot = new Promise<void>((resolve) => this.waiting.push(resolve));
      const served = slot.then(() => {
        this.reservedSlots -= 1;
        try {
          return this.invokeDirect(owner, state, args);
        } finally {
          // The call may have ended without holding a slot (open breaker, fallback): pass it on.
          this.pump();
        }
      });
      return this.asResult(state, args, served, now);
    }
    return this.invokeDirect(owner, state, args);
  }

  /**
   * The attempt timeout now: a healing knob's (adaptive timeout from the learned p99), else the
   * timeout learned from successful latencies within [minMs, timeout], else `timeout`.
   */
  attemptTimeoutMs(): number | undefined {
    const knob = this.tuning.timeoutMs;
    if (knob !== undefined) return knob;
    const configured = this.parts.timeoutMs;
    if (configured === false) return undefined;
    const adaptive = this.parts.adaptiveTimeout;
    const latency = this.successLatency;
    if (adaptive === false || latency.count < adaptive.minSamples) return configured;
    const learned = Math.ceil((latency.value * adaptive.multiplier) / 1000) * 1000;
    return Math.min(configured, Math.max(adaptive.minMs, learned));
  }

  /** Counts a successful attempt's latency (to its result, or a stream's first chunk) for the adaptive timeout. */
  learnLatency(ms: number): void {
    this.successLatency.add(ms);
  }

  /** Replaces the deadline queue when the attempt timeout changed (pending deadlines keep theirs). */
  private refreshTimeout(now: number): void {
    this.timeoutRefreshAt = now + TIMEOUT_REFRESH_MS;
    const ms = this.attemptTimeoutMs();
    if (ms === this.deadlines?.durationMs) return;
    this.deadlines = ms === undefined ? undefined : new DeadlineQueue(ms, this.parts.clock);
  }

  /** Wakes waiting calls while the concurrency limit (if any) has room for them. */
  private pump(): void {
    const limit = this.tuning.maxConcurrent ?? Number.POSITIVE_INFINITY;
    while (this.waiting.length > 0 && this.attempting + this.reservedSlots < limit) {
      this.reservedSlots += 1;
      this.waiting.shift()!();
    }
  }

  /**
   * A call arriving before the provider's Retry-After has passed (sending it now would only be
   * refused again): a usable fallback serves it when the cool-down has more than
   * `maxWaitWithFallbackMs` left; otherwise it waits for the end of the cool-down (at most the
   * longest backoff delay), then calls the voice.
   */
  private whileCooling(owner: object, state: MethodState, args: unknown[], start: number): unknown {
    const waitMs = this.cooledUntil() - start;
    if (waitMs > this.parts.retry.maxWaitWithFallbackMs && this.hasUsableFallback(RATE_LIMITED)) {
      const detail = `the provider asked for ${Math.ceil(waitMs)} ms without calls (Retry-After)`;
      const error = new RateLimitedLocallyError(this.name, state.path, detail);
      return this.asResult(
        state,
        args,
        this.fallBack(state, args, this.classify(error, state), error, 0, start),
        start,
      );
    }
    const signal = findSignal(args);
    const served = this.parts.sleep(Math.min(waitMs, this.parts.retry.maxWaitMs), signal).then((awake) => {
      if (!awake) {
        state.cells.error('aborted');
        throw (
          signal?.reason ?? new Error(`${this.name}.${state.path}: aborted during the rate-limit cool-down`)
        );
      }
      return this.invokeDirect(owner, state, args, true);
    });
    return this.asResult(state, args, served, start);
  }

  /** Predictive routing: the fallbacks first; the primary only if every fallback fails. */
  private async routeAround(
    owner: object,
    state: MethodState,
    args: unknown[],
    start: number,
  ): Promise<unknown> {
    const voice = this.parts.voice;
    for (const fallback of this.parts.fallbacks) {
      if (!fallback.allows()) continue;
      const fn = fallback.resolve(state.path);
      if (fn === undefined) continue;
      try {
        const value = await fn(...args);
        voice.fellBack(state.cells, state.path, 'adapter', fallback.name, 'predicted failure');
        voice.callEnded(state.cells, 'fallback', (this.parts.clock() - start) / 1000);
        return value;
      } catch {
        // Try the next fallback, then the primary itself.
      }
    }
    return this.invokeDirect(owner, state, args);
  }

  /** Whether a fallback adapter could serve a call that failed with this classification now. */
  private hasUsableFallback(classification: Pick<Classification, 'category'>): boolean {
    return (
      CATEGORY_POLICY[classification.category].fallback && this.parts.fallbacks.some((fb) => fb.allows())
    );
  }

  /**
   * After a failed attempt whose retry would wait `delay` (undefined: no retry left): whether the
   * call goes down the fallback chain now. It does when no retry is left or the breaker opened;
   * and, with a usable fallback, rather than retry the voice when the retry waits (a Retry-After
   * included) would add up to more than `maxWaitWithFallbackMs`, or while healing routes around
   * this voice (the attempt was a probe: it found the voice still failing). Remembers a rate
   * limit's cool-down and, when the call will retry, the wait.
   */
  giveUp(classification: Classification, delay: number | undefined, retryState: RetryState): boolean {
    const now = this.parts.clock();
    this.coolDown(classification, delay, now);
    if (delay === undefined || !this.breaker.allows()) return true;
    const waited = (retryState.waitedMs ?? 0) + delay;
    if (
      this.hasUsableFallback(classification) &&
      (waited > this.parts.retry.maxWaitWithFallbackMs || this.tuning.routeToFallbackUntil > now)
    ) {
      return true;
    }
    retryState.waitedMs = waited;
    return false;
  }

  /** Remembers a rate limit's Retry-After (or backoff delay): no new call goes upstream before it passes. */
  private coolDown(classification: Classification, delay: number | undefined, now: number): void {
    if (classification.category !== 'rate_limited') return;
    const waitMs = Math.min(classification.retryAfterMs ?? delay ?? 0, this.parts.retry.maxWaitMs);
    if (now + waitMs > this.coolingUntil) this.coolingUntil = now + waitMs;
    this.parts.voice.coolDown(now + waitMs, 'rate_limited');
  }

  /** The cool-down in force: this pipeline's, or the voice's (other wrappers, other instances). */
  private cooledUntil(): number {
    return Math.max(this.coolingUntil, this.parts.voice.cooldownUntil());
  }

  /** The `reconnect` healing action: disconnect() then connect() on the real adapter. */
  private async reconnect(): Promise<void> {
    const adapter = this.parts.source.current() as
      { disconnect?: () => unknown; connect?: () => unknown } | undefined;
    if (adapter === undefined || typeof adapter.connect !== 'function') {
      throw new Error(`${this.name} cannot reconnect: the adapter has no connect()`);
    }
    if (typeof adapter.disconnect === 'function') await adapter.disconnect();
    const connected = await adapter.connect();
    if (connected === false) throw new Error(`${this.name} connect() returned false`);
  }

  /**
   * The method's function on `owner`: its own name, else the alias learned or found
   * (camelCase ↔ snake_case, configured aliases). Finding an alias is an `api_method_missing`
   * failure healed by a `fallback` action, recorded once and remembered.
   */
  callable(owner: object, state: MethodState): ((...a: unknown[]) => unknown) | undefined {
    const record = owner as Record<string, unknown>;
    const fn = record[state.key];
    if (typeof fn === 'function') return fn as (...a: unknown[]) => unknown;
    if (state.alias !== undefined && typeof record[state.alias] === 'function') {
      return record[state.alias] as (...a: unknown[]) => unknown;
    }
    const voice = this.parts.voice;
    const learned = voice.learnedAlias(state.path);
    for (const alias of aliasCandidates(state.key, this.parts.methodAliases[state.path], learned)) {
      if (typeof record[alias] !== 'function') continue;
      state.alias = alias;
      // An alias remembered from earlier (this process or pattern memory) is known, not a new failure.
      if (alias === learned) return record[alias] as (...a: unknown[]) => unknown;
      const error = new MethodMissingError(this.name, state.path, [state.key]);
      this.attemptFailed(state, this.classify(error, state), 0, 1);
      voice.fellBack(state.cells, state.path, 'method_alias', alias, 'api_method_missing');
      voice.learnAlias(state.path, alias);
      voice.healed({
        actionType: 'fallback',
        reason: `${state.path} is missing; calls resolved to ${alias}`,
        parameters: { method: state.path, alias },
        success: true,
      });
      return record[alias] as (...a: unknown[]) => unknown;
    }
    return undefined;
  }

  /**
   * One attempt under the timeout, its result validated (`check`). The breaker is accounted for
   * by the caller (`protect`, or inline in `settle` on the hot path).
   */
  guard(
    state: MethodState,
    attempt: PromiseLike<unknown>,
    check: (state: MethodState, value: unknown) => unknown,
    startedAt: number,
  ): PromiseLike<unknown> {
    const deadlines = this.deadlines;
    if (deadlines === undefined && state.schema === undefined && check === this.validate) return attempt;
    return new Promise((resolve, reject) => {
      const deadline = deadlines?.add(
        () => reject(new TimeoutError(this.name, state.path, deadlines.durationMs)),
        startedAt,
      );
      attempt.then(
        (value) => {
          if (deadline !== undefined) deadlines!.cancel(deadline);
          try {
            resolve(check.call(this, state, value));
          } catch (err) {
            reject(err);
          }
        },
        (err: unknown) => {
          if (deadline !== undefined) deadlines!.cancel(deadline);
          reject(err);
        },
      );
    });
  }

  /** `guard` plus breaker accounting: resolves like the attempt; the breaker has seen the outcome. */
  async protect(
    state: MethodState,
    attempt: PromiseLike<unknown>,
    check: (state: MethodState, value: unknown) => unknown,
    startedAt: number,
  ): Promise<unknown> {
    const breaker = this.breaker;
    const guarded = this.guard(state, attempt, check, startedAt);
    if (breaker.isTrial()) return breaker.track(Promise.resolve(guarded));
    let value: unknown;
    try {
      value = await guarded;
    } catch (err) {
      await breaker.failed(err);
      throw err;
    }
    breaker.succeeded();
    return value;
  }

  /** Classifies a thrown value in this pipeline's context (cached per error object). */
  classify(
    err: unknown,
    state: MethodState | undefined,
    phase: ClassifyContext['phase'] = 'call',
  ): Classification {
    const cacheable = phase === 'call' && typeof err === 'object' && err !== null;
    if (cacheable) {
      const cached = this.classified.get(err);
      if (cached !== undefined) return cached;
    }
    const classification = classifyError(err, {
      adapter: this.name,
      method: state?.path,
      phase,
      classifiers: this.parts.classifiers,
    });
    if (cacheable) this.classified.set(err, classification);
    return classification;
  }

  /** Re-invokes the method for a retry (re-reading it: adapters can change under us). */
  reinvoke(owner: object, state: MethodState, args: unknown[]): unknown {
    const fn = this.callable(owner, state);
    if (fn === undefined) throw new MethodMissingError(this.name, state.path, [state.key]);
    return fn.apply(owner, args);
  }

  /**
   * Shapes a fallback result like the method's own results: methods that return a stream
   * synchronously (async generators) must still return something iterable, not a promise.
   */
  asResult(state: MethodState, args: unknown[], served: Promise<unknown>, start: number): unknown {
    return state.syncStream ? new InterceptedStream(this, undefined, state, args, served, start) : served;
  }

  /**
   * The retry decision after a failed attempt: a delay, or undefined to stop retrying. Healing
   * knobs may cap the attempts, scale the delay, or put it on the shared (resonance) backoff.
   */
  retryDelay(classification: Classification, attempts: number, retryState: RetryState): number | undefined {
    const tuning = this.tuning;
    if (!tuning.active) return this.parts.retry.nextDelay(classification, attempts, retryState);
    const category = classification.category;
    const override = tuning.retry.get(category);
    const delay = this.parts.retry.nextDelay(classification, attempts, retryState, override?.maxAttempts);
    if (delay === undefined) return undefined;
    const scaled = delay * (override?.delayScale ?? 1);
    return tuning.sharedBackoff.has(category)
      ? this.parts.sharedBackoff.reserve(category, scaled, this.parts.retry.maxWaitMs)
      : scaled;
  }

  /** Voice, clock and sleep (for the stream wrapper). */
  get voice(): Voice {
    return this.parts.voice;
  }

  /** Current time, epoch ms. */
  now(): number {
    return this.parts.clock();
  }

  /** Waits before a retry; false when the caller aborted meanwhile. */
  sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
    return this.parts.sleep(ms, signal);
  }

  /** Records a failed attempt (and trips the breaker at once on auth failures). */
  attemptFailed(
    state: MethodState,
    classification: Classification,
    latencyMs: number,
    attempt: number,
  ): void {
    this.parts.voice.attemptFailed(state.cells, state.path, classification, latencyMs, attempt);
    if (CATEGORY_POLICY[classification.category].opensBreakerAtOnce) this.breaker.trip();
  }

  private async settle(
    owner: object,
    state: MethodState,
    args: unknown[],
    first: PromiseLike<unknown>,
    start: number,
  ): Promise<unknown> {
    this.inFlightCalls += 1;
    try {
      const voice = this.parts.voice;
      let pending = first;
      let attemptStart = start;
      let attempt = 1;
      let retryState: RetryState | undefined;
      const breaker = this.breaker;
      for (;;) {
        let error: unknown;
        const trial = breaker.isTrial();
        try {
          const guarded = this.guard(state, pending, this.validate, attemptStart);
          const value = await (trial ? breaker.track(Promise.resolve(guarded)) : guarded);
          if (!trial) breaker.succeeded();
          if (isAsyncIterable(value)) {
            // SDK streams (OpenAI's `create({ stream: true })`) arrive through a promise.
            return new InterceptedStream(this, owner, state, args, value, start, attempt);
          }
          state.lastGood = value;
          if (state.defensiveOk) this.substitutable = true;
          const end = this.parts.clock();
          this.learnLatency(end - attemptStart);
          voice.attemptSucceeded(end - attemptStart, value, end);
          voice.callEnded(state.cells, 'success', (end - start) / 1000);
          return value;
        } catch (err) {
          error = err;
        }
        const classification = this.classify(error, state);
        const signal = findSignal(args);
        if (classification.category === 'aborted' || signal?.aborted) {
          state.cells.error('aborted');
          throw error;
        }
        if (!trial) await breaker.failed(error);
        this.attemptFailed(state, classification, this.parts.clock() - attemptStart, attempt);
        const delay = this.retryDelay(classification, attempt, (retryState ??= { backoff: NO_STATE }));
        if (this.giveUp(classification, delay, retryState) || delay === undefined) {
          return this.fallBack(state, args, classification, error, attempt, start);
        }
        voice.retrying(state.cells, state.path, classification.category, delay, attempt);
        if (delay > 0) {
          this.sleepingCalls += 1;
          this.pump();
          let awake: boolean;
          try {
            awake = await this.parts.sleep(delay, signal);
          } finally {
            this.sleepingCalls -= 1;
          }
          if (!awake) {
            state.cells.error('aborted');
            throw signal?.reason ?? error;
          }
        }
        if (!this.breaker.allows()) {
          state.cells.error('circuit_open');
          const open = this.classify(new CircuitOpenError(this.name, state.path), state);
          return this.fallBack(state, args, open, error, attempt, start);
        }
        attempt += 1;
        attemptStart = this.parts.clock();
        try {
          const next = this.reinvoke(owner, state, args);
          pending = isThenable(next) ? next : Promise.resolve(next);
        } catch (err) {
          pending = Promise.reject(err);
        }
      }
    } finally {
      this.inFlightCalls -= 1;
      // A concurrency slot freed: the next waiting call (if any) may start.
      if (this.waiting.length > 0) this.pump();
    }
  }

  /**
   * The fallback chain after the primary gave up: fallback adapters in order (skipping open
   * breakers), then the fallback value, then VoiceSilencedError. Categories whose taxonomy row says
   * "no fallback" (bad requests, interrupted streams) end here.
   */
  async fallBack(
    state: MethodState,
    args: unknown[],
    classification: Classification,
    error: unknown,
    attempts: number,
    start: number,
  ): Promise<unknown> {
    const voice = this.parts.voice;
    const category = classification.category;
    const cause = error ?? new CircuitOpenError(this.name, state.path);
    if (
      this.tuning.defensiveValues &&
      state.defensiveOk &&
      state.lastGood !== undefined &&
      (category === 'api_return_none' || category === 'invalid_response')
    ) {
      voice.fellBack(state.cells, state.path, 'value', 'last_good', category);
      voice.callEnded(state.cells, 'fallback', (this.parts.clock() - start) / 1000);
      return state.lastGood;
    }
    if (CATEGORY_POLICY[category].fallback) {
      for (const fallback of this.parts.fallbacks) {
        if (!fallback.allows()) continue;
        const fn = fallback.resolve(state.path);
        if (fn === undefined) continue;
        try {
          const value = await fn(...args);
          voice.fellBack(state.cells, state.path, 'adapter', fallback.name, category);
          voice.callEnded(state.cells, 'fallback', (this.parts.clock() - start) / 1000);
          return value;
        } catch (err) {
          attempts += err instanceof VoiceSilencedError ? err.attempts : 1;
        }
      }
      const fallbackValue = this.parts.fallbackValue;
      if (fallbackValue !== undefined) {
        const v = fallbackValue.value;
        const value =
          typeof v === 'function'
            ? await (v as (ctx: FallbackValueContext) => unknown)({
                adapter: this.name,
                method: state.path,
                args,
                category,
                error: cause,
              })
            : v;
        voice.fellBack(state.cells, state.path, 'value', 'value', category);
        voice.callEnded(state.cells, 'fallback', (this.parts.clock() - start) / 1000);
        return value;
      }
    }
    voice.callEnded(
      state.cells,
      category === 'circuit_open' ? 'rejected' : 'failure',
      (this.parts.clock() - start) / 1000,
    );
    throw new VoiceSilencedError({ category, adapter: this.name, method: state.path, attempts, cause });
  }

  /** Checks a result against the method's schema: null where a value is expected, or a mismatch. */
  validate(state: MethodState, value: unknown): unknown {
    const schema = state.schema;
    if (schema === undefined) return value;
    if (value === null || value === undefined) throw new NoneReturnError(this.name, state.path, value);
    if (schema === true || isAsyncIterable(value)) return value;
    const result = schema.safeParse(value);
    if (result.success) return value;
    throw new InvalidResponseError(
      this.name,
      state.path,
      result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`),
    );
  }

  private invokeWhenLoaded(state: MethodState, args: unknown[]): unknown {
    const start = this.parts.clock();
    const source = this.parts.source;
    const served = source.load().then((adapter) => {
      if (adapter !== undefined) return this.invoke(adapter, state, args);
      const classification = this.classify(source.loadError, state, 'load');
      return this.fallBack(state, args, classification, source.loadError, 0, start);
    });
    return this.asResult(state, args, served, start);
  }

  private missingMethod(state: MethodState, args: unknown[]): unknown {
    const start = this.parts.clock();
    const error = new MethodMissingError(this.name, state.path, [state.key]);
    const classification = this.classify(error, state);
    this.attemptFailed(state, classification, 0, 1);
    return this.asResult(state, args, this.fallBack(state, args, classification, error, 1, start), start);
  }

  private recordSync(state: MethodState, start: number, error: unknown): void {
    const seconds = (this.parts.clock() - start) / 1000;
    if (error === undefined) {
      state.cells.call('success', seconds);
    } else {
      state.cells.error(this.classify(error, state).category);
      state.cells.call('failure', seconds);
    }
  }
}
