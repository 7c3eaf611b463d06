import type { Registry } from 'prom-client';
import { defaultLabelsOf } from './defaultLabelsOf.js';
import { exposeFamilies, joinBlocks } from './exposeFamilies.js';
import { formatOpenMetricsLabels, OpenMetricsFormat } from './OpenMetricsFormat.js';

interface Exemplar {
  readonly labelSet?: Record<string, string | number>;
  readonly value?: number;
  readonly timestamp?: number;
}

interface Sample {
  readonly value: number;
  readonly labels?: Record<string, string | number | undefined>;
  readonly metricName?: string;
  readonly exemplar?: Exemplar | null;
}

interface MetricObject {
  readonly name: string;
  readonly help: string;
  readonly type: unknown;
  readonly values?: readonly Sample[];
}

/** One family block from prom-client's metric object (samples as `get()` reports them). */
function renderFamily(family: MetricObject, format: OpenMetricsFormat): string {
  const type = String(family.type);
  const lines = [format.header(family.name, family.help, type)];
  for (const sample of family.values ?? []) {
    let line = `${format.samplePrefix(family.name, type, sample)}${format.value(sample.value)}`;
    const exemplar = sample.exemplar;
    if (exemplar?.labelSet !== undefined && exemplar.value !== undefined) {
      line += ` # ${formatOpenMetricsLabels(exemplar.labelSet) || '{}'} ${format.value(exemplar.value)}`;
      if (exemplar.timestamp !== undefined) line += ` ${exemplar.timestamp}`;
    }
    lines.push(line);
  }
  return lines.join('\n');
}

/**
 * {@link renderOpenMetrics} as text chunks whose concatenation is the exposition; the HTTP
 * handler encodes them straight into the response instead of building one large string.
 */
export async function openMetricsChunks(registry: Registry): Promise<string[]> {
  const defaultLabels = defaultLabelsOf(registry);
  let blocks: string[][];
  if (defaultLabels === undefined) {
    // Default labels we cannot read: getMetricsAsJSON applies them, at its usual cost.
    const format = new OpenMetricsFormat(null);
    const families = (await registry.getMetricsAsJSON()) as unknown as MetricObject[];
    blocks = families.map((family) => [renderFamily(family, format)]);
  } else {
    const format = new OpenMetricsFormat(defaultLabels);
    blocks = await exposeFamilies(registry, format, async (metric) =>
      renderFamily(await (metric as { get(): Promise<MetricObject> }).get(), format),
    );
  }
  blocks.push(['# EOF']);
  return joinBlocks(blocks, '\n', '\n');
}

/**
 * The registry in the OpenMetrics 1.0 text format. prom-client's own OpenMetrics path needs
 * `registry.setContentType()` and, while rendering, strips `_total` from counter objects for good,
 * which would corrupt a concurrent or later Prometheus-format scrape of the same registry. This
 * reads the registry without mutating it: our counters and histograms write their lines from
 * cached per-series prefixes, every other metric is read through its `get()`, the samples
 * `getMetricsAsJSON()` would report.
 */
export async function renderOpenMetrics(registry: Registry): Promise<string> {
  return (await openMetricsChunks(registry)).join('');
}
