import type { Registry } from 'prom-client';
import { type Clock } from '../clock/Clock.js';
import type { Scheduler } from '../clock/Scheduler.js';
import type { AdapterHealthSignature } from '../health/AdapterHealthSignature.js';
import type { SelfHealingAction } from '../healing/SelfHealingAction.js';
import { type ConsciousnessLogger } from '../logging/createLogger.js';
import type { PatternMemory } from '../memory/PatternMemory.js';
import { InfrastructureMetrics } from '../metrics/InfrastructureMetrics.js';
import type { MetricsSource } from '../metrics/MetricsSource.js';
import type { InfrastructurePattern } from '../patterns/InfrastructurePattern.js';
import type { ConsciousnessReport } from '../report/ConsciousnessReportSchema.js';
import { generateConsciousnessReport } from '../report/generateConsciousnessReport.js';
import { renderReport } from '../report/renderReport.js';
import { SharedState } from '../scaleout/SharedState.js';
import { type UsageSettings } from '../usage/UsageOptions.js';
import type { CooldownReason } from '../vocabulary/CallOutcome.js';
import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';
import { SharedBackoff } from '../voice/SharedBackoff.js';
import type { CooldownGate } from '../voice/CooldownGate.js';
import { Voice } from '../voice/Voice.js';
import { CapGuard } from './CapGuard.js';
import { InMemoryConsciousnessMetricsCollector } from './collector/InMemoryConsciousnessMetricsCollector.js';
import { type InfrastructureConsciousnessConfig } from './InfrastructureConsciousnessConfig.js';
import type { InfrastructureConsciousnessOptions } from './InfrastructureConsciousnessOptions.js';
import { IsolatedEmitter } from './IsolatedEmitter.js';
import { LearnedAliases } from './LearnedAliases.js';
import { LearningLoop } from './LearningLoop.js';
import { Monitoring } from './Monitoring.js';
import { Persistence } from './Persistence.js';
import type { VoiceRegistry } from './VoiceRegistry.js';
import { assembleBrain } from './assembleBrain.js';

export type { InfrastructureConsciousnessOptions };

/** What a recorded consciousness signature says beside its value. */
type ConsciousnessFlags = { synthesis?: boolean; uncertainty?: boolean };

/**
 * The shared brain: one Voice (health signature, metric cells, healing knobs) per adapter. The
 * wrapper reports every attempt; the brain feeds the failure predictor, the pattern detectors and
 * the healer (LearningLoop), persists what they learn (Persistence), probes idle voices
 * (Monitoring), and answers /metrics, /health and /report. Events: `pattern`, `healing`,
 * `prediction`, `circuit`, `signature` (and `failure`); a listener that throws or rejects is
 * logged once and never changes a call (IsolatedEmitter).
 */
export class InfrastructureConsciousness extends IsolatedEmitter implements MetricsSource {
  /** The epoch-millisecond clock. */
  readonly clock: Clock;
  /** The timers of the brain and its wraps: the `clock` option's when it schedules, else Node's. */
  readonly scheduler: Scheduler;
  /** The logger, behind a redacting facade: every string logged is scrubbed of credentials. */
  readonly logger: ConsciousnessLogger;
  /** The metric families. */
  readonly metrics: InfrastructureMetrics;
  /** Thresholds, storage and enable flags, defaults applied. */
  readonly config: InfrastructureConsciousnessConfig;
  /** Usage options every voice's meter reads (price table, model cap). */
  readonly usageSettings: UsageSettings;
  /** One backoff schedule per category shared by all voices (resonance). */
  readonly sharedBackoff: SharedBackoff;
  /** What is learned and persisted (healing statistics, aliases, patterns, predictor weights). */
  readonly memory: PatternMemory;
  /** Resolves once pattern memory is loaded (learned aliases and weights apply from then on). */
  readonly ready: Promise<void>;
  /** Provider state shared with other instances (the `shared` option), undefined when not configured. */
  readonly shared: SharedState | undefined;
  /** One warning and a metric when a cap (voices, aliases, …) is reached. */
  readonly caps: CapGuard;
  private readonly voices: VoiceRegistry;
  private readonly persistence: Persistence;
  private readonly loop: LearningLoop;
  private readonly aliases: LearnedAliases;
  private readonly monitoring: Monitoring;

