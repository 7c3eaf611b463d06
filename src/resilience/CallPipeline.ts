import { classifyError } from '../classify/classifyError.js';
import type { Classification, ClassifyContext, Classifier } from '../classify/Classification.js';
import { CATEGORY_POLICY } from '../vocabulary/ErrorCategory.js';
import type { Clock, Sleep } from '../clock/Clock.js';
import type { Voice } from '../voice/Voice.js';
import { CircuitOpenError } from '../errors/CircuitOpenError.js';
import { InvalidResponseError } from '../errors/InvalidResponseError.js';
import { MethodMissingError } from '../errors/MethodMissingError.js';
import { NoneReturnError } from '../errors/NoneReturnError.js';
import { RateLimitedLocallyError } from '../errors/RateLimitedLocallyError.js';
import { headersOf, type HeaderSource } from '../usage/readRateLimits.js';
import { recordFailure } from '../errors/failureOf.js';
import { TimeoutError } from '../errors/TimeoutError.js';
import type { SharedBackoff } from '../voice/SharedBackoff.js';
import type { VoiceTuning } from '../voice/VoiceTuning.js';
import { AttemptTimeout, type AdaptiveTimeoutOptions } from './AttemptTimeout.js';
import type { BreakerOptions } from './BreakerOptions.js';
import { ConcurrencyLimit } from './ConcurrencyLimit.js';
import { FallbackChain, type FallbackTarget, type ServedHolder } from './FallbackChain.js';
import { InterceptedStream } from './InterceptedStream.js';
import { MethodResolver } from './MethodResolver.js';
import type { MethodState } from './MethodState.js';
import type { RetrySchedule, RetryState } from './RetrySchedule.js';
import { ScopedBreakers } from './ScopedBreakers.js';
import type { VoiceBreaker } from './VoiceBreaker.js';
import { RichPromise, type Winner } from './results/RichPromise.js';
import { needsObserving, observeResult, isStreamHelper, observeHelper } from './results/observeResult.js';
import { findSignal, isAsyncIterable, isPlainIterator, isRichThenable, isThenable } from './resultShapes.js';
import { attemptArgs, requestModel, requestOptionsIndex } from './sdkRequestOptions.js';

export type { AdaptiveTimeoutOptions } from './AttemptTimeout.js';
export type { FallbackTarget, FallbackValueContext } from './FallbackChain.js';

/** Where the adapter comes from: given, or loaded (and re-loaded with backoff) by a loader. */
export interface AdapterSource {
  /** The adapter if it is available now. */
  current(): object | undefined;
  /** Waits for an in-flight or due load attempt; undefined when the adapter still cannot load. */
  load(): Promise<object | undefined>;
  /** Why the adapter is unavailable (the last load error), if it is. */
  readonly loadError: unknown;
}

/** Everything one voice's pipeline is built from. */
export interface CallPipelineParts {
  readonly name: string;
  readonly voice: Voice;
  readonly breaker: BreakerOptions;
  /** Breakers kept per voice (operation × model scopes). */
  readonly maxBreakers: number;
  readonly retry: RetrySchedule;
  readonly timeoutMs: number | false;
  /** The timeout learned from successful latencies (see WithConsciousnessOptions), or false. */
  readonly adaptiveTimeout: AdaptiveTimeoutOptions | false;
  readonly classifiers: readonly Classifier[];
  readonly fallbacks: readonly FallbackTarget[];
  readonly fallbackValue: { readonly value: unknown } | undefined;
  /** Configured aliases per method path (`methodAliases` option). */
  readonly methodAliases: Readonly<Record<string, readonly string[]>>;
  readonly source: AdapterSource;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** Random source in [0, 1) (probe share of routed calls). */
  readonly random: () => number;
  /** The infrastructure-wide backoff used for categories in resonance. */
  readonly sharedBackoff: SharedBackoff;
  /**
   * The wrapped client retries by itself (an SDK's `maxRetries`): attempts go out with its
   * retries off and our signal in its request options.
   */
  readonly ownsSdkRetries: boolean;
}

