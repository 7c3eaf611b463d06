/** A sample line's start as bytes: the newline ending the previous line, then `prefix`. */
export function lineBytes(prefix: string): Buffer {
  return Buffer.from(`\n${prefix}`, 'utf8');
}

/** One sample as a metric's `get()` or `getForPromString()` reports it; only the labels and names shape its line. */
export interface ExposedSample {
  /** Labels of this sample (`le` of a bucket, or all labels when there are no shared ones). */
  readonly labels?: Readonly<Record<string, unknown>>;
  /** Series labels kept apart by `getForPromString()` (histograms). */
  readonly sharedLabels?: Readonly<Record<string, unknown>>;
  /** `<name>_bucket`, `_sum`, `_count`; absent when the sample carries the metric's name. */
  readonly metricName?: string;
}

/**
 * How one text format writes a metric family, with the registry's default labels applied. Built
 * once per scrape; our own cells cache the prefixes it builds until its `key` or their name changes.
 */
export interface ExpositionFormat {
  /** Which of a series' prefix caches this format uses: 0 Prometheus text, 1 OpenMetrics. */
  readonly slot: 0 | 1;
  /** Equal for two formats exactly when they build the same prefixes (same kind, same default labels). */
  readonly key: string;
  /** The `# HELP` and `# TYPE` lines of a family, joined by a newline, without a trailing one. */
  header(name: string, help: string, type: string): string;
  /** Everything of a sample line before its value: `name{labels} `. */
  samplePrefix(name: string, type: string, sample: ExposedSample): string;
  /** A sample value as the format writes it. */
  value(value: number): string;
}

/** A cache key for a set of default labels: distinct for distinct names or values. */
export function defaultLabelsKey(defaultLabels: Readonly<Record<string, unknown>> | null): string {
  if (defaultLabels === null) return '';
  let key = '';
  for (const [name, value] of Object.entries(defaultLabels)) {
    const text = String(value);
    key += `${name.length}:${name}${typeof value}:${text.length}:${text}`;
  }
  return key;
}
