import { prometheusContentType, type Registry } from 'prom-client';
import { defaultLabelsOf } from './defaultLabelsOf.js';
import { exposeFamilies, joinBlocks } from './exposeFamilies.js';
import { PrometheusTextFormat } from './PrometheusTextFormat.js';

/** prom-client's per-metric renderer; not in its typings, so looked up and checked at run time. */
type MetricsAsString = (this: Registry, metric: object) => Promise<string>;

/**
 * {@link renderPrometheusText} as text chunks whose concatenation is the exposition; the HTTP
 * handler encodes them straight into the response instead of building one large string.
 */
export async function prometheusTextChunks(registry: Registry): Promise<string[]> {
  const defaultLabels = defaultLabelsOf(registry);
  const metricsAsString = (registry as unknown as { getMetricsAsString?: unknown }).getMetricsAsString;
  if (
    (registry.contentType as string) !== prometheusContentType ||
    defaultLabels === undefined ||
    typeof metricsAsString !== 'function'
  ) {
    return [await registry.metrics()];
  }
  const render = metricsAsString as MetricsAsString;
  const blocks = await exposeFamilies(registry, new PrometheusTextFormat(defaultLabels), (metric) =>
    render.call(registry, metric),
  );
  return joinBlocks(blocks, '\n\n', '\n');
}

/**
 * What `registry.metrics()` returns for a Prometheus-text registry, byte for byte, at a fraction
 * of the cost: our counters and histograms write their lines from per-series prefixes cached at
 * their first scrape, so only the numbers are formatted; every other metric (prom-client's own,
 * default metrics, gauges) is still rendered by prom-client, in the registry's order. An
 * OpenMetrics registry, or one whose internals are not prom-client 15's, is left to `metrics()`.
 */
export async function renderPrometheusText(registry: Registry): Promise<string> {
  return (await prometheusTextChunks(registry)).join('');
}