/** The voice's breakers (Voice.shared). */
const VOICE_BREAKERS = Symbol('breakers');
/** How often a method's attempt timeout is recomputed (ms of the pipeline's clock). */
const TIMEOUT_REFRESH_MS = 1_000;
/** How long a timed-out attempt's request may take to close before the retry starts anyway. */
const CLOSE_WAIT_MS = 5_000;

/**
 * The breakers every wrap of a voice shares (the first wrap's thresholds). Built outside the
 * pipeline's constructor: the voice keeps these closures, which must not hold that wrap's parts
 * (and through them its adapter) alive.
 */
function voiceBreakers(parts: CallPipelineParts): ScopedBreakers {
  const { classifiers, name, voice, maxBreakers } = parts;
  return new ScopedBreakers(
    parts.breaker,
    (err) => CATEGORY_POLICY[classifyError(err, { adapter: name, classifiers }).category].countsForBreaker,
    maxBreakers,
    (to) => voice.circuitChanged(to),
    () =>
      voice.capReached(
        'breakers',
        maxBreakers,
        {},
        'the least recently used closed breaker is dropped to make room',
      ),
  );
}

/** One attempt in flight: its raw result and, for SDK requests, the controller that cancels it. */
interface Attempt {
  readonly raw: unknown;
  readonly controller: AbortController | undefined;
}

/**
 * One voice's resilience pipeline, run inline on every intercepted call:
 * breaker gate → cool-down → attempt (timed, cancelled on timeout, validated) → classify →
 * retry with backoff → fallback chain. Sync results stay sync; SDK objects (rich promises,
 * streams, pages, stream helpers) are handed back and observed, never replaced.
 */
export class CallPipeline {
  /** Voice name. */
  readonly name: string;
  /** The voice's breakers, per operation and model. */
  readonly breakers: ScopedBreakers;
  private readonly tuning: VoiceTuning;
  private readonly timeout: AttemptTimeout;
  private readonly limit: ConcurrencyLimit;
  private readonly chain: FallbackChain;
  private readonly resolver: MethodResolver;
  /** A method that may be answered with its last good value has one (defensive values could serve). */
  private substitutable = false;
  /** The provider asked us (429 + Retry-After) not to call before this time (epoch ms). */
  private coolingUntil = 0;
  /** Failures are classified once: the breaker's filter and the retry decision share the result. */
  private readonly classified = new WeakMap<object, Classification>();

  constructor(private readonly parts: CallPipelineParts) {
    this.name = parts.name;
    this.tuning = parts.voice.tuning;
    // One set of breakers per voice, shared by every wrap of it (the first wrap's thresholds).
    this.breakers = parts.voice.shared(VOICE_BREAKERS, () => voiceBreakers(parts));
    this.timeout = new AttemptTimeout(parts.timeoutMs, parts.adaptiveTimeout, this.tuning, parts.clock);
    this.limit = new ConcurrencyLimit(() => this.tuning.maxConcurrent);
    this.chain = new FallbackChain(
      parts.name,
      parts.voice,
      parts.fallbacks,
      parts.fallbackValue,
      parts.clock,
      () => this.tuning.defensiveValues,
    );
    this.resolver = new MethodResolver(parts.name, parts.voice, parts.methodAliases, (state, c) =>
      this.attemptFailed(state, c, 0, 1, undefined),
    );
    parts.voice.attach({
      inFlight: () => this.limit.attempting,
      hasFallback: () => this.chain.any(),
      canSubstitute: () => this.substitutable,
      reconnect: () => this.reconnect(),
    });
  }

  /** Runs one caller call of `state.path` on `owner` (undefined: the adapter is not loaded yet). */
  invoke(
    owner: object | undefined,
    state: MethodState,
    args: unknown[],
    selfLike?: (value: unknown) => boolean,
  ): unknown {
    if (owner === undefined) return this.invokeWhenLoaded(state, args);
    // Healing knobs cost nothing until a healing action sets one.
    if (this.tuning.active && state.kind !== 'sync') {
      return this.invokeTuned(owner, state, args);
    }
    return this.invokeDirect(owner, state, args, false, selfLike);
  }

