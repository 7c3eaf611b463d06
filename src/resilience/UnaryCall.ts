import { UNREAD_RESPONSE } from '../health/HealthTracker.js';
import type { Clock } from '../clock/Clock.js';
import type { AttemptLoop } from './AttemptLoop.js';
import type { Attempt, CallWait } from './CallServices.js';
import type { ConcurrencyLimit } from './ConcurrencyLimit.js';
import { FirstAttempt, type FirstAttemptHost } from './FirstAttempt.js';
import { InterceptedStream } from './InterceptedStream.js';
import type { MethodState } from './MethodState.js';
import { SETTLE, Winner } from './results/RichPromise.js';
import { richClass } from './results/richClass.js';
import { RichCall, type ObservationOf } from './RichCall.js';
import { needsObserving, observeResult } from './results/observeResult.js';
import { isAsyncIterable, isPlainIterator } from './resultShapes.js';
import { UnaryRun, type UnaryHost } from './UnaryRun.js';
import type { VoiceBreaker } from './VoiceBreaker.js';
import type { Voice } from '../voice/Voice.js';

/** Time a call waited out a cool-down before its first attempt (started at `start`), if it did. */
const cooledMs = (wait: CallWait | undefined, start: number): number | undefined =>
  wait?.cooled === true ? start - wait.since : undefined;

/**
 * Unary calls (a promise of a value) and rich promises (an SDK's APIPromise, whose winning attempt
 * the caller consumes as it likes). The first attempt under a closed breaker — nearly every call —
 * settles on one promise from the attempt's own callbacks; a failure hands the call to the attempt
 * loop (retries, fallbacks). A winning attempt is learned from and counted here.
 */
export class UnaryCalls implements FirstAttemptHost, UnaryHost {
  constructor(
    readonly loop: AttemptLoop,
    private readonly limit: ConcurrencyLimit,
    private readonly clock: Clock,
    /** How a handed-back SDK object of a call reports to its voice. */
    readonly observationOf: ObservationOf,
    /** A method whose stale last-good value may stand in for it has one now. */
    private readonly lastGood: (state: MethodState) => void,
  ) {}

  /** A rich promise's call: the caller gets an object with the first attempt's members. */
  rich(
    owner: object,
    state: MethodState,
    args: unknown[],
    first: Attempt,
    start: number,
    breaker: VoiceBreaker,
    model: string | undefined,
    wait?: CallWait,
  ): object {
    const raw = first.raw as object;
    const call = new RichCall(raw, this, state, args, wait?.since ?? start, breaker);
    this.run(owner, state, args, first, start, breaker, model, call, wait);
    return new (richClass(Object.getPrototypeOf(raw) as object))(call.promise);
  }

  /**
   * Runs a unary call whose first attempt is under way (started at `start`; the call itself at `wait.since` when
   * it waited first): the caller's promise of its value.
   */
  settle(
    owner: object,
    state: MethodState,
    args: unknown[],
    first: Attempt,
    start: number,
    breaker: VoiceBreaker,
    model: string | undefined,
    wait?: CallWait,
  ): Promise<unknown> {
    return this.run(owner, state, args, first, start, breaker, model, undefined, wait)!;
  }

  /**
   * Runs a call whose first attempt is under way. A rich promise (`rich`) is handed the call's
   * outcome — the winning attempt's own object (its `Winner`), whose consumption (then,
   * withResponse, asResponse, …) the caller chooses; a unary call gets the promise of its value.
   */
  private run(
    owner: object,
    state: MethodState,
    args: unknown[],
    first: Attempt,
    start: number,
    breaker: VoiceBreaker,
    model: string | undefined,
    rich: RichCall | undefined,
    wait: CallWait | undefined,
  ): Promise<unknown> | undefined {
    this.limit.inFlight += 1;
    const isRich = rich !== undefined;
    if (!breaker.closed) {
      const outcome = this.loop.run(
        new UnaryRun(
          this,
          owner,
          state,
          args,
          wait?.since ?? start,
          breaker,
          model,
          isRich,
          cooledMs(wait, start),
        ),
        first,
        start,
      );
      if (rich === undefined) return outcome;
      rich.promise[SETTLE](outcome);
      return undefined;
    }
    const guard = this.loop.guard;
    const deadlines = guard.deadlinesOf(state, model, start);
    const attempt = new FirstAttempt(
      this,
      owner,
      state,
      args,
      first,
      start,
      breaker,
      model,
      isRich,
      // A rich promise's attempt waits on what the caller consumes first (`RichCall`).
      isRich ? undefined : (first.raw as PromiseLike<unknown>),
      deadlines,
      guard.check,
      rich?.promise,
      wait,
    );
    rich?.awaitConsumption(attempt);
    return attempt.promise;
  }

