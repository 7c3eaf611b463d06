import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactingReplacer, redactSecrets } from '../classify/redactSecrets.js';
import { BodyBuffers } from '../metrics/BodyBuffers.js';
import { isMetricsSource, type MetricsSource } from '../metrics/MetricsSource.js';
import { renderMetrics } from '../metrics/renderMetrics.js';

/** A node:http style handler; `next` (express/connect) is called for paths it does not serve. */
export type MetricsRequestHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

type Route = '/metrics' | '/health' | '/report';
const ROUTES: ReadonlySet<string> = new Set<Route>(['/metrics', '/health', '/report']);
const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const ALLOWED_METHODS = 'GET, HEAD';

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  send(req, res, status, JSON_TYPE, JSON.stringify(body, redactingReplacer));
}

function fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  try {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // The message helps an operator; the stack stays out of the response.
    const message = err instanceof Error ? err.message : String(err);
    sendJson(req, res, 500, { error: 'internal_error', message: message.slice(0, 500) });
  } catch {
    res.destroy();
  }
}

async function defaultSource(): Promise<MetricsSource> {
  // Loaded lazily: the default brain is only built when somebody actually serves it.
  const { getDefaultInfrastructure } = await import('../consciousness/defaultInfrastructure.js');
  return getDefaultInfrastructure();
}

function sourceResolver(
  source: MetricsSource | (() => MetricsSource) | undefined,
): () => Promise<MetricsSource> {
  if (source === undefined) return defaultSource;
  if (typeof source === 'function') {
    return async () => {
      const resolved = source();
      if (!isMetricsSource(resolved))
        throw new TypeError('metricsHandler: the source factory did not return a MetricsSource');
      return resolved;
    };
  }
  if (!isMetricsSource(source)) {
    throw new TypeError(
      'metricsHandler: expected a MetricsSource ({ registry, getHealthSignatures() }) or a function returning one',
    );
  }
  return async () => source;
}

async function serveMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  source: MetricsSource,
  bodies: BodyBuffers,
): Promise<void> {
  const { contentType, body } = await renderMetrics(source.registry, req.headers.accept, bodies);
  // 'close' follows the last write to the socket, or its end: nothing reads the body afterwards.
  res.once('close', () => bodies.release(body));
  send(req, res, 200, contentType, body, { Vary: 'Accept' });
}

function serveHealth(req: IncomingMessage, res: ServerResponse, source: MetricsSource): void {
  const adapters = source.getHealthSignatures();
  const up = adapters.every((sig) => sig.isConnected && sig.circuitState !== 'open');
  sendJson(req, res, up ? 200 : 503, { status: up ? 'up' : 'down', adapters });
}

async function serveReport(
  req: IncomingMessage,
  res: ServerResponse,
  source: MetricsSource,
  query: string,
): Promise<void> {
  if (typeof source.generateConsciousnessReport !== 'function') {
    sendJson(req, res, 404, { error: 'not_found', message: 'this source has no consciousness report' });
    return;
  }
  const report: unknown = await source.generateConsciousnessReport();
  if (new URLSearchParams(query).get('format') === 'text' && typeof source.renderReportText === 'function') {
    send(req, res, 200, TEXT_TYPE, redactSecrets(source.renderReportText(report)));
  } else {
    sendJson(req, res, 200, report);
  }
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  route: Route,
  query: string,
  resolve: () => Promise<MetricsSource>,
  bodies: BodyBuffers,
): Promise<void> {
  const source = await resolve();
  if (route === '/metrics') await serveMetrics(req, res, source, bodies);
  else if (route === '/health') serveHealth(req, res, source);
  else await serveReport(req, res, source, query);
}

/**
 * Serves `GET|HEAD /metrics` (Prometheus text, or OpenMetrics when the scraper asks for it),
 * `/health` (200 when every voice is up, else 503) and `/report`, for node:http, express or
 * fastify's raw request/response. Errors become a 500 JSON body; they never escape. Without a
 * source, the process-wide default InfrastructureConsciousness is served.
 */
export function metricsHandler(source?: MetricsSource | (() => MetricsSource)): MetricsRequestHandler {
  const resolve = sourceResolver(source);
  const bodies = new BodyBuffers();
  return (req, res, next) => {
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart < 0 ? url : url.slice(0, queryStart);
    if (!ROUTES.has(path) && next !== undefined) {
      // Not ours: the framework's chain (and its error handling) takes over.
      next();
      return;
    }
    try {
      if (!ROUTES.has(path)) {
        sendJson(req, res, 404, { error: 'not_found', message: `no route for ${path.slice(0, 200)}` });
      } else if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(req, res, 405, JSON_TYPE, JSON.stringify({ error: 'method_not_allowed' }), {
          Allow: ALLOWED_METHODS,
        });
      } else {
        const query = queryStart < 0 ? '' : url.slice(queryStart + 1);
        serve(req, res, path as Route, query, resolve, bodies).catch((err: unknown) => fail(req, res, err));
      }
    } catch (err) {
      fail(req, res, err);
    }
  };
}
