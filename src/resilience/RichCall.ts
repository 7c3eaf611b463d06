import { keepShape } from '../base/keepShape.js';
import type { FirstAttempt } from './FirstAttempt.js';
import type { MethodState } from './MethodState.js';
import { RichPromise, type RichObserver, type Winner } from './results/RichPromise.js';
import { richAttempt } from './results/richAttempt.js';
import type { Observation } from './results/StreamObserver.js';
import { needsObserving, observeResult } from './results/observeResult.js';
import type { VoiceBreaker } from './VoiceBreaker.js';
import type { Voice } from '../voice/Voice.js';

/** How a handed-back SDK object (stream, page, helper) of a call reports to its voice. */
export type ObservationOf = (
  state: MethodState,
  start: number,
  attemptStart: number,
  breaker: VoiceBreaker,
  request?: unknown,
) => Observation;

/** What a rich call reaches of the unary calls that made it. */
export interface RichCallHost {
  /** How a handed-back SDK object of a call reports to its voice. */
  readonly observationOf: ObservationOf;
  /** The voice whose usage meter reads the body. */
  readonly voice: Voice;
}

/** Rich calls whose first attempt waits for the caller's first consumption, oldest first. */
const undecided: { head: RichCall | undefined; tail: RichCall | undefined; flushing: boolean } = {
  head: undefined,
  tail: undefined,
  flushing: false,
};

/** At the end of the turn, calls nobody consumed yet wait on their responses (nothing is read). */
function flush(): void {
  undecided.flushing = false;
  while (undecided.head !== undefined) undecided.head.consumed(false);
}

/**
 * A rich promise's call on the call path (its `promise`, which the caller's front holds): what the
 * caller receives is observed (streams and pages come back as observed proxies) and the parsed
 * body's usage is read once — `then` and `withResponse` may both ask — with the winning attempt's
 * latency to its response (no clock reading of its own).
 *
 * What its first attempt waits on is chosen by the caller's first consumption (`consumed`): a
 * caller awaiting the data (nearly every caller: `await create()` asks within the same turn) has
 * the attempt wait on the SDK's own parse — one chain, the data the caller would get unwrapped —
 * unless the voice's rate-limit headers are due to be read; any other member first (`asResponse()`,
 * `withResponse()`), or no consumption by the end of the turn, has it wait on the HTTP response
 * (`richAttempt`), leaving the body unread.
 */
export class RichCall implements RichObserver {
  /** The promise the caller's front holds (see `richClass`); the first attempt settles it. */
  readonly promise: RichPromise;
  private counted = false;
  /** The first attempt, until the caller's first consumption says what it waits on. */
  private attempt: FirstAttempt | undefined = undefined;
  private prev: RichCall | undefined = undefined;
  private next: RichCall | undefined = undefined;

  constructor(
    first: object,
    private readonly calls: RichCallHost,
    private readonly state: MethodState,
    private readonly args: unknown[],
    /** When the call started (its first attempt, or what it waited before). */
    private readonly since: number,
    private readonly breaker: VoiceBreaker,
  ) {
    this.promise = new RichPromise(first, this);
  }

  /** The first attempt is under way: it listens once the caller consumes, or at the end of the turn. */
  awaitConsumption(attempt: FirstAttempt): void {
    this.attempt = attempt;
    const tail = undecided.tail;
    this.prev = tail;
    if (tail === undefined) undecided.head = this;
    else tail.next = this;
    undecided.tail = this;
    if (!undecided.flushing) {
      undecided.flushing = true;
      setImmediate(flush);
    }
  }

  consumed(data: boolean): boolean {
    const attempt = this.attempt;
    if (attempt === undefined) return false;
    this.attempt = undefined;
    const prev = this.prev;
    const next = this.next;
    if (prev === undefined) undecided.head = next;
    else prev.next = next;
    if (next === undefined) undecided.tail = prev;
    else next.prev = prev;
    this.prev = this.next = undefined;
    const raw = attempt.attempt.raw;
    const voice = this.calls.voice;
    if (data && !voice.usage.headersDue(this.args[0], attempt.start)) {
      attempt.read = true;
      attempt.listen(raw as PromiseLike<unknown>);
      return true;
    }
    attempt.listen(richAttempt(raw, this.state, voice, this.args[0], attempt.start));
    return false;
  }

  observe(value: unknown, winner: Winner): unknown {
    if (needsObserving(value)) {
      return observeResult(
        value,
        this.calls.observationOf(this.state, this.since, winner.attemptStart, this.breaker, this.args[0]),
      );
    }
    if (!this.counted) {
      this.counted = true;
      this.calls.voice.usage.unary(this.state.path, this.args[0], value, winner.latencyMs);
    }
    return value;
  }
}

// One call of placeholders, kept, so that its shape outlives full collections (see `keepShape`;
// fractional milliseconds).
keepShape(new RichCall({}, {} as never, {} as never, [], 0.5, {} as never));
