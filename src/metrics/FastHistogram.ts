import type { Metric, Registry, RegistryContentType } from 'prom-client';
import type { ByteSink } from './ByteSink.js';
import { lineBytes, type ExpositionFormat } from './ExpositionFormat.js';
import { LayoutVersions, LinePrefixes } from './LinePrefixes.js';
import { dropSeriesWhere, seriesKey, seriesLabels, validateMetric } from './seriesKey.js';

/** Options of a {@link FastHistogram}; all validated once here so that {@link HistogramCell.observe} validates nothing. */
export interface FastHistogramOptions {
  /** Metric name, e.g. `llm_call_duration_seconds`. */
  readonly name: string;
  /** Help text printed after `# HELP`. */
  readonly help: string;
  /** Label names, in the order {@link FastHistogram.cell} takes their values; `le` is reserved. */
  readonly labelNames: readonly string[];
  /** Finite, strictly increasing bucket upper bounds; `+Inf` is implicit. */
  readonly buckets: readonly number[];
  /** Registries to join; none when omitted, so nothing lands in prom-client's global registry by accident. */
  readonly registers?: readonly Registry<RegistryContentType>[];
}

/** One labelled series of a {@link FastHistogram}: fetch it once with `cell()` and keep it. */
export interface HistogramCell {
  /** Records `value`; NaN and ±Infinity are ignored rather than thrown, so a bad timing never breaks the call it measures. */
  observe(value: number): void;
}

/** Labels of a bucket sample before the series labels are added: `le` is the bound, or `'+Inf'`. */
export type BucketLabel = { le: number | '+Inf' } | Record<string, never>;

/** One sample of {@link FastHistogram.get}, the shape prom-client's Histogram reports. */
export interface HistogramSample {
  /** Cumulative bucket count, sum or count. */
  value: number;
  /** `<name>_bucket`, `<name>_sum` or `<name>_count`. */
  metricName: string;
  /** Always null on buckets and undefined on sum/count, as prom-client without exemplars, so deep equality holds. */
  exemplar: null | undefined;
  /** `le` (buckets only) followed by the series labels. */
  labels: Record<string, string | number>;
}

/** One sample of {@link FastHistogram.getForPromString}: the series labels kept apart for the Registry's label cache. */
export interface HistogramTextSample {
  /** `{ le }` on buckets, `{}` on sum and count. */
  labels: BucketLabel;
  /** The series labels, one object per series so the Registry can cache their formatting. */
  sharedLabels: Readonly<Record<string, string>>;
  /** Cumulative bucket count, sum or count. */
  value: number;
  /** `<name>_bucket`, `<name>_sum` or `<name>_count`. */
  metricName: string;
  /** Always null on buckets and undefined on sum/count, as prom-client without exemplars. */
  exemplar: null | undefined;
}

/** What {@link FastHistogram.get} and {@link FastHistogram.getForPromString} resolve to. */
export interface HistogramSnapshot<S> {
  /** Current metric name. */
  name: string;
  /** Help text of the metric. */
  help: string;
  /** Always `'histogram'`. */
  type: 'histogram';
  /** Per series, in first-observation order: each bucket, `+Inf`, `_sum`, `_count`. */
  values: S[];
  /** How AggregatorRegistry combines cluster workers: summed. */
  aggregator: 'sum';
}

/**
 * A series' state. Counts are kept per bucket (not cumulative) so an observation touches one
 * slot; the last slot collects values above every bound. Detached series hold zeros and are not
 * exported until their next observation, matching prom-client's first-observation ordering.
 */
class HistogramSeries implements HistogramCell {
  public readonly counts: Float64Array;
  public sum = 0;
  public count = 0;
  public attached = false;
  public readonly prefixes = new LinePrefixes();