  /** The voice the calls report to. */
  get voice(): Voice {
    return this.loop.services.voice;
  }

  /** Voice name (first attempts name it in their timeout errors). */
  get name(): string {
    return this.loop.services.name;
  }

  /** The time now (epoch ms). */
  now(): number {
    return this.clock();
  }

  /** A first attempt won at `end`: recorded, and its slot released. */
  won(call: FirstAttempt, value: unknown, end: number): unknown {
    try {
      const { owner, state, args, attempt, start, breaker, model, rich, wait } = call;
      const since = wait?.since ?? start;
      return this.winner(
        owner,
        state,
        args,
        attempt.raw,
        value,
        since,
        start,
        breaker,
        model,
        rich,
        1,
        call.read,
        end,
      );
    } finally {
      this.limit.inFlight -= 1;
      this.limit.pump();
    }
  }

  /** Recording a first attempt's call threw: told, the call ended all the same (its slot released). */
  unrecorded(call: FirstAttempt, err: unknown): void {
    this.loop.services.voice.recordingFailed(call.state.path, err);
  }

  /** A first attempt failed: the attempt loop runs the rest of the call. */
  lost(call: FirstAttempt, err: unknown): Promise<unknown> {
    const { owner, state, args, start, breaker, model, rich, wait } = call;
    const since = wait?.since ?? start;
    const run = new UnaryRun(this, owner, state, args, since, breaker, model, rich, cooledMs(wait, start));
    return this.loop.run(run, call.attempt, start, { err });
  }

  /**
   * A successful attempt: learned from, counted, and turned into what the caller gets (the value,
   * an observed stream or page, or a rich promise's `Winner`).
   */
  winner(
    owner: object,
    state: MethodState,
    args: unknown[],
    raw: unknown,
    value: unknown,
    start: number,
    attemptStart: number,
    breaker: VoiceBreaker,
    model: string | undefined,
    rich: boolean,
    attempt: number,
    /** A rich promise's attempt that waited on its data: `value` is that data, not the response. */
    read = false,
    /** When the attempt's success was counted (the caller's clock reading, saving one). */
    end = this.clock(),
  ): unknown {
    const services = this.loop.services;
    const voice = services.voice;
    if (rich) {
      if (voice.attemptSucceeded(end - attemptStart, UNREAD_RESPONSE, end)) {
        services.learnLatency(state, end - attemptStart, model);
      }
      // Read with the data, the rate-limit headers were not due (`RichCall`).
      if (!read) voice.usage.responseHeaders(state.path, args[0], value, end, attemptStart);
      // The call counts now, when its response arrived (a stream's too: it is handed to the
      // caller now, read or not; its later events are recorded as they come).
      voice.callEnded(state.cells, 'success', (end - start) / 1000, end);
      return new Winner(raw, false, read ? value : undefined, attemptStart, end - attemptStart, read);
    }
    if (isAsyncIterable(value)) {
      if (isPlainIterator(value)) {
        // A stream arriving through a promise: retried until its first chunk.
        return new InterceptedStream(this.loop, owner, state, args, value, start, breaker, attempt);
      }
      return observeResult(value, this.observationOf(state, start, attemptStart, breaker, args[0]));
    }
    state.lastGood = value;
    if (state.defensiveOk) this.lastGood(state);
    if (voice.attemptSucceeded(end - attemptStart, value, end)) {
      services.learnLatency(state, end - attemptStart, model);
    }
    voice.usage.unary(state.path, args[0], value, end - attemptStart);
    voice.callEnded(state.cells, 'success', (end - start) / 1000, end);
    return needsObserving(value)
      ? observeResult(value, this.observationOf(state, start, attemptStart, breaker, args[0]))
      : value;
  }
}
