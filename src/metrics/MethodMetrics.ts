import type { Counter, Histogram } from 'prom-client';
import { isErrorCategory, type ErrorCategory } from '../classify/ErrorCategory.js';
import { labelValue } from './labelValue.js';
import type { MetricFamilies } from './metricFamilies.js';
import { CALL_OUTCOMES, OVERFLOW_LABEL_VALUE, type CallOutcome, type FallbackKind } from './metricNames.js';

type CounterChild = Counter.Internal;
type HistogramChild = Histogram.Internal<string>;

// A switch beats a keyed lookup on the hot path and rejects unknown outcomes without a prototype walk.
function outcomeIndex(outcome: CallOutcome): number {
  switch (outcome) {
    case 'success':
      return 0;
    case 'failure':
      return 1;
    case 'fallback':
      return 2;
    case 'rejected':
      return 3;
    default:
      return -1;
  }
}

// Durations outside [0, ∞) would make prom-client throw; a metric must never fail a call.
function seconds(value: number): number {
  return value >= 0 && value < Infinity ? value : 0;
}

/**
 * The metric series of one (adapter, method), with prom-client children bound once. The wrapper
 * holds on to it, so recording a call is two array reads and one histogram observation.
 */
export class MethodMetrics {
  /** Adapter label value. */
  readonly adapter: string;
  /** Method label value (`other` once the adapter's method cap was reached). */
  readonly method: string;
  private readonly durations: HistogramChild[];
  private readonly counts: CounterChild[] | undefined;
  private readonly errors = new Map<string, CounterChild>();
  private readonly retries = new Map<string, CounterChild>();
  private readonly fallbacks = new Map<FallbackKind, Map<string, CounterChild>>();
  private firstChunkChild: HistogramChild | undefined;

  constructor(
    private readonly families: MetricFamilies,
    adapter: string,
    method: string,
    private readonly maxTargets: number,
  ) {
    this.adapter = adapter;
    this.method = method;
    this.durations = CALL_OUTCOMES.map((outcome) =>
      families.callDuration.labels({ adapter, method, outcome }),
    );
    if (families.callsDerived) {
      this.counts = undefined;
    } else {
      this.counts = CALL_OUTCOMES.map((outcome) => families.calls.labels({ adapter, method, outcome }));
      for (const child of this.counts) child.inc(0);
    }
  }

  /** Records a finished caller call: calls_total and call_duration_seconds. */
  call(outcome: CallOutcome, durationSeconds: number): void {
    const i = outcomeIndex(outcome);
    if (i < 0) return;
    this.durations[i]?.observe(seconds(durationSeconds));
    this.counts?.[i]?.inc();
  }

  /** Counts a failed upstream attempt of this category. */
  error(category: ErrorCategory): void {
    (this.errors.get(category) ?? this.bind(this.errors, this.families.errors, category)).inc();
  }

  /** Counts a retry scheduled because of this category. */
  retry(category: ErrorCategory): void {
    (this.retries.get(category) ?? this.bind(this.retries, this.families.retries, category)).inc();
  }

  /** Counts a call served by a fallback rung; `target` is the alias, fallback adapter or `value`. */
  fallback(kind: FallbackKind, target: string): void {
    let byTarget = this.fallbacks.get(kind);
    if (byTarget === undefined) {
      if (kind !== 'method_alias' && kind !== 'adapter' && kind !== 'value') return;
      byTarget = new Map();
      this.fallbacks.set(kind, byTarget);
    }
    let child = byTarget.get(target);
    if (child === undefined) {
      const label = byTarget.size >= this.maxTargets ? OVERFLOW_LABEL_VALUE : labelValue(target);
      child = this.families.fallbacks.labels({
        adapter: this.adapter,
        method: this.method,
        kind,
        target: label,
      });
      if (byTarget.size < this.maxTargets) byTarget.set(target, child);
    }
    child.inc();
  }

  /** Records the time from call start to the first streamed chunk. */
  firstChunk(durationSeconds: number): void {
    this.firstChunkChild ??= this.families.firstChunk.labels({ adapter: this.adapter, method: this.method });
    this.firstChunkChild.observe(seconds(durationSeconds));
  }

  private bind(cache: Map<string, CounterChild>, counter: Counter, category: string): CounterChild {
    // Unknown strings (untyped callers) are counted as `unknown` and not cached: the enum stays closed.
    const label = isErrorCategory(category) ? category : 'unknown';
    let child = cache.get(label);
    if (child === undefined) {
      child = counter.labels({ adapter: this.adapter, method: this.method, category: label });
      cache.set(label, child);
    }
    return child;
  }
}
