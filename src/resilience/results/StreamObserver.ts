import { keepShape } from '../../base/keepShape.js';
import { UNREAD_RESPONSE } from '../../health/HealthTracker.js';
import { recordFailure } from '../../errors/failureOf.js';
import { StreamInterruptedError } from '../../errors/StreamInterruptedError.js';
import type { CallServices } from '../CallServices.js';
import type { MethodState } from '../MethodState.js';
import type { VoiceBreaker } from '../VoiceBreaker.js';
import type { StreamUsageObserver } from '../../usage/UsageMeter.js';

/** Where a handed-back SDK object reports: the pipeline, the call's method and its timings. */
export interface Observation {
  readonly pipeline: CallServices;
  readonly state: MethodState;
  /** When the caller's call started (epoch ms of the pipeline's clock). */
  readonly start: number;
  /** When the attempt that produced the object started. */
  readonly attemptStart: number;
  readonly breaker: VoiceBreaker;
  /** The call's first argument (the request body of an SDK call), for usage. */
  readonly request?: unknown;
  /** Runs a page fetch as a protected call of the same method. */
  readonly protectPage: (fetch: () => unknown) => Promise<unknown>;
}

/**
 * One stream's report to its voice, each event at most once: first chunk, then one end —
 * finished, failed, aborted, or handed off (`tee`, `toReadableStream`). `connected`: the stream
 * came with a response that already counted as a successful attempt and as the call (an SDK
 * `Stream` from `create({ stream: true })`); otherwise (stream helpers) the first chunk is the
 * attempt's success and the end counts the call.
 */
export class StreamObserver {
  private delivered = 0;
  private done = false;
  /** Reads the usage the stream reports (undefined when it reports none). */
  private usage: StreamUsageObserver | undefined;

  constructor(
    private readonly o: Observation,
    private readonly connected: boolean,
  ) {}

  /** A chunk arrived. */
  chunk(value?: unknown): void {
    if (this.delivered++ > 0 || this.done) {
      this.usage?.chunk(value);
      return;
    }
    const { pipeline, state } = this.o;
    this.usage = pipeline.voice.usage.stream(state.path, this.o.request, this.o.attemptStart);
    this.usage?.chunk(value);
    const now = pipeline.now();
    pipeline.voice.firstChunk(state.cells, (now - this.o.start) / 1000);
    if (!this.connected) {
      const ttfc = now - this.o.attemptStart;
      if (pipeline.voice.attemptSucceeded(ttfc, UNREAD_RESPONSE, now))
        pipeline.learnLatency(state, ttfc, undefined);
      void this.o.breaker.track(Promise.resolve());
    }
  }

  /**
   * The stream finished (or the caller stopped early); `aborted`: its request was cancelled. A
   * stream handed out with its response (`connected`) was counted as a call then; a stream
   * helper counts now.
   */
  ended(aborted: boolean): void {
    if (this.done) return;
    this.done = true;
    const { pipeline, state } = this.o;
    this.usage?.end();
    if (aborted) state.cells.error('aborted');
    if (!this.connected)
      pipeline.voice.callEnded(state.cells, 'success', (pipeline.now() - this.o.start) / 1000);
  }

  /** The stream's object was handed on (tee, toReadableStream): the call counts now. */
  handedOff(): void {
    this.ended(false);
  }

  /** The stream failed with `err` (which reaches the caller unchanged). */
  failed(err: unknown): void {
    if (this.done) return;
    this.done = true;
    const { pipeline, state, breaker } = this.o;
    const classification = pipeline.classify(err, state, 'stream');
    if (classification.category === 'aborted') {
      state.cells.error('aborted');
      return;
    }
    const now = pipeline.now();
    const latency = now - this.o.attemptStart;
    const failure =
      this.delivered > 0 || this.connected
        ? pipeline.classify(
            new StreamInterruptedError(pipeline.name, state.path, this.delivered, err),
            state,
            'stream',
          )
        : classification;
    pipeline.attemptFailed(state, failure, latency, 1, breaker);
    void breaker.failed(err);
    if (!this.connected) pipeline.voice.callEnded(state.cells, 'failure', (now - this.o.start) / 1000);
    recordFailure(err, {
      category: failure.category,
      adapter: pipeline.name,
      method: state.path,
      attempts: 1,
      fallbackErrors: [],
    });
  }
}

// One observer of placeholders kept, so that its shape outlives full collections (see `keepShape`).
keepShape(new StreamObserver({} as never, false));
