/**
 * `node --import tsx test/bench/scrape.ts`: what one scrape of /metrics costs with 50 voices × 5
 * methods × 5 models that all carried traffic (successes, retried failures, fallbacks, streams,
 * token usage, cost and rate-limit budgets per model), so every family has its series. Prints a table and writes bench-results/scrape.json. A report, not a
 * test: it exits 0 whatever the verdicts.
 *
 * Measured: `renderMetrics()`, the function metricsHandler serves /metrics with (gauge refresh
 * included, body buffers reused as the handler reuses them), in both formats; a GET /metrics over
 * loopback from startMetricsServer in both formats (text 0.0.4, and OpenMetrics with Prometheus's
 * Accept header); and, for reference, prom-client's own rendering twice: `registry.metrics()` of the
 * same registry (our cells read through their `get()`), and `registry.metrics()` of a registry
 * holding the same series as plain prom-client Counters, Histograms and Gauges (prom-client's
 * public API only, what this library would serve without its own cells; histogram bucket counts
 * equal, sums not). Before timing, the served text is checked to equal `registry.metrics()` byte
 * for byte. The served variants are interleaved round by round so machine noise hits all alike;
 * the prom-client references run afterwards, on their own. Medians and 95th percentiles are
 * reported, with the load average before and after. `--rounds` changes the sample, `--variants
 * id,id` runs only those (e.g. under `node --cpu-prof`).
 */
import { Agent, get as httpGet } from 'node:http';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { BodyBuffers } from '../../src/metrics/BodyBuffers.js';
import { renderMetrics } from '../../src/metrics/renderMetrics.js';
import { startMetricsServer } from '../../src/endpoints/startMetricsServer.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { fixed, machineInfo, median, renderTable, verdict, writeJsonReport } from './benchTable.js';

const ADAPTERS = 50;
const METHODS = ['sendMessage', 'streamMessage', 'summarize', 'classify', 'embed'] as const;
const MODELS = ['model-a', 'model-b', 'model-c', 'model-d', 'model-e'] as const;
const CALLS_PER_METHOD = 40;
const WARMUP_ROUNDS = 20;
const DEFAULT_ROUNDS = 200;
/** Median scrape time the issue asks for, in ms. */
const TARGET_MEDIAN_MS = 5;
const REPORT_PATH = fileURLToPath(new URL('../../bench-results/scrape.json', import.meta.url));
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,' +
  'text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

type Method = (typeof METHODS)[number];
type Voice = Record<Exclude<Method, 'streamMessage' | 'embed'>, (n: number) => Promise<unknown>> & {
  embed(n: number): Promise<{ vector: number[] }>;
  streamMessage(n: number): AsyncIterable<string>;
};

function httpError(status: number): Error {
  return Object.assign(new Error(`HTTP ${status}`), { status });
}

/**
 * An in-memory voice: every 10th `classify` fails once with a 503 (retried, then served); every
 * 20th `embed` fails twice with a 429 (retried, then served by the fallback value). Neither opens
 * the circuit, so every method keeps its own traffic.
 */
function voice(index: number): Voice {
  let classifyCalls = 0;
  let embedCalls = 0;
  return {
    async sendMessage(n) {
      // A reference adapter's reply: usage and rate-limit budgets of one of five models.
      return {
        content: { text: `voice ${index} answers ${n}` },
        metadata: {
          provider: 'openai',
          model: MODELS[n % MODELS.length],
          usage: {
            inputTokens: 100 + n,
            outputTokens: 20,
            cachedInputTokens: 50,
            cacheWriteTokens: 0,
            reasoningTokens: 5,
          },
          rateLimits: {
            requests: { remaining: 500 - n, resetSeconds: 30 },
            tokens: { remaining: 100_000 - 120 * n, resetSeconds: 30 },
          },
        },
      };
    },
    async *streamMessage(n) {
      yield `voice ${index}`;
      yield ` chunk ${n}`;
    },
    async summarize(n) {
      return { summary: `s${n}` };
    },
    async classify(n) {
      if (classifyCalls++ % 10 === 0) throw httpError(503);
      return { label: n % 3 };
    },
    async embed(n) {
      if (embedCalls++ % 20 < 2) throw httpError(429);
      return { vector: [n, index] };
    },
  };
}

/** The brain's clock; frozen while the served text is compared with prom-client's (rate-limit resets count down). */
const clock = { frozenAt: undefined as number | undefined };

