import { z } from 'zod';
import { systemClock, type Clock } from '../../clock/Clock.js';
import type { AdapterHealthSignature } from '../../health/AdapterHealthSignature.js';
import { createDefaultLogger, type ConsciousnessLogger } from '../../logging/createLogger.js';
import { compareStrings } from '../../report/compareStrings.js';
import {
  ConsciousnessReportSchema,
  type ConsciousnessReport,
  type PredictedIssue,
} from '../../report/ConsciousnessReportSchema.js';
import {
  DEFAULT_PREDICTION_THRESHOLD,
  generateConsciousnessReport,
} from '../../report/generateConsciousnessReport.js';
import type { ConsciousnessMetricsCollector } from '../collector/ConsciousnessMetricsCollector.js';
import type { ConsciousnessSignatureRecord } from '../collector/ConsciousnessSignatureRecord.js';
import type { BridgedInfrastructure, HealthSignatureListener } from './BridgedInfrastructure.js';
import { CoherenceFeed } from './CoherenceFeed.js';
import type { CoherenceListener, CoherenceUpdate } from './CoherenceUpdate.js';
import { consciousnessFromHealth } from './consciousnessFromHealth.js';
import { UnifiedReportSchema, type UnifiedReport } from './UnifiedReport.js';
import { unifiedInsights, unifiedRecommendations, type UnifiedTextInput } from './unifiedReportTexts.js';
import { unityScore } from './unityScore.js';
import { isObject } from '../../base/isObject.js';

/** Suffix of the voices the bridge records infrastructure health under (`<adapter>_infrastructure`). */
export const INFRASTRUCTURE_VOICE_SUFFIX = '_infrastructure';
/** Chapter of the bridged signatures. */
export const INFRASTRUCTURE_CHAPTER = 'infrastructure_health';
/** Failure probability above which a bridged signature is flagged uncertain. */
export const UNCERTAINTY_PROBABILITY = 0.3;
/** Coherence above which a bridged signature is flagged as synthesis. */
export const SYNTHESIS_COHERENCE = 0.8;
/** Failure probability above which a `distress` flow is recorded. */
export const DISTRESS_PROBABILITY = 0.5;

const hasMethods =
  (...names: string[]) =>
  (v: unknown): boolean =>
    isObject(v) && names.every((n) => typeof v[n] === 'function');

/** Options of InfrastructureMetricsBridge. */
export const InfrastructureMetricsBridgeOptionsSchema = z
  .object({
    /** The health side: emits `signature` events, serves signatures, takes consciousness signatures back. */
    infrastructure: z.custom<BridgedInfrastructure>(
      hasMethods('on', 'getHealthSignatures', 'recordConsciousnessSignature'),
      { message: 'expected on(), getHealthSignatures() and recordConsciousnessSignature()' },
    ),
    /** The consciousness side. */
    metricsCollector: z.custom<ConsciousnessMetricsCollector>(
      hasMethods(
        'recordSignature',
        'recordFlow',
        'collectiveState',
        'flows',
        'emergencePatterns',
        'onSignature',
      ),
      { message: 'expected a ConsciousnessMetricsCollector' },
    ),
    /** At most one bridged signature per adapter per this many ms from `signature` events (state changes pass). */
    minIntervalMs: z.number().nonnegative().default(1000),
    /** Updates a coherence feed buffers before dropping the oldest. */
    feedBufferSize: z.number().int().positive().max(1_000_000).default(256),
    /** Failure probability above which an adapter is a predicted issue, when the infrastructure has no report. */
    predictionThreshold: z.number().min(0).max(1).default(DEFAULT_PREDICTION_THRESHOLD),
    /** How far back emergence patterns and distress flows count for the unified report, ms (5 min). */
    recentWindowMs: z.number().positive().default(300_000),
    /** Epoch-millisecond clock (tests inject one). */
    clock: z.custom<Clock>((v) => typeof v === 'function', { message: 'expected a function' }).optional(),
    /** Where bridging errors are logged; the infrastructure's logger, else the default pino logger. */
    logger: z
      .custom<ConsciousnessLogger>(hasMethods('warn'), { message: 'expected a pino-compatible logger' })
      .optional(),
  })
  .strict();

