import { afterEach, describe, expect, it } from 'vitest';
import type { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { startMetricsServer, type MetricsServer } from '../../src/endpoints/startMetricsServer.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { parseExposition, type ParsedFamily } from '../metrics/exposition.js';
import { freshInfrastructure, message } from '../support/fixtures.js';

/** The Accept header Prometheus 2.x sends on every scrape. */
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,' +
  'text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A brain with three voices, one of them failing every other call into a fallback value. */
function busyCircle(): { infrastructure: InfrastructureConsciousness; call(): Promise<void> } {
  const { infrastructure } = freshInfrastructure();
  let n = 0;
  const flaky = withConsciousness(
    {
      providerName: 'mistral',
      async sendMessage(_m?: unknown): Promise<unknown> {
        if (n++ % 2 === 0) throw Object.assign(new Error('overloaded'), { status: 503 });
        return message('mistral');
      },
    },
    {
      infrastructure,
      retry: { maxAttempts: 1 },
      breaker: { volumeThreshold: 1_000 },
      fallbackValue: message('silence'),
    },
  );
  const steady = ['openai', 'anthropic'].map((name) =>
    withConsciousness(
      {
        providerName: name,
        sendMessage: async (_m?: unknown) => message(name),
        async *streamMessage(): AsyncGenerator<string> {
          yield name;
        },
      },
      { infrastructure },
    ),
  );
  return {
    infrastructure,
    async call() {
      await flaky.sendMessage(message());
      for (const voice of steady) {
        await voice.sendMessage(message());
        for await (const chunk of voice.streamMessage()) void chunk;
      }
    },
  };
}

async function scrape(url: string, accept?: string): Promise<{ type: string; body: string }> {
  const res = await fetch(`${url}/metrics`, accept === undefined ? {} : { headers: { accept } });
  expect(res.status).toBe(200);
  return { type: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** Sample name + labels → value, for comparing two scrapes. */
function samples(families: Map<string, ParsedFamily>): Map<string, number> {
  const out = new Map<string, number>();
  for (const family of families.values()) {
    for (const s of family.samples) {
      const labels = Object.entries(s.labels)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      out.set(`${s.name}{${labels}}`, s.value);
    }
  }
  return out;
}

describe('GET /metrics content negotiation and concurrent scrapes', () => {
  it("answers Prometheus's Accept header with OpenMetrics and a plain GET with text 0.0.4, same samples", async () => {
    const circle = busyCircle();
    for (let i = 0; i < 5; i++) await circle.call();
    server = await startMetricsServer({ port: 0, infrastructure: circle.infrastructure });

    const open = await scrape(server.url, PROMETHEUS_ACCEPT);
    const text = await scrape(server.url);
    expect(open.type).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    expect(open.body.endsWith('# EOF\n')).toBe(true);
    expect(text.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text.body).not.toContain('# EOF');

    const openFamilies = parseExposition(open.body);
    const textFamilies = parseExposition(text.body);
    // OpenMetrics names a counter family without `_total`; its samples keep it.
    expect(openFamilies.get('fire_circle_adapter_calls')?.type).toBe('counter');
    expect(textFamilies.get('fire_circle_adapter_calls_total')?.type).toBe('counter');
    const a = samples(openFamilies);
    const b = samples(textFamilies);
    // The gauges are refreshed per scrape; everything else must be identical.
    for (const [key, value] of b) {
      if (/p95_seconds|predicted_failure|coherence|stability|consciousness_score/.test(key)) continue;
      expect(a.get(key), key).toBe(value);
    }
    expect(a.size).toBe(b.size);
  });

  it('serves 64 concurrent scrapes of both formats during traffic, each complete and never going backwards', async () => {
    const circle = busyCircle();
    await circle.call();
    server = await startMetricsServer({ port: 0, infrastructure: circle.infrastructure });
    const url = server.url;
    const before = samples(parseExposition((await scrape(url)).body));
    const families = [...parseExposition((await scrape(url)).body).keys()];

    let running = true;
    const traffic = (async () => {
      // In-memory voices resolve at once: yield to I/O each round, as real calls would.
      while (running) {
        await circle.call();
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const bodies = await Promise.all(
      Array.from({ length: 64 }, (_, i) => scrape(url, i % 2 === 0 ? PROMETHEUS_ACCEPT : undefined)),
    );
    running = false;
    await traffic;

    for (const [i, { type, body }] of bodies.entries()) {
      const openMetrics = i % 2 === 0;
      expect(type.startsWith(openMetrics ? 'application/openmetrics-text' : 'text/plain'), type).toBe(true);
      const parsed = parseExposition(body);
      const names = [...parsed.keys()].map((n) =>
        openMetrics && parsed.get(n)?.type === 'counter' ? `${n}_total` : n,
      );
      expect(names, `scrape ${i}`).toEqual(expect.arrayContaining(families));
      const now = samples(parsed);
      for (const [key, value] of before) {
        if (!/_total\{|_count\{|_bucket\{|_sum\{/.test(key)) continue;
        expect(now.get(key), `${key} in scrape ${i}`).toBeGreaterThanOrEqual(value);
      }
    }
    // A text scrape after OpenMetrics ones still declares counters with `_total`.
    const after = parseExposition((await scrape(url)).body);
    expect(after.get('fire_circle_adapter_calls_total')?.type).toBe('counter');
    const key = 'fire_circle_adapter_calls_total{adapter=openai,method=sendMessage,outcome=success}';
    expect(samples(after).get(key), 'calls ran during the scrapes').toBeGreaterThan(
      before.get(key) ?? Infinity,
    );
  });
});
