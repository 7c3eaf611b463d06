import { openMetricsContentType, type Registry } from 'prom-client';
import { acceptsOpenMetrics } from './acceptsOpenMetrics.js';
import type { BodyBuffers } from './BodyBuffers.js';
import { openMetricsChunks } from './renderOpenMetrics.js';
import { prometheusTextChunks } from './renderPrometheusText.js';

/** A rendered `/metrics` body and the Content-Type it is served with. */
export interface RenderedMetrics {
  /** Content-Type header value. */
  readonly contentType: string;
  /** The exposition, UTF-8 encoded; from `bodies` when one was given, to be released there. */
  readonly body: Buffer;
}

// The chunks written one after another into a buffer of the exact size: no string of the whole
// scrape is ever built. An ASCII chunk (as many bytes as UTF-16 units) skips UTF-8 encoding.
function encode(chunks: readonly string[], bodies: BodyBuffers | undefined): Buffer {
  const lengths = chunks.map((chunk) => Buffer.byteLength(chunk));
  let size = 0;
  for (const length of lengths) size += length;
  const body = bodies === undefined ? Buffer.allocUnsafe(size) : bodies.acquire(size);
  let offset = 0;
  for (const [i, chunk] of chunks.entries()) {
    offset += body.write(chunk, offset, lengths[i] === chunk.length ? 'latin1' : 'utf8');
  }
  return body;
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
    return { contentType: openMetricsContentType, body: encode(await openMetricsChunks(registry), bodies) };
  }
  return { contentType: registry.contentType, body: encode(await prometheusTextChunks(registry), bodies) };
}