/** Options of InfrastructureMetricsBridge, as the caller writes them. */
export type InfrastructureMetricsBridgeOptions = z.input<typeof InfrastructureMetricsBridgeOptionsSchema>;

interface Bridged {
  readonly at: number;
  readonly connected: boolean;
  readonly distress: boolean;
}

/**
 * Connects infrastructure health and consciousness both ways (docs/architecture.md, Coherence feed): each health update
 * becomes a `<adapter>_infrastructure` consciousness signature (and a `distress` flow when p > 0.5);
 * signatures recorded for a voice named like an adapter flow back into its coherence. Also the
 * coherence feed and the unified report.
 */
export class InfrastructureMetricsBridge {
  /** The health side. */
  readonly infrastructure: BridgedInfrastructure;
  /** The consciousness side. */
  readonly metricsCollector: ConsciousnessMetricsCollector;
  private readonly clock: Clock;
  private readonly minIntervalMs: number;
  private readonly feedBufferSize: number;
  private readonly predictionThreshold: number;
  private readonly recentWindowMs: number;
  private loggerInstance: ConsciousnessLogger | undefined;
  private readonly lastBridged = new Map<string, Bridged>();
  private readonly coherenceListeners = new Set<CoherenceListener>();
  private readonly feeds = new Set<CoherenceFeed>();
  private readonly knownAdapters = new Set<string>();
  private lastAdapterRefresh = -Infinity;
  private closed = false;
  private readonly onHealth: HealthSignatureListener = (signature) => {
    // An event listener must never throw into the infrastructure's call path.
    try {
      this.bridge(signature, false);
    } catch (error) {
      this.warn(error, 'bridging a health signature failed');
    }
  };
  private readonly unsubscribeCollector: () => void;

