import { InvalidResponseError } from '../errors/InvalidResponseError.js';
import { NoneReturnError } from '../errors/NoneReturnError.js';
import { TimeoutError } from '../errors/TimeoutError.js';
import type { AttemptTimeout } from './AttemptTimeout.js';
import type { DeadlineQueue } from './DeadlineQueue.js';
import type { MethodState } from './MethodState.js';
import { isAsyncIterable } from './resultShapes.js';
import type { VoiceBreaker } from './VoiceBreaker.js';

/** How often a method's attempt timeout is recomputed (ms of the pipeline's clock). */
const TIMEOUT_REFRESH_MS = 1_000;

/** Checks an attempt's value; throws to fail the attempt. */
export type AttemptCheck = (state: MethodState, value: unknown) => unknown;

/**
 * The policy around one attempt: its deadline (which cancels the attempt's request through its
 * controller), the check of its value against the method's schema, and the breaker it reports to.
 */
export class AttemptGuard {
  /** Checks a result against its method's schema (see {@link validateResult}). */
  readonly check: AttemptCheck;

  constructor(
    private readonly name: string,
    private readonly timeout: AttemptTimeout,
  ) {
    this.check = (state, value) => validateResult(name, state, value);
  }

  /**
   * One attempt under its deadline, its value checked, fed through the breaker; resolves like the
   * attempt.
   */
  protect(
    state: MethodState,
    attempt: PromiseLike<unknown>,
    check: AttemptCheck | undefined,
    startedAt: number,
    breaker: VoiceBreaker,
    model: string | undefined,
    controller?: AbortController,
  ): Promise<unknown> {
    const deadlines = this.deadlinesOf(state, model, startedAt);
    if (!breaker.closed) {
      // A half-open trial (or a breaker opened meanwhile): cockatiel's full path.
      return breaker.track(
        deadlines === undefined && check === undefined
          ? attempt
          : this.guard(state, attempt, check, startedAt, deadlines, controller),
      );
    }
    return new Promise((resolve, reject) => {
      const deadline = deadlines?.add(() => {
        const error = new TimeoutError(this.name, state.path, deadlines.durationMs);
        controller?.abort(error);
        void breaker.failed(error).then(() => reject(error));
      }, startedAt);
      attempt.then(
        (value) => {
          if (deadline !== undefined && !deadlines!.cancel(deadline)) return;
          let checked: unknown;
          try {
            checked = check === undefined ? value : check(state, value);
          } catch (err) {
            void breaker.failed(err).then(() => reject(err));
            return;
          }
          breaker.succeeded();
          resolve(checked);
        },
        (err: unknown) => {
          if (deadline !== undefined && !deadlines!.cancel(deadline)) return;
          void breaker.failed(err).then(() => reject(err));
        },
      );
    });
  }

  /**
   * The deadline queue of a method's (and model's) attempt timeout now (undefined: none):
   * recomputed at most every TIMEOUT_REFRESH_MS while the method's calls name one model.
   */
  deadlinesOf(state: MethodState, model: string | undefined, now: number): DeadlineQueue | undefined {
    if (now < state.timeoutRefreshAt && model === state.deadlinesModel) return state.deadlines;
    const ms = this.timeout.durationMs(state.latency, model);
    const deadlines = ms === undefined ? undefined : this.timeout.queue(ms);
    state.deadlines = deadlines;
    state.deadlinesModel = model;
    state.timeoutRefreshAt = now + TIMEOUT_REFRESH_MS;
    return deadlines;
  }

  /** The attempt under its deadline (cancelling its request) and checked, without the breaker. */
  private guard(
    state: MethodState,
    attempt: PromiseLike<unknown>,
    check: AttemptCheck | undefined,
    startedAt: number,
    deadlines: DeadlineQueue | undefined,
    controller: AbortController | undefined,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const deadline = deadlines?.add(() => {
        const error = new TimeoutError(this.name, state.path, deadlines.durationMs);
        controller?.abort(error);
        reject(error);
      }, startedAt);
      attempt.then(
        (value) => {
          if (deadline !== undefined) deadlines!.cancel(deadline);
          try {
            resolve(check === undefined ? value : check(state, value));
          } catch (err) {
            reject(err);
          }
        },
        (err: unknown) => {
          if (deadline !== undefined) deadlines!.cancel(deadline);
          reject(err);
        },
      );
    });
  }
}

/** Checks a result against the method's schema: null where a value is expected, or a mismatch. */
export function validateResult(name: string, state: MethodState, value: unknown): unknown {
  const schema = state.schema;
  if (schema === undefined) return value;
  if (value === null || value === undefined) throw new NoneReturnError(name, state.path, value);
  if (schema === true || isAsyncIterable(value)) return value;
  if (state.accepts?.(value) === true) return value;
  const result = schema.safeParse(value);
  if (result.success) return value;
  throw new InvalidResponseError(
    name,
    state.path,
    result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`),
  );
}