  /** Calls in flight (awaiting a result) right now. */
  get inFlight(): number {
    return this.limit.inFlight;
  }

  /** Whether a call of `path` (with these arguments' model) may start now: for wrappers using this voice as a fallback. */
  allows(path: string, args?: readonly unknown[]): boolean {
    return this.breakers.allows(path, args === undefined ? undefined : requestModel(args));
  }

  /** The attempt timeout of a method (and model) now, in ms (undefined: none). */
  attemptTimeoutMs(path?: string, model?: string): number | undefined {
    return this.timeout.durationMs(path === undefined ? undefined : this.resolver.latencyOf(path), model);
  }

  private invokeDirect(
    owner: object,
    state: MethodState,
    args: unknown[],
    cooled = false,
    selfLike?: (value: unknown) => boolean,
  ): unknown {
    const fn = this.resolver.callable(owner, state);
    if (fn === undefined) return this.missingMethod(state, args);
    const start = this.parts.clock();
    if (state.kind === 'sync') return this.invokeSync(owner, fn, state, args, start, selfLike);
    const model = requestModel(args);
    const breaker = this.breakers.of(state.path, model);
    if (!breaker.allows()) {
      const open = new CircuitOpenError(this.name, state.path);
      state.cells.error('circuit_open');
      if (state.kind === 'helper') return this.rejectNow(state, open, start);
      return this.asResult(
        state,
        args,
        this.fallBack(state, args, this.classify(open, state), undefined, 0, start),
        start,
      );
    }
    if (!cooled && state.kind !== 'helper' && this.cooledUntil(model) > start) {
      return this.whileCooling(owner, state, args, start, model);
    }
    let attempt: Attempt;
    try {
      attempt = this.startAttempt(owner, fn, state, args);
    } catch (err) {
      if (state.kind === 'async' || state.contractAsync) {
        return this.settle(
          owner,
          state,
          args,
          { raw: Promise.reject(err), controller: undefined },
          start,
          breaker,
          model,
          false,
        );
      }
      state.kind = 'sync';
      this.recordSync(state, start, err);
      throw err;
    }
    const raw = attempt.raw;
    if (isThenable(raw)) {
      state.kind = 'async';
      if (isRichThenable(raw)) {
        const served: ServedHolder = {};
        const outcome = this.settle(
          owner,
          state,
          args,
          attempt,
          start,
          breaker,
          model,
          true,
          served,
        ) as Promise<Winner>;
        let counted = false;
        return new RichPromise(raw, outcome, (value, attemptStart) => {
          if (needsObserving(value)) {
            return observeResult(value, this.observation(state, start, attemptStart, breaker, args[0]));
          }
          // The parsed body, read once (then and withResponse may both ask): its usage.
          if (!counted) this.parts.voice.usage.unary(state.path, args[0], value, this.now() - attemptStart);
          counted = true;
          return value;
        }).proxy;
      }
      return this.settle(owner, state, args, attempt, start, breaker, model, false);
    }
    if (isStreamHelper(raw)) {
      // An SDK stream helper (messages.stream(), chat.completions.stream()): the caller's object,
      // observed through its own events; its requests and retries are the SDK's.
      state.kind = 'helper';
      observeHelper(raw, this.observation(state, start, start, breaker, args[0]));
      return raw;
    }
    if (isAsyncIterable(raw)) {
      state.kind = 'async';
      if (isPlainIterator(raw)) {
        state.syncStream = true;
        return new InterceptedStream(this, owner, state, args, raw, start, breaker);
      }
      return observeResult(raw, this.observation(state, start, start, breaker, args[0]));
    }
    if (state.contractAsync) {
      // A contract method answering synchronously still gets validation, retry and fallbacks.
      return this.settle(
        owner,
        state,
        args,
        { raw: Promise.resolve(raw), controller: undefined },
        start,
        breaker,
        model,
        false,
      );
    }
    state.kind = 'sync';
    // The client itself, or a client like it (`withOptions()`, fluent setters): not a call.
    if (selfLike?.(raw) !== true) this.recordSync(state, start, undefined);
    return raw;
  }

