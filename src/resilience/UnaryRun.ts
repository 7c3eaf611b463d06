import type { Classification } from '../classify/Classification.js';
import type { AttemptLoop } from './AttemptLoop.js';
import type { Attempt, AttemptRun } from './CallServices.js';
import type { ServedHolder } from './FallbackChain.js';
import type { MethodState } from './MethodState.js';
import { Winner } from './results/RichPromise.js';
import { richAttempt } from './results/richAttempt.js';
import type { VoiceBreaker } from './VoiceBreaker.js';

/** What a unary run needs of the unary calls that started it (`UnaryCalls`). */
export interface UnaryHost {
  readonly loop: AttemptLoop;
  /** A successful attempt: learned from, counted, and turned into what the caller gets. */
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
  ): unknown;
}

/** A unary call (or rich promise) in the attempt loop, after its first attempt. */
export class UnaryRun implements AttemptRun {
  readonly holdsSlot = true;
  readonly canRetry = true;

  constructor(
    private readonly calls: UnaryHost,
    private readonly owner: object,
    readonly state: MethodState,
    readonly args: unknown[],
    readonly start: number,
    readonly breaker: VoiceBreaker,
    readonly model: string | undefined,
    private readonly rich: boolean,
    /** Time the call waited out a Retry-After cool-down before its first attempt (ms). */
    readonly cooledMs?: number,
  ) {}

  attempt(current: Attempt, attemptStart: number): Promise<unknown> {
    const raw = current.raw;
    const pending = this.rich
      ? richAttempt(raw, this.state, this.calls.loop.services.voice, this.args[0], attemptStart)
      : (raw as PromiseLike<unknown>);
    const guard = this.calls.loop.guard;
    return guard.protect(
      this.state,
      pending,
      guard.check,
      attemptStart,
      this.breaker,
      this.model,
      current.controller,
    );
  }

  won(current: Attempt, value: unknown, attemptStart: number, attempt: number): unknown {
    const { owner, state, args, start, breaker, model, rich } = this;
    return this.calls.winner(
      owner,
      state,
      args,
      current.raw,
      value,
      start,
      attemptStart,
      breaker,
      model,
      rich,
      attempt,
    );
  }

  next(): Attempt {
    return this.calls.loop.services.reinvoke(this.owner, this.state, this.args);
  }

  async fallBack(classification: Classification, error: unknown, attempts: number): Promise<unknown> {
    const { state, args, start } = this;
    // What a fallback adapter returned, kept for a rich promise's members (withResponse, …).
    const served: ServedHolder | undefined = this.rich ? {} : undefined;
    const services = this.calls.loop.services;
    const value = await services.fallBack(state, args, classification, error, attempts, start, served);
    return this.rich ? new Winner(served?.raw, true, value, start, 0) : value;
  }

  aborted(): void {}
}
