// The same name rules prom-client applies (lib/validation.js), checked once at construction.
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Throws a RangeError for a bad metric name, an empty help text, or a bad or repeated label name. */
export function validateMetric(name: string, help: string, labelNames: readonly string[]): void {
  if (!METRIC_NAME.test(name)) {
    throw new RangeError(`Invalid metric name ${JSON.stringify(name)}`);
  }
  if (!help) {
    throw new RangeError(`Metric ${name} needs a help text`);
  }
  for (const label of labelNames) {
    if (!LABEL_NAME.test(label)) {
      throw new RangeError(`Invalid label name ${JSON.stringify(label)} on ${name}`);
    }
  }
  if (new Set(labelNames).size !== labelNames.length) {
    throw new RangeError(`Duplicate label name on ${name}`);
  }
}

/**
 * The map key of one series of metric `name`: throws unless `labelValues` holds one string per
 * label name. Length-prefixed so that no two label tuples of one arity share a key, whatever
 * characters they hold.
 */
export function seriesKey(
  name: string,
  labelNames: readonly string[],
  labelValues: readonly string[],
): string {
  if (labelValues.length !== labelNames.length) {
    throw new RangeError(
      `${name} takes ${labelNames.length} label values (${labelNames.join(', ')}), got ${labelValues.length}`,
    );
  }
  for (const value of labelValues) {
    if (typeof value !== 'string') {
      throw new TypeError(`${name} label values must be strings, got ${typeof value}`);
    }
  }
  if (labelValues.length === 1) {
    return labelValues[0] ?? '';
  }
  let key = '';
  for (const value of labelValues) {
    key += `${value.length}:${value}`;
  }
  return key;
}

/** The frozen label-name-to-value object a series exports with each sample, in `labelNames` order. */
export function seriesLabels(
  labelNames: readonly string[],
  labelValues: readonly string[],
): Readonly<Record<string, string>> {
  return Object.freeze(Object.fromEntries(labelNames.map((name, i) => [name, labelValues[i] ?? ''])));
}

/** A series of a fast family: its labels, and how it leaves the scrapes. */
export interface DroppableSeries {
  readonly labels: Readonly<Record<string, string>>;
  dropped: boolean;
  detach(): void;
}

/**
 * Removes every series of `cells` whose label `name` is `value` (a released voice's), for good:
 * cells still held by the call path stay unexported.
 */
export function dropSeriesWhere(cells: Map<string, DroppableSeries>, name: string, value: string): void {
  for (const [key, series] of cells) {
    if (series.labels[name] !== value) continue;
    series.detach();
    series.dropped = true;
    cells.delete(key);
  }
}