  private invokeSync(
    owner: object,
    fn: (...a: unknown[]) => unknown,
    state: MethodState,
    args: unknown[],
    start: number,
    selfLike: ((value: unknown) => boolean) | undefined,
  ): unknown {
    let result: unknown;
    try {
      result = fn.apply(owner, args);
    } catch (err) {
      this.recordSync(state, start, err);
      throw err;
    }
    if (selfLike?.(result) !== true) this.recordSync(state, start, undefined);
    return result;
  }

  /** Calls the method for one attempt: SDK requests get retries off and the attempt's signal. */
  private startAttempt(
    owner: object,
    fn: (...a: unknown[]) => unknown,
    state: MethodState,
    args: unknown[],
  ): Attempt {
    // Request options exist on the SDKs' resource methods (client.chat.completions.create), not
    // on the client's own methods (withOptions(options) must not get a signal merged in).
    if (!this.parts.ownsSdkRetries || state.kind === 'helper' || !state.path.includes('.')) {
      return { raw: fn.apply(owner, args), controller: undefined };
    }
    let index = state.optionsIndex;
    if (index === undefined) index = state.optionsIndex = requestOptionsIndex(fn);
    if (index < 0) return { raw: fn.apply(owner, args), controller: undefined };
    const controller = new AbortController();
    return { raw: fn.apply(owner, attemptArgs(args, index, controller.signal)), controller };
  }

  /** The call path while healing knobs are set: routing, concurrency limit. */
  private invokeTuned(owner: object, state: MethodState, args: unknown[]): unknown {
    const tuning = this.tuning;
    const now = this.parts.clock();
    if (
      tuning.routeToFallbackUntil > now &&
      this.parts.random() >= tuning.probeShare &&
      this.chain.usable('unknown', state.path)
    ) {
      return this.asResult(state, args, this.routeAround(owner, state, args, now), now);
    }
    if (!this.limit.full()) return this.invokeDirect(owner, state, args);
    const limit = tuning.maxConcurrent;
    if (this.limit.crowded || this.chain.usable('rate_limited', state.path)) {
      const detail = `${limit} call(s) in flight while rate limited, and ${this.limit.queued} waiting`;
      const error = new RateLimitedLocallyError(this.name, state.path, detail);
      return this.asResult(
        state,
        args,
        this.fallBack(state, args, this.classify(error, state), error, 0, now),
        now,
      );
    }
    const signal = findSignal(args);
    const served = this.limit.acquire(signal).then((got) => {
      if (!got) {
        state.cells.error('aborted');
        throw signal?.reason ?? new Error(`${this.name}.${state.path}: aborted while waiting for a slot`);
      }
      this.limit.started();
      try {
        return this.invokeDirect(owner, state, args);
      } finally {
        // The call may have ended without holding a slot (open breaker, fallback): pass it on.
        this.limit.pump();
      }
    });
    return this.asResult(state, args, served, now);
  }

