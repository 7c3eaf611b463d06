import type { Scheduler } from '../clock/Scheduler.js';
import type { AdapterHealthSignature } from '../health/AdapterHealthSignature.js';
import type { SelfHealingAction } from '../healing/SelfHealingAction.js';
import type { ConsciousnessLogger } from '../logging/createLogger.js';
import { FileStore } from '../memory/FileStore.js';
import { MemoryAutosave } from '../memory/MemoryAutosave.js';
import { MemoryStore } from '../memory/MemoryStore.js';
import { PatternMemory } from '../memory/PatternMemory.js';
import { StateSnapshots } from '../memory/StateSnapshots.js';
import type { Store } from '../memory/Store.js';
import type { InfrastructurePattern } from '../patterns/InfrastructurePattern.js';
import type { FailurePredictor } from '../prediction/FailurePredictor.js';
import { InMemoryConsciousnessMetricsCollector } from './collector/InMemoryConsciousnessMetricsCollector.js';
import type { InfrastructureConsciousnessConfig } from './InfrastructureConsciousnessConfig.js';

/** What persistence is wired to. */
export interface PersistenceOptions {
  readonly config: InfrastructureConsciousnessConfig;
  readonly clock: () => number;
  /** The periodic autosave's timer. */
  readonly scheduler: Scheduler;
  readonly logger: ConsciousnessLogger;
  /** The caller's store; a FileStore at `config.storagePath` (a MemoryStore with persistence off) when omitted. */
  readonly store: Store | undefined;
}

/** What a state snapshot holds. */
export type SnapshotState = {
  readonly signatures: AdapterHealthSignature[];
  readonly activePatterns: InfrastructurePattern[];
  readonly healingActions: SelfHealingAction[];
};

/**
 * What the brain keeps across restarts: pattern memory (healing statistics, aliases, patterns,
 * predictor weights) and state snapshots, in one store; saved periodically while the process
 * runs when the store is persistent.
 */
export class Persistence {
  /** What is learned and persisted. */
  readonly memory: PatternMemory;
  private readonly store: Store;
  private readonly snapshots: StateSnapshots;
  private autosave: MemoryAutosave | undefined;
  /** When the latest snapshot was written (0 = none yet). */
  lastSnapshotAt = 0;

  constructor(private readonly o: PersistenceOptions) {
    const cfg = o.config;
    this.store = o.store ?? this.storeAt(cfg.storagePath);
    this.memory = new PatternMemory({
      store: this.store,
      clock: o.clock,
      maxPatternMemorySize: cfg.maxPatternMemorySize,
      maxLearnedAliases: cfg.maxLearnedAliases,
      patternsPerTypeLimit: cfg.patternsPerTypeLimit,
    });
    this.snapshots = new StateSnapshots({
      store: this.store,
      clock: o.clock,
      maxStateFiles: cfg.maxStateFiles,
      stateRetentionDays: cfg.stateRetentionDays,
    });
  }

  /** A FileStore at `directory`, or a MemoryStore when persistence is off. */
  private storeAt(directory: string): Store {
    const { logger, clock } = this.o;
    return this.o.config.enablePersistence
      ? new FileStore({ directory, logger, clock })
      : new MemoryStore({ logger, clock });
  }

  /** A metrics collector whose session analyses are written under `config.consciousnessMetricsPath`. */
  metricsCollector(): InMemoryConsciousnessMetricsCollector {
    const store = this.storeAt(this.o.config.consciousnessMetricsPath);
    return new InMemoryConsciousnessMetricsCollector({
      clock: this.o.clock,
      write: (name, json) => store.writeJson(name, json),
    });
  }

  /** Loads pattern memory and the predictor's weights (stored weights that do not fit are ignored). */
  async load(predictor: FailurePredictor): Promise<void> {
    if (!this.o.config.enablePersistence && this.store.persistent) return;
    await this.memory.load();
    const weights = this.memory.predictorWeights;
    if (weights !== undefined) {
      try {
        predictor.importWeights(weights);
      } catch (err) {
        this.o.logger.warn({ err: String(err) }, 'stored predictor weights ignored');
      }
    }
  }

  /** Starts saving memory while the process runs (persistence on and a persistent store only). */
  startAutosave(save: () => Promise<void>): void {
    if (!this.o.config.enablePersistence || !this.store.persistent) return;
    this.autosave = new MemoryAutosave({
      save,
      intervalMs: this.o.config.memorySaveIntervalMs,
      logger: this.o.logger,
      scheduler: this.o.scheduler,
    });
    this.autosave.start();
  }

  /** Saves once more (when autosaving) and stops the periodic saves and exit hooks. */
  async stopAutosave(): Promise<void> {
    const autosave = this.autosave;
    if (autosave === undefined) return;
    this.autosave = undefined;
    autosave.stop();
    await autosave.saveNow('close');
  }

  /** Saves pattern memory with the predictor's current weights. */
  async save(predictor: FailurePredictor): Promise<void> {
    this.memory.predictorWeights = predictor.exportWeights();
    await this.memory.save();
  }

  /** Writes a state snapshot (retention applied); returns its name. */
  snapshot(state: SnapshotState): Promise<string> {
    this.lastSnapshotAt = this.o.clock();
    return this.snapshots.write(state);
  }
}