  constructor(options?: InfrastructureConsciousnessOptions) {
    super();
    const parts = assembleBrain(options, {
      host: this,
      emit: (event, ...args) => this.emit(event, ...args),
      saveSnapshot: () => this.saveSnapshot(),
    });
    ({ config: this.config, clock: this.clock, logger: this.logger, metrics: this.metrics } = parts);
    this.scheduler = parts.scheduler;
    ({ caps: this.caps, usageSettings: this.usageSettings, sharedBackoff: this.sharedBackoff } = parts);
    ({ persistence: this.persistence, voices: this.voices, loop: this.loop } = parts);
    ({ aliases: this.aliases, monitoring: this.monitoring, shared: this.shared } = parts);
    this.memory = parts.persistence.memory;
    this.ready = this.persistence
      .load(this.loop.predictor)
      .catch((err: unknown) =>
        this.logger.warn({ err: String(err) }, 'pattern memory could not be loaded; starting fresh'),
      );
    this.persistence.startAutosave(() => this.saveMemory());
  }

  /** Weight of incoherence in the heuristic failure probability (read by each voice's tracker). */
  get consciousnessWeight(): number {
    return this.config.consciousnessWeight;
  }

  /** A metrics collector whose session analyses go under `config.consciousnessMetricsPath` (for the bridge). */
  createMetricsCollector(): InMemoryConsciousnessMetricsCollector {
    return this.persistence.metricsCollector();
  }

  /** The prom-client registry scraped at /metrics. */
  get registry(): Registry {
    return this.metrics.registry;
  }

  /** The Voice of an adapter, created on first use; beyond `config.maxVoices`, the overflow voice `other`. */
  voice(name: string): Voice {
    return this.voices.voice(name);
  }

  /** The voice name for an adapter whose name was derived: `name`, or `name-2`… when another adapter has it. */
  claimVoiceName(name: string, owner: object, endpoint?: string): string {
    return this.voices.claimName(name, owner, endpoint);
  }

  /** Told by withConsciousness of each wrap: its voice and its adapter (monitoring probes the adapter itself). */
  adopt(wrapped: object, name: string, current: () => object | undefined): void {
    this.voices.adopt(wrapped, name, current);
  }

  /**
   * Releases a voice whose last wrap was disposed (disposeConsciousness): it leaves the registry
   * (freeing its place under `maxVoices`), the learning loop and /health, and its metric series
   * are removed. A later wrap of its name starts a new voice.
   */
  releaseVoice(voice: Voice): void {
    if (!this.voices.release(voice)) return;
    this.loop.forget(voice);
    this.metrics.removeAdapter(voice.name);
  }

  /** Names of the voices seen so far. */
  get adapterNames(): string[] {
    return this.voices.names();
  }

  /** The current health signature of one adapter, or undefined for an unknown name. */
  getHealthSignature(name: string): AdapterHealthSignature | undefined {
    return this.voices.get(name)?.health.snapshot();
  }

  /** Current health signatures of every voice. */
  getHealthSignatures(): AdapterHealthSignature[] {
    return [...this.voices.values()].map((v) => v.health.snapshot());
  }

  /** Recent health snapshots of one adapter (taken at each probe round / snapshot), oldest first. */
  getHealthHistory(name: string): AdapterHealthSignature[] {
    const voice = this.voices.get(name);
    return voice ? this.loop.history(voice) : [];
  }

  /** Patterns active now (a fleet resonance confirmed by other instances included). */
  activePatterns(): InfrastructurePattern[] {
    const fleet = this.shared?.activeResonance;
    const local = this.loop.patterns.activePatterns();
    return fleet === undefined ? local : [...local, fleet];
  }

  /** Recently resolved patterns. */
  patternHistory(): InfrastructurePattern[] {
    return this.loop.patterns.history();
  }

  /** Healing actions taken (recent), with their measured outcomes once known. */
  healingActions(): SelfHealingAction[] {
    return this.loop.healer.history();
  }

  /** Healing actions whose measured outcome was a success. */
  successfulHealings(): SelfHealingAction[] {
    return this.loop.healer.successfulHealings();
  }

