import { systemScheduler, type Scheduler } from '../clock/Scheduler.js';
import type { Clock, Sleep } from '../clock/Clock.js';
import { CircuitOpenError } from '../errors/CircuitOpenError.js';
import { TimeoutError } from '../errors/TimeoutError.js';
import type { AttemptGuard } from './AttemptGuard.js';
import type { Attempt, AttemptRun, CallServices } from './CallServices.js';
import type { ConcurrencyLimit } from './ConcurrencyLimit.js';
import type { RetryPolicy } from './RetryPolicy.js';
import type { RetryState } from './RetrySchedule.js';
import { findSignal, isThenable } from './resultShapes.js';

/** How long a timed-out attempt's request may take to close before the retry starts anyway. */
const CLOSE_WAIT_MS = 5_000;

/**
 * The one attempt loop of the call path, for unary calls, rich promises and streams alike: each
 * attempt guarded (deadline, check, breaker), its failure classified and counted; retried after
 * the policy's delay while the category, budget and breaker allow; then the fallback chain. Runs
 * after a unary call's fast first attempt failed (see `UnaryCall`), and for a stream's attempts
 * up to its first chunk.
 */
export class AttemptLoop {
  constructor(
    readonly services: CallServices,
    readonly guard: AttemptGuard,
    readonly policy: RetryPolicy,
    private readonly limit: ConcurrencyLimit,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
    private readonly scheduler: Scheduler = systemScheduler,
  ) {}

  /**
   * Runs `run` from attempt `first` (started at `firstStart`); `failedFirst` holds that attempt's
   * error when it already failed. Releases the call's concurrency slot when it ends.
   */
  async run(
    run: AttemptRun,
    first: Attempt,
    firstStart: number,
    failedFirst?: { readonly err: unknown },
    firstAttempt = 1,
  ): Promise<unknown> {
    const { services, policy, limit } = this;
    const { state, args, breaker } = run;
    try {
      let current = first;
      let attemptStart = firstStart;
      let attempt = firstAttempt;
      let retryState: RetryState | undefined;
      let known = failedFirst;
      for (;;) {
        let error: unknown;
        if (known !== undefined) {
          error = known.err;
          known = undefined;
        } else {
          try {
            const value = await run.attempt(current, attemptStart);
            return run.won(current, value, attemptStart, attempt);
          } catch (err) {
            error = err;
          }
        }
        const classification = services.classify(error, state);
        const signal = findSignal(args);
        if (classification.category === 'aborted' || signal?.aborted) {
          run.aborted();
          state.cells.error('aborted');
          throw error;
        }
        services.attemptFailed(state, classification, this.clock() - attemptStart, attempt, breaker);
        if (error instanceof TimeoutError && current.controller !== undefined) {
          // Never a second request while the first is still open: wait for it to close.
          await settledWithin(current.raw, CLOSE_WAIT_MS, this.scheduler);
        }
        // A Retry-After cool-down the call waited out before its first attempt is part of its waits.
        retryState ??= {
          backoff: undefined,
          maxAttempts: policy.budget(state, args),
          waitedMs: run.cooledMs,
        };
        const delay = policy.delay(classification, attempt, retryState);
        if (
          policy.giveUp(classification, delay, retryState, breaker, state.path, run.model) ||
          delay === undefined
        ) {
          return run.fallBack(classification, error, attempt);
        }
        if (!run.canRetry) return run.fallBack(classification, error, attempt);
        services.voice.retrying(state.cells, state.path, classification.category, delay, attempt);
        if (delay > 0 && !(await this.pause(run, delay, signal))) {
          run.aborted();
          state.cells.error('aborted');
          throw signal?.reason ?? error;
        }
        if (!breaker.allows()) {
          state.cells.error('circuit_open');
          const open = services.classify(new CircuitOpenError(services.name, state.path), state);
          return run.fallBack(open, error, attempt);
        }
        attempt += 1;
        attemptStart = this.clock();
        try {
          const next = run.next();
          current = next instanceof Promise ? await next : next;
        } catch (err) {
          current = { raw: Promise.reject(err), controller: undefined };
        }
      }
    } finally {
      if (run.holdsSlot) {
        limit.inFlight -= 1;
        // A concurrency slot freed: the next waiting call (if any) may start.
        limit.pump();
      }
    }
  }

  /**
   * Sleeps before a retry, counted as sleeping (its slot handed on: it holds no request open); then, under a
   * concurrency limit, waits for a slot again like any new call, so retries never take the limit over (issue 15).
   * False when aborted.
   */
  private async pause(run: AttemptRun, delay: number, signal: AbortSignal | undefined): Promise<boolean> {
    if (!run.holdsSlot) return this.sleep(delay, signal);
    const limit = this.limit;
    limit.sleeping += 1;
    limit.pump();
    try {
      if (!(await this.sleep(delay, signal))) return false;
      if (!limit.full()) return true;
      const got = await limit.acquire(signal);
      if (got) limit.started();
      return got;
    } finally {
      limit.sleeping -= 1;
    }
  }
}

/** Resolves when `value` settles or after `ms`, whichever comes first (never rejects). */
function settledWithin(value: unknown, ms: number, scheduler: Scheduler): Promise<void> {
  if (!isThenable(value)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = scheduler.setTimeout(resolve, ms);
    timer.unref();
    value.then(
      () => {
        scheduler.clearTimeout(timer);
        resolve();
      },
      () => {
        scheduler.clearTimeout(timer);
        resolve();
      },
    );
  });
}
