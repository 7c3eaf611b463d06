import { EventEmitter, once } from 'node:events';
import { createServer, get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterHealthSignature } from '../../src/health/AdapterHealthSignature.js';
import { InfrastructureMetrics } from '../../src/metrics/InfrastructureMetrics.js';
import { metricsHandler } from '../../src/endpoints/metricsHandler.js';
import type { MetricsSource } from '../../src/metrics/MetricsSource.js';
import { startMetricsServer, type MetricsServer } from '../../src/endpoints/startMetricsServer.js';
import { parseExposition } from '../metrics/exposition.js';
import { referenceOpenMetrics } from '../metrics/referenceOpenMetrics.js';

const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

const signature = (
  adapterId: string,
  overrides: Partial<AdapterHealthSignature> = {},
): AdapterHealthSignature => ({
  adapterId,
  timestamp: '2025-01-01T00:00:00.000Z',
  status: 'healthy',
  isConnected: true,
  connectionLatencyMs: 100,
  responseTimeP95Ms: 300,
  lastSuccessfulRequest: null,
  consecutiveFailures: 0,
  totalCalls: 3,
  totalFailures: 0,
  errorRate: 0,
  errorPatterns: {},
  consciousnessCoherence: 1,
  voiceStability: 1,
  predictedFailureProbability: 0,
  circuitState: 'closed',
  selfHealingActionsTaken: [],
  trend: 'stable',
  ...overrides,
});

/** A MetricsSource over a fresh registry with one recorded call. */
function fakeSource(
  extra: Partial<MetricsSource> & { signatures?: AdapterHealthSignature[] } = {},
): MetricsSource {
  const registry = new Registry();
  const metrics = new InfrastructureMetrics({ registry });
  metrics.forMethod('anthropic', 'sendMessage').call('success', 0.8);
  const signatures = extra.signatures ?? [];
  return { registry, getHealthSignatures: () => signatures, ...extra };
}

const servers: MetricsServer[] = [];
const rawServers: Server[] = [];

async function start(source: MetricsSource = fakeSource()): Promise<MetricsServer> {
  const server = await startMetricsServer({ port: 0, infrastructure: source });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(
    rawServers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((resolve) => s.close(resolve));
    }),
  );
});

function typeNames(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('# TYPE '))
    .map((line) => line.split(' ')[2] ?? '');
}

