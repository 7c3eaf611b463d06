import { invalidOptions } from '../errors/invalidOptions.js';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { systemClock, type Clock } from '../clock/Clock.js';
import type { AdapterHealthSignature } from '../health/AdapterHealthSignature.js';
import { createDefaultLogger, type ConsciousnessLogger } from '../logging/createLogger.js';
import { redactingLogger } from '../logging/RedactingLogger.js';
import { InfrastructureMetrics } from '../metrics/InfrastructureMetrics.js';
import type { MetricsSource } from '../metrics/MetricsSource.js';
import { IsolatedEmitter } from './IsolatedEmitter.js';
import { Voice } from '../voice/Voice.js';
import { SharedBackoff } from '../voice/SharedBackoff.js';
import { CATEGORY_POLICY, type ErrorCategory } from '../vocabulary/ErrorCategory.js';
import { Healer } from '../healing/Healer.js';
import type { VoiceHandle } from '../healing/VoiceHandle.js';
import type { SelfHealingAction } from '../healing/SelfHealingAction.js';
import { FileStore } from '../memory/FileStore.js';
import { MemoryAutosave } from '../memory/MemoryAutosave.js';
import { MemoryStore } from '../memory/MemoryStore.js';
import { PatternMemory } from '../memory/PatternMemory.js';
import { StateSnapshots } from '../memory/StateSnapshots.js';
import type { Store } from '../memory/Store.js';
import { ApiChangeDetector } from '../patterns/ApiChangeDetector.js';
import { PatternEngine } from '../patterns/PatternEngine.js';
import type { InfrastructurePattern } from '../patterns/InfrastructurePattern.js';
import { FailureFeatures } from '../prediction/FailureFeatures.js';
import { FailurePredictor } from '../prediction/FailurePredictor.js';
import { PredictiveRouting } from '../prediction/PredictiveRouting.js';
import { generateConsciousnessReport } from '../report/generateConsciousnessReport.js';
import type { ConsciousnessReport } from '../report/ConsciousnessReportSchema.js';
import { renderReport } from '../report/renderReport.js';
import { consciousnessFromHealth } from './bridge/consciousnessFromHealth.js';
import {
  CONFIG_PRESETS,
  InfrastructureConsciousnessConfigSchema,
  type InfrastructureConsciousnessConfig,
  type InfrastructureConsciousnessConfigInput,
} from './InfrastructureConsciousnessConfig.js';
import { ProbeMonitor } from './ProbeMonitor.js';
import { CapGuard } from './CapGuard.js';
import { VoiceNames } from './VoiceNames.js';
import { OVERFLOW_LABEL_VALUE as OVERFLOW_VOICE } from '../metrics/metricNames.js';
import { InMemoryConsciousnessMetricsCollector } from './collector/InMemoryConsciousnessMetricsCollector.js';
import { UsageOptionsSchema, type UsageSettings } from '../usage/UsageOptions.js';
import { ResponseShape } from './responseShape.js';
import { SharedState } from '../scaleout/SharedState.js';
import { resonanceThreshold } from '../patterns/ResonanceDetector.js';
import { SharedStateOptionsSchema } from '../scaleout/SharedStateOptions.js';
import type { CooldownReason } from '../vocabulary/CallOutcome.js';

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

/** A fallback could serve the voice's calls now (and not after a failure a fallback cannot help, like a 400). */
const canRoute = (ok: boolean, category: ErrorCategory | undefined, voice: Voice): boolean =>
  (ok || category === undefined || CATEGORY_POLICY[category].fallback) &&
  (voice.pipeline?.hasFallback() ?? false);

