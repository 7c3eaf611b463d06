import { systemScheduler, type Scheduler, type Timer } from '../clock/Scheduler.js';
import type { Clock } from '../clock/Clock.js';
import type { Voice } from '../voice/Voice.js';
import { ImportFailureError } from '../errors/ImportFailureError.js';
import { classifyError } from '../classify/classifyError.js';
import { registerSecretsOf } from '../classify/KnownSecrets.js';
import { redactSecrets } from '../classify/redactSecrets.js';
import type { AdapterSource } from '../resilience/CallPipelineParts.js';

/** A function that loads an adapter, e.g. `() => import('./google.js').then(m => new m.Google())`. */
export type AdapterLoader<T extends object = object> = (() => Promise<T> | T) & { adapterName?: string };

/** Backoff of load retries, and how long one load may take. */
export interface LoadRetryOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** A load still unsettled after this long is an `import_failure` (false: wait forever). */
  readonly timeoutMs?: number | false;
}

/** An adapter that is simply there. */
export class GivenAdapter implements AdapterSource {
  readonly loadError = undefined;
  constructor(private readonly adapter: object) {}
  /** The adapter. */
  current(): object {
    return this.adapter;
  }
  /** The adapter. */
  load(): Promise<object> {
    return Promise.resolve(this.adapter);
  }
}

/**
 * An adapter behind a loader: loaded at wrap time; while it cannot load, calls go to fallbacks
 * and the load is retried with exponential backoff (one load in flight at a time). A load that
 * has not settled after `timeoutMs` counts as an import failure (calls waiting for it go to the
 * fallbacks); should it settle later with an adapter, that adapter is used from then on.
 */
export class LoadingAdapter implements AdapterSource {
  private adapter: object | undefined;
  private inFlight: Promise<object | undefined> | undefined;
  /** The load timeout's timer: unref'd until a call waits for the load (then it must end the wait). */
  private timer: Timer | undefined;
  private failures = 0;
  private disposed = false;
  /** Ends the load in flight (as an import failure) when the wrap is disposed. */
  private stopLoad: (() => void) | undefined;
  private nextAttemptAt = 0;
  /** The last load error (undefined once loaded). */
  loadError: unknown;

  constructor(
    private readonly loader: AdapterLoader,
    private readonly voice: Voice,
    private readonly clock: Clock,
    private readonly retry: LoadRetryOptions,
    /** The load timeout's timer. */
    private readonly scheduler: Scheduler = systemScheduler,
  ) {
    this.start();
  }

  /** The adapter once loaded. */
  current(): object | undefined {
    return this.adapter;
  }

  /** A caller's call: joins the load in flight, starts one when the backoff allows, or answers at once. */
  load(): Promise<object | undefined> {
    const pending = this.start();
    // A caller now waits for this load: its timeout must keep the process alive until it ends.
    this.timer?.ref();
    return pending;
  }

  /** Stops loading: the load timeout's timer cleared, no further attempts (a disposed wrap). */
  dispose(): void {
    this.disposed = true;
    this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
    this.stopLoad?.();
  }

  private start(): Promise<object | undefined> {
    if (this.adapter !== undefined) return Promise.resolve(this.adapter);
    if (this.disposed) return Promise.resolve(undefined);
    if (this.inFlight !== undefined) return this.inFlight;
    if (this.clock() < this.nextAttemptAt) return Promise.resolve(undefined);
    this.inFlight = this.attempt().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async attempt(): Promise<object | undefined> {
    const started = this.clock();
    try {
      const loading = Promise.resolve().then(() => this.loader());
      const adapter = await this.withTimeout(loading);
      if (typeof adapter !== 'object' || adapter === null) {
        throw new ImportFailureError(
          `loader of ${this.voice.name} resolved to ${adapter === null ? 'null' : typeof adapter}, not an adapter`,
        );
      }
      return this.loaded(adapter);
    } catch (err) {
      if (this.disposed) return undefined;
      const error =
        classifyError(err, { adapter: this.voice.name, phase: 'load' }).category === 'import_failure'
          ? err
          : new ImportFailureError(`loading ${this.voice.name} failed: ${describe(err)}`, { cause: err });
      this.loadError = error;
      this.failures += 1;
      const delay = Math.min(this.retry.maxDelayMs, this.retry.initialDelayMs * 2 ** (this.failures - 1));
      this.nextAttemptAt = this.clock() + delay;
      this.voice.connectivity(false);
      this.voice.loadFailed(
        classifyError(error, { adapter: this.voice.name, phase: 'load' }),
        this.clock() - started,
        delay,
      );
      return undefined;
    }
  }

  private loaded(adapter: object): object {
    registerSecretsOf(adapter);
    this.adapter = adapter;
    this.loadError = undefined;
    this.voice.connectivity(true);
    if (this.failures > 0) {
      this.voice.healed({
        actionType: 'reconnect',
        reason: `adapter loaded after ${this.failures} failed import attempt(s)`,
        parameters: { attempts: this.failures + 1 },
        success: true,
      });
    }
    return adapter;
  }

  /** The load, or an ImportFailureError once `timeoutMs` has passed; a late adapter is still taken. */
  private withTimeout(loading: Promise<object>): Promise<object> {
    const timeoutMs = this.retry.timeoutMs;
    return new Promise<object>((resolve, reject) => {
      let timedOut = false;
      const stop = (message: string): void => {
        timedOut = true;
        reject(new ImportFailureError(message));
      };
      // A disposed wrap ends the wait of the calls waiting for this load (never left pending).
      this.stopLoad = () => stop(`loading ${this.voice.name} stopped: the wrap was disposed`);
      const timer =
        timeoutMs === undefined || timeoutMs === false
          ? undefined
          : this.scheduler.setTimeout(
              () => stop(`loading ${this.voice.name} did not finish within ${timeoutMs} ms`),
              timeoutMs,
            );
      timer?.unref();
      this.timer = timer;
      const settle = (): void => {
        this.scheduler.clearTimeout(timer);
        if (this.timer === timer) this.timer = undefined;
        this.stopLoad = undefined;
      };
      loading.then(
        (adapter) => {
          settle();
          if (!timedOut) resolve(adapter);
          else if (
            !this.disposed &&
            typeof adapter === 'object' &&
            adapter !== null &&
            this.adapter === undefined
          ) {
            this.loaded(adapter);
          }
        },
        (err: unknown) => {
          settle();
          if (!timedOut) reject(err as Error);
        },
      );
    });
  }
}

function describe(err: unknown): string {
  return redactSecrets(err instanceof Error ? err.message : String(err));
}