describe('startMetricsServer', () => {
  it('binds a free loopback port when asked for port 0', async () => {
    const server = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('serves /metrics in the Prometheus text format', async () => {
    const server = await start();
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const body = await res.text();
    expect(body).toContain('# TYPE fire_circle_adapter_calls_total counter');
    expect(body).not.toContain('# EOF');
    expect(parseExposition(body).size).toBe(23);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const server = await start();
    const get = await fetch(`${server.url}/metrics`);
    const getBody = await get.text();
    const head = await fetch(`${server.url}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(Number(head.headers.get('content-length'))).toBe(Buffer.byteLength(getBody));
    expect(await head.text()).toBe('');
  });

  it('answers unknown paths with 404 and other methods with 405 and Allow', async () => {
    const server = await start();
    const missing = await fetch(`${server.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
    const post = await fetch(`${server.url}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('reports up with 200 when every voice is up, and with no voices at all', async () => {
    let server = await start();
    let res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'up', adapters: [] });

    server = await start(
      fakeSource({
        signatures: [signature('anthropic'), signature('openai', { circuitState: 'half_open' })],
      }),
    );
    res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await res.json()) as { status: string; adapters: AdapterHealthSignature[] };
    expect(body.status).toBe('up');
    expect(body.adapters.map((a) => a.adapterId)).toEqual(['anthropic', 'openai']);
  });

  it.each([
    ['an open circuit', { circuitState: 'open' as const }],
    ['a disconnected voice', { isConnected: false }],
  ])('reports down with 503 for %s', async (_, overrides) => {
    const server = await start(
      fakeSource({ signatures: [signature('anthropic'), signature('google', overrides)] }),
    );
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'down' });
  });

  it('answers /report with 404 when the source has no report', async () => {
    const server = await start();
    const res = await fetch(`${server.url}/report`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });

  it('serves the report as JSON, or as text with ?format=text', async () => {
    const report = { timestamp: '2025-01-01T00:00:00.000Z', infrastructureHealth: {} };
    const server = await start(
      fakeSource({
        generateConsciousnessReport: async () => report,
        renderReportText: (r) => `Infrastructure Health @ ${(r as typeof report).timestamp}\n`,
      }),
    );
    const json = await fetch(`${server.url}/report`);
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual(report);
    const text = await fetch(`${server.url}/report?format=text`);
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await text.text()).toBe('Infrastructure Health @ 2025-01-01T00:00:00.000Z\n');
  });

  it('serves JSON for ?format=text when the source cannot render text', async () => {
    const server = await start(fakeSource({ generateConsciousnessReport: () => ({ ok: true }) }));
    const res = await fetch(`${server.url}/report?format=text`);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('turns a throwing source into a 500 JSON error without a stack, and keeps serving', async () => {
    const server = await start(
      fakeSource({
        getHealthSignatures: () => {
          throw new Error('signatures unavailable');
        },
        generateConsciousnessReport: () => ({ big: 1n }),
      }),
    );
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(500);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ error: 'internal_error', message: 'signatures unavailable' });
    expect(JSON.stringify(body)).not.toContain('at ');
    expect((await fetch(`${server.url}/report`)).status).toBe(500);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  });

  it('serves 20 concurrent scrapes, all complete and alike', async () => {
    const server = await start();
    const bodies = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const res = await fetch(`${server.url}/metrics`);
        expect(res.status).toBe(200);
        return res.text();
      }),
    );
    const expected = typeNames(bodies[0] ?? '');
    expect(expected).toHaveLength(23);
    for (const body of bodies) expect(typeNames(body)).toEqual(expected);
  });

  it('sends every scrape byte for byte, concurrent ones and a slow reader included', async () => {
    const registry = new Registry();
    const metrics = new InfrastructureMetrics({ registry });
    for (let a = 0; a < 25; a++) {
      for (let m = 0; m < 10; m++) {
        const cells = metrics.forMethod(`voice-${a} ✓`, `method-${m}`);
        for (const outcome of ['success', 'failure', 'fallback'] as const) cells.call(outcome, a + m / 10);
      }
    }
    const server = await start({ registry, getHealthSignatures: () => [] });
    const text = await registry.metrics();
    const openMetrics = await referenceOpenMetrics(registry);
    expect(Buffer.byteLength(text)).toBeGreaterThan(1_000_000);

    // A scraper that stops reading after the first bytes while others scrape on.
    const slow = new Promise<string>((resolve, reject) => {
      httpGet(`${server.url}/metrics`, (res) => {
        const chunks: Buffer[] = [];
        res.once('data', (chunk: Buffer) => {
          chunks.push(chunk);
          res.pause();
          setTimeout(() => res.resume(), 200);
          res.on('data', (more: Buffer) => chunks.push(more));
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      }).on('error', reject);
    });
    const fast = async (accept?: string): Promise<string> =>
      (await fetch(`${server.url}/metrics`, accept === undefined ? {} : { headers: { accept } })).text();
    expect(await Promise.all([fast(), fast(PROMETHEUS_ACCEPT), fast()])).toEqual([text, openMetrics, text]);
    expect(await slow).toBe(text);
  });

  it('negotiates OpenMetrics per request while concurrent plain scrapes keep the Prometheus format', async () => {
    const server = await start();
    const scrape = async (accept: string) => {
      const res = await fetch(`${server.url}/metrics`, { headers: { accept } });
      return { type: res.headers.get('content-type'), vary: res.headers.get('vary'), body: await res.text() };
    };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => scrape(i % 2 === 0 ? PROMETHEUS_ACCEPT : 'text/plain')),
    );
    results.forEach(({ type, vary, body }, i) => {
      expect(vary).toBe('Accept');
      if (i % 2 === 0) {
        expect(type).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
        expect(body.endsWith('# EOF\n')).toBe(true);
        expect(body).toContain('# TYPE fire_circle_adapter_calls counter');
        expect(body).toMatch(/^fire_circle_adapter_calls_total\{[^}]*outcome="success"[^}]*\} 1$/m);
      } else {
        expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');
        expect(body).not.toContain('# EOF');
        expect(body).toContain('# TYPE fire_circle_adapter_calls_total counter');
      }
    });
    // And a plain scrape after all of them still sees the `_total` counter names.
    expect((await scrape('text/plain')).body).toContain(
      '# TYPE fire_circle_circuit_transitions_total counter',
    );
  });

  it('rejects with a clear error when the port is taken, without disturbing the holder', async () => {
    const holder = await start();
    const attempt = startMetricsServer({ port: holder.port, infrastructure: fakeSource() });
    await expect(attempt).rejects.toThrow(
      /cannot listen on http:\/\/127\.0\.0\.1:\d+: the port is already in use \(EADDRINUSE\)/,
    );
    await expect(attempt).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect((await fetch(`${holder.url}/health`)).status).toBe(200);
  });

  it('closes open connections, in-flight requests included, and can be closed twice', async () => {
    let received!: () => void;
    const requestArrived = new Promise<void>((resolve) => (received = resolve));
    const server = await startMetricsServer({
      port: 0,
      infrastructure: fakeSource({
        generateConsciousnessReport: () => {
          received();
          return new Promise(() => undefined);
        },
      }),
    });
    await (await fetch(`${server.url}/metrics`)).text();
    const hanging = fetch(`${server.url}/report`);
    await requestArrived;
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(hanging).rejects.toThrow();
    await expect(server.close()).resolves.toBeUndefined();
    await expect(fetch(`${server.url}/metrics`)).rejects.toThrow();
  });

  it.each([
    [{ port: -1 }, /startMetricsServer: invalid options\.port: /],
    [{ port: 70_000 }, /invalid options\.port: /],
    [{ port: 'abc' }, /invalid options\.port: .*expected number/],
    [{ port: 1.5 }, /invalid options\.port: /],
    [{ host: '' }, /invalid options\.host: /],
    [{ infrastructure: {} }, /invalid options\.infrastructure: expected a MetricsSource/],
    [{ prot: 9464 }, /invalid options: .*"prot"/],
  ])('rejects bad options %j naming the option', async (options, message) => {
    await expect(startMetricsServer(options as never)).rejects.toThrow(TypeError);
    await expect(startMetricsServer(options as never)).rejects.toThrow(message);
  });
});

describe('metricsHandler', () => {
  async function mount(handler: ReturnType<typeof metricsHandler>, withNext: boolean): Promise<string> {
    const server = createServer((req, res) =>
      handler(
        req,
        res,
        withNext
          ? () => {
              res.statusCode = 418;
              res.end('next handler');
            }
          : undefined,
      ),
    );
    rawServers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('never writes a scrape into a body an unfinished response still holds', async () => {
    const source = fakeSource();
    const handler = metricsHandler(source);
    /** A response that keeps the body it is given, as a socket with a full send buffer would. */
    const scrape = async (): Promise<{ body: Buffer; close(): void }> => {
      const res = Object.assign(new EventEmitter(), {
        statusCode: 0,
        headersSent: false,
        setHeader: () => undefined,
        end: (chunk: Buffer) => res.emit('sent', chunk),
        destroy: () => undefined,
      });
      const sent = once(res, 'sent') as Promise<[Buffer]>;
      handler({ url: '/metrics', method: 'GET', headers: {} } as never, res as never);
      const [body] = await sent;
      return { body, close: () => res.emit('close') };
    };
    const expected = Buffer.from(await source.registry.metrics());
    const first = await scrape();
    const second = await scrape();
    const third = await scrape();
    expect(first.body.equals(expected)).toBe(true);
    expect(new Set([first.body.buffer, second.body.buffer, third.body.buffer]).size).toBe(3);
    first.close();
    // Once closed, its memory serves the next scrape instead of a fresh allocation.
    const fourth = await scrape();
    expect(fourth.body.buffer).toBe(first.body.buffer);
    for (const { body } of [second, third, fourth]) expect(body.equals(expected)).toBe(true);
  });

  it('passes paths it does not serve to next(), as express middleware', async () => {
    const url = await mount(metricsHandler(fakeSource()), true);
    const other = await fetch(`${url}/api/chat`);
    expect(other.status).toBe(418);
    expect(await other.text()).toBe('next handler');
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    expect((await fetch(`${url}/health?verbose=1`)).status).toBe(200);
  });

  it('resolves a source factory on each request', async () => {
    let current = fakeSource({ signatures: [signature('a')] });
    const url = await mount(
      metricsHandler(() => current),
      false,
    );
    expect((await fetch(`${url}/health`)).status).toBe(200);
    current = fakeSource({ signatures: [signature('a', { circuitState: 'open' })] });
    expect((await fetch(`${url}/health`)).status).toBe(503);
  });

  it('serves an OpenMetrics-typed registry as OpenMetrics', async () => {
    const source = fakeSource();
    source.registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE as never);
    const url = await mount(metricsHandler(source), false);
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get('content-type')).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    expect(await res.text()).toMatch(/# EOF\n$/);
  });

  it('rejects a value that is not a MetricsSource when created', () => {
    expect(() => metricsHandler({} as MetricsSource)).toThrow(/expected a MetricsSource/);
  });
});