  /**
   * A call arriving before the provider's Retry-After has passed (sending it now would only be
   * refused again): a usable fallback serves it when the cool-down has more than
   * `maxWaitWithFallbackMs` left; otherwise it waits for the end of the cool-down (at most the
   * longest backoff delay), then calls the voice.
   */
  private whileCooling(
    owner: object,
    state: MethodState,
    args: unknown[],
    start: number,
    model: string | undefined,
  ): unknown {
    const waitMs = this.cooledUntil(model) - start;
    if (waitMs > this.parts.retry.maxWaitWithFallbackMs && this.chain.usable('rate_limited', state.path)) {
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
      // With a fallback, a cool-down that began meanwhile (another 429, here or elsewhere) is honoured.
      const renewed =
        this.cooledUntil(model) > start + waitMs && this.chain.usable('rate_limited', state.path);
      return this.invokeDirect(owner, state, args, !renewed);
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
    const routed = await this.chain.route(state, args, start);
    return routed !== undefined ? routed.value : this.invokeDirect(owner, state, args);
  }

  /**
   * After a failed attempt whose retry would wait `delay` (undefined: no retry left): whether the
   * call goes down the fallback chain now. It does when no retry is left or the breaker opened;
   * and, with a usable fallback, rather than retry the voice when the retry waits (a Retry-After
   * included) would add up to more than `maxWaitWithFallbackMs`, or while healing routes around
   * this voice (the attempt was a probe: it found the voice still failing). Remembers a rate
   * limit's cool-down and, when the call will retry, the wait.
   */
  giveUp(
    classification: Classification,
    delay: number | undefined,
    retryState: RetryState,
    breaker: VoiceBreaker,
    path: string,
    model: string | undefined,
  ): boolean {
    const now = this.parts.clock();
    this.coolDown(classification, delay, now, model);
    if (delay === undefined || !breaker.allows()) return true;
    const waited = (retryState.waitedMs ?? 0) + delay;
    if (
      this.chain.usable(classification.category, path) &&
      (waited > this.parts.retry.maxWaitWithFallbackMs || this.tuning.routeToFallbackUntil > now)
    ) {
      return true;
    }
    retryState.waitedMs = waited;
    return false;
  }

  /**
   * Remembers a rate limit's Retry-After (or backoff delay): no new call goes upstream before it
   * passes — for the request's model when it names one (providers limit per model: another model
   * of the voice is not held back), otherwise for the whole voice.
   */
  private coolDown(
    classification: Classification,
    delay: number | undefined,
    now: number,
    model: string | undefined,
  ): void {
    if (classification.category !== 'rate_limited') return;
    const waitMs = Math.min(classification.retryAfterMs ?? delay ?? 0, this.parts.retry.maxWaitMs);
    if (model === undefined && now + waitMs > this.coolingUntil) this.coolingUntil = now + waitMs;
    this.parts.voice.coolDown(now + waitMs, 'rate_limited', model);
  }

  /** The cool-down in force for a call (of `model`): this pipeline's, or the voice's (other wrappers, other instances). */
  private cooledUntil(model: string | undefined): number {
    return Math.max(this.coolingUntil, this.parts.voice.cooldownUntil(model));
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
   * One attempt under its deadline (which cancels the attempt's request), its result validated
   * (`check`), fed through the breaker; resolves like the attempt.
   */
  protect(
    state: MethodState,
    attempt: PromiseLike<unknown>,
    check: ((state: MethodState, value: unknown) => unknown) | undefined,
    startedAt: number,
    breaker: VoiceBreaker,
    model: string | undefined,
    controller?: AbortController,
  ): Promise<unknown> {
    const ms = this.timeoutOf(state, model, startedAt);
    if (!breaker.closed) {
      // A half-open trial (or a breaker opened meanwhile): cockatiel's full path.
      return breaker.track(
        ms === undefined && check === undefined
          ? attempt
          : this.guard(state, attempt, check, startedAt, ms, controller),
      );
    }
    return new Promise((resolve, reject) => {
      const deadlines = ms === undefined ? undefined : this.timeout.queue(ms);
      const deadline = deadlines?.add(() => {
        const error = new TimeoutError(this.name, state.path, ms!);
        controller?.abort(error);
        void breaker.failed(error).then(() => reject(error));
      }, startedAt);
      attempt.then(
        (value) => {
          if (deadline !== undefined && !deadlines!.cancel(deadline)) return;
          let checked: unknown;
          try {
            checked = check === undefined ? value : check.call(this, state, value);
          } catch (err) {
            void breaker.failed(err).then(() => reject(err));
            return;
          }
          breaker.succeeded();
          resolve(checked);
        },
        (err: unknown) => {
          if (deadline !== undefined && !deadlines!.cancel(deadline)) return;
          void breaker.failed(err).then(() => reject(err));
        },
      );
    });
  }

  /** The attempt under its deadline (cancelling its request) and validated, without the breaker. */
  private guard(
    state: MethodState,
    attempt: PromiseLike<unknown>,
    check: ((state: MethodState, value: unknown) => unknown) | undefined,
    startedAt: number,
    ms: number | undefined,
    controller: AbortController | undefined,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const deadlines = ms === undefined ? undefined : this.timeout.queue(ms);
      const deadline = deadlines?.add(() => {
        const error = new TimeoutError(this.name, state.path, ms!);
        controller?.abort(error);
        reject(error);
      }, startedAt);
      attempt.then(
        (value) => {
          if (deadline !== undefined) deadlines!.cancel(deadline);
          try {
            resolve(check === undefined ? value : check.call(this, state, value));
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

  /** The attempt timeout of a method (and model), recomputed at most once a second per method. */
  private timeoutOf(state: MethodState, model: string | undefined, now: number): number | undefined {
    if (model === undefined && now < state.timeoutRefreshAt) return state.timeoutMs;
    const ms = this.timeout.durationMs(state.latency, model);
    if (model === undefined) {
      state.timeoutMs = ms;
      state.timeoutRefreshAt = now + TIMEOUT_REFRESH_MS;
    }
    return ms;
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
  reinvoke(owner: object, state: MethodState, args: unknown[]): Attempt {
    const fn = this.resolver.callable(owner, state);
    if (fn === undefined) throw new MethodMissingError(this.name, state.path, [state.key]);
    return this.startAttempt(owner, fn, state, args);
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

  /** The voice this pipeline reports to. */
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

  /** Counts a successful attempt's latency (to its result, or a stream's first chunk) for the adaptive timeout. */
  learnLatency(state: MethodState, ms: number, model: string | undefined): void {
    state.latency.add(ms, model);
  }

  /** Records a failed attempt (and trips the breaker at once on auth failures). */
  attemptFailed(
    state: MethodState,
    classification: Classification,
    latencyMs: number,
    attempt: number,
    breaker: VoiceBreaker | undefined,
  ): void {
    this.parts.voice.attemptFailed(state.cells, state.path, classification, latencyMs, attempt);
    if (CATEGORY_POLICY[classification.category].opensBreakerAtOnce) {
      if (breaker !== undefined) breaker.trip();
      else this.breakers.tripAll();
    }
  }

  /**
   * The attempt loop shared by unary calls and rich promises: each attempt timed, cancelled on
   * timeout, validated, classified; retried with backoff while the category and budget allow;
   * then the fallback chain. `rich`: resolves to the winning attempt's own object (its `Winner`),
   * whose consumption (then, withResponse, asResponse, …) the caller chooses.
   */
  private async settle(
    owner: object,
    state: MethodState,
    args: unknown[],
    first: Attempt,
    start: number,
    breaker: VoiceBreaker,
    model: string | undefined,
    rich: boolean,
    served?: ServedHolder,
  ): Promise<unknown> {
    const limit = this.limit;
    limit.inFlight += 1;
    try {
      const voice = this.parts.voice;
      let current = first;
      let attemptStart = start;
      let attempt = 1;
      let retryState: RetryState | undefined;
      const budget = this.attemptBudget(state, args);
      for (;;) {
        let error: unknown;
        const raw = current.raw;
        const pending = rich
          ? richAttempt(raw, state, (headers) => voice.usage.headers(state.path, args[0], headers))
          : (raw as PromiseLike<unknown>);
        try {
          const value = await this.protect(
            state,
            pending,
            this.validate,
            attemptStart,
            breaker,
            model,
            current.controller,
          );
          const end = this.parts.clock();
          if (rich) {
            this.learnLatency(state, end - attemptStart, model);
            voice.attemptSucceeded(end - attemptStart, undefined, end);
            const headers = headersOf(value);
            if (headers !== undefined) voice.usage.headers(state.path, args[0], headers);
            // The call counts now, when its response arrived (a stream's too: it is handed to the
            // caller now, read or not; its later events are recorded as they come).
            voice.callEnded(state.cells, 'success', (end - start) / 1000);
            return { raw, served: false, attemptStart } satisfies Winner;
          }
          if (isAsyncIterable(value)) {
            if (isPlainIterator(value)) {
              // A stream arriving through a promise: retried until its first chunk.
              return new InterceptedStream(this, owner, state, args, value, start, breaker, attempt);
            }
            return observeResult(value, this.observation(state, start, attemptStart, breaker, args[0]));
          }
          state.lastGood = value;
          if (state.defensiveOk) this.substitutable = true;
          this.learnLatency(state, end - attemptStart, model);
          voice.attemptSucceeded(end - attemptStart, value, end);
          voice.usage.unary(state.path, args[0], value, end - attemptStart);
          voice.callEnded(state.cells, 'success', (end - start) / 1000);
          return needsObserving(value)
            ? observeResult(value, this.observation(state, start, attemptStart, breaker, args[0]))
            : value;
        } catch (err) {
          error = err;
        }
        const classification = this.classify(error, state);
        const signal = findSignal(args);
        if (classification.category === 'aborted' || signal?.aborted) {
          state.cells.error('aborted');
          throw error;
        }
        this.attemptFailed(state, classification, this.parts.clock() - attemptStart, attempt, breaker);
        if (error instanceof TimeoutError && current.controller !== undefined) {
          // Never a second request while the first is still open: wait for it to close.
          await settledWithin(raw, CLOSE_WAIT_MS);
        }
        const delay = this.retryDelay(
          classification,
          attempt,
          (retryState ??= { backoff: undefined, maxAttempts: budget }),
        );
        if (
          this.giveUp(classification, delay, retryState, breaker, state.path, model) ||
          delay === undefined
        ) {
          return this.fallBackRich(state, args, classification, error, attempt, start, rich, served);
        }
        voice.retrying(state.cells, state.path, classification.category, delay, attempt);
        if (delay > 0) {
          limit.sleeping += 1;
          limit.pump();
          let awake: boolean;
          try {
            awake = await this.parts.sleep(delay, signal);
          } finally {
            limit.sleeping -= 1;
          }
          if (!awake) {
            state.cells.error('aborted');
            throw signal?.reason ?? error;
          }
        }
        if (!breaker.allows()) {
          state.cells.error('circuit_open');
          const open = this.classify(new CircuitOpenError(this.name, state.path), state);
          return this.fallBackRich(state, args, open, error, attempt, start, rich, served);
        }
        attempt += 1;
        attemptStart = this.parts.clock();
        try {
          current = this.reinvoke(owner, state, args);
        } catch (err) {
          current = { raw: Promise.reject(err), controller: undefined };
        }
      }
    } finally {
      limit.inFlight -= 1;
      // A concurrency slot freed: the next waiting call (if any) may start.
      limit.pump();
    }
  }

  private async fallBackRich(
    state: MethodState,
    args: unknown[],
    classification: Classification,
    error: unknown,
    attempts: number,
    start: number,
    rich: boolean,
    served: ServedHolder | undefined,
  ): Promise<unknown> {
    const value = await this.fallBack(state, args, classification, error, attempts, start, served);
    return rich ? ({ raw: served?.raw, value, served: true, attemptStart: start } satisfies Winner) : value;
  }

  /**
   * A call's attempt budget when it is not the configured one: a per-request `maxRetries` the
   * caller passed to an SDK method, else the client's own `maxRetries` (one owner for retries).
   */
  private attemptBudget(state: MethodState, args: readonly unknown[]): number | undefined {
    const index = state.optionsIndex;
    if (index !== undefined && index >= 0) {
      const perRequest = (args[index] as { maxRetries?: unknown } | undefined)?.maxRetries;
      if (typeof perRequest === 'number' && Number.isInteger(perRequest) && perRequest >= 0) {
        return Math.min(20, perRequest + 1);
      }
    }
    return state.clientAttempts;
  }

  /** The fallback chain after the primary gave up (see FallbackChain). */
  fallBack(
    state: MethodState,
    args: unknown[],
    classification: Classification,
    error: unknown,
    attempts: number,
    start: number,
    served?: ServedHolder,
  ): Promise<unknown> {
    return this.chain.serve(state, args, classification, error, attempts, start, served);
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

  /** How a handed-back SDK object (stream, page, helper) reports to this voice. */
  private observation(
    state: MethodState,
    start: number,
    attemptStart: number,
    breaker: VoiceBreaker,
    request?: unknown,
  ) {
    return {
      pipeline: this,
      state,
      start,
      attemptStart,
      breaker,
      request,
      protectPage: (fetch: () => unknown) => this.protectThunk(state, fetch),
    };
  }

  /** A protected call of a thunk (the next page of a Page): retried, measured, classified. */
  private protectThunk(state: MethodState, fetch: () => unknown): Promise<unknown> {
    const start = this.parts.clock();
    const breaker = this.breakers.of(state.path, undefined);
    if (!breaker.allows()) {
      state.cells.error('circuit_open');
      return this.rejectNow(state, new CircuitOpenError(this.name, state.path), start);
    }
    const thunkOwner = { fetch };
    const thunkState: MethodState = {
      ...state,
      key: 'fetch',
      alias: undefined,
      optionsIndex: -1,
      schema: undefined,
    };
    let first: Attempt;
    try {
      first = { raw: fetch(), controller: undefined };
    } catch (err) {
      first = { raw: Promise.reject(err), controller: undefined };
    }
    return this.settle(
      thunkOwner,
      thunkState,
      [],
      first,
      start,
      breaker,
      undefined,
      false,
    ) as Promise<unknown>;
  }

  /** Fails a call that cannot be attempted and has nowhere else to go (an open breaker before a stream helper). */
  private rejectNow(state: MethodState, error: Error, start: number): never {
    this.parts.voice.callEnded(state.cells, 'rejected', (this.parts.clock() - start) / 1000);
    recordFailure(error, {
      category: 'circuit_open',
      adapter: this.name,
      method: state.path,
      attempts: 0,
      fallbackErrors: [],
    });
    throw error;
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
    this.attemptFailed(state, classification, 0, 1, undefined);
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

/**
 * What an attempt of a rich promise waits for: the HTTP response (`asResponse()`, which leaves
 * the body unread for whichever consumption the caller picks), or the parsed data when a
 * response schema must see it — then through `withResponse()` when the promise has it (the
 * SDKs' own, memoised: the caller's later `then` gets the same data), so that `onHeaders` still
 * sees the rate-limit headers of that response.
 */
function richAttempt(
  raw: unknown,
  state: MethodState,
  onHeaders: (headers: HeaderSource) => void,
): PromiseLike<unknown> {
  const { asResponse, withResponse } = raw as { asResponse?: unknown; withResponse?: unknown };
  if (state.schema === undefined && typeof asResponse === 'function') {
    return (asResponse as () => PromiseLike<unknown>).call(raw);
  }
  if (typeof withResponse === 'function') {
    return (withResponse as () => PromiseLike<{ data: unknown; response?: unknown }>)
      .call(raw)
      .then(({ data, response }) => {
        const headers = headersOf(response);
        if (headers !== undefined) onHeaders(headers);
        return data;
      });
  }
  return raw as PromiseLike<unknown>;
}

/** Resolves when `value` settles or after `ms`, whichever comes first (never rejects). */
function settledWithin(value: unknown, ms: number): Promise<void> {
  if (!isThenable(value)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    value.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