/** Options of InfrastructureConsciousness. */
export const InfrastructureConsciousnessOptionsSchema = z
  .object({
    /** prom-client registry the metrics are registered in; prom-client's default registry when omitted. */
    registry: z
      .custom<Registry>(
        (v) => isObject(v) && typeof (v as { registerMetric?: unknown }).registerMetric === 'function',
        {
          message: 'expected a prom-client Registry',
        },
      )
      .optional(),
    /** Metric name prefix. */
    metricsPrefix: z
      .string()
      .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/)
      .default('fire_circle_'),
    /** A pino-compatible logger; a pino logger to stderr at level `warn` when omitted. */
    logger: z
      .custom<ConsciousnessLogger>(
        (v) => isObject(v) && ['info', 'warn', 'error'].every((m) => typeof (v as never)[m] === 'function'),
        { message: 'expected a pino-compatible logger' },
      )
      .optional(),
    /** Epoch-millisecond clock (tests inject one). */
    clock: z
      .custom<Clock>((v) => typeof v === 'function', { message: 'expected a function returning epoch ms' })
      .optional(),
    /** Uniform [0, 1) random source (healing policy draws); Math.random by default. */
    random: z
      .custom<() => number>((v) => typeof v === 'function', { message: 'expected a function' })
      .optional(),
    /** The original's presets: `dev` (5 s probes, short retention) or `prod`; explicit config wins. */
    preset: z.enum(['dev', 'prod']).optional(),
    /** Thresholds, storage, enable flags (docs/options.md). */
    config: z.record(z.string(), z.unknown()).optional(),
    /** Token, cost and rate-limit metrics: `{ enabled, prices, maxModelsPerVoice }` (docs/options.md). */
    usage: UsageOptionsSchema.optional(),
    /** Where learning persists; a FileStore at `config.storagePath` by default (memory-only if persistence is off). */
    store: z
      .custom<Store>((v) => isObject(v) && typeof (v as { writeJson?: unknown }).writeJson === 'function', {
        message: 'expected a Store',
      })
      .optional(),
    /** Provider state shared with the application's other instances through Redis (docs/scale-out.md). */
    shared: SharedStateOptionsSchema.optional(),
  })
  .strict();

/** Options of InfrastructureConsciousness, as the caller writes them. */
export type InfrastructureConsciousnessOptions = Omit<
  z.input<typeof InfrastructureConsciousnessOptionsSchema>,
  'config'
> & {
  /** Thresholds, storage, enable flags (docs/options.md); validated by InfrastructureConsciousnessConfigSchema. */
  config?: InfrastructureConsciousnessConfigInput;
};

/** What the brain keeps per voice for prediction and patterns (beside the Voice itself). */
interface VoiceLearning {
  readonly features: FailureFeatures;
  /** Feature vector and prior before the latest outcome ("did the next call fail"). */
  readonly before: Float64Array;
  /** What the model predicted for `before`. */
  predicted: number;
  /** When the predictor and detectors last learned from a call of this voice. */
  learnedAt: number;
  hasBefore: boolean;
  readonly shape: ResponseShape;
  readonly history: AdapterHealthSignature[];
}

/**
 * The shared brain: one Voice (health signature, metric cells, healing knobs) per adapter. The
 * wrapper reports every attempt; the brain feeds the failure predictor, the pattern detectors and
 * the healer, persists what they learn, probes idle voices, and answers /metrics, /health and
 * /report. Events: `pattern`, `healing`, `prediction`, `circuit`, `signature` (and `failure`);
 * a listener that throws or rejects is logged once and never changes a call (IsolatedEmitter).
 */
export class InfrastructureConsciousness extends IsolatedEmitter implements MetricsSource {
  /** The epoch-millisecond clock. */
  readonly clock: Clock;
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
  private readonly store: Store;
  private readonly snapshots: StateSnapshots;
  private readonly predictor = new FailurePredictor();
  private readonly routing: PredictiveRouting;
  private readonly patterns: PatternEngine;
  private readonly healer: Healer;
  private readonly voices = new Map<string, Voice>();
  /** Adapters that claimed a derived voice name (see claimVoiceName). */
  private readonly voiceNames = new VoiceNames();
  /** Collision warnings already given, per derived name (one each). */
  private readonly renamedWarned = new Set<string>();
  /** One warning and a metric when a cap (voices, aliases, …) is reached. */
  readonly caps: CapGuard;
  /** Wrapped adapters made for this brain (see adopt). */
  private readonly wrappedAdapters = new WeakMap<
    object,
    { readonly name: string; readonly current: () => object | undefined }
  >();
  private readonly aliases = new Map<string, string>();
  private readonly learning = new Map<Voice, VoiceLearning>();
  private monitor: ProbeMonitor | undefined;
  /** Saves memory while the process runs (persistent stores only). */
  private autosave: MemoryAutosave | undefined;
  private lastSnapshotAt = 0;

