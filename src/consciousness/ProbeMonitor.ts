import type { Scheduler, Timer } from '../clock/Scheduler.js';
import { classifyError } from '../classify/classifyError.js';
import { healthFlag } from '../firecircle/contractSchemas.js';
import { TimeoutError } from '../errors/TimeoutError.js';
import type { ConsciousnessLogger } from '../logging/createLogger.js';
import type { Voice } from '../voice/Voice.js';

/** One adapter under monitoring: its voice and the raw (unwrapped) object to probe. */
export interface MonitoredAdapter {
  readonly voice: Voice;
  readonly adapter: object;
}

/** Timing of the probe loop. */
export interface ProbeMonitorOptions {
  readonly intervalMs: number;
  readonly probeTimeoutMs: number;
  readonly errorRecoveryDelayMs: number;
  readonly clock: () => number;
  /** The probe loop's and the probe timeouts' timers. */
  readonly scheduler: Scheduler;
  readonly logger: ConsciousnessLogger;
  /** Called after each probe round (history, snapshots). */
  readonly afterRound: () => void;
}

/**
 * Periodic `checkHealth()` probes for voices that got no traffic during the last interval (calls
 * already tell us everything about busy voices). Probes never overlap, a probe that throws or
 * hangs is a classified failure, timers are unref'd, and stop waits for the running round.
 */
export class ProbeMonitor {
  private timer: Timer | undefined;
  private round: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly adapters: readonly MonitoredAdapter[],
    private readonly options: ProbeMonitorOptions,
  ) {}

  /** Whether the loop is running. */
  get active(): boolean {
    return this.timer !== undefined && !this.stopped;
  }

  /** The adapters being monitored. */
  get monitored(): readonly MonitoredAdapter[] {
    return this.adapters;
  }

  /** Starts the loop (first round at once). */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops the loop; waits for a running round, at most `probeTimeoutMs`. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.options.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
    const running = this.round;
    if (running === undefined) return;
    let timer: Timer | undefined;
    await Promise.race([
      running,
      new Promise<void>((resolve) => {
        timer = this.options.scheduler.setTimeout(resolve, this.options.probeTimeoutMs);
        timer.unref();
      }),
    ]);
    this.options.scheduler.clearTimeout(timer);
  }

  /** Runs one round now (also used by tests). */
  async probeAll(): Promise<void> {
    if (this.round !== undefined) return this.round;
    const now = this.options.clock();
    this.round = Promise.all(
      this.adapters
        .filter((m) => now - m.voice.lastActivity >= this.options.intervalMs || m.voice.lastActivity === 0)
        .map((m) => this.probe(m)),
    )
      .then(() => this.options.afterRound())
      .finally(() => {
        this.round = undefined;
      });
    return this.round;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = this.options.scheduler.setTimeout(() => {
      this.probeAll().then(
        () => this.schedule(this.options.intervalMs),
        (err: unknown) => {
          this.options.logger.error({ err: String(err) }, 'probe round failed');
          this.schedule(this.options.errorRecoveryDelayMs);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  private async probe({ voice, adapter }: MonitoredAdapter): Promise<void> {
    const a = adapter as { checkHealth?: () => unknown; check_health?: () => unknown };
    const check = a.checkHealth ?? a.check_health;
    if (typeof check !== 'function') return;
    const started = this.options.clock();
    let timer: Timer | undefined;
    try {
      const result = await Promise.race([
        Promise.resolve().then(() => check.call(adapter)),
        new Promise<never>((_, reject) => {
          timer = this.options.scheduler.setTimeout(
            () => reject(new TimeoutError(voice.name, 'checkHealth', this.options.probeTimeoutMs)),
            this.options.probeTimeoutMs,
          );
          timer.unref();
        }),
      ]);
      const connected = healthFlag(result);
      const latency = this.options.clock() - started;
      if (connected === false) {
        voice.probeFailed(
          classifyError(
            Object.assign(new Error('checkHealth reported disconnected'), { code: 'ECONNREFUSED' }),
          ),
          latency,
        );
      } else {
        voice.probeSucceeded(latency, result);
      }
    } catch (err) {
      voice.probeFailed(
        classifyError(err, { adapter: voice.name, method: 'checkHealth' }),
        this.options.clock() - started,
      );
    } finally {
      this.options.scheduler.clearTimeout(timer);
    }
  }
}