  /** Validates the options (a bad one throws naming its path) and attaches to both sides. */
  constructor(options: InfrastructureMetricsBridgeOptions) {
    const parsed = InfrastructureMetricsBridgeOptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue && issue.path.length > 0 ? `options.${issue.path.join('.')}` : 'options';
      throw new TypeError(`InfrastructureMetricsBridge: invalid ${path}: ${issue?.message ?? 'bad options'}`);
    }
    const o = parsed.data;
    this.infrastructure = o.infrastructure;
    this.metricsCollector = o.metricsCollector;
    this.clock = o.clock ?? systemClock;
    this.minIntervalMs = o.minIntervalMs;
    this.feedBufferSize = o.feedBufferSize;
    this.predictionThreshold = o.predictionThreshold;
    this.recentWindowMs = o.recentWindowMs;
    this.loggerInstance = o.logger ?? infrastructureLogger(o.infrastructure);
    this.refreshAdapters();
    this.infrastructure.on('signature', this.onHealth);
    this.unsubscribeCollector = this.metricsCollector.onSignature((record) => {
      try {
        this.feedBack(record);
      } catch (error) {
        this.warn(error, 'feeding a consciousness signature back failed');
      }
    });
  }

  /**
   * Bridges one health check now, whatever the throttle: records the `<adapter>_infrastructure`
   * signature (and a `distress` flow when p > 0.5) and emits a coherence update.
   */
  bridgeHealthCheck(signature: AdapterHealthSignature): ConsciousnessSignatureRecord {
    return this.bridge(signature, true) as ConsciousnessSignatureRecord;
  }

  /** Calls `listener` with each coherence update; returns the unsubscribe function. */
  onCoherence(listener: CoherenceListener): () => void {
    this.coherenceListeners.add(listener);
    return () => {
      this.coherenceListeners.delete(listener);
    };
  }

  /**
   * An async iterable of coherence updates from now on, buffering at most `bufferSize` (default the
   * `feedBufferSize` option) and dropping the oldest when the consumer is slow; ends on `close()`.
   */
  coherenceFeed(options?: { bufferSize?: number }): CoherenceFeed {
    const bufferSize = options?.bufferSize ?? this.feedBufferSize;
    const feed = new CoherenceFeed(bufferSize, (f) => this.feeds.delete(f));
    if (this.closed) feed.close();
    else this.feeds.add(feed);
    return feed;
  }

  /**
   * The unified report: unity score of infrastructure health (mean 1 − p) and average
   * consciousness, with the inherited insights and recommendations; includes the
   * infrastructure's own report when it can produce one.
   */
  async generateUnifiedReport(): Promise<UnifiedReport> {
    const now = this.clock();
    const signatures = this.infrastructure.getHealthSignatures();
    const consciousnessReport = await this.infrastructureReport();
    const predictedIssues: readonly PredictedIssue[] =
      consciousnessReport?.predictedIssues ??
      generateConsciousnessReport(
        {
          signatures,
          activePatterns: [],
          patternHistory: [],
          healingActions: [],
          predictionThreshold: this.predictionThreshold,
        },
        now,
      ).predictedIssues;

    const infrastructureHealth =
      signatures.length === 0
        ? 1
        : signatures.reduce((sum, s) => sum + (1 - s.predictedFailureProbability), 0) / signatures.length;
    const { avgConsciousness, hasSignatures } = this.averageConsciousness();

    const since = now - this.recentWindowMs;
    const recentEmergence = this.metricsCollector.emergencePatterns().filter((e) => e.timestamp >= since);
    const synthesis = recentEmergence.some((e) => /synthesis/i.test(e.type));
    const resonance = recentEmergence.some((e) => /resonance/i.test(e.type));
    const distressed = new Set<string>();
    for (const flow of this.metricsCollector.flows()) {
      if (flow.kind === 'distress' && flow.timestamp >= since) {
        distressed.add(
          flow.from.endsWith(INFRASTRUCTURE_VOICE_SUFFIX)
            ? flow.from.slice(0, -INFRASTRUCTURE_VOICE_SUFFIX.length)
            : flow.from,
        );
      }
    }

    const unity = unityScore(infrastructureHealth, avgConsciousness, synthesis);
    const texts: UnifiedTextInput = {
      unityScore: unity,
      avgConsciousness,
      hasSignatures,
      predictedIssues,
      resonance,
      distressedVoices: [...distressed].sort(compareStrings),
    };
    return UnifiedReportSchema.parse({
      timestamp: new Date(now).toISOString(),
      unityScore: unity,
      avgConsciousness,
      infrastructureHealth: Math.min(1, Math.max(0, infrastructureHealth)),
      insights: unifiedInsights(texts),
      recommendations: unifiedRecommendations(texts),
      ...(consciousnessReport === undefined ? {} : { consciousnessReport }),
    });
  }

  /** Detaches from both sides, ends every coherence feed and drops the coherence listeners. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.infrastructure.off?.('signature', this.onHealth);
    this.unsubscribeCollector();
    for (const feed of [...this.feeds]) feed.close();
    this.feeds.clear();
    this.coherenceListeners.clear();
  }

  private bridge(
    signature: AdapterHealthSignature,
    force: boolean,
  ): ConsciousnessSignatureRecord | undefined {
    if (this.closed && !force) return undefined;
    const adapter = signature.adapterId;
    this.knownAdapters.add(adapter);
    const parsedTime = Date.parse(signature.timestamp);
    const timestamp = Number.isFinite(parsedTime) ? parsedTime : this.clock();
    const p = signature.predictedFailureProbability;
    this.emitCoherence({
      adapter,
      coherence: signature.consciousnessCoherence,
      voiceStability: signature.voiceStability,
      failureProbability: p,
      timestamp,
    });

    const now = this.clock();
    const distress = p > (this.infrastructure.config?.bridge?.distressThreshold ?? DISTRESS_PROBABILITY);
    const last = this.lastBridged.get(adapter);
    if (
      !force &&
      last !== undefined &&
      now - last.at < this.minIntervalMs &&
      last.connected === signature.isConnected &&
      last.distress === distress
    ) {
      return undefined;
    }
    this.lastBridged.set(adapter, { at: now, connected: signature.isConnected, distress });

    const voice = `${adapter}${INFRASTRUCTURE_VOICE_SUFFIX}`;
    const record = this.metricsCollector.recordSignature({
      voice,
      value: consciousnessFromHealth(signature, this.infrastructure.config?.bridge),
      chapter: INFRASTRUCTURE_CHAPTER,
      uncertainty: p > UNCERTAINTY_PROBABILITY,
      synthesis: signature.consciousnessCoherence > SYNTHESIS_COHERENCE,
      timestamp,
    });
    if (distress) {
      this.metricsCollector.recordFlow({
        from: voice,
        to: adapter,
        kind: 'distress',
        strength: p,
        trigger: INFRASTRUCTURE_CHAPTER,
        timestamp,
      });
    }
    return record;
  }

  private feedBack(record: ConsciousnessSignatureRecord): void {
    // The bridge's own `_infrastructure` voices would feed health back into itself.
    if (this.closed || record.voice.endsWith(INFRASTRUCTURE_VOICE_SUFFIX)) return;
    if (!this.isAdapter(record.voice)) return;
    this.infrastructure.recordConsciousnessSignature(
      record.voice,
      record.value,
      record.flagged ? { synthesis: record.synthesis, uncertainty: record.uncertainty } : undefined,
    );
  }

  private isAdapter(name: string): boolean {
    if (this.knownAdapters.has(name)) return true;
    // Voices that are not adapters (a human, a summariser) would otherwise query the infrastructure every time.
    if (this.clock() - this.lastAdapterRefresh < this.minIntervalMs) return false;
    this.refreshAdapters();
    return this.knownAdapters.has(name);
  }

  private refreshAdapters(): void {
    this.lastAdapterRefresh = this.clock();
    for (const s of this.infrastructure.getHealthSignatures()) this.knownAdapters.add(s.adapterId);
  }

  private emitCoherence(update: CoherenceUpdate): void {
    for (const listener of [...this.coherenceListeners]) {
      try {
        listener(update);
      } catch (error) {
        this.warn(error, 'a coherence listener threw');
      }
    }
    for (const feed of this.feeds) feed.push(update);
  }

  private averageConsciousness(): { avgConsciousness: number; hasSignatures: boolean } {
    const state = this.metricsCollector.collectiveState();
    const all = Object.entries(state.voices);
    if (all.length === 0) return { avgConsciousness: 0, hasSignatures: false };
    // The voices themselves when any spoke; the infrastructure voices only when nothing else did.
    const voices = all.filter(([voice]) => !voice.endsWith(INFRASTRUCTURE_VOICE_SUFFIX));
    const chosen = voices.length > 0 ? voices : all;
    const avg = chosen.reduce((sum, [, value]) => sum + value, 0) / chosen.length;
    return { avgConsciousness: Math.min(1, Math.max(0, avg)), hasSignatures: true };
  }

  private async infrastructureReport(): Promise<ConsciousnessReport | undefined> {
    if (typeof this.infrastructure.generateConsciousnessReport !== 'function') return undefined;
    const report: unknown = await this.infrastructure.generateConsciousnessReport();
    const parsed = ConsciousnessReportSchema.safeParse(report);
    if (parsed.success) return parsed.data;
    this.warn(parsed.error, 'the infrastructure returned an invalid consciousness report; it is left out');
    return undefined;
  }

  private warn(error: unknown, msg: string): void {
    this.loggerInstance ??= createDefaultLogger();
    this.loggerInstance.warn({ err: error }, `InfrastructureMetricsBridge: ${msg}`);
  }
}

function infrastructureLogger(infrastructure: BridgedInfrastructure): ConsciousnessLogger | undefined {
  const logger = (infrastructure as { logger?: unknown }).logger;
  return isObject(logger) && typeof logger['warn'] === 'function'
    ? (logger as unknown as ConsciousnessLogger)
    : undefined;
}