async function circleWithTraffic(): Promise<{ brain: InfrastructureConsciousness; series: number }> {
  const registry = new Registry();
  const brain = new InfrastructureConsciousness({
    registry,
    clock: () => clock.frozenAt ?? performance.timeOrigin + performance.now(),
    logger: pino({ level: 'silent' }),
    store: new MemoryStore(),
    usage: { prices: { models: { 'model-*': { input: 1, output: 4, cachedInput: 0.5 } } } },
  });
  const voices = Array.from({ length: ADAPTERS }, (_, i) =>
    withConsciousness(voice(i), {
      name: `voice-${String(i).padStart(2, '0')}`,
      infrastructure: brain,
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
      breaker: { volumeThreshold: 1_000_000 },
      fallbackValue: { vector: [] },
    }),
  );
  for (let n = 0; n < CALLS_PER_METHOD; n++) {
    await Promise.all(
      voices.map(async (v) => {
        await v.sendMessage(n);
        for await (const chunk of v.streamMessage(n)) void chunk;
        await v.summarize(n);
        await v.classify(n);
        await v.embed(n);
      }),
    );
  }
  const text = await registry.metrics();
  const series = text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
  return { brain, series };
}

interface JsonSample {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/**
 * A registry holding the series of `source` as plain prom-client metrics, written through their
 * public API: counters and gauges with the same values, histograms with the same bucket counts
 * (each observation at its bucket's bound, so sums differ). What /metrics would cost if this
 * library used prom-client's metric classes and `registry.metrics()`.
 */
async function publicApiCopy(source: Registry): Promise<Registry> {
  const copy = new Registry();
  for (const family of await source.getMetricsAsJSON()) {
    const values = family.values as JsonSample[];
    const labelNames = [...new Set(values.flatMap((v) => Object.keys(v.labels)))].filter((n) => n !== 'le');
    const base = { name: family.name, help: family.help, labelNames, registers: [copy] };
    const type = String(family.type);
    if (type === 'counter') {
      const counter = new Counter(base);
      for (const v of values) counter.inc(v.labels, v.value);
    } else if (type === 'gauge') {
      const gauge = new Gauge(base);
      for (const v of values) gauge.set(v.labels, v.value);
    } else if (type === 'histogram') {
      const bounds = [...new Set(values.map((v) => v.labels.le).filter((le) => typeof le === 'number'))];
      bounds.sort((a, b) => a - b);
      const histogram = new Histogram({ ...base, buckets: bounds });
      let below = 0;
      for (const v of values) {
        if (v.metricName !== `${family.name}_bucket`) continue;
        const { le, ...labels } = v.labels;
        if (le === bounds[0]) below = 0;
        const at = le === '+Inf' ? (bounds.at(-1) ?? 0) + 1 : Number(le);
        for (let i = below; i < v.value; i++) histogram.observe(labels, at);
        below = v.value;
      }
    }
  }
  return copy;
}

interface Variant {
  readonly id: string;
  readonly label: string;
  readonly run: () => Promise<number>;
  readonly times: number[];
  /** Process CPU time per run (ms): less sensitive than wall time to other processes on a shared machine. */
  readonly cpu: number[];
  bytes: number;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, variants: { type: 'string' } } });
  const rounds = Math.max(1, Number(values.rounds ?? DEFAULT_ROUNDS));
  const only = values.variants === undefined ? undefined : new Set(values.variants.split(','));
  const loadBefore = loadavg();
  const { brain, series } = await circleWithTraffic();
  const server = await startMetricsServer({ port: 0, infrastructure: brain });
  // node:http with keep-alive, body counted not decoded: the client's own work stays small, as Prometheus's does.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = (accept?: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = httpGet(
        `${server.url}/metrics`,
        { agent, headers: accept === undefined ? {} : { accept } },
        (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.on('end', () => resolve(bytes));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
    });
  const registry = brain.registry;
  clock.frozenAt = performance.timeOrigin + performance.now();
  const served = (await renderMetrics(registry)).body.toString('utf8');
  const identical = served === (await registry.metrics());
  clock.frozenAt = undefined;
  // As metricsHandler does: bodies come from a pool and go back once the response is sent.
  const bodies = new BodyBuffers();
  const render = async (accept?: string): Promise<number> => {
    const { body } = await renderMetrics(registry, accept, bodies);
    bodies.release(body);
    return body.length;
  };
  let variants: Variant[] = [
    {
      id: 'render-text',
      label: 'renderMetrics(), text 0.0.4 (in process)',
      run: () => render(),
      times: [],
      cpu: [],
      bytes: 0,
    },
    {
      id: 'render-openmetrics',
      label: 'renderMetrics(), OpenMetrics (in process)',
      run: () => render(PROMETHEUS_ACCEPT),
      times: [],
      cpu: [],
      bytes: 0,
    },
    {
      id: 'http-text',
      label: 'GET /metrics, text 0.0.4 (loopback)',
      run: () => get(),
      times: [],
      cpu: [],
      bytes: 0,
    },
    {
      id: 'http-openmetrics',
      label: 'GET /metrics, OpenMetrics (loopback)',
      run: () => get(PROMETHEUS_ACCEPT),
      times: [],
      cpu: [],
      bytes: 0,
    },
  ];
  // prom-client's own rendering, for comparison: measured after the others, so that the garbage
  // it leaves behind is not collected on their clock.
  const publicApi = await publicApiCopy(registry);
  let references: Variant[] = [
    {
      id: 'registry',
      label: "prom-client's registry.metrics(), same registry",
      run: async () => Buffer.byteLength(await registry.metrics()),
      times: [],
      cpu: [],
      bytes: 0,
    },
    {
      id: 'public-api',
      label: 'prom-client metric classes + registry.metrics()',
      run: async () => Buffer.byteLength(await publicApi.metrics()),
      times: [],
      cpu: [],
      bytes: 0,
    },
  ];
  if (only !== undefined) {
    variants = variants.filter((v) => only.has(v.id));
    references = references.filter((v) => only.has(v.id));
  }
  const measure = async (group: readonly Variant[]): Promise<void> => {
    for (let r = 0; r < WARMUP_ROUNDS; r++) for (const v of group) await v.run();
    for (let r = 0; r < rounds; r++) {
      for (const v of group) {
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        v.bytes = await v.run();
        v.times.push(performance.now() - start);
        const cpu = process.cpuUsage(cpuStart);
        v.cpu.push((cpu.user + cpu.system) / 1000);
      }
    }
  };
  try {
    await measure(variants);
    // One at a time, each after the previous: the garbage of one is not collected on another's clock.
    for (const reference of references) await measure([reference]);
  } finally {
    agent.destroy();
    await server.close();
  }
  variants.push(...references);
  const loadAfter = loadavg();

  const machine = machineInfo();
  const results = variants.map((v) => {
    const med = median(v.times);
    return {
      id: v.id,
      label: v.label,
      medianMs: med,
      medianCpuMs: median(v.cpu),
      p95Ms: percentile(v.times, 0.95),
      maxMs: Math.max(...v.times),
      bytes: v.bytes,
      pass: med <= TARGET_MEDIAN_MS,
    };
  });
  console.log(
    `scrape cost: ${ADAPTERS} adapters × ${METHODS.length} methods × ${MODELS.length} models, ${series} samples, ${rounds} rounds`,
  );
  console.log(`${machine.cpu} (${machine.cores} cores), node ${machine.node}, ${machine.platform}`);
  console.log(
    `load average (1/5/15 min) before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
  );
  console.log(`served text identical to registry.metrics(): ${identical ? 'yes' : 'NO'}\n`);
  console.log(
    renderTable(
      ['variant', 'median ms', 'CPU ms', 'p95 ms', 'max ms', 'KiB', `median ≤ ${TARGET_MEDIAN_MS} ms`],
      results.map((r) => [
        r.label,
        fixed(r.medianMs, 2),
        fixed(r.medianCpuMs, 2),
        fixed(r.p95Ms, 2),
        fixed(r.maxMs, 2),
        fixed(r.bytes / 1024, 0),
        verdict(r.pass),
      ]),
    ),
  );
  const report = {
    benchmark: 'scrape',
    machine,
    loadAverage: { before: loadBefore, after: loadAfter },
    setup: {
      adapters: ADAPTERS,
      methods: METHODS.length,
      models: MODELS.length,
      callsPerMethod: CALLS_PER_METHOD,
      samples: series,
      rounds,
    },
    servedTextIdenticalToPromClient: identical,
    targetMedianMs: TARGET_MEDIAN_MS,
    results,
  };
  console.log(`\n${JSON.stringify(report)}`);
  writeJsonReport(REPORT_PATH, report);
}

await main();
