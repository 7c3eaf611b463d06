import type { AttemptLoop } from './AttemptLoop.js';
import type { Attempt, CallServices, CallWait } from './CallServices.js';
import { InterceptedStream } from './InterceptedStream.js';
import type { MethodState } from './MethodState.js';
import type { ObservedCalls } from './ObservedCalls.js';
import { isStreamHelper, observeHelper, observeResult } from './results/observeResult.js';
import { isAsyncIterable, isPlainIterator, isRichThenable, isThenable } from './resultShapes.js';
import { recordSync } from './SyncCalls.js';
import type { UnaryCalls } from './UnaryCall.js';
import type { VoiceBreaker } from './VoiceBreaker.js';

/** The units a started call is routed to. */
export interface CallRoutes {
  readonly services: CallServices;
  readonly unary: UnaryCalls;
  readonly observed: ObservedCalls;
  readonly loop: AttemptLoop;
}

/**
 * What a started attempt returned decides how the call goes on, and what the caller gets: a
 * promise runs as a unary call (a rich promise keeps its members), an SDK stream helper is
 * returned untouched and observed, a plain async iterator becomes a retrying stream, an SDK
 * stream or page comes back observed, and a synchronous result is counted and returned as it is
 * (unless it is the client itself: `selfLike`). `start` is the attempt's start; `wait`, what the call waited
 * before it (its latency counts from `wait.since`).
 */
export function routeResult(
  units: CallRoutes,
  owner: object,
  state: MethodState,
  args: unknown[],
  attempt: Attempt,
  start: number,
  breaker: VoiceBreaker,
  model: string | undefined,
  selfLike: ((value: unknown) => boolean) | undefined,
  wait?: CallWait,
): unknown {
  const raw = attempt.raw;
  if (isThenable(raw)) {
    state.kind = 'async';
    if (isRichThenable(raw)) {
      // Learned once: a later call held before its first attempt gets an object with these members.
      if (state.richPrototype === undefined) state.richPrototype = Object.getPrototypeOf(raw) as object;
      return units.unary.rich(owner, state, args, attempt, start, breaker, model, wait);
    }
    return units.unary.settle(owner, state, args, attempt, start, breaker, model, wait);
  }
  const since = wait?.since ?? start;
  if (isStreamHelper(raw)) {
    // An SDK stream helper (messages.stream(), chat.completions.stream()): the caller's object,
    // observed through its own events; its requests and retries are the SDK's.
    state.kind = 'helper';
    observeHelper(raw, units.observed.observation(state, since, start, breaker, args[0]));
    return raw;
  }
  if (isAsyncIterable(raw)) {
    state.kind = 'async';
    if (isPlainIterator(raw)) {
      state.syncStream = true;
      return new InterceptedStream(units.loop, owner, state, args, raw, since, breaker);
    }
    return observeResult(raw, units.observed.observation(state, since, start, breaker, args[0]));
  }
  if (state.contractAsync) {
    // A contract method answering synchronously still gets validation, retry and fallbacks.
    return units.unary.settle(
      owner,
      state,
      args,
      { raw: Promise.resolve(raw), controller: undefined },
      start,
      breaker,
      model,
      wait,
    );
  }
  state.kind = 'sync';
  // The client itself, or a client like it (`withOptions()`, fluent setters): not a call.
  if (selfLike?.(raw) !== true) recordSync(units.services, state, start, undefined);
  return raw;
}
