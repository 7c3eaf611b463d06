import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { invalidOptions } from '../errors/invalidOptions.js';
import { metricsHandler } from './metricsHandler.js';
import { isMetricsSource, type MetricsSource } from '../metrics/MetricsSource.js';

/** Default port of the metrics server (the OpenTelemetry Prometheus exporter's port). */
export const DEFAULT_METRICS_PORT = 9464;
/** Default bind address: loopback, so nothing is exposed unless the caller asks for it. */
export const DEFAULT_METRICS_HOST = '127.0.0.1';

/** Options of startMetricsServer, validated before anything is bound. */
export const MetricsServerOptionsSchema = z
  .object({
    /** TCP port; 0 picks a free port. */
    port: z.number().int().min(0).max(65_535).optional(),
    /** Address to bind. */
    host: z.string().min(1).optional(),
    /** What to serve; the process-wide default InfrastructureConsciousness when omitted. */
    infrastructure: z
      .custom<MetricsSource>(isMetricsSource, {
        message: 'expected a MetricsSource ({ registry, getHealthSignatures() })',
      })
      .optional(),
  })
  .strict();

/** Options of startMetricsServer, as the caller writes them. */
export type MetricsServerOptions = z.input<typeof MetricsServerOptionsSchema>;

/** A running metrics server. */
export interface MetricsServer {
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  /** Stops listening and closes open (keep-alive) connections; safe to call more than once. */
  close(): Promise<void>;
}

function baseUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Starts a node:http server with `GET /metrics`, `/health` and `/report` (see metricsHandler).
 * Rejects with a TypeError naming the option when options are invalid, and with an error
 * carrying `code` (e.g. EADDRINUSE) when the port cannot be bound.
 */
export async function startMetricsServer(options?: MetricsServerOptions): Promise<MetricsServer> {
  const parsed = MetricsServerOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) throw invalidOptions('startMetricsServer', parsed.error);
  const port = parsed.data.port ?? DEFAULT_METRICS_PORT;
  const host = parsed.data.host ?? DEFAULT_METRICS_HOST;
  const server = createServer(metricsHandler(parsed.data.infrastructure));

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      const reason = err.code === 'EADDRINUSE' ? 'the port is already in use' : err.message;
      const error = new Error(
        `startMetricsServer: cannot listen on ${baseUrl(host, port)}: ${reason} (${err.code ?? 'error'})`,
        {
          cause: err,
        },
      );
      (error as NodeJS.ErrnoException).code = err.code;
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  // Once listening, a stray server error must not crash the host process.
  server.on('error', () => undefined);

  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port: bound,
    url: baseUrl(host, bound),
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err === undefined ? resolve() : reject(err)));
        server.closeAllConnections();
      })),
  };
}
