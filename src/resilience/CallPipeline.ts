import type { Classification, ClassifyContext } from '../classify/Classification.js';
import { CATEGORY_POLICY } from '../vocabulary/ErrorCategory.js';
import { Classifications } from './Classifications.js';
import type { Voice } from '../voice/Voice.js';
import { CircuitOpenError } from '../errors/CircuitOpenError.js';
import { MethodMissingError } from '../errors/MethodMissingError.js';
import type { VoiceTuning } from '../voice/VoiceTuning.js';
import type { CooldownGate } from '../voice/CooldownGate.js';
import type { AbsentMethod } from './AbsentMethod.js';
import type { AttemptTimeout } from './AttemptTimeout.js';
import type { ConcurrencyLimit } from './ConcurrencyLimit.js';
import type { FallbackChain, ServedHolder } from './FallbackChain.js';
import type { HealerHandle } from './HealerHandle.js';
import type { HeldCalls } from './HeldCalls.js';
import type { MethodResolver } from './MethodResolver.js';
import type { MethodState } from './MethodState.js';
import type { RetryPolicy } from './RetryPolicy.js';
import type { AttemptLoop } from './AttemptLoop.js';
import type { Attempt, CallWait } from './CallServices.js';
import type { UnaryCalls } from './UnaryCall.js';
import { invokeSync, recordSync } from './SyncCalls.js';
import type { TunedEntry } from './TunedEntry.js';
import type { ObservedCalls } from './ObservedCalls.js';
import { routeResult, type CallRoutes } from './ResultRouting.js';
import { ScopedBreakers } from './ScopedBreakers.js';
import type { VoiceBreaker } from './VoiceBreaker.js';
import { requestModel, startAttempt } from './sdkRequestOptions.js';
import { composeUnits, type UnitsHost } from './composeUnits.js';
import type { CallPipelineParts } from './CallPipelineParts.js';

/** The voice's breakers (Voice.shared). */
const VOICE_BREAKERS = Symbol('breakers');

/**
 * One voice's resilience pipeline, run inline on every intercepted call:
 * breaker gate → cool-down → attempt (timed, cancelled on timeout, validated) → classify →
 * retry with backoff → fallback chain. Sync results stay sync; SDK objects (rich promises,
 * streams, pages, stream helpers) are handed back and observed, never replaced.
 */
export class CallPipeline implements UnitsHost {
  /** Voice name. */
  readonly name: string;
  /** The voice's breakers, per operation and model. */
  readonly breakers: ScopedBreakers;
  private readonly tuning: VoiceTuning;
  private readonly timeout: AttemptTimeout;
  private readonly limit: ConcurrencyLimit;
  private readonly chain: FallbackChain;
  private readonly resolver: MethodResolver;
  private readonly policy: RetryPolicy;
  private readonly loop: AttemptLoop;
  private readonly unary: UnaryCalls;
  private readonly tuned: TunedEntry;
  private readonly held: HeldCalls;
  private readonly observed: ObservedCalls;
  private readonly routes: CallRoutes;
  private readonly absent: AbsentMethod;
  /** What the voice's healer reaches of this wrap (attached to the voice while the wrap lives). */
  private readonly handle: HealerHandle;
  private readonly classifications: Classifications;
  /** The voice's cool-down gate (shared state only; fixed for the brain's life). */
  private readonly gate: CooldownGate | undefined;

  constructor(private readonly parts: CallPipelineParts) {
    this.name = parts.name;
    this.tuning = parts.voice.tuning;
    this.gate = parts.voice.cooldownGate;
    this.classifications = new Classifications(parts.name, parts.classifiers);
    // One set of breakers per voice, shared by every wrap of it (the first wrap's thresholds).
    this.breakers = parts.voice.shared(VOICE_BREAKERS, () => ScopedBreakers.forVoice(parts));
    const units = composeUnits(parts, this, this.breakers);
    this.timeout = units.timeout;
    this.limit = units.limit;
    this.chain = units.chain;
    this.resolver = units.resolver;
    this.policy = units.policy;
    this.loop = units.loop;
    this.observed = units.observed;
    this.unary = units.unary;
    this.tuned = units.tuned;
    this.held = units.held;
    this.routes = units.routes;
    this.absent = units.absent;
    this.handle = units.handle;
  }

