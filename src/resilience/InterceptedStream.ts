import { recordFailure } from '../errors/failureOf.js';
import { InvalidResponseError } from '../errors/InvalidResponseError.js';
import { StreamInterruptedError } from '../errors/StreamInterruptedError.js';
import type { CallPipeline } from './CallPipeline.js';
import type { MethodState } from './MethodState.js';
import { findSignal, isAsyncIterable, isThenable } from './resultShapes.js';
import type { RetryState } from './RetrySchedule.js';
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
    private readonly pipeline: CallPipeline,
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

  private async first(): Promise<IteratorResult<T>> {
    const pipeline = this.pipeline;
    const state = this.state;
    const voice = pipeline.voice;
    let retryState: RetryState | undefined;
    for (;;) {
      // Served by the fallback chain (adapter or value): iterate what it gave, or throw its
      // VoiceSilencedError to the caller.
      if (isThenable(this.source)) return this.pass(await this.source);
      const attemptStart = pipeline.now();
      let error: unknown;
      try {
        const iterator = (this.source as AsyncIterable<T>)[Symbol.asyncIterator]();
        this.iterator = iterator;
        const result = (await pipeline.protect(
          state,
          iterator.next(),
          checkFirstChunk,
          attemptStart,
          this.breaker!,
          undefined,
        )) as IteratorResult<T>;
        voice.firstChunk(state.cells, (pipeline.now() - this.start) / 1000);
        const ttft = pipeline.now() - attemptStart;
        pipeline.learnLatency(state, ttft, undefined);
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
      } catch (err) {
        error = err;
      }
      const classification = pipeline.classify(error, state);
      const signal = findSignal(this.args);
      if (classification.category === 'aborted' || signal?.aborted) {
        this.finished = true;
        state.cells.error('aborted');
        throw error;
      }
      pipeline.attemptFailed(
        state,
        classification,
        pipeline.now() - attemptStart,
        this.attempt,
        this.breaker,
      );
      retryState ??= { backoff: undefined };
      const delay = pipeline.retryDelay(classification, this.attempt, retryState);
      if (
        pipeline.giveUp(
          classification,
          delay,
          retryState,
          this.breaker!,
          state.path,
          requestModel(this.args),
        ) ||
        delay === undefined ||
        this.owner === undefined
      ) {
        this.source = pipeline.fallBack(state, this.args, classification, error, this.attempt, this.start);
        continue;
      }
      voice.retrying(state.cells, state.path, classification.category, delay, this.attempt);
      if (delay > 0 && !(await pipeline.sleep(delay, signal))) {
        this.finished = true;
        throw signal?.reason ?? error;
      }
      this.attempt += 1;
      try {
        const next = pipeline.reinvoke(this.owner, state, this.args).raw;
        const value = isThenable(next) ? await next : next;
        this.source = isAsyncIterable(value)
          ? value
          : failingStream(new InvalidResponseError(pipeline.name, state.path, ['(root): expected a stream']));
      } catch (err) {
        this.source = failingStream(err);
      }
    }
  }

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
    this.pipeline.voice.callEnded(this.state.cells, 'success', (this.pipeline.now() - this.start) / 1000);
  }

  private interrupted(err: unknown): never {
    this.finished = true;
    const pipeline = this.pipeline;
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

function checkFirstChunk(this: CallPipeline, state: MethodState, result: unknown): unknown {
  const chunk = result as IteratorResult<unknown>;
  if (chunk.done || state.chunkSchema === undefined) return result;
  this.validate({ ...state, schema: state.chunkSchema }, chunk.value);
  return result;
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