  constructor(options?: InfrastructureConsciousnessOptions) {
    super();
    const parsed = InfrastructureConsciousnessOptionsSchema.safeParse(options ?? {});
    if (!parsed.success) throw invalidOptions('InfrastructureConsciousness', parsed.error);
    const o = parsed.data;
    const config = InfrastructureConsciousnessConfigSchema.safeParse({
      ...(o.preset ? CONFIG_PRESETS[o.preset] : {}),
      ...o.config,
    });
    if (!config.success) throw invalidOptions('InfrastructureConsciousness config', config.error);
    this.config = config.data;
    this.clock = o.clock ?? systemClock;
    this.logger = redactingLogger(o.logger ?? createDefaultLogger());
    this.sharedBackoff = new SharedBackoff(this.clock);
    const usage = UsageOptionsSchema.parse(o.usage ?? {});
    this.usageSettings = { ...usage, prices: usage.prices };
    this.metrics = new InfrastructureMetrics({ registry: o.registry, prefix: o.metricsPrefix });
    this.metrics.onCollect(() => this.publishGauges());
    this.caps = new CapGuard(this.metrics.registry, this.metrics.prefix, this.logger);
    const cfg = this.config;
    this.store =
      o.store ??
      (cfg.enablePersistence
        ? new FileStore({ directory: cfg.storagePath, logger: this.logger, clock: this.clock })
        : new MemoryStore({ logger: this.logger, clock: this.clock }));
    this.memory = new PatternMemory({
      store: this.store,
      clock: this.clock,
      maxPatternMemorySize: cfg.maxPatternMemorySize,
      maxLearnedAliases: cfg.maxLearnedAliases,
      patternsPerTypeLimit: cfg.patternsPerTypeLimit,
    });
    this.snapshots = new StateSnapshots({
      store: this.store,
      clock: this.clock,
      maxStateFiles: cfg.maxStateFiles,
      stateRetentionDays: cfg.stateRetentionDays,
    });
    this.patterns = new PatternEngine({
      degradation: {
        coherenceDrop: cfg.coherenceDegradationThreshold,
        windowSamples: cfg.degradationThreshold,
      },
      resonance: {
        threshold: cfg.resonanceFailureThreshold,
        windowMs: cfg.resonanceWindowMs,
        adapterCount: () => this.voices.size,
      },
      historyPerType: cfg.patternsPerTypeLimit,
      historyWindowMs: cfg.patternWindowMs,
      lookup: {
        similarPastPatterns: (type, adapters) => this.memory.similarPastPatterns(type, adapters),
        successfulResolutions: (type, category) =>
          this.memory.successfulResolutions(type, category).map((r) => r.actionType),
      },
      onPattern: (pattern) => this.patternDetected(pattern),
      onResolved: (pattern) => this.patternResolved(pattern),
      onError: (err) => this.logger.error({ err: String(err) }, 'pattern detection failed'),
    });
    this.routing = new PredictiveRouting({
      threshold: cfg.predictiveRoutingThreshold,
      probeShare: cfg.probeShare,
    });
    this.healer = new Healer({
      clock: this.clock,
      random: o.random ?? Math.random,
      memory: this.memory,
      voices: (adapter) => this.voiceHandle(adapter),
      outcomeWindowMs: cfg.healingActionTimeoutMs,
      enabled: cfg.enableSelfHealing,
      onAction: (action) => this.healingTaken(action),
      onOutcome: (action) => this.healingMeasured(action),
    });
    this.shared =
      o.shared === undefined
        ? undefined
        : new SharedState(o.shared, {
            clock: this.clock,
            random: o.random ?? Math.random,
            logger: this.logger,
            registry: this.metrics.registry,
            metricsPrefix: o.metricsPrefix,
            memory: this.memory,
            patternsPerTypeLimit: cfg.patternsPerTypeLimit,
            failingWindowMs: cfg.resonanceWindowMs,
            voiceNamed: (name) => this.voices.get(name),
            voices: () => this.voices.values(),
            resonanceThreshold: () => resonanceThreshold(cfg.resonanceFailureThreshold, this.voices.size),
            patternDetected: (pattern) => this.patternDetected(pattern),
            patternResolved: (pattern) => this.patternResolved(pattern),
            shapeLearned: (adapter, shape) => {
              for (const d of this.patterns.detectors)
                if (d instanceof ApiChangeDetector) d.learnShape(adapter, shape);
            },
          });
    this.ready = this.loadMemory().catch((err: unknown) =>
      this.logger.warn({ err: String(err) }, 'pattern memory could not be loaded; starting fresh'),
    );
    if (cfg.enablePersistence && this.store.persistent) {
      this.autosave = new MemoryAutosave({
        save: () => this.saveMemory(),
        intervalMs: cfg.memorySaveIntervalMs,
        logger: this.logger,
      });
      this.autosave.start();
    }
  }

