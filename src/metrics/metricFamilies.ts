import type { Registry } from 'prom-client';
import { MetricConflictError } from '../errors/MetricConflictError.js';
import { inLabelOrder, type CellFamily, type CounterFamily, type HistogramFamily } from './CellFamily.js';
import { FastCounter } from './FastCounter.js';
import { FastGauge, type GaugeCell } from './FastGauge.js';
import { FastHistogram } from './FastHistogram.js';
import { labelBookOf, type LabelBook } from './LabelBook.js';
import { METRIC_DEFINITIONS, metricName, type MetricKey, type MetricKind } from './metricNames.js';
import { PromClientCells, type LabelledMetric } from './PromClientCells.js';

type Definitions = typeof METRIC_DEFINITIONS;
type KeyOf<T extends MetricKind> = {
  [K in MetricKey]: Definitions[K]['type'] extends T ? K : never;
}[MetricKey];

/**
 * The metric families (docs/metrics.md), registered in (or reused from) one registry, keyed as in
 * METRIC_DEFINITIONS: every family hands out cells, bound once (gauges are refreshed by scrape hooks).
 */
export type MetricFamilies = { readonly [K in KeyOf<'counter'>]: CounterFamily } & {
  readonly [K in KeyOf<'histogram'>]: HistogramFamily;
} & { readonly [K in KeyOf<'gauge'>]: CellFamily<GaugeCell> } & {
  /** Label values issued on this registry, shared by every instance and loaded copy writing to it. */
  readonly labelBook: LabelBook;
  /** The registered gauge objects, which run scrape hooks before they are read. */
  readonly gaugeMetrics: readonly object[];
};

const KEYS = Object.keys(METRIC_DEFINITIONS) as MetricKey[];

/** The keys of the gauge families, the ones scrape hooks are attached to. */
export const GAUGE_KEYS = KEYS.filter((key) => METRIC_DEFINITIONS[key].type === 'gauge') as KeyOf<'gauge'>[];

/** What a registered metric exposes that tells its kind apart: our cells, or prom-client children. */
interface FoundMetric {
  readonly type?: unknown;
  readonly labelNames?: unknown;
  readonly cell?: unknown;
  readonly labels?: unknown;
}

function sameLabelSet(found: readonly string[], expected: readonly string[]): boolean {
  return found.length === expected.length && expected.every((name) => found.includes(name));
}

function shapeOf(type: string, labelNames: readonly string[]): string {
  return `a ${type} with labels [${labelNames.join(', ')}]`;
}

function labelNamesOf(found: FoundMetric): string[] {
  return Array.isArray(found.labelNames) ? (found.labelNames as unknown[]).map(String) : [];
}

/** The registered metric of that name when it has our type and label set; throws when it conflicts. */
function reusable(registry: Registry, name: string, key: MetricKey): FoundMetric | undefined {
  const existing: unknown = registry.getSingleMetric(name);
  if (existing === undefined || existing === null) return undefined;
  const def = METRIC_DEFINITIONS[key];
  const found = existing as FoundMetric;
  const labelNames = labelNamesOf(found);
  const expected = shapeOf(def.type, def.labelNames);
  if (found.type !== def.type || !sameLabelSet(labelNames, def.labelNames)) {
    throw new MetricConflictError(name, expected, shapeOf(String(found.type), labelNames));
  }
  if (typeof found.cell !== 'function' && typeof found.labels !== 'function') {
    throw new MetricConflictError(
      name,
      expected,
      `${shapeOf(def.type, labelNames)} of an unknown implementation`,
    );
  }
  return found;
}

/**
 * Cells of a counter or histogram already registered by another instance, another loaded copy of
 * this library (a FastCounter/FastHistogram of another class), or other code (prom-client).
 */
function cellsOf<C>(found: FoundMetric, key: MetricKey): CellFamily<C> {
  const wanted = METRIC_DEFINITIONS[key].labelNames;
  if (typeof found.cell === 'function') {
    return inLabelOrder(found as unknown as CellFamily<C>, labelNamesOf(found), wanted);
  }
  return new PromClientCells(found as unknown as LabelledMetric<C>, wanted);
}

/**
 * A new family: our own cells, not prom-client's Counter/Histogram/Gauge, because prom-client's
 * public API cannot serve this library's scrape within the 5 ms target. Measured with
 * `npm run bench:scrape` (50 voices × 5 methods × 5 models, ~13,900 samples, 1.35 MiB) on the
 * shared 2-core VM, 2026-12-06, load average 10–19: prom-client's classes with the same series and
 * `registry.metrics()` took a median 19–23 ms of CPU per scrape (49–119 ms wall under that load;
 * 45.6 ms wall at load 12), these cells 2.6–2.8 ms of CPU (6.5–6.8 ms wall at load 17). The
 * cells still register and render through prom-client's public Registry API (docs/architecture.md).
 */
function create(registry: Registry, prefix: string, key: MetricKey): object {
  const def: { type: MetricKind; labelNames: readonly string[]; help: string; buckets?: readonly number[] } =
    METRIC_DEFINITIONS[key];
  const options = {
    name: metricName(prefix, key),
    help: def.help,
    labelNames: def.labelNames,
    registers: [registry],
  };
  switch (def.type) {
    case 'counter':
      return new FastCounter(options);
    case 'histogram':
      return new FastHistogram({ ...options, buckets: def.buckets ?? [] });
    case 'gauge':
      return new FastGauge(options);
  }
}

/**
 * Registers the families of docs/metrics.md in `registry` under `prefix`, reusing any already there with
 * the same type and labels (a second instance, or a second loaded copy of this library).
 * Throws MetricConflictError naming the metric when one exists with another type or label set.
 */
export function registerMetricFamilies(registry: Registry, prefix: string): MetricFamilies {
  // Check every name first so a conflict leaves nothing half-registered.
  const found = new Map(KEYS.map((key) => [key, reusable(registry, metricName(prefix, key), key)]));
  const families: Record<string, unknown> = {};
  const gaugeMetrics: object[] = [];
  for (const key of KEYS) {
    const existing = found.get(key);
    const metric = existing ?? create(registry, prefix, key);
    families[key] = existing === undefined ? metric : cellsOf(existing, key);
    if (METRIC_DEFINITIONS[key].type === 'gauge') gaugeMetrics.push(metric);
  }
  families.gaugeMetrics = gaugeMetrics;
  // The book lives on the registered calls metric, so it is dropped with it (removeSingleMetric).
  const callsMetric = found.get('calls') ?? (families.calls as object);
  families.labelBook = labelBookOf(callsMetric);
  return families as MetricFamilies;
}
