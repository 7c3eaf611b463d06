import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { pino } from 'pino';
import { InfrastructureConsciousness } from '../consciousness/InfrastructureConsciousness.js';
import { startMetricsServer } from '../metrics/startMetricsServer.js';
import { withConsciousness } from '../wrap/withConsciousness.js';
import type { AdapterHealthSignature } from '../health/AdapterHealthSignature.js';

/** A Fire Circle voice that talks to an HTTP endpoint with fetch. */
class HttpVoice {
  constructor(
    readonly providerName: string,
    private readonly url: string,
  ) {}

  async sendMessage(message: { content: { text: string } }): Promise<{ content: { text: string } }> {
    const res = await fetch(this.url, { method: 'POST', body: JSON.stringify(message) });
    if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status });
    return (await res.json()) as { content: { text: string } };
  }
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function table(signatures: AdapterHealthSignature[]): string {
  const rows = signatures.map((s) =>
    [
      s.adapterId.padEnd(10),
      s.status.padEnd(12),
      s.circuitState.padEnd(9),
      String(s.totalCalls).padStart(5),
      String(s.totalFailures).padStart(5),
      s.errorRate.toFixed(2).padStart(6),
      s.connectionLatencyMs.toFixed(1).padStart(8),
      s.predictedFailureProbability.toFixed(2).padStart(6),
      JSON.stringify(s.errorPatterns),
    ].join(' '),
  );
  return ['voice      status       circuit   calls fails  error  lat(ms)  p(fail) errors', ...rows].join(
    '\n',
  );
}

/** `npm start`: two voices on loopback HTTP, one unreachable and healed by fallback; /metrics served. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '20' },
      port: { type: 'string', default: '9464' },
    },
  });
  const durationS = Number(values.duration);
  const port = Number(values.port);
  if (!Number.isFinite(durationS) || durationS <= 0)
    throw new TypeError('--duration must be a positive number of seconds');

  // A real HTTP model endpoint, and a port nobody listens on (a voice whose provider is down).
  const provider = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const text = (JSON.parse(body) as { content: { text: string } }).content.text;
      setTimeout(
        () => res.end(JSON.stringify({ content: { text: `openai hears: ${text}` } })),
        5 + Math.random() * 20,
      );
    });
  });
  const providerPort = await listen(provider);
  const down = createServer();
  const downPort = await listen(down);
  await new Promise<void>((resolve) => down.close(() => resolve()));

  const infrastructure = new InfrastructureConsciousness({
    registry: new Registry(),
    logger: pino({ level: 'error' }),
  });
  infrastructure.on('circuit', (e) => console.log(`circuit ${e.adapter}: ${e.from} -> ${e.to}`));
  const openai = withConsciousness(new HttpVoice('openai', `http://127.0.0.1:${providerPort}/`), {
    infrastructure,
  });
  const google = withConsciousness(new HttpVoice('google', `http://127.0.0.1:${downPort}/`), {
    infrastructure,
    fallbacks: [openai],
    retry: { initialDelayMs: 20, maxDelayMs: 100 },
    breaker: { volumeThreshold: 3, resetTimeoutMs: 5000 },
  });

  const server = await startMetricsServer({ port, infrastructure });
  console.log(`metrics: ${server.url}/metrics   health: ${server.url}/health`);

  const stopAt = Date.now() + durationS * 1000;
  let round = 0;
  let served = 0;
  let silenced = 0;
  while (Date.now() < stopAt) {
    round += 1;
    for (const voice of [openai, google]) {
      try {
        await voice.sendMessage({ content: { text: `round ${round}` } });
        served += 1;
      } catch {
        silenced += 1;
      }
    }
    if (round % 5 === 1) console.log(`\nround ${round}\n${table(infrastructure.getHealthSignatures())}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`\nfinal\n${table(infrastructure.getHealthSignatures())}`);
  console.log(`\ncalls answered: ${served}, voices silenced: ${silenced}`);
  await server.close();
  await new Promise<void>((resolve) => provider.close(() => resolve()));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
