import type { AttemptLoop } from './AttemptLoop.js';
import type { CallServices } from './CallServices.js';
import type { ServedHolder } from './FallbackChain.js';
import { InterceptedStream } from './InterceptedStream.js';
import type { MethodState } from './MethodState.js';
import { heldResult } from './results/DeferredRich.js';
import { unadopted } from './resultShapes.js';

/**
 * What the caller gets for a call that does not start its first attempt at once — held by a
 * cool-down, the concurrency limit or a probe, routed to the fallbacks, refused by an open breaker,
 * a missing method, an adapter not loaded yet — shaped like the method's own results: a stream
 * for methods that return one synchronously (async generators), a deferred rich promise for
 * methods returning an SDK's APIPromise (results/DeferredRich), else a promise.
 */
export class HeldCalls {
  constructor(
    private readonly services: CallServices,
    private readonly loop: AttemptLoop,
    /** The wrapped client retries by itself (an SDK client). */
    private readonly sdkClient: boolean,
  ) {}

  /**
   * The caller's object for a held call, given the promise of what serves it (a rich result
   * carried `Unadopted`, or a value) and, for a fallback, what the fallback adapter returned (`holder`).
   */
  asResult(
    state: MethodState,
    args: unknown[],
    served: Promise<unknown>,
    start: number,
    holder?: ServedHolder,
  ): unknown {
    return state.syncStream
      ? new InterceptedStream(this.loop, undefined, state, args, served.then(unadopted), start)
      : heldResult(state, served, holder, this.sdkClient);
  }

  /** A call the voice cannot take now (`error` says why), served by the fallback chain. */
  servedByFallback(
    state: MethodState,
    args: unknown[],
    error: unknown,
    attempts: number,
    start: number,
  ): unknown {
    const holder: ServedHolder = {};
    const services = this.services;
    const classification = services.classify(error, state);
    const served = services.fallBack(state, args, classification, error, attempts, start, holder);
    return this.asResult(state, args, served, start, holder);
  }
}
