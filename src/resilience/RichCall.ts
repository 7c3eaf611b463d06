import type { MethodState } from './MethodState.js';
import { OBSERVE, RichPromise, type Winner } from './results/RichPromise.js';
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

/**
 * A rich promise of the call path: what the caller receives is observed (streams and pages come
 * back as observed proxies) and the parsed body's usage is read once — `then` and `withResponse`
 * may both ask — with the winning attempt's latency to its response (no clock reading of its own).
 * The caller gets an instance of `richClass(RichCall, <the SDK promise's prototype>)`.
 */
export class RichCall extends RichPromise {
  readonly #calls: RichCallHost;
  readonly #state: MethodState;
  readonly #args: unknown[];
  /** When the call started (its first attempt, or what it waited before). */
  readonly #since: number;
  readonly #breaker: VoiceBreaker;
  #counted = false;

  constructor(
    first: object,
    calls: RichCallHost,
    state: MethodState,
    args: unknown[],
    since: number,
    breaker: VoiceBreaker,
  ) {
    super(first);
    this.#calls = calls;
    this.#state = state;
    this.#args = args;
    this.#since = since;
    this.#breaker = breaker;
  }

  override [OBSERVE](value: unknown, winner: Winner): unknown {
    if (needsObserving(value)) {
      return observeResult(
        value,
        this.#calls.observationOf(
          this.#state,
          this.#since,
          winner.attemptStart,
          this.#breaker,
          this.#args[0],
        ),
      );
    }
    if (!this.#counted) {
      this.#counted = true;
      this.#calls.voice.usage.unary(this.#state.path, this.#args[0], value, winner.latencyMs);
    }
    return value;
  }
}