  constructor(
    private readonly bounds: Float64Array,
    private readonly exported: Map<string, HistogramSeries>,
    private readonly key: string,
    public readonly labels: Readonly<Record<string, string>>,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  public observe(value: number): void {
    // x - x is 0 for finite x and NaN for NaN and ±Infinity.
    if (value - value !== 0) {
      return;
    }
    // Lower bound: the first bucket with value <= bound, which is prom-client's findBound.
    const bounds = this.bounds;
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (value > bounds[mid]!) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    this.counts[lo]! += 1;
    this.sum += value;
    this.count += 1;
    if (!this.attached) {
      this.attach();
    }
  }

  /** Removed with its label value (removeWhere): a cell still held never exports again. */
  public dropped = false;

  public attach(): void {
    if (this.dropped) return;
    this.attached = true;
    this.exported.set(this.key, this);
  }

  public detach(): void {
    this.exported.delete(this.key);
    this.attached = false;
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

/**
 * A Prometheus histogram whose labelled cells cost a short bucket search and three adds per
 * observation instead of prom-client's per-call label hashing and validation. It registers with
 * prom-client Registries as an ordinary metric, so scrapes, `Registry.merge` and
 * `getMetricsAsJSON` print exactly what a prom-client Histogram fed the same values would.
 */
export class FastHistogram {
  /** Metric name; writable like every prom-client metric's. */
  public name: string;
  /** Help text printed after `# HELP`. */
  public readonly help: string;
  /** Prometheus metric type, read by the Registry. */
  public readonly type = 'histogram' as const;
  /** Cluster aggregation method, read by AggregatorRegistry. */
  public readonly aggregator = 'sum' as const;
  /** Label names, in the order {@link FastHistogram.cell} takes their values. */
  public readonly labelNames: readonly string[];
  /** Bucket upper bounds as given, printed as the `le` labels. */
  public readonly buckets: readonly number[];
  private readonly bounds: Float64Array;
  // Every cell ever handed out, so a kept cell and a later cell() call share one series.
  private readonly cells = new Map<string, HistogramSeries>();
  // The exported subset, in insertion order = first-observation order.
  private readonly exported = new Map<string, HistogramSeries>();
  private readonly layouts = new LayoutVersions();

  /** Validates the options, then registers with each of `registers`; a taken name throws the Registry's error. */
  constructor(options: FastHistogramOptions) {
    validateMetric(options.name, options.help, options.labelNames);
    if (options.labelNames.includes('le')) {
      throw new RangeError(`Label name le is reserved for histogram buckets on ${options.name}`);
    }
    validateBuckets(options.name, options.buckets);
    this.name = options.name;
    this.help = options.help;
    this.labelNames = [...options.labelNames];
    this.buckets = Object.freeze([...options.buckets]);
    this.bounds = Float64Array.from(options.buckets);
    if (this.labelNames.length === 0) {
      // prom-client's Histogram exports its unlabelled series from construction (but not after reset).
      (this.cell() as HistogramSeries).attach();
    }
    for (const registry of options.registers ?? []) {
      // prom-client types registerMetric for its own four classes; at runtime it only reads
      // name/help/type/aggregator and calls get(), getForPromString() and reset().
      registry.registerMetric(this as unknown as Metric);
    }
  }

  /** The cell for these label values (one per `labelNames` entry), created on first request; keep it for the hot path. */
  public cell(...labelValues: string[]): HistogramCell {
    const key = this.keyOf(labelValues);
    return this.cells.get(key) ?? this.createCell(key, labelValues);
  }

  /** Drops the series from scrapes and zeroes it, like prom-client's `remove`; a kept cell re-appears on its next observation. */
  public remove(...labelValues: string[]): void {
    this.cells.get(this.keyOf(labelValues))?.detach();
  }

  /** Removes every series whose label `name` is `value` (a released voice's), for good: cells still held stay unexported. */
  public removeWhere(name: string, value: string): void {
    dropSeriesWhere(this.cells, name, value);
  }

  /** Zeroes and unexports every series, the unlabelled one included, exactly like prom-client's `reset`. */
  public reset(): void {
    for (const series of this.cells.values()) {
      series.detach();
    }
  }

  /** Samples with the series labels merged into `labels`, as prom-client's Histogram `get()`; used by `getMetricsAsJSON`. */
  public async get(): Promise<HistogramSnapshot<HistogramSample>> {
    const text = await this.getForPromString();
    const values = text.values.map(
      ({ labels, sharedLabels, value, metricName, exemplar }): HistogramSample => ({
        value,
        metricName,
        exemplar,
        labels: { ...labels, ...sharedLabels },
      }),
    );
    return { ...text, values };
  }

  /** Samples with the series labels kept apart; the Registry prefers this for the text formats. */
  public async getForPromString(): Promise<HistogramSnapshot<HistogramTextSample>> {
    const values: HistogramTextSample[] = [];
    for (const series of this.exported.values()) {
      this.pushSamples(series, values);
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /**
   * The family as `format` writes it (header, then each series' buckets, `+Inf`, `_sum` and
   * `_count` in `getForPromString()` order, no trailing newline), written into `sink`: the text
   * the Registry would print, each line from prefix bytes cached per series, then the value.
   */
  public expose(format: ExpositionFormat, sink: ByteSink): void {
    const version = this.layouts.current(format, this.name);
    const slot = format.slot;
    const bucketCount = this.buckets.length;
    sink.text(format.header(this.name, this.help, this.type));
    for (const series of this.exported.values()) {
      const prefixes =
        series.prefixes.get(slot, version) ??
        series.prefixes.set(slot, version, this.samplePrefixes(format, series));
      const counts = series.counts;
      let cumulative = 0;
      for (let i = 0; i < bucketCount; i++) {
        cumulative += counts[i]!;
        sink.write(prefixes[i]!);
        sink.number(cumulative, format);
      }
      sink.write(prefixes[bucketCount]!);
      sink.number(series.count, format);
      sink.write(prefixes[bucketCount + 1]!);
      sink.number(series.sum, format);
      sink.write(prefixes[bucketCount + 2]!);
      sink.number(series.count, format);
    }
  }

  // One series' samples in the Registry's order: each bound, +Inf, sum, count.
  private pushSamples(series: HistogramSeries, values: HistogramTextSample[]): void {
    const sharedLabels = series.labels;
    const bucketName = `${this.name}_bucket`;
    let cumulative = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      cumulative += series.counts[i]!;
      values.push({
        labels: { le: this.buckets[i]! },
        sharedLabels,
        value: cumulative,
        metricName: bucketName,
        exemplar: null,
      });
    }
    values.push(
      { labels: { le: '+Inf' }, sharedLabels, value: series.count, metricName: bucketName, exemplar: null },
      { labels: {}, sharedLabels, value: series.sum, metricName: `${this.name}_sum`, exemplar: undefined },
      {
        labels: {},
        sharedLabels,
        value: series.count,
        metricName: `${this.name}_count`,
        exemplar: undefined,
      },
    );
  }

  private samplePrefixes(format: ExpositionFormat, series: HistogramSeries): Buffer[] {
    const samples: HistogramTextSample[] = [];
    this.pushSamples(series, samples);
    return samples.map((sample) => lineBytes(format.samplePrefix(this.name, this.type, sample)));
  }

  private keyOf(labelValues: readonly string[]): string {
    return seriesKey(this.name, this.labelNames, labelValues);
  }

  private createCell(key: string, labelValues: readonly string[]): HistogramSeries {
    const labels = seriesLabels(this.labelNames, labelValues);
    const series = new HistogramSeries(this.bounds, this.exported, key, labels);
    this.cells.set(key, series);
    return series;
  }
}

// Sorted, distinct, finite bounds make the binary search equal prom-client's linear first-match.
function validateBuckets(name: string, buckets: readonly number[]): void {
  for (let i = 0; i < buckets.length; i++) {
    const bound = buckets[i]!;
    if (!Number.isFinite(bound)) {
      throw new RangeError(
        `Bucket bounds of ${name} must be finite (+Inf is implicit), got ${String(bound)}`,
      );
    }
    if (i > 0 && !(bound > buckets[i - 1]!)) {
      throw new RangeError(`Bucket bounds of ${name} must be strictly increasing, got ${buckets.join(', ')}`);
    }
  }
}
