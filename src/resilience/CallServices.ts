import type { Classification, ClassifyContext } from '../classify/Classification.js';
import type { Voice } from '../voice/Voice.js';
import type { ServedHolder } from './FallbackChain.js';
import type { MethodState } from './MethodState.js';
import type { VoiceBreaker } from './VoiceBreaker.js';

/** One attempt in flight: its raw result and, for SDK requests, the controller that cancels it. */
export interface Attempt {
  readonly raw: unknown;
  readonly controller: AbortController | undefined;
}

/**
 * A call that waited before its first attempt (a Retry-After cool-down, a concurrency slot, fallbacks routed to
 * first): what the caller waited counts in its latency, and a cool-down waited out counts in its retry waits.
 */
export interface CallWait {
  /** When the caller's call started (epoch ms of the pipeline's clock): its latency counts from here. */
  readonly since: number;
  /** It waited out a Retry-After cool-down: not checked again, and the wait counts in its retry waits. */
  readonly cooled: boolean;
}

/**
 * What the units of the call path (the attempt loop, streams, observed SDK objects) use of their
 * voice's pipeline. The pipeline implements it; the units import only this interface, so no unit
 * imports the pipeline that composes it.
 */
export interface CallServices {
  /** Voice name. */
  readonly name: string;
  /** The voice the pipeline reports to. */
  readonly voice: Voice;
  /** Current time, epoch ms (the pipeline's clock). */
  now(): number;
  /** Classifies a thrown value in the pipeline's context (cached per error object). */
  classify(err: unknown, state: MethodState | undefined, phase?: ClassifyContext['phase']): Classification;
  /** Records a failed attempt (and trips the breaker at once where the category says so). */
  attemptFailed(
    state: MethodState,
    classification: Classification,
    latencyMs: number,
    attempt: number,
    breaker: VoiceBreaker | undefined,
  ): void;
  /** Counts a successful attempt's latency for the adaptive timeout. */
  learnLatency(state: MethodState, ms: number, model: string | undefined): void;
  /** Starts another attempt of the method (re-reading it: adapters can change under us). */
  reinvoke(owner: object, state: MethodState, args: unknown[]): Attempt;
  /** The fallback chain, once the primary gave up. */
  fallBack(
    state: MethodState,
    args: unknown[],
    classification: Classification,
    error: unknown,
    attempts: number,
    start: number,
    served?: ServedHolder,
  ): Promise<unknown>;
}

/**
 * One call as the attempt loop runs it, shared by unary calls, rich promises and streams: what an
 * attempt awaits, what the winning attempt gives the caller, how the next attempt starts and where
 * a call goes when the voice gives up.
 */
export interface AttemptRun {
  readonly state: MethodState;
  readonly args: unknown[];
  /** When the caller's call started (epoch ms of the pipeline's clock). */
  readonly start: number;
  readonly breaker: VoiceBreaker;
  /** The model the request names (its cool-downs are the model's), if any. */
  readonly model: string | undefined;
  /** Time the call waited out a Retry-After cool-down before its first attempt, counted in its retry waits (ms). */
  readonly cooledMs?: number | undefined;
  /** Whether the call holds a concurrency slot while it runs (streams do not). */
  readonly holdsSlot: boolean;
  /** Whether another attempt can be started at all (a stream served before its adapter loaded cannot). */
  readonly canRetry: boolean;
  /** Awaits attempt `current` under the attempt guard; resolves to its checked value. */
  attempt(current: Attempt, attemptStart: number): Promise<unknown>;
  /** What the caller gets for the winning attempt. */
  won(current: Attempt, value: unknown, attemptStart: number, attempt: number): unknown;
  /** Starts the next attempt. */
  next(): Attempt | Promise<Attempt>;
  /** The voice gave up: the fallback chain serves the call. */
  fallBack(classification: Classification, error: unknown, attempts: number): unknown;
  /** The caller aborted: the call ends now. */
  aborted(): void;
}
