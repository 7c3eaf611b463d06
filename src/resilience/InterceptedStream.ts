import { keepShape } from '../base/keepShape.js';
import { recordFailure } from '../errors/failureOf.js';
import { StreamInterruptedError } from '../errors/StreamInterruptedError.js';
import type { AttemptLoop } from './AttemptLoop.js';
import type { MethodState } from './MethodState.js';
import { findSignal, isThenable } from './resultShapes.js';
import { servedStream, StreamOpening, type OpeningStream } from './StreamOpening.js';
import type { StreamUsageObserver } from '../usage/UsageMeter.js';
import type { VoiceBreaker } from './VoiceBreaker.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * A stream under the pipeline: up to its first chunk its attempts are a `StreamOpening` (time to
 * first chunk measured, a failure retried or served by the fallback chain); a failure after it is
 * `stream_interrupted` — the chunks already delivered stay delivered and nothing is silently replayed.
 */
export class InterceptedStream<T = unknown> implements AsyncIterableIterator<T>, OpeningStream<T> {
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
    private readonly source: AsyncIterable<unknown> | PromiseLike<unknown>,
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
    const source = this.source;
    if (isThenable(source)) return Promise.resolve(source).then((served) => this.served(served));
    const { loop, owner, state, args, start } = this;
    return new StreamOpening<T>(loop, owner, state, args, start, this.breaker!, this).open(
      source,
      this.attempt,
    );
  }

  /** The current attempt's iterator (see StreamOpening). */
  iterating(iterator: AsyncIterator<T>): void {
    this.iterator = iterator;
  }

  /** The first chunk of attempt `attempt` arrived: delivered from here, its usage read. */
  opened(result: IteratorResult<T>, attemptStart: number, attempt: number): IteratorResult<T> {
    this.attempt = attempt;
    this.usage = this.loop.services.voice.usage.stream(this.state.path, this.args[0], attemptStart);
    if (result.done) {
      this.usage?.end(result.value);
      this.complete();
    } else {
      this.delivered = 1;
      this.usage?.chunk(result.value);
    }
    return result;
  }

  /** The fallback chain served the call: its stream (or value) passes through as it is. */
  served(value: unknown): Promise<IteratorResult<T>> {
    this.passthrough = true;
    this.iterator = (servedStream(value) as AsyncIterable<T>)[Symbol.asyncIterator]();
    return this.iterator.next();
  }

  /** The caller aborted before the first chunk. */
  aborted(): void {
    this.finished = true;
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

// One stream of placeholders, kept (see `keepShape`; fractional milliseconds).
keepShape(new InterceptedStream({} as never, undefined, {} as never, [], {} as never, 0.5, {} as never));
