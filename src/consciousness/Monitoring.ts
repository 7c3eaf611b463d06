import type { Scheduler } from '../clock/Scheduler.js';
import type { ConsciousnessLogger } from '../logging/createLogger.js';
import type { InfrastructureConsciousnessConfig } from './InfrastructureConsciousnessConfig.js';
import { ProbeMonitor } from './ProbeMonitor.js';
import type { VoiceRegistry } from './VoiceRegistry.js';

/** What monitoring is wired to. */
export interface MonitoringOptions {
  readonly config: InfrastructureConsciousnessConfig;
  readonly clock: () => number;
  readonly scheduler: Scheduler;
  readonly logger: ConsciousnessLogger;
  readonly voices: VoiceRegistry;
  /** Called after each probe round (health history, healing outcomes, snapshots). */
  readonly afterRound: () => void;
}

/** The brain's monitoring: periodic checkHealth() probes of idle voices, wrapped or raw adapters. */
export class Monitoring {
  private monitor: ProbeMonitor | undefined;

  constructor(private readonly o: MonitoringOptions) {}

  /** Starts probing `adapters`; throws while monitoring already runs. */
  start(adapters: readonly object[] | Record<string, object>): void {
    if (this.monitor?.active) throw new Error('InfrastructureConsciousness: monitoring is already running');
    const list = Array.isArray(adapters) ? adapters : Object.values(adapters);
    this.monitor = new ProbeMonitor(
      list.map((adapter) => this.o.voices.monitored(adapter)),
      {
        intervalMs: this.o.config.checkIntervalMs,
        probeTimeoutMs: this.o.config.monitorTaskTimeoutMs,
        errorRecoveryDelayMs: this.o.config.monitorErrorRecoveryDelayMs,
        clock: this.o.clock,
        scheduler: this.o.scheduler,
        logger: this.o.logger,
        afterRound: this.o.afterRound,
      },
    );
    this.monitor.start();
  }

  /** Whether monitoring is running. */
  get active(): boolean {
    return this.monitor?.active ?? false;
  }

  /** The adapters being monitored (raw objects). */
  get adapters(): object[] {
    return this.monitor?.monitored.map((m) => m.adapter) ?? [];
  }

  /** Stops probing, waiting for a running probe. */
  async stop(): Promise<void> {
    await this.monitor?.stop();
  }
}