  /** Weight of incoherence in the heuristic failure probability (read by each voice's tracker). */
  get consciousnessWeight(): number {
    return this.config.consciousnessWeight;
  }

  /**
   * A consciousness metrics collector whose session analyses are written under
   * `config.consciousnessMetricsPath` (in memory when persistence is off), for the bridge.
   */
  createMetricsCollector(): InMemoryConsciousnessMetricsCollector {
    const store = this.config.enablePersistence
      ? new FileStore({
          directory: this.config.consciousnessMetricsPath,
          logger: this.logger,
          clock: this.clock,
        })
      : new MemoryStore({ logger: this.logger, clock: this.clock });
    return new InMemoryConsciousnessMetricsCollector({
      clock: this.clock,
      write: (name, json) => store.writeJson(name, json),
    });
  }

  /** The prom-client registry scraped at /metrics. */
  get registry(): Registry {
    return this.metrics.registry;
  }

  /**
   * The Voice of an adapter, created on first use. Beyond `config.maxVoices` voices, new names
   * share the overflow voice `other` (one warning, counted in cap_overflows_total{cap="voices"}).
   */
  voice(name: string): Voice {
    let voice = this.voices.get(name);
    if (voice === undefined && this.voices.size >= this.config.maxVoices) {
      this.caps.exceeded(
        'voices',
        this.config.maxVoices,
        { adapter: name },
        `new voices report as ${OVERFLOW_VOICE}`,
      );
      name = OVERFLOW_VOICE;
      voice = this.voices.get(name);
    }
    if (voice === undefined) {
      voice = new Voice(name, this, this.metrics, this.logger);
      voice.tuning.probeShare = this.config.probeShare;
      this.voices.set(name, voice);
      this.shared?.voiceCreated(name, voice);
      this.learning.set(voice, {
        features: new FailureFeatures({ clock: this.clock }),
        before: new Float64Array(this.predictor.featureCount),
        predicted: 0,
        learnedAt: Number.NEGATIVE_INFINITY,
        hasBefore: false,
        shape: new ResponseShape(),
        history: [],
      });
    }
    return voice;
  }

  /**
   * The voice name for an adapter whose name was derived (not given): `name` itself unless a
   * different adapter already reports under it, then `name-2`, `name-3`… with one warning, so two
   * adapters of one provider (a model and its smaller fallback) never share a health signature.
   */
  claimVoiceName(name: string, owner: object, endpoint?: string): string {
    const claimed = this.voiceNames.claim(name, owner, endpoint);
    if (claimed.renamed && !this.renamedWarned.has(name) && this.renamedWarned.size < this.config.maxVoices) {
      this.renamedWarned.add(name);
      this.logger.warn(
        { adapter: claimed.name, derivedName: name },
        `voice name ${name} is used by another adapter: this one reports as ${claimed.name} (set options.name; logged once per name)`,
      );
    }
    return claimed.name;
  }

