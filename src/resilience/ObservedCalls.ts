import type { Clock } from '../clock/Clock.js';
import { CircuitOpenError } from '../errors/CircuitOpenError.js';
import { recordFailure } from '../errors/failureOf.js';
import type { Attempt, CallServices } from './CallServices.js';
import type { MethodState } from './MethodState.js';
import type { Observation } from './results/StreamObserver.js';
import type { ScopedBreakers } from './ScopedBreakers.js';
import type { UnaryCalls } from './UnaryCall.js';
import type { VoiceBreaker } from './VoiceBreaker.js';

/**
 * The SDK objects handed back to the caller (streams, pages, stream helpers) report to their voice
 * through an {@link Observation}: the call's timing, its breaker, and a protected fetch for the
 * next page of a Page (a call of the same method: retried, measured, classified).
 */
export class ObservedCalls {
  constructor(
    private readonly services: CallServices,
    private readonly unary: () => UnaryCalls,
    private readonly breakers: ScopedBreakers,
    private readonly clock: Clock,
  ) {}

  /** How a handed-back SDK object of a call reports to this voice. */
  observation(
    state: MethodState,
    start: number,
    attemptStart: number,
    breaker: VoiceBreaker,
    request?: unknown,
  ): Observation {
    return {
      pipeline: this.services,
      state,
      start,
      attemptStart,
      breaker,
      request,
      protectPage: (fetch: () => unknown) => this.page(state, fetch),
    };
  }

  /** A protected call of a thunk (the next page of a Page): retried, measured, classified. */
  private page(state: MethodState, fetch: () => unknown): Promise<unknown> {
    const start = this.clock();
    const breaker = this.breakers.of(state.path, undefined);
    if (!breaker.allows()) {
      state.cells.error('circuit_open');
      return this.rejectNow(state, new CircuitOpenError(this.services.name, state.path), start);
    }
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
    return this.unary().settle({ fetch }, thunkState, [], first, start, breaker, undefined);
  }

  /** Fails a call that cannot be attempted and has nowhere else to go (an open breaker before a stream helper). */
  rejectNow(state: MethodState, error: Error, start: number): never {
    this.services.voice.callEnded(state.cells, 'rejected', (this.clock() - start) / 1000);
    recordFailure(error, {
      category: 'circuit_open',
      adapter: this.services.name,
      method: state.path,
      attempts: 0,
      fallbackErrors: [],
    });
    throw error;
  }
}
