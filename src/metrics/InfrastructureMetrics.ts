import { register as defaultRegistry, type Registry } from 'prom-client';
import { z } from 'zod';
import { AdapterMetrics } from './AdapterMetrics.js';
import { invalidOptions } from '../errors/invalidOptions.js';
import { isRegistry } from './isRegistry.js';
import type { LabelBook } from './LabelBook.js';
import { labelValue } from './labelValue.js';
import { registerMetricFamilies, type MetricFamilies } from './metricFamilies.js';
import type { CellFamily } from './CellFamily.js';
import {
  DEFAULT_MAX_METHODS_PER_ADAPTER,
  DEFAULT_METRIC_PREFIX,
  LABEL_NAMES,
  METRIC_DEFINITIONS,
  type MetricKey,
} from './metricNames.js';
import { type HealingResult } from '../vocabulary/HealingActionType.js';
import { MethodMetrics } from './MethodMetrics.js';
import { ModelMetrics } from './ModelMetrics.js';
import { addScrapeHook } from './scrapeHooks.js';

/** The families with an `adapter` label (their series are a voice's). */
const ADAPTER_FAMILIES = (Object.keys(METRIC_DEFINITIONS) as MetricKey[]).filter((key) =>
  (METRIC_DEFINITIONS[key].labelNames as readonly string[]).includes(LABEL_NAMES.adapter),
);

export { AdapterMetrics } from './AdapterMetrics.js';
export { MethodMetrics } from './MethodMetrics.js';
export { ModelMetrics } from './ModelMetrics.js';