  /**
   * Told by withConsciousness of each wrapped adapter: its voice name and how to reach the adapter
   * it wraps (undefined while a loader has not loaded it), so monitoring a wrapped adapter probes
   * the adapter itself under the right voice.
   */
  adopt(wrapped: object, name: string, current: () => object | undefined): void {
    this.wrappedAdapters.set(wrapped, { name, current });
  }

  /** Names of the voices seen so far. */
  get adapterNames(): string[] {
    return [...this.voices.keys()];
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
    return voice ? [...(this.learning.get(voice)?.history ?? [])] : [];
  }

  /** Patterns active now (a fleet resonance confirmed by other instances included). */
  activePatterns(): InfrastructurePattern[] {
    const fleet = this.shared?.activeResonance;
    return fleet === undefined ? this.patterns.activePatterns() : [...this.patterns.activePatterns(), fleet];
  }

  /** Recently resolved patterns. */
  patternHistory(): InfrastructurePattern[] {
    return this.patterns.history();
  }

  /** Healing actions taken (recent), with their measured outcomes once known. */
  healingActions(): SelfHealingAction[] {
    return this.healer.history();
  }

  /** Healing actions whose measured outcome was a success. */
  successfulHealings(): SelfHealingAction[] {
    return this.healer.successfulHealings();
  }

  /**
   * Feeds a consciousness signature recorded for a voice (by the metrics collector / bridge) into
   * that adapter's coherence and stability.
   */
  recordConsciousnessSignature(
    adapter: string,
    value: number,
    flags?: { synthesis?: boolean; uncertainty?: boolean },
  ): void {
    this.voice(adapter).health.recordConsciousnessSignature(value, flags);
  }

  /** Remembers that `method` of `adapter` is served by `alias` (so later calls, and later processes, go there). */
  learnAlias(adapter: string, method: string, alias: string): void {
    const key = `${adapter}\u0000${method}`;
    if (!this.aliases.has(key) && this.aliases.size >= this.config.maxLearnedAliases) {
      this.caps.exceeded(
        'aliases',
        this.config.maxLearnedAliases,
        { adapter, method },
        'new aliases are not remembered',
      );
      return;
    }
    this.aliases.set(key, alias);
    this.memory.learnAlias(adapter, method, alias); // a load still running merges, keeping it
    this.shared?.learnAlias(adapter, method, alias);
  }

  /** The alias learned for `method` of `adapter` (in this process or a previous one), if any. */
  learnedAlias(adapter: string, method: string): string | undefined {
    return this.aliases.get(`${adapter}\u0000${method}`) ?? this.memory.learnedAlias(adapter, method);
  }

  /** A voice's cool-down, shared with the other instances when sharing is on. */
  coolDown(voice: string, untilEpochMs: number, reason: CooldownReason, model?: string): void {
    this.shared?.coolDown(voice, untilEpochMs, reason, model);
  }

  /** Cool-down after a 401/403 (only with shared state: alone, the breaker handles rejected keys). */
  get authCooldownMs(): number | undefined {
    return this.shared?.config.authCooldownMs;
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
    voice.lastActivity = now;
    const learning = this.learning.get(voice)!;
    const health = voice.health;
    const cfg = this.config;
    // The detectors count every call (a burst of successes right before an API change counts);
    // only the predictor's model update is sampled for successes (failures always update it).
    const sampled = !ok || now - learning.learnedAt >= cfg.learningIntervalMs;
    if (sampled) learning.learnedAt = now;
    if (cfg.enablePrediction && sampled) {
      if (learning.hasBefore) this.predictor.learnFromPrediction(learning.before, learning.predicted, !ok);
      const vector = learning.features.record(
        ok,
        category,
        latencyMs,
        health.circuitState,
        health.coherence,
        health.isConnected,
        now,
        retryAfterMs,
      );
      const prior = learning.features.prior;
      const p = this.predictor.predict(vector, prior);
      learning.before.set(vector);
      learning.predicted = p;
      learning.hasBefore = true;
      const previous = health.failureProbability;
      health.setPredictedFailureProbability(p);
      this.routing.update(voice.tuning, p, now, canRoute(ok, category, voice));
      if (p >= cfg.predictiveRoutingThreshold && previous < cfg.predictiveRoutingThreshold) {
        this.emit('prediction', {
          adapter: voice.name,
          probability: p,
          threshold: cfg.predictiveRoutingThreshold,
        });
      }
    }
    if (cfg.enablePatternDetection) {
      this.patterns.observe({
        adapter: voice.name,
        timestamp: now,
        ok,
        category,
        latencyMs,
        coherence: health.coherence,
        responseShape: ok ? learning.shape.of(response) : undefined,
        status: health.status,
        consecutiveFailures: health.consecutiveFailures,
      });
    }
    if (this.healer.pendingCount > 0) this.healer.observe(now);
  }

