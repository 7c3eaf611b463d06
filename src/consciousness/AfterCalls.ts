/**
 * Work the learning loop does after the call that set it off has delivered its result (docs/architecture.md,
 * "Patterns, prediction, healing"): what a detected or resolved pattern sets off (metrics, memory, log, the
 * `pattern` event, the healer's action and its `healing` event) and the healer's verdicts. Jobs run in the order
 * they were queued, all in one macrotask (`setImmediate`) after the current one: the caller's continuation — any
 * number of promise jobs away — runs first, so none of it is on the caller's latency. (A queued microtask would
 * run before the caller's continuation, still on its stack.)
 */
export class AfterCalls {
  private jobs: (() => void)[] = [];
  private scheduled = false;
  private waiters: (() => void)[] = [];

  constructor(
    /** Told of a job that threw (the others still run). */
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Queues `job` to run after the current call's result is delivered. */
  add(job: () => void): void {
    this.jobs.push(job);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.run);
  }

  /** Jobs waiting to run. */
  get pending(): number {
    return this.jobs.length;
  }

  /** Resolves once every job queued so far (and every job those queue) has run. */
  drained(): Promise<void> {
    if (!this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private readonly run = (): void => {
    const jobs = this.jobs;
    // Jobs queued while these run (a healing event's listener calling a voice) run in this turn too, in order.
    for (let i = 0; i < jobs.length; i++) {
      try {
        jobs[i]!();
      } catch (err) {
        this.onError(err);
      }
    }
    this.jobs = [];
    this.scheduled = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  };
}
