import { keepShape } from '../base/keepShape.js';
import type { FirstAttempt } from './FirstAttempt.js';
import type { MethodState } from './MethodState.js';
import { CONSUMED, OBSERVE, RichPromise, type Winner } from './results/RichPromise.js';
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
  while (undecided.head !== undefined) undecided.head[CONSUMED](false);
}

/**
 * A rich promise of the call path: what the caller receives is observed (streams and pages come
 * back as observed proxies) and the parsed body's usage is read once — `then` and `withResponse`
 * may both ask — with the winning attempt's latency to its response (no clock reading of its own).
 * The caller gets an instance of `richClass(<the SDK promise's prototype>)` in front of it.
 *
 * What its first attempt waits on is chosen by the caller's first consumption (`CONSUMED`): a
 * caller awaiting the data (nearly every caller: `await create()` asks within the same turn) has
 * the attempt wait on the SDK's own parse — one chain, the data the caller would get unwrapped —
 * unless the voice's rate-limit headers are due to be read; any other member first (`asResponse()`,
 * `withResponse()`), or no consumption by the end of the turn, has it wait on the HTTP response
 * (`richAttempt`), leaving the body unread.
 */
export class RichCall extends RichPromise {
  // Declared and assigned in the constructor (see `DataThenable`).
  declare private readonly calls: RichCallHost;
  declare private readonly state: MethodState;
  declare private readonly args: unknown[];
  /** When the call started (its first attempt, or what it waited before). */
  declare private readonly since: number;
  declare private readonly breaker: VoiceBreaker;
  declare private counted: boolean;
  /** The first attempt, until the caller's first consumption says what it waits on. */
  declare private attempt: FirstAttempt | undefined;
  declare private prev: RichCall | undefined;
  declare private next: RichCall | undefined;

  constructor(
    first: object,
    calls: RichCallHost,
    state: MethodState,
    args: unknown[],
    since: number,
    breaker: VoiceBreaker,
  ) {
    super(first);
    this.calls = calls;
    this.state = state;
    this.args = args;
    this.since = since;
    this.breaker = breaker;
    this.counted = false;
    this.attempt = undefined;
    this.prev = undefined;
    this.next = undefined;
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

  override [CONSUMED](data: boolean): boolean {
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

  override [OBSERVE](value: unknown, winner: Winner): unknown {
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
