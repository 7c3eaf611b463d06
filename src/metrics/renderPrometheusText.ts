import { prometheusContentType, type Registry } from 'prom-client';
import { encodeText, type BodyBuffers } from './BodyBuffers.js';
import { exposeRegistry, type Layout } from './exposeFamilies.js';
import { PrometheusTextFormat } from './PrometheusTextFormat.js';

/** A foreign metric prom-client cannot find under its own name (renamed by an OpenMetrics scrape). */
class UnnamedMetric extends Error {}

function textLayout(registry: Registry): Layout {
  return {
    format: (defaults) => new PrometheusTextFormat(defaults),
    foreign: (metric) => {
      const name = (metric as { name?: unknown }).name;
      // getSingleMetricAsString renders by name; a metric under another key goes through metrics().
      if (typeof name !== 'string' || registry.getSingleMetric(name) !== metric) {
        return Promise.reject(new UnnamedMetric());
      }
      return registry.getSingleMetricAsString(name);
    },
    separator: '\n\n',
    end: '\n',
  };
}

/**
 * The body of {@link renderPrometheusText}, encoded (into a buffer of `bodies` when given, to be
 * released there): what `registry.metrics()` returns, byte for byte.
 */
export async function prometheusTextBody(registry: Registry, bodies?: BodyBuffers): Promise<Buffer> {
  if ((registry.contentType as string) === prometheusContentType) {
    try {
      const body = await exposeRegistry(registry, textLayout(registry), bodies);
      if (body !== undefined) return body;
    } catch {
      // An unnamed metric, or a real failure (a throwing collect): prom-client's own rendering
      // below prints the former and surfaces the latter.
    }
  }
  return encodeText(await registry.metrics(), bodies);
}

/**
 * What `registry.metrics()` returns for a Prometheus-text registry, byte for byte, at a fraction
 * of the cost: our counters, histograms and gauges write their lines from per-series prefix
 * bytes cached at their first scrape, so only the numbers are formatted; every other metric
 * (prom-client's own, default metrics) is rendered by prom-client's `getSingleMetricAsString`,
 * in the registry's order. An OpenMetrics registry, or one without an unlabelled family of ours
 * to learn the default labels from, is left to `metrics()`.
 */
export async function renderPrometheusText(registry: Registry): Promise<string> {
  return (await prometheusTextBody(registry)).toString('utf8');
}