/** Options of InfrastructureMetrics, validated once at construction. */
export const InfrastructureMetricsOptionsSchema = z
  .object({
    /** prom-client registry to register in; prom-client's default `register` when omitted. */
    registry: z.custom<Registry>(isRegistry, { message: 'expected a prom-client Registry' }).optional(),
    /** Metric name prefix (may be empty). */
    prefix: z
      .string()
      .regex(/^(?:[a-zA-Z_:][a-zA-Z0-9_:]*)?$/, { message: 'expected a Prometheus metric name prefix' })
      .optional(),
    /** Distinct method label values per adapter; further methods are counted as `other`. */
    maxMethodsPerAdapter: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();

/** Options of InfrastructureMetrics, as the caller writes them. */
export type InfrastructureMetricsOptions = z.input<typeof InfrastructureMetricsOptionsSchema>;

interface AdapterSlot {
  readonly metrics: AdapterMetrics;
  /** Raw method name → series (bounded; see forMethod). */
  readonly byName: Map<string, MethodMetrics>;
  /** Method label value → series. */
  readonly byLabel: Map<string, MethodMetrics>;
  /** Model label value → usage series. */
  readonly models: Map<string, ModelMetrics>;
}

/**
 * The metric families of docs/metrics.md on an injected prom-client registry. The hot path asks once for
 * `forMethod(adapter, method)` and keeps the returned MethodMetrics.
 */
export class InfrastructureMetrics {
  /** The registry the metrics live in. */
  readonly registry: Registry;
  /** The metric name prefix. */
  readonly prefix: string;
  /** Distinct method label values per adapter before overflow goes to `other`. */
  readonly maxMethodsPerAdapter: number;
  private readonly families: MetricFamilies;
  private readonly book: LabelBook;
  private readonly adapters = new Map<string, AdapterSlot>();
  private readonly adaptersByLabel = new Map<string, AdapterSlot>();
  private readonly collectHooks: Array<() => void> = [];
  private collecting = false;
  // Held strongly here and weakly by the metrics, so a dropped instance is not kept alive.
  private readonly collector = (): void => this.runCollectHooks();

  constructor(options?: InfrastructureMetricsOptions) {
    const parsed = InfrastructureMetricsOptionsSchema.safeParse(options ?? {});
    if (!parsed.success) throw invalidOptions('InfrastructureMetrics', parsed.error);
    this.registry = parsed.data.registry ?? defaultRegistry;
    this.prefix = parsed.data.prefix ?? DEFAULT_METRIC_PREFIX;
    this.maxMethodsPerAdapter = parsed.data.maxMethodsPerAdapter ?? DEFAULT_MAX_METHODS_PER_ADAPTER;
    this.families = registerMetricFamilies(this.registry, this.prefix);
    this.book = this.families.labelBook;
  }

  /** The series of one (adapter, method), created and initialised on first use, then cached. */
  forMethod(adapter: string, method: string): MethodMetrics {
    const slot = this.slot(adapter);
    const cached = slot.byName.get(method);
    if (cached !== undefined) return cached;
    const label = this.book.admitMethod(slot.metrics.adapter, labelValue(method), this.maxMethodsPerAdapter);
    let metrics = slot.byLabel.get(label);
    if (metrics === undefined) {
      metrics = new MethodMetrics(this.families, slot.metrics.adapter, label, this.maxMethodsPerAdapter);
      slot.byLabel.set(label, metrics);
    }
    // Raw names past the cap all map to `other`; caching each of them would grow without bound.
    if (slot.byName.size < this.maxMethodsPerAdapter * 4) slot.byName.set(method, metrics);
    return metrics;
  }

  /**
   * The usage series of one (adapter, model): the model's own label while the adapter has fewer
   * than `maxModels` distinct models on this registry, `other` after that. Callers cache the
   * result per raw model name (bounded), as the hot path does for methods.
   */
  forModel(adapter: string, model: string, maxModels: number): ModelMetrics {
    const slot = this.slot(adapter);
    const label = this.book.admitModel(slot.metrics.adapter, labelValue(model), maxModels);
    let metrics = slot.models.get(label);
    if (metrics === undefined) {
      metrics = new ModelMetrics(this.families, slot.metrics.adapter, label);
      slot.models.set(label, metrics);
    }
    return metrics;
  }

  /** The series of one adapter, created (circuit closed, up, neutral gauges) on first use, then cached. */
  forAdapter(adapter: string): AdapterMetrics {
    return this.slot(adapter).metrics;
  }

  /**
   * Removes every series of one adapter (a released voice) and forgets its label values, so a
   * voice made later under that name starts afresh. Series of families registered by other code
   * (not this library's cells) are left as they are.
   */
  removeAdapter(adapter: string): void {
    const label = labelValue(adapter);
    for (const [raw, slot] of this.adapters) if (slot.metrics.adapter === label) this.adapters.delete(raw);
    this.adaptersByLabel.delete(label);
    this.book.forget(label);
    for (const key of ADAPTER_FAMILIES) {
      (this.families[key] as CellFamily<unknown>).removeWhere?.(LABEL_NAMES.adapter, label);
    }
  }

  /** Sets the overall infrastructure consciousness score. */
  setConsciousnessScore(value: number): void {
    if (Number.isFinite(value)) this.families.consciousnessScore.cell().set(value);
  }

  /** Counts a detected infrastructure pattern. */
  patternDetected(type: string, adapter: string): void {
    this.families.patternsDetected.cell(labelValue(type), labelValue(adapter)).inc();
  }

  /** Marks a pattern as active (1) or over (0) for an adapter. */
  setPatternActive(type: string, adapter: string, active: boolean): void {
    this.families.patternActive.cell(labelValue(type), labelValue(adapter)).set(active ? 1 : 0);
  }

  /** Counts a self-healing action and its result. */
  healingAction(adapter: string, action: string, result: HealingResult): void {
    if (result !== 'success' && result !== 'failure') return;
    this.families.healingActions.cell(labelValue(adapter), labelValue(action), result).inc();
  }

  /**
   * Runs `hook` once per scrape, before any gauge is read, e.g. to refresh gauges from health
   * signatures. Counters and histograms are written on the call path and need no refresh.
   * Returns a function that removes the hook.
   */
  onCollect(hook: () => void): () => void {
    if (this.collectHooks.length === 0) {
      for (const metric of this.families.gaugeMetrics) addScrapeHook(metric, this.collector);
    }
    this.collectHooks.push(hook);
    return () => {
      const i = this.collectHooks.indexOf(hook);
      if (i >= 0) this.collectHooks.splice(i, 1);
    };
  }

  private runCollectHooks(): void {
    // Every gauge calls the collector during one scrape; run the hooks once per scrape.
    if (this.collecting) return;
    this.collecting = true;
    queueMicrotask(() => {
      this.collecting = false;
    });
    for (const hook of [...this.collectHooks]) {
      try {
        hook();
      } catch (err) {
        process.emitWarning(`infrastructure-consciousness: onCollect hook failed: ${String(err)}`);
      }
    }
  }

  private slot(adapter: string): AdapterSlot {
    let slot = this.adapters.get(adapter);
    if (slot !== undefined) return slot;
    const label = labelValue(adapter);
    slot = this.adaptersByLabel.get(label);
    if (slot === undefined) {
      const metrics = new AdapterMetrics(this.families, label, this.book.admitAdapter(label));
      slot = { metrics, byName: new Map(), byLabel: new Map(), models: new Map() };
      this.adaptersByLabel.set(label, slot);
    }
    this.adapters.set(adapter, slot);
    return slot;
  }
}
