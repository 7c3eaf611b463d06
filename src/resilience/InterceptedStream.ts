import { recordFailure } from '../errors/failureOf.js';
import { InvalidResponseError } from '../errors/InvalidResponseError.js';
import { StreamInterruptedError } from '../errors/StreamInterruptedError.js';
import type { AttemptLoop } from './AttemptLoop.js';
import { validateResult } from './AttemptGuard.js';
import type { Attempt, AttemptRun } from './CallServices.js';
import type { MethodState } from './MethodState.js';
import { findSignal, isAsyncIterable, isThenable } from './resultShapes.js';
import { requestModel } from './sdkRequestOptions.js';
import type { StreamUsageObserver } from '../usage/UsageMeter.js';
import type { VoiceBreaker } from './VoiceBreaker.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * A stream under the pipeline: time to first chunk is measured; a failure before the first chunk
 * is retried and can fall back; a failure after it is `stream_interrupted` — the chunks already
 * delivered stay delivered and nothing is silently replayed.
 */
export class InterceptedStream<T = unknown> implements AsyncIterableIterator<T> {
  private iterator: AsyncIterator<T> | undefined;
  private delivered = 0;
  private finished = false;
  /** Iterating a fallback's stream: its own wrapper (if any) protects it. */
  private passthrough = false;
  /** Reads the usage the stream reports (undefined when it reports none). */
  private usage: StreamUsageObserver | undefined;

  constructor(
    private readonly loop: AttemptLoop,
    private readonly owner: object | undefined,
    private readonly state: MethodState,
    private readonly args: unknown[],
    private source: AsyncIterable<unknown> | PromiseLike<unknown>,
    private readonly start: number,
    private readonly breaker?: VoiceBreaker,
    private attempt = 1,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Next chunk. */
  async next(): Promise<IteratorResult<T>> {
    if (this.finished) return DONE;
    const iterator = this.iterator;
    if (iterator === undefined) return this.first();
    if (this.passthrough) return iterator.next();
    let result: IteratorResult<T>;
    try {
      result = await iterator.next();
    } catch (err) {
      return this.interrupted(err);
    }
    if (result.done) {
      this.usage?.end(result.value);
      this.complete();
    } else {
      this.delivered += 1;
      this.usage?.chunk(result.value);
    }
    return result;
  }

  /** The caller stopped early (break / return): not a failure. */
  async return(value?: unknown): Promise<IteratorResult<T>> {
    const wasFinished = this.finished;
    this.finished = true;
    if (!wasFinished && this.delivered > 0 && !this.passthrough) {
      this.usage?.end();
      this.ended();
    }
    await this.iterator?.return?.(value);
    return DONE;
  }

  /** Forwards a thrown error into the underlying iterator. */
  async throw(error?: unknown): Promise<IteratorResult<T>> {
    this.finished = true;
    if (this.iterator?.throw) return this.iterator.throw(error);
    throw error;
  }

  private first(): Promise<IteratorResult<T>> {
    // Served by the fallback chain (adapter or value): iterate what it gave, or throw its
    // VoiceSilencedError to the caller.
    if (isThenable(this.source)) return Promise.resolve(this.source).then((served) => this.pass(served));
    const loop = this.loop;
    const run: AttemptRun = {
      state: this.state,
      args: this.args,
      start: this.start,
      breaker: this.breaker!,
      model: requestModel(this.args),
      holdsSlot: false,
      canRetry: this.owner !== undefined,
      attempt: (current, attemptStart) => {
        const iterator = (current.raw as AsyncIterable<T>)[Symbol.asyncIterator]();
        this.iterator = iterator;
        return loop.guard.protect(
          this.state,
          iterator.next(),
          this.checkFirstChunk,
          attemptStart,
          this.breaker!,
          undefined,
        );
      },
      won: (_current, value, attemptStart, attempt) => {
        this.attempt = attempt;
        return this.firstChunk(value as IteratorResult<T>, attemptStart);
      },
      next: () => this.nextSource(),
      fallBack: (classification, error, attempts) => {
        this.attempt = attempts;
        const served = loop.services.fallBack(
          this.state,
          this.args,
          classification,
          error,
          attempts,
          this.start,
        );
        return served.then((value) => this.pass(value));
      },
      aborted: () => {
        this.finished = true;
      },
    };
    const source = { raw: this.source, controller: undefined };
    return loop.run(run, source, loop.services.now(), undefined, this.attempt) as Promise<IteratorResult<T>>;
  }

  /** The first chunk arrived: the stream counts as a successful attempt from here. */
  private firstChunk(result: IteratorResult<T>, attemptStart: number): IteratorResult<T> {
    const services = this.loop.services;
    const state = this.state;
    const voice = services.voice;
    voice.firstChunk(state.cells, (services.now() - this.start) / 1000);
    const ttft = services.now() - attemptStart;
    services.learnLatency(state, ttft, undefined);
    voice.attemptSucceeded(ttft, undefined);
    this.usage = voice.usage.stream(state.path, this.args[0], attemptStart);
    if (result.done) {
      this.usage?.end(result.value);
      this.complete();
    } else {
      this.delivered = 1;
      this.usage?.chunk(result.value);
    }
    return result;
  }

  /** Starts another attempt: the method called again, its stream (or a failure) the new source. */
  private async nextSource(): Promise<Attempt> {
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
    this.source = source as AsyncIterable<unknown>;
    return { raw: source, controller: undefined };
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

  private pass(served: unknown): Promise<IteratorResult<T>> {
    this.passthrough = true;
    const iterable = isAsyncIterable(served)
      ? served
      : typeof served !== 'string' && isSyncIterable(served)
        ? toAsync(served)
        : toAsync([served]);
    this.iterator = (iterable as AsyncIterable<T>)[Symbol.asyncIterator]();
    return this.iterator.next();
  }

  private complete(): void {
    this.finished = true;
    this.ended();
  }

  private ended(): void {
    const services = this.loop.services;
    services.voice.callEnded(this.state.cells, 'success', (services.now() - this.start) / 1000);
  }

  private interrupted(err: unknown): never {
    this.finished = true;
    const pipeline = this.loop.services;
    const state = this.state;
    const category = pipeline.classify(err, state, 'stream').category;
    if (category === 'aborted' || findSignal(this.args)?.aborted) {
      state.cells.error('aborted');
      throw err;
    }
    const error = new StreamInterruptedError(pipeline.name, state.path, this.delivered, err);
    pipeline.attemptFailed(
      state,
      pipeline.classify(error, state, 'stream'),
      pipeline.now() - this.start,
      this.attempt,
      this.breaker,
    );
    // Let the breaker count it: streams fail after their attempt already counted as a success.
    if (this.breaker !== undefined) void this.breaker.failed(error);
    recordFailure(error, {
      category: 'stream_interrupted',
      adapter: pipeline.name,
      method: state.path,
      attempts: this.attempt,
      fallbackErrors: [],
    });
    pipeline.voice.callEnded(state.cells, 'failure', (pipeline.now() - this.start) / 1000);
    throw error;
  }
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
