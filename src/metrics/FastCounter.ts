import type { Metric, Registry, RegistryContentType } from 'prom-client';
import type { ByteSink } from './ByteSink.js';
import { lineBytes, type ExpositionFormat } from './ExpositionFormat.js';
import { LayoutVersions, LinePrefixes } from './LinePrefixes.js';
import { dropSeriesWhere, seriesKey, seriesLabels, validateMetric } from './seriesKey.js';

/** Options of a {@link FastCounter}; all validated once here so that {@link CounterCell.inc} validates nothing. */
export interface FastCounterOptions {
  /** Metric name, e.g. `llm_calls_total`; OpenMetrics scrapes strip a trailing `_total` in place, as for prom-client. */
  readonly name: string;
  /** Help text printed after `# HELP`. */
  readonly help: string;
  /** Label names, in the order {@link FastCounter.cell} takes their values. */
  readonly labelNames: readonly string[];
  /** Registries to join; none when omitted, so nothing lands in prom-client's global registry by accident. */
  readonly registers?: readonly Registry<RegistryContentType>[];
}

/** One labelled series of a {@link FastCounter}: fetch it once with `cell()` and keep it. */
export interface CounterCell {
  /** Adds `n` (default 1); throws a RangeError for a negative or non-finite `n`, since a counter only goes up. */
  inc(n?: number): void;
}

/** One sample of {@link FastCounter.get}, the shape prom-client's Counter reports. */
export interface CounterSample {
  /** Sum of the increments since the series appeared (or was last reset or removed). */
  value: number;
  /** Label name to value, in `labelNames` order. */
  labels: Readonly<Record<string, string>>;
}

/** What {@link FastCounter.get} resolves to: prom-client's metric object for a counter. */
export interface CounterSnapshot {
  /** Help text of the metric. */
  help: string;
  /** Current metric name (possibly with `_total` stripped by an OpenMetrics scrape). */
  name: string;
  /** `'counter'` (`'gauge'` for a FastGauge). */
  type: 'counter' | 'gauge';
  /** One sample per series, in the order the series first received an increment. */
  values: CounterSample[];
  /** How AggregatorRegistry combines cluster workers: summed. */
  aggregator: 'sum';
}

/**
 * A series' state. Detached series (never incremented, removed or reset) hold 0 and are not
 * exported; the first `inc` re-attaches them, so `get()` lists series in first-increment order
 * exactly like prom-client's hash map does.
 */
class CounterSeries implements CounterCell {
  public value = 0;
  public attached = false;
  public readonly prefixes = new LinePrefixes();

  constructor(
    private readonly exported: Map<string, CounterSeries>,
    private readonly key: string,
    public readonly labels: Readonly<Record<string, string>>,
  ) {}

  public set(value: number): void {
    // A gauge keeps its last finite value; NaN and ±Infinity are ignored.
    if (value - value !== 0) return;
    this.value = value;
    if (!this.attached) {
      this.attach();
    }
  }

  public inc(n = 1): void {
    // One comparison pair rejects negatives, NaN and Infinity; prom-client would let NaN through.
    if (!(n >= 0 && n < Infinity)) {
      throw new RangeError(`A counter only goes up by a finite amount, got ${String(n)}`);
    }
    this.value += n;
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
    this.value = 0;
  }
}

/**
 * A Prometheus counter whose labelled cells cost a field add per increment instead of
 * prom-client's per-call label hashing and validation. It registers with prom-client
 * Registries as an ordinary metric, so scrapes, `Registry.merge` and `getMetricsAsJSON` print
 * exactly what a prom-client Counter fed the same increments would.
 */