  /** Set by dispose(): calls through the wrap are refused (WrapDisposedError). */
  disposed = false;

  /** Releases what this pipeline holds (disposeConsciousness; see HealerHandle.release); calls in flight finish. */
  dispose(): void {
    this.disposed = true;
    this.handle.release();
  }

  /** Runs one caller call of `state.path` on `owner` (undefined: the adapter is not loaded yet). */
  invoke(
    owner: object | undefined,
    state: MethodState,
    args: unknown[],
    selfLike?: (value: unknown) => boolean,
  ): unknown {
    if (owner === undefined) return this.absent.whenLoaded(state, args);
    // Healing knobs cost nothing until a healing action sets one. Synchronous methods and stream
    // helpers (the SDK starts their request) are returned at once, never held or routed.
    if (this.tuning.active && state.kind !== 'sync' && state.kind !== 'helper') {
      return this.tuned.invoke(owner, state, args);
    }
    return this.invokeDirect(owner, state, args, undefined, selfLike);
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

  /**
   * The call path without healing knobs: breaker gate, cool-down, attempts, result shapes. `wait`: what the call
   * waited before coming here (a cool-down, a concurrency slot, fallbacks routed to first) — its latency counts
   * from `wait.since`, and a cool-down waited out is not checked again.
   */
  invokeDirect(
    owner: object,
    state: MethodState,
    args: unknown[],
    wait?: CallWait,
    selfLike?: (value: unknown) => boolean,
  ): unknown {
    const fn = this.resolver.callable(owner, state);
    if (fn === undefined) return this.absent.missing(state, args);
    const start = this.parts.clock();
    if (state.kind === 'sync') return invokeSync(this, owner, fn, state, args, start, selfLike);
    const since = wait?.since ?? start;
    const model = requestModel(args);
    const breaker = this.breakers.of(state.path, model);
    if (!breaker.allows()) {
      const open = new CircuitOpenError(this.name, state.path);
      state.cells.error('circuit_open');
      if (state.kind === 'helper') return this.observed.rejectNow(state, open, since);
      return this.held.servedByFallback(state, args, open, 0, since);
    }
    if (wait?.cooled !== true && state.kind !== 'helper') {
      if (this.policy.cooledUntil(model) > start) {
        return this.tuned.whileCooling(owner, state, args, start, model, since);
      }
      // Shared state: a call arriving while a cool-down's probe is out waits for its outcome.
      const gate = this.gate;
      if (gate !== undefined && gate.out !== 0 && gate.probing(this.name, model)) {
        return this.tuned.behindProbe(owner, state, args, since, model, gate);
      }
    }
    let attempt: Attempt;
    try {
      attempt = startAttempt(this.parts.ownsSdkRetries, owner, fn, state, args);
    } catch (err) {
      if (state.kind === 'async' || state.contractAsync) {
        return this.unary.settle(
          owner,
          state,
          args,
          { raw: Promise.reject(err), controller: undefined },
          start,
          breaker,
          model,
          wait,
        );
      }
      state.kind = 'sync';
      recordSync(this, state, start, err);
      throw err;
    }
    return routeResult(this.routes, owner, state, args, attempt, start, breaker, model, selfLike, wait);
  }

  /** Classifies a thrown value in this pipeline's context (cached per error object). */
  classify(err: unknown, state: MethodState | undefined, phase?: ClassifyContext['phase']): Classification {
    return this.classifications.classify(err, state, phase);
  }

  /** Re-invokes the method for a retry (re-reading it: adapters can change under us). */
  reinvoke(owner: object, state: MethodState, args: unknown[]): Attempt {
    const fn = this.resolver.callable(owner, state);
    if (fn === undefined) throw new MethodMissingError(this.name, state.path, [state.key]);
    return startAttempt(this.parts.ownsSdkRetries, owner, fn, state, args);
  }

  /** The voice this pipeline reports to. */
  get voice(): Voice {
    return this.parts.voice;
  }

  /** Current time, epoch ms. */
  now(): number {
    return this.parts.clock();
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
}
