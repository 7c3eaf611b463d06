import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry, type Registry } from 'prom-client';

/** A running cluster-wide /metrics server. */
export interface ClusterMetricsServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * In a `node:cluster` worker: the registries whose metrics the primary's aggregated `/metrics`
 * collects from this worker (prom-client's default registry when never called). Pass
 * `infrastructure.registry` when the brain has its own registry.
 */
export function shareMetricsWithPrimary(...registries: Registry[]): void {
  // prom-client answers the primary's requests once an AggregatorRegistry exists in the worker.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries(registries);
}

/**
 * In the `node:cluster` primary: one `GET /metrics` for all workers, through prom-client's
 * AggregatorRegistry — every family once, counters and histograms summed across workers, gauges
 * summed too (prom-client's default aggregation). Binds 127.0.0.1:9464 by default (`port: 0`
 * picks a free port).
 */
export async function startClusterMetricsServer(
  options: { port?: number; host?: string } = {},
): Promise<ClusterMetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const aggregator = new AggregatorRegistry();
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    aggregator.clusterMetrics().then(
      (text) => res.writeHead(200, { 'content-type': aggregator.contentType }).end(text),
      (err: unknown) =>
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`cluster metrics failed: ${String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9464, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