  /** Starts periodic checkHealth() probes of idle voices (wrapped or raw adapters). */
  startMonitoring(adapters: readonly object[] | Record<string, object>): void {
    if (this.monitor?.active) throw new Error('InfrastructureConsciousness: monitoring is already running');
    const list = Array.isArray(adapters) ? adapters : Object.values(adapters);
    const monitored = list.map((adapter) => {
      const wrapped = this.wrappedAdapters.get(adapter);
      const raw = wrapped?.current() ?? adapter;
      const a = raw as { providerName?: unknown; name?: unknown; constructor?: { name?: unknown } };
      const name =
        wrapped?.name ??
        [a.providerName, a.name, a.constructor?.name].find(
          (v): v is string => typeof v === 'string' && v !== '' && v !== 'Object',
        ) ??
        'adapter';
      return { voice: this.voice(name), adapter: raw };
    });
    this.monitor = new ProbeMonitor(monitored, {
      intervalMs: this.config.checkIntervalMs,
      probeTimeoutMs: this.config.monitorTaskTimeoutMs,
      errorRecoveryDelayMs: this.config.monitorErrorRecoveryDelayMs,
      clock: this.clock,
      logger: this.logger,
      afterRound: () => this.afterProbeRound(),
    });
    this.monitor.start();
  }

  /** Whether monitoring is running. */
  get isMonitoring(): boolean {
    return this.monitor?.active ?? false;
  }

  /** The adapters being monitored (raw objects). */
  get monitoredAdapters(): object[] {
    return this.monitor?.monitored.map((m) => m.adapter) ?? [];
  }

  /** Stops monitoring (waiting for a running probe), then saves memory and a state snapshot. */
  async stopMonitoring(): Promise<void> {
    await this.monitor?.stop();
    await this.healer.settled();
    await this.saveMemory();
    await this.saveSnapshot();
  }

  /** Persists pattern memory (atomic write; memory-only with one warning when unwritable). */
  async saveMemory(): Promise<void> {
    await this.ready;
    this.memory.predictorWeights = this.predictor.exportWeights();
    await this.memory.save();
  }

  /** Writes an `infrastructure_state_<ts>.json` snapshot (retention applied). */
  async saveSnapshot(): Promise<string> {
    this.lastSnapshotAt = this.clock();
    return this.snapshots.write({
      signatures: this.getHealthSignatures(),
      activePatterns: this.activePatterns(),
      healingActions: this.healingActions(),
    });
  }

