import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that went through the proxy. */
export interface ProxiedExchange {
  readonly path: string;
  readonly accept: string | undefined;
  readonly status: number;
  readonly contentType: string | undefined;
}

/** A loopback HTTP proxy in front of one server, recording what was asked and answered. */
export interface RecordingProxy {
  /** `127.0.0.1:<port>`, usable as a Prometheus target. */
  readonly target: string;
  /** Exchanges so far, oldest first. */
  readonly exchanges: ProxiedExchange[];
  close(): Promise<void>;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Starts a proxy forwarding every request to `upstream` (`http://host:port`), recording headers and statuses. */
export async function startRecordingProxy(upstream: string): Promise<RecordingProxy> {
  const base = new URL(upstream);
  const exchanges: ProxiedExchange[] = [];
  const server = createServer((req, res) => {
    const forward = request(
      { host: base.hostname, port: base.port, path: req.url, method: req.method, headers: req.headers },
      (upstreamRes) => {
        exchanges.push({
          path: req.url ?? '/',
          accept: header(req.headers, 'accept'),
          status: upstreamRes.statusCode ?? 0,
          contentType: header(upstreamRes.headers, 'content-type'),
        });
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => {
      res.statusCode = 502;
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
