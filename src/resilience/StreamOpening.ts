import { keepShape } from '../base/keepShape.js';
import { UNREAD_RESPONSE } from '../health/HealthTracker.js';
import type { Classification } from '../classify/Classification.js';
import { InvalidResponseError } from '../errors/InvalidResponseError.js';
import type { AttemptLoop } from './AttemptLoop.js';
import { validateResult } from './AttemptGuard.js';
import type { Attempt, AttemptRun } from './CallServices.js';
import type { MethodState } from './MethodState.js';
import { isAsyncIterable, isThenable } from './resultShapes.js';
import { requestModel } from './sdkRequestOptions.js';
import type { VoiceBreaker } from './VoiceBreaker.js';

/** What an opening reports to the stream the caller iterates. */
export interface OpeningStream<T> {
  /** The iterator of the attempt under way (the one a caller's `return()` or `throw()` reaches). */
  iterating(iterator: AsyncIterator<T>): void;
  /** Attempt `attempt` (started at `attemptStart`) gave its first chunk: the stream delivers from here. */
  opened(result: IteratorResult<T>, attemptStart: number, attempt: number): IteratorResult<T>;
  /** The fallback chain served the call: its value is iterated as it is. */
  served(value: unknown): Promise<IteratorResult<T>>;
  /** The caller aborted before the first chunk. */
  aborted(): void;
}

/**
 * A stream's attempts up to its first chunk, run by the attempt loop like a unary call's: each
 * attempt's first chunk awaited under the attempt guard (deadline, chunk schema, breaker) and
 * retried, or the fallback chain, on failure. The first chunk counts the attempt as a success
 * (time to first chunk, learned latency); what comes after it is the stream's.
 */
export class StreamOpening<T> implements AttemptRun {
  readonly model: string | undefined;
  readonly holdsSlot = false;
  readonly canRetry: boolean;

  constructor(
    private readonly loop: AttemptLoop,
    private readonly owner: object | undefined,
    readonly state: MethodState,
    readonly args: unknown[],
    readonly start: number,
    readonly breaker: VoiceBreaker,
    private readonly stream: OpeningStream<T>,
  ) {
    this.model = requestModel(args);
    // A stream served before its adapter loaded has no method to call again.
    this.canRetry = owner !== undefined;
  }

  /** Runs the attempts from `source` (attempt number `attempt`) until a first chunk or the fallback chain. */
  open(source: AsyncIterable<unknown>, attempt: number): Promise<IteratorResult<T>> {
    const first = { raw: source, controller: undefined };
    return this.loop.run(this, first, this.loop.services.now(), undefined, attempt) as Promise<
      IteratorResult<T>
    >;
  }

  attempt(current: Attempt, attemptStart: number): Promise<unknown> {
    const iterator = (current.raw as AsyncIterable<T>)[Symbol.asyncIterator]();
    this.stream.iterating(iterator);
    return this.loop.guard.protect(
      this.state,
      iterator.next(),
      this.checkFirstChunk,
      attemptStart,
      this.breaker,
      undefined,
    );
  }

  /** The first chunk arrived: the stream counts as a successful attempt from here. */
  won(_current: Attempt, value: unknown, attemptStart: number, attempt: number): IteratorResult<T> {
    const services = this.loop.services;
    const voice = services.voice;
    voice.firstChunk(this.state.cells, (services.now() - this.start) / 1000);
    const ttft = services.now() - attemptStart;
    if (voice.attemptSucceeded(ttft, UNREAD_RESPONSE)) services.learnLatency(this.state, ttft, undefined);
    return this.stream.opened(value as IteratorResult<T>, attemptStart, attempt);
  }

  /** Starts another attempt: the method called again, its stream (or a failure) the new source. */
  async next(): Promise<Attempt> {
    const services = this.loop.services;
    let source: unknown;
    try {
      const next = services.reinvoke(this.owner!, this.state, this.args).raw;
      const value = isThenable(next) ? await next : next;
      source = isAsyncIterable(value)
        ? value
        : failingStream(
            new InvalidResponseError(services.name, this.state.path, ['(root): expected a stream']),
          );
    } catch (err) {
      source = failingStream(err);
    }
    return { raw: source, controller: undefined };
  }

  fallBack(classification: Classification, error: unknown, attempts: number): Promise<IteratorResult<T>> {
    const { state, args, start, stream } = this;
    const served = this.loop.services.fallBack(state, args, classification, error, attempts, start);
    return served.then((value) => stream.served(value));
  }

  aborted(): void {
    this.stream.aborted();
  }

  /** Checks the first chunk against the method's chunk schema. */
  private readonly checkFirstChunk = (state: MethodState, result: unknown): unknown => {
    const chunk = result as IteratorResult<unknown>;
    if (chunk.done || state.chunkSchema === undefined) return result;
    validateResult(
      this.loop.services.name,
      { ...state, schema: state.chunkSchema, accepts: undefined },
      chunk.value,
    );
    return result;
  };
}

/** A value served by the fallback chain, as a stream: an async or sync iterable as it is, else one chunk. */
export function servedStream(served: unknown): AsyncIterable<unknown> {
  if (isAsyncIterable(served)) return served;
  return typeof served !== 'string' && isSyncIterable(served) ? toAsync(served) : toAsync([served]);
}

function isSyncIterable(value: unknown): value is Iterable<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

async function* toAsync(values: Iterable<unknown>): AsyncGenerator<unknown> {
  yield* values;
}

function failingStream(err: unknown): AsyncIterable<never> {
  return {
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(err) }),
  };
}

// One opening of placeholders, kept (see `keepShape`; fractional milliseconds).
keepShape(new StreamOpening({} as never, undefined, {} as never, [], 0.5, {} as never, {} as never));