  /** Feeds a consciousness signature recorded for a voice (collector, bridge) into its coherence and stability. */
  recordConsciousnessSignature(adapter: string, value: number, flags?: ConsciousnessFlags): void {
    this.voice(adapter).health.recordConsciousnessSignature(value, flags);
  }

  /** Remembers that `method` of `adapter` is served by `alias` (so later calls, and later processes, go there). */
  learnAlias(adapter: string, method: string, alias: string): void {
    this.aliases.learn(adapter, method, alias);
  }

  /** The alias learned for `method` of `adapter` (in this process or a previous one), if any. */
  learnedAlias(adapter: string, method: string): string | undefined {
    return this.aliases.lookup(adapter, method);
  }

  /** A voice's cool-down, shared with the other instances when sharing is on. */
  coolDown(voice: string, untilEpochMs: number, reason: CooldownReason, model?: string): void {
    this.shared?.coolDown(voice, untilEpochMs, reason, model);
  }

  /** Cool-down after a 401/403 (only with shared state: alone, the breaker handles rejected keys). */
  get authCooldownMs(): number | undefined {
    return this.shared?.config.authCooldownMs;
  }

  /** With shared state, one call probes a provider when a cool-down ends (the others wait for its outcome). */
  get cooldownGate(): CooldownGate | undefined {
    return this.shared?.cooldownGate;
  }

  /** Every upstream attempt of every voice (called by Voice, after its health update). */
  observe(
    voice: Voice,
    ok: boolean,
    category: ErrorCategory | undefined,
    latencyMs: number,
    response: unknown,
    now: number = this.clock(),
    retryAfterMs?: number,
  ): void {
    this.loop.observe(voice, ok, category, latencyMs, response, now, retryAfterMs);
  }

  /** Starts periodic checkHealth() probes of idle voices (wrapped or raw adapters). */
  startMonitoring(adapters: readonly object[] | Record<string, object>): void {
    this.monitoring.start(adapters);
  }

  /** Whether monitoring is running. */
  get isMonitoring(): boolean {
    return this.monitoring.active;
  }

  /** The adapters being monitored (raw objects). */
  get monitoredAdapters(): object[] {
    return this.monitoring.adapters;
  }

  /** Stops monitoring (waiting for a running probe), then saves memory and a state snapshot. */
  /**
   * Releases what the brain holds: stops health monitoring, saves memory one last time and stops
   * the autosave and its exit hooks (persistence on), and closes the shared-state connection
   * (telling the other instances this one is gone). Wrapped adapters keep working, as voices of a
   * single instance. Safe to call more than once.
   */
  async close(): Promise<void> {
    await this.monitoring.stop();
    await this.loop.settled();
    await this.persistence.stopAutosave();
    await this.shared?.close();
  }

  async stopMonitoring(): Promise<void> {
    await this.monitoring.stop();
    await this.loop.settled();
    await this.loop.healer.settled();
    await this.saveMemory();
    await this.saveSnapshot();
  }

  /** Persists pattern memory (atomic write; memory-only with one warning when unwritable). */
  async saveMemory(): Promise<void> {
    await this.ready;
    // What the latest calls' patterns set off is in memory before it is written.
    await this.loop.settled();
    await this.persistence.save(this.loop.predictor);
  }

  /** Writes an `infrastructure_state_<ts>.json` snapshot (retention applied). */
  async saveSnapshot(): Promise<string> {
    return this.persistence.snapshot({
      signatures: this.getHealthSignatures(),
      activePatterns: this.activePatterns(),
      healingActions: this.healingActions(),
    });
  }

  /** The consciousness report (docs/architecture.md, "Reports"), schema-validated. */
  generateConsciousnessReport(): ConsciousnessReport {
    this.loop.healer.observe(this.clock());
    return generateConsciousnessReport(
      {
        signatures: this.getHealthSignatures(),
        activePatterns: this.activePatterns(),
        patternHistory: [...this.memory.patterns, ...this.patternHistory(), ...this.activePatterns()],
        healingActions: this.healingActions(),
        trendWindowMs: this.config.patternWindowMs,
      },
      this.clock(),
    );
  }

  /** The text dashboard of a report (for `GET /report?format=text`). */
  renderReportText(report: unknown): string {
    return renderReport(report as ConsciousnessReport, { color: false });
  }
}
