import { isErrorCategory, type ErrorCategory } from '../vocabulary/ErrorCategory.js';
import type { CounterFamily } from './CellFamily.js';
import type { CounterCell } from './FastCounter.js';
import type { HistogramCell } from './FastHistogram.js';
import { labelValue } from './labelValue.js';
import type { MetricFamilies } from './metricFamilies.js';
import {
  DEFAULT_MAX_MODELS_PER_ADAPTER,
  OVERFLOW_LABEL_VALUE,
  UNKNOWN_MODEL_LABEL_VALUE,
} from './metricNames.js';
import { CALL_OUTCOMES, type CallOutcome, type FallbackKind } from '../vocabulary/CallOutcome.js';

/** Raw model names cached per fallback target, as a multiple of the model cap. */
const RAW_MODEL_FACTOR = 4;

/** One fallback target's label and its cells per raw model name. */
interface FallbackTarget {
  readonly label: string;
  readonly byModel: Map<string, CounterCell>;
}

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

// A negative or non-finite duration is recorded as 0, so the call still lands in _count and
// calls_total{outcome} keeps equalling call_duration_seconds_count{outcome}.
function seconds(value: number): number {
  return value >= 0 && value < Infinity ? value : 0;
}

/**
 * The metric series of one (adapter, method), with cells bound once. The wrapper holds on to it,
 * so recording a call is one histogram observation and one counter increment on cached cells.
 */
export class MethodMetrics {
  /** Adapter label value. */
  readonly adapter: string;
  /** Method label value (`other` once the adapter's method cap was reached). */
  readonly method: string;
  // Indexed by outcomeIndex.
  private readonly durations: HistogramCell[];
  private readonly counts: CounterCell[];
  private readonly errors = new Map<string, CounterCell>();
  private readonly retries = new Map<string, CounterCell>();
  private readonly fallbacks = new Map<FallbackKind, Map<string, FallbackTarget>>();
  private firstChunkCell: HistogramCell | undefined;

  constructor(
    private readonly families: MetricFamilies,
    adapter: string,
    method: string,
    private readonly maxTargets: number,
  ) {
    this.adapter = adapter;
    this.method = method;
    this.durations = CALL_OUTCOMES.map((outcome) => families.callDuration.cell(adapter, method, outcome));
    this.counts = CALL_OUTCOMES.map((outcome) => families.calls.cell(adapter, method, outcome));
    // Adding 0 only creates the series (calls_total 0 from the first sight of a method); it never
    // changes a count another instance recorded.
    for (const cell of this.counts) cell.inc(0);
  }

  /** Records a finished caller call: calls_total and call_duration_seconds. */
  call(outcome: CallOutcome, durationSeconds: number): void {
    const i = outcomeIndex(outcome);
    if (i < 0) return;
    this.durations[i]!.observe(seconds(durationSeconds));
    this.counts[i]!.inc();
  }

  /** Counts a failed upstream attempt of this category. */
  error(category: ErrorCategory): void {
    (this.errors.get(category) ?? this.bind(this.errors, this.families.errors, category)).inc();
  }

  /** Counts a retry scheduled because of this category. */
  retry(category: ErrorCategory): void {
    (this.retries.get(category) ?? this.bind(this.retries, this.families.retries, category)).inc();
  }

  /**
   * Counts a call served by a fallback rung; `target` is the alias, fallback adapter or `value`,
   * `model` the model the answer named (undefined: `unknown`). Models are admitted under the
   * target voice's own cap (`maxModels`, as for its usage series), so `fallbacks_total` and the
   * target's `tokens_total` share their `model` values; a fallback value names no model.
   */
  fallback(
    kind: FallbackKind,
    target: string,
    model?: string,
    maxModels = DEFAULT_MAX_MODELS_PER_ADAPTER,
  ): void {
    let byTarget = this.fallbacks.get(kind);
    if (byTarget === undefined) {
      if (kind !== 'method_alias' && kind !== 'adapter' && kind !== 'value') return;
      byTarget = new Map();
      this.fallbacks.set(kind, byTarget);
    }
    let slot = byTarget.get(target);
    if (slot === undefined) {
      const label = byTarget.size >= this.maxTargets ? OVERFLOW_LABEL_VALUE : labelValue(target);
      slot = { label, byModel: new Map() };
      if (byTarget.size < this.maxTargets) byTarget.set(target, slot);
    }
    const raw = model ?? UNKNOWN_MODEL_LABEL_VALUE;
    let cell = slot.byModel.get(raw);
    if (cell === undefined) {
      const voice = kind === 'method_alias' ? this.adapter : slot.label;
      const modelLabel =
        kind === 'value' || model === undefined
          ? UNKNOWN_MODEL_LABEL_VALUE
          : this.families.labelBook.admitModel(voice, labelValue(model), maxModels);
      cell = this.families.fallbacks.cell(this.adapter, this.method, kind, slot.label, modelLabel);
      // Raw names past the cap all map to `other`; caching each of them would grow without bound.
      if (slot.byModel.size < maxModels * RAW_MODEL_FACTOR) slot.byModel.set(raw, cell);
    }
    cell.inc();
  }

  /** Records the time from call start to the first streamed chunk. */
  firstChunk(durationSeconds: number): void {
    this.firstChunkCell ??= this.families.firstChunk.cell(this.adapter, this.method);
    this.firstChunkCell.observe(seconds(durationSeconds));
  }

  private bind(cache: Map<string, CounterCell>, family: CounterFamily, category: string): CounterCell {
    // Unknown strings (untyped callers) are counted as `unknown` and not cached: the enum stays closed.
    const label = isErrorCategory(category) ? category : 'unknown';
    let cell = cache.get(label);
    if (cell === undefined) {
      cell = family.cell(this.adapter, this.method, label);
      cache.set(label, cell);
    }
    return cell;
  }
}
