import { openMetricsContentType, type Registry } from 'prom-client';
import { acceptsOpenMetrics } from './acceptsOpenMetrics.js';
import type { BodyBuffers } from './BodyBuffers.js';
import { openMetricsBody } from './renderOpenMetrics.js';
import { prometheusTextBody } from './renderPrometheusText.js';

/** A rendered `/metrics` body and the Content-Type it is served with. */
export interface RenderedMetrics {
  /** Content-Type header value. */
  readonly contentType: string;
  /** The exposition, UTF-8 encoded; from `bodies` when one was given, to be released there. */
  readonly body: Buffer;
}

/**
 * The `/metrics` answer for a scraper sending `accept`: OpenMetrics when it asks for it or the
 * registry is configured for it (see renderOpenMetrics for why `registry.metrics()` is not used
 * for that format), the Prometheus text format otherwise. This is what metricsHandler serves.
 */
export async function renderMetrics(
  registry: Registry,
  accept?: string,
  bodies?: BodyBuffers,
): Promise<RenderedMetrics> {
  if (acceptsOpenMetrics(accept) || (registry.contentType as string) === openMetricsContentType) {
    return { contentType: openMetricsContentType, body: await openMetricsBody(registry, bodies) };
  }
  return { contentType: registry.contentType, body: await prometheusTextBody(registry, bodies) };
}