export class FastCounter {
  /** Metric name; writable because `Registry.metrics()` in OpenMetrics mode strips `_total` from counter names. */
  public name: string;
  /** Help text printed after `# HELP`. */
  public readonly help: string;
  /** Prometheus metric type, read by the Registry (`gauge` for a FastGauge). */
  public readonly type: 'counter' | 'gauge';
  /** Cluster aggregation method, read by AggregatorRegistry. */
  public readonly aggregator = 'sum' as const;
  /** Label names, in the order {@link FastCounter.cell} takes their values. */
  public readonly labelNames: readonly string[];
  // Every cell ever handed out, so a kept cell and a later cell() call share one series.
  private readonly cells = new Map<string, CounterSeries>();
  // The exported subset, in insertion order = first-increment order.
  private readonly exported = new Map<string, CounterSeries>();
  private readonly layouts = new LayoutVersions();

  /** Validates the options, then registers with each of `registers`; a taken name throws the Registry's error. */
  constructor(options: FastCounterOptions, type: 'counter' | 'gauge' = 'counter') {
    validateMetric(options.name, options.help, options.labelNames);
    this.type = type;
    this.name = options.name;
    this.help = options.help;
    this.labelNames = [...options.labelNames];
    this.reset();
    for (const registry of options.registers ?? []) {
      // prom-client types registerMetric for its own four classes; at runtime it only reads
      // name/help/type/aggregator and calls get() and reset(), which this class provides.
      registry.registerMetric(this as unknown as Metric);
    }
  }

  /** The cell for these label values (one per `labelNames` entry), created on first request; keep it for the hot path. */
  public cell(...labelValues: string[]): CounterCell {
    const key = this.keyOf(labelValues);
    return this.cells.get(key) ?? this.createCell(key, labelValues);
  }

  /** Drops the series from scrapes and zeroes it, like prom-client's `remove`; a kept cell re-appears on its next `inc`. */
  public remove(...labelValues: string[]): void {
    this.cells.get(this.keyOf(labelValues))?.detach();
  }

  /** Removes every series whose label `name` is `value` (a released voice's), for good: cells still held stay unexported. */
  public removeWhere(name: string, value: string): void {
    dropSeriesWhere(this.cells, name, value);
  }

  /** Zeroes and unexports every series, like prom-client's `reset`; an unlabelled counter keeps exporting 0. */
  public reset(): void {
    for (const series of this.cells.values()) {
      series.detach();
    }
    if (this.labelNames.length === 0) {
      // prom-client's Counter always exports its unlabelled series, starting at 0.
      (this.cell() as CounterSeries).attach();
    }
  }

  /** The current samples in prom-client's metric-object shape; called by the Registry on every scrape. */
  public async get(): Promise<CounterSnapshot> {
    this.beforeRead();
    const values: CounterSample[] = [];
    for (const series of this.exported.values()) {
      // A fresh sample object each time: Registry.getMetricsAsJSON reassigns `labels` on it.
      values.push({ value: series.value, labels: series.labels });
    }
    return { help: this.help, name: this.name, type: this.type, values, aggregator: this.aggregator };
  }

  /**
   * The family as `format` writes it (header, then one line per series in `get()` order, no
   * trailing newline), written into `sink`: the text the Registry would print, each line from its
   * series' prefix bytes cached at the first scrape, then the value.
   */
  public expose(format: ExpositionFormat, sink: ByteSink): void {
    this.beforeRead();
    const version = this.layouts.current(format, this.name);
    const slot = format.slot;
    sink.text(format.header(this.name, this.help, this.type));
    for (const series of this.exported.values()) {
      const prefix =
        series.prefixes.get(slot, version) ??
        series.prefixes.set(slot, version, [
          lineBytes(format.samplePrefix(this.name, this.type, { labels: series.labels })),
        ]);
      sink.write(prefix[0]!);
      sink.number(series.value, format);
    }
  }

  /** Called before every read (scrape); a FastGauge refreshes its values here. */
  protected beforeRead(): void {}

  private keyOf(labelValues: readonly string[]): string {
    return seriesKey(this.name, this.labelNames, labelValues);
  }

  private createCell(key: string, labelValues: readonly string[]): CounterSeries {
    const labels = seriesLabels(this.labelNames, labelValues);
    const series = new CounterSeries(this.exported, key, labels);
    this.cells.set(key, series);
    return series;
  }
}
