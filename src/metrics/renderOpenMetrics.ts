import type { Registry } from 'prom-client';
import { encodeText, type BodyBuffers } from './BodyBuffers.js';
import { exposeRegistry, type Layout } from './exposeFamilies.js';
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

const OPEN_METRICS_LAYOUT: Layout = {
  format: (defaults) => new OpenMetricsFormat(defaults),
  foreign: async (metric, format) =>
    renderFamily(await (metric as { get(): Promise<MetricObject> }).get(), format as OpenMetricsFormat),
  separator: '\n',
  end: '\n# EOF\n',
};

/**
 * The body of {@link renderOpenMetrics}, encoded (into a buffer of `bodies` when given, to be
 * released there).
 */
export async function openMetricsBody(registry: Registry, bodies?: BodyBuffers): Promise<Buffer> {
  const body = await exposeRegistry(registry, OPEN_METRICS_LAYOUT, bodies);
  if (body !== undefined) return body;
  // No family of ours to learn the default labels from: getMetricsAsJSON applies them, at its usual cost.
  const format = new OpenMetricsFormat(null);
  const families = (await registry.getMetricsAsJSON()) as unknown as MetricObject[];
  const blocks = families.map((family) => `${renderFamily(family, format)}\n`);
  return encodeText(`${blocks.join('')}# EOF\n`, bodies);
}

/**
 * The registry in the OpenMetrics 1.0 text format. prom-client's own OpenMetrics path needs
 * `registry.setContentType()` and, while rendering, strips `_total` from counter objects for good,
 * which would corrupt a concurrent or later Prometheus-format scrape of the same registry. This
 * reads the registry without mutating it: our cells write their lines from cached per-series
 * prefix bytes, every other metric is read through its public `get()`, the samples
 * `getMetricsAsJSON()` would report, with the default labels learned as exposeRegistry explains.
 */
export async function renderOpenMetrics(registry: Registry): Promise<string> {
  return (await openMetricsBody(registry)).toString('utf8');
}
