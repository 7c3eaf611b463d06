import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The shared state's own metrics: `<prefix>shared_state_up` (1 while Redis answers, 0 while this
 * instance works alone) and `<prefix>shared_state_sync_failures_total` (commands that failed or
 * timed out; each one only meant a missed update, never a failed call).
 */
export class SharedStateHealth {
  private readonly up: Gauge;
  private readonly failures: Counter;

  constructor(registry: Registry, prefix: string) {
    // A second brain on the same registry shares the families instead of failing to register them.
    const upName = `${prefix}shared_state_up`;
    const failuresName = `${prefix}shared_state_sync_failures_total`;
    this.up =
      (registry.getSingleMetric(upName) as Gauge | undefined) ??
      new Gauge({
        name: upName,
        help: 'Whether the shared provider state (Redis) is reachable: 1 yes, 0 working as a single instance',
        registers: [registry],
      });
    this.failures =
      (registry.getSingleMetric(failuresName) as Counter | undefined) ??
      new Counter({
        name: failuresName,
        help: 'Redis commands of the shared provider state that failed or timed out',
        registers: [registry],
      });
    this.up.set(0);
  }

  /** Sets the gauge. */
  setUp(up: boolean): void {
    this.up.set(up ? 1 : 0);
  }

  /** Counts one failed or timed-out command. */
  failed(): void {
    this.failures.inc();
  }
}