  /** The consciousness report (DESIGN §9), schema-validated. */
  generateConsciousnessReport(): ConsciousnessReport {
    this.healer.observe(this.clock());
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

  private async loadMemory(): Promise<void> {
    if (!this.config.enablePersistence && this.store.persistent) return;
    await this.memory.load();
    const weights = this.memory.predictorWeights;
    if (weights !== undefined) {
      try {
        this.predictor.importWeights(weights);
      } catch (err) {
        this.logger.warn({ err: String(err) }, 'stored predictor weights ignored');
      }
    }
  }

  private voiceHandle(adapter: string): VoiceHandle | undefined {
    const voice = this.voices.get(adapter);
    if (voice === undefined) return undefined;
    const pipeline = voice.pipeline;
    return {
      tuning: voice.tuning,
      health: voice.health,
      calls: voice.calls,
      hasFallback: () => pipeline?.hasFallback() ?? false,
      inFlight: () => pipeline?.inFlight() ?? 0,
      canSubstitute: () => pipeline?.canSubstitute() ?? true,
      reconnect: pipeline ? () => pipeline.reconnect() : undefined,
    };
  }

  private patternDetected(pattern: InfrastructurePattern): void {
    for (const adapter of pattern.affectedAdapters) {
      this.metrics.patternDetected(pattern.patternType, adapter);
      if (pattern.patternType !== 'recovery')
        this.metrics.setPatternActive(pattern.patternType, adapter, true);
    }
    this.memory.rememberPattern(pattern);
    this.shared?.patternRemembered(pattern);
    this.logger.warn(
      { patternType: pattern.patternType, adapters: pattern.affectedAdapters, category: pattern.category },
      `pattern: ${pattern.patternType}`,
    );
    this.emit('pattern', pattern);
    this.healer.onPattern(pattern);
  }

  private patternResolved(pattern: InfrastructurePattern): void {
    for (const adapter of pattern.affectedAdapters) {
      this.metrics.setPatternActive(pattern.patternType, adapter, false);
      this.healer.patternEnded(adapter, pattern.patternType);
    }
    this.memory.rememberPattern(pattern);
    this.shared?.patternRemembered(pattern);
  }

  private healingTaken(action: SelfHealingAction): void {
    this.memory.rememberHealing(action);
    this.logger.info(
      { adapter: action.targetAdapter, actionType: action.actionType, reason: action.reason },
      `healing: ${action.actionType} on ${action.targetAdapter}`,
    );
    this.emitHealing(action);
  }

  private healingMeasured(action: SelfHealingAction): void {
    this.memory.rememberHealing(action);
    // An unjudged action (too few calls) is neither: it is not counted.
    if (action.success !== null) {
      this.metrics.healingAction(
        action.targetAdapter,
        action.actionType,
        action.success ? 'success' : 'failure',
      );
    }
    this.emitHealing(action);
    if (!action.success) this.healAgain(action.targetAdapter);
  }

  /**
   * An action did not help and was reverted: patterns still active on the voice get another action
   * now (the policy has counted the failure), instead of waiting for the pattern to be raised again.
   */
  private healAgain(adapter: string): void {
    for (const pattern of this.patterns.activePatterns()) {
      if (pattern.patternType === 'recovery' || !pattern.affectedAdapters.includes(adapter)) continue;
      this.healer.onPattern({ ...pattern, affectedAdapters: [adapter] });
    }
  }

  private emitHealing(action: SelfHealingAction): void {
    this.emit('healing', {
      actionId: action.actionId,
      actionType: action.actionType,
      targetAdapter: action.targetAdapter,
      initiatedAt: action.initiatedAt,
      reason: action.reason,
      parameters: action.parameters,
      success: action.success ?? false,
      completed: action.completed,
      impactOnHealth: action.impactOnHealth,
    });
  }

  private afterProbeRound(): void {
    const now = this.clock();
    for (const [voice, learning] of this.learning) {
      learning.history.push(voice.health.snapshot());
      if (learning.history.length > this.config.adapterHealthHistorySize) learning.history.shift();
    }
    this.healer.observe(now);
    const interval = this.config.snapshotIntervalMs;
    if (interval > 0 && now - this.lastSnapshotAt >= interval) {
      this.saveSnapshot().catch((err: unknown) =>
        this.logger.warn({ err: String(err) }, 'state snapshot failed'),
      );
    }
  }

  private publishGauges(): void {
    let total = 0;
    for (const voice of this.voices.values()) {
      const signature = voice.health.snapshot();
      this.metrics.forAdapter(voice.name).applySignature(signature);
      voice.usage.publish();
      total += consciousnessFromHealth(signature, this.config.bridge);
    }
    this.metrics.setConsciousnessScore(this.voices.size === 0 ? 1 : total / this.voices.size);
  }
}
