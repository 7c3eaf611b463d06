/**
 * `npm run bench`: what withConsciousness costs per call, against the stack a user would build by
 * hand (opossum with default options around a cockatiel retry), on a no-op async adapter method.
 * Prints a table and writes bench-results/overhead.json. A report, not a test: it exits 0 whatever
 * the verdicts.
 *
 * Method: sequential awaited calls (like a real caller), a warm-up per variant, then rounds that
 * interleave the variants (a, b, c, d, a, b, c, d, …) so machine noise hits all alike, with a full
 * GC before each batch so no variant pays for another's garbage. The verdict is on the medians;
 * beside it, the per-round ratios and the ratio of the mean costs (which counts the rounds a
 * variant paid its own periodic collections in, and the rounds noise slowed). Every 1,024
 * calls each loop yields to the event loop, as a caller awaiting real I/O does on every call: a
 * loop of resolved promises alone never lets timers run (opossum's bucket rotation, the deadline
 * sweep), which no real process sees.
 *
 * Heap growth is measured on a fresh instance (GC before and after 1,000,000 calls), then once more
 * after the breaker's rolling window has turned over: opossum keeps one latency per call for that
 * window, so the first number is memory bounded by time, the second what outlives it.
 *
 * `--only a,c` runs a subset (for profiling: `node --cpu-prof --import tsx test/bench/overhead.ts
 * --only c`); `--rounds` and `--calls` change the sample. Partial runs do not write the JSON.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
import CircuitBreaker from 'opossum';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { BreakerOptionsSchema } from '../../src/resilience/BreakerOptions.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { RATE_LIMITED_RESPONSE, SdkApiPromise } from '../support/SdkApiPromise.js';
import {
  amortizedRatio,
  fixed,
  machineInfo,
  median,
  renderTable,
  roundRatios,
  verdict,
  writeJsonReport,
} from './benchTable.js';

const WARMUP_CALLS = 50_000;
const DEFAULT_ROUNDS = 7;
const DEFAULT_CALLS_PER_ROUND = 200_000;
const HEAP_CALLS = 1_000_000;
/** Calls between yields to the event loop (a power of two, tested with a mask). */
const YIELD_EVERY = 1024;
/** (c − a) / (b − a): withConsciousness may cost at most what the hand-built stack costs. */
const TARGET_RATIO = 1.0;
/** Heap growth after HEAP_CALLS calls through (c), MB. */
const TARGET_HEAP_MB = 5;
/** Idle time after which the default breaker window holds nothing of the measured calls. */
const WINDOW_TURNOVER_MS = BreakerOptionsSchema.parse({}).rollingCountTimeoutMs + 1500;
const REPORT_PATH = fileURLToPath(new URL('../../bench-results/overhead.json', import.meta.url));
const MB = 1024 * 1024;

type VariantId =
  | 'a'
  | 'b'
  | 'c'
  | 'd'
  | 'e'
  | 'fa'
  | 'fb'
  | 'fc'
  | 'ga'
  | 'gb'
  | 'gc'
  | 'ha'
  | 'hb'
  | 'hc'
  | 'ia'
  | 'ib'
  | 'ic';
const VARIANT_IDS: readonly VariantId[] = [
  'a',
  'b',
  'c',
  'd',
  'e',
  'fa',
  'fb',
  'fc',
  'ga',
  'gb',
  'gc',
  'ha',
  'hb',
  'hc',
  'ia',
  'ib',
  'ic',
];
/** Rows whose ratio (wrapped − bare) / (hand-built − bare) must stay ≤ TARGET_RATIO. */
const ROWS: readonly { label: string; bare: VariantId; hand: VariantId; wrapped: VariantId }[] = [
  { label: 'no-op async method', bare: 'a', hand: 'b', wrapped: 'c' },
  { label: 'Fire Circle sendMessage (built-in schema)', bare: 'fa', hand: 'fb', wrapped: 'fc' },
  { label: 'SDK-shaped create() → APIPromise-like', bare: 'ga', hand: 'gb', wrapped: 'gc' },
  { label: 'create() with usage and rate-limit headers (usage on)', bare: 'ha', hand: 'hb', wrapped: 'hc' },
  {
    label: 'async method answering a completion with usage (usage on)',
    bare: 'ia',
    hand: 'ib',
    wrapped: 'ic',
  },
];

/** The adapter under test: a plain object whose one method does nothing, asynchronously. */
interface NoopAdapter {
  noop(x: number): Promise<number>;
}

function noopAdapter(): NoopAdapter {
  return {
    async noop(x: number) {
      return x;
    },
  };
}

/** A Fire Circle adapter whose sendMessage answers at once with a message carrying `n`. */
interface ContractAdapter {
  readonly providerName: string;
  sendMessage(n: number): Promise<{ content: { text: string }; n: number }>;
  checkHealth(): Promise<{ isConnected: boolean }>;
}

function contractAdapter(): ContractAdapter {
  return {
    providerName: 'bench',
    async sendMessage(n: number) {
      return { content: { text: 'ok' }, n };
    },
    async checkHealth() {
      return { isConnected: true };
    },
  };
}

const JSON_RESPONSE = new Response(null, { headers: { 'content-type': 'application/json' } });

/** An SDK-shaped client: `maxRetries`, `create(body, options)` returning an APIPromise-like object. */
class FakeSdkClient {
  maxRetries = 2;
  create(
    body: { n: number },
    options?: { signal?: AbortSignal; maxRetries?: number },
  ): SdkApiPromise<number> {
    void options;
    return new SdkApiPromise(Promise.resolve({ response: JSON_RESPONSE, body: body.n }));
  }
}

/** A chat completion with its usage block, parsed afresh per call as an SDK does. */
interface BenchCompletion {
  readonly n: number;
  readonly usage: Record<string, unknown>;
}

/** An SDK-shaped client whose responses carry usage in the body and rate-limit headers. */
class FakeUsageClient {
  maxRetries = 2;
  create(
    body: { model: string; n: number },
    options?: { signal?: AbortSignal },
  ): SdkApiPromise<BenchCompletion> {
    void options;
    return new SdkApiPromise(Promise.resolve({ response: RATE_LIMITED_RESPONSE, body: completionOf(body) }));
  }
}

function completionOf(body: { model: string; n: number }): BenchCompletion {
  return {
    object: 'chat.completion',
    model: body.model,
    n: body.n,
    usage: {
      prompt_tokens: 12,
      completion_tokens: 5,
      total_tokens: 17,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
  } as BenchCompletion;
}

/** A plain async method (no SDK promise) answering the same completion. */
function plainUsageClient(): { create(body: { model: string; n: number }): Promise<BenchCompletion> } {
  return {
    async create(body) {
      return completionOf(body);
    },
  };
}

/** Lets timers and I/O callbacks run, as any real awaited I/O would. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** One way of calling the adapter: `run(n)` makes n sequential awaited calls. */
interface Variant {
  readonly id: VariantId;
  readonly label: string;
  /** Makes `n` calls; returns the sum of the results so nothing is optimised away. */
  run(n: number): Promise<number>;
  /** Calls recorded by the library, for variants that record them. */
  recordedCalls(): number | undefined;
  /** Stops the variant's timers (opossum's buckets, the deadline sweep). */
  shutdown(): void;
}

function bare(): Variant {
  const adapter = noopAdapter();
  return {
    id: 'a',
    label: 'bare adapter.noop(x)',
    async run(n) {
      let sink = 0;
      for (let i = 0; i < n; i++) {
        sink += await adapter.noop(i);
        if ((i & (YIELD_EVERY - 1)) === YIELD_EVERY - 1) await yieldToEventLoop();
      }
      return sink;
    },
    recordedCalls: () => undefined,
    shutdown() {},
  };
}

function handBuilt(): Variant {
  const adapter = noopAdapter();
  const policy = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });
  // opossum's defaults, as a user would start: 10 s timeout, i.e. a timer per call.
  const breaker = new CircuitBreaker((x: number) => policy.execute(() => adapter.noop(x)));
  return {
    id: 'b',
    label: 'opossum(defaults) + cockatiel retry',
    async run(n) {
      let sink = 0;
      for (let i = 0; i < n; i++) {
        sink += await breaker.fire(i);
        if ((i & (YIELD_EVERY - 1)) === YIELD_EVERY - 1) await yieldToEventLoop();
      }
      return sink;
    },
    recordedCalls: () => undefined,
    shutdown() {
      breaker.shutdown();
    },
  };
}

function conscious(id: 'c' | 'd' | 'e', timeout: false | undefined, learnEveryCall = false): Variant {
  const infrastructure = new InfrastructureConsciousness({
    registry: new Registry(),
    logger: pino({ level: 'silent' }),
    store: new MemoryStore(),
    // (e): the predictor and detectors learn from every call, as they do at LLM call rates.
    ...(learnEveryCall ? { config: { learningIntervalMs: 0 } } : {}),
  });
  const wrapped = withConsciousness(
    noopAdapter(),
    timeout === false ? { infrastructure, timeout } : { infrastructure },
  );
  return {
    id,
    label: learnEveryCall
      ? 'withConsciousness, learning from every call'
      : timeout === false
        ? 'withConsciousness, timeout: false'
        : 'withConsciousness (defaults)',
    async run(n) {
      let sink = 0;
      for (let i = 0; i < n; i++) {
        sink += await wrapped.noop(i);
        if ((i & (YIELD_EVERY - 1)) === YIELD_EVERY - 1) await yieldToEventLoop();
      }
      return sink;
    },
    // A plain object's voice is named `adapter`.
    recordedCalls: () => infrastructure.getHealthSignature('adapter')?.totalCalls,
    shutdown() {
      // Breakers hold no timers: nothing to release.
    },
  };
}

/** A variant making `n` sequential awaited calls of `call(i)`, which must resolve to i. */
function looping(
  id: VariantId,
  label: string,
  call: (i: number) => PromiseLike<number>,
  recordedCalls: () => number | undefined = () => undefined,
  shutdown: () => void = () => undefined,
): Variant {
  return {
    id,
    label,
    async run(n) {
      let sink = 0;
      for (let i = 0; i < n; i++) {
        sink += await call(i);
        if ((i & (YIELD_EVERY - 1)) === YIELD_EVERY - 1) await yieldToEventLoop();
      }
      return sink;
    },
    recordedCalls,
    shutdown,
  };
}

function quietInfrastructure(): InfrastructureConsciousness {
  return new InfrastructureConsciousness({
    registry: new Registry(),
    logger: pino({ level: 'silent' }),
    store: new MemoryStore(),
  });
}

/** The hand-built stack around any call: opossum (defaults) around a cockatiel retry. */
function handBuiltAround(id: VariantId, label: string, call: (i: number) => PromiseLike<number>): Variant {
  const policy = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });
  const breaker = new CircuitBreaker((x: number) => policy.execute(() => call(x)));
  return looping(
    id,
    label,
    (i) => breaker.fire(i),
    undefined,
    () => breaker.shutdown(),
  );
}

function contractVariant(id: 'fa' | 'fb' | 'fc'): Variant {
  const adapter = contractAdapter();
  if (id === 'fa') return looping(id, 'bare sendMessage', (i) => adapter.sendMessage(i).then((m) => m.n));
  if (id === 'fb') {
    return handBuiltAround(id, 'opossum + cockatiel around sendMessage', (i) =>
      adapter.sendMessage(i).then((m) => m.n),
    );
  }
  const infrastructure = quietInfrastructure();
  const wrapped = withConsciousness(adapter, { infrastructure });
  return looping(
    id,
    'withConsciousness sendMessage (schema checked)',
    (i) => wrapped.sendMessage(i).then((m) => m.n),
    () => infrastructure.getHealthSignature('bench')?.totalCalls,
  );
}

function sdkVariant(id: 'ga' | 'gb' | 'gc'): Variant {
  const client = new FakeSdkClient();
  if (id === 'ga') return looping(id, 'bare create() → APIPromise', (i) => client.create({ n: i }));
  if (id === 'gb')
    return handBuiltAround(id, 'opossum + cockatiel around create()', (i) => client.create({ n: i }));
  const infrastructure = quietInfrastructure();
  const wrapped = withConsciousness(client, { infrastructure, name: 'sdk' });
  return looping(
    id,
    'withConsciousness create() (rich promise kept)',
    (i) => wrapped.create({ n: i }),
    () => infrastructure.getHealthSignature('sdk')?.totalCalls,
  );
}

/** (h): usage read from every response (body and headers) and priced. */
function usageVariant(id: 'ha' | 'hb' | 'hc' | 'ia' | 'ib' | 'ic'): Variant {
  const rich = id.startsWith('h');
  const client = rich ? new FakeUsageClient() : plainUsageClient();
  const call = (
    c: { create(body: { model: string; n: number }): PromiseLike<BenchCompletion> },
    i: number,
  ): PromiseLike<number> => c.create({ model: 'gpt-bench', n: i }).then((completion) => completion.n);
  const what = rich ? 'create() → APIPromise' : 'async create()';
  if (id === 'ha' || id === 'ia') return looping(id, `bare ${what} with usage`, (i) => call(client, i));
  if (id === 'hb' || id === 'ib') {
    return handBuiltAround(id, 'opossum + cockatiel around it', (i) => call(client, i));
  }
  const infrastructure = new InfrastructureConsciousness({
    registry: new Registry(),
    logger: pino({ level: 'silent' }),
    store: new MemoryStore(),
    usage: { prices: { models: { 'gpt-bench': { input: 1, output: 2 } } } },
  });
  const wrapped = withConsciousness(client, { infrastructure, name: 'usage' });
  return looping(
    id,
    `withConsciousness ${what}: tokens, cost${rich ? ', rate limits' : ''}`,
    (i) => call(wrapped, i),
    // Proof the usage was read on every call: input tokens / 12 per call.
    () => infrastructure.voice('usage').usage.totals.input / 12,
  );
}

const VARIANTS: Readonly<Record<VariantId, () => Variant>> = {
  a: bare,
  b: handBuilt,
  c: () => conscious('c', undefined),
  d: () => conscious('d', false),
  e: () => conscious('e', undefined, true),
  fa: () => contractVariant('fa'),
  fb: () => contractVariant('fb'),
  fc: () => contractVariant('fc'),
  ga: () => sdkVariant('ga'),
  gb: () => sdkVariant('gb'),
  gc: () => sdkVariant('gc'),
  ha: () => usageVariant('ha'),
  hb: () => usageVariant('hb'),
  hc: () => usageVariant('hc'),
  ia: () => usageVariant('ia'),
  ib: () => usageVariant('ib'),
  ic: () => usageVariant('ic'),
};

/** Full GC twice (the second collects what the first's finalisers released); no-op without --expose-gc. */
function collect(): void {
  globalThis.gc?.();
  globalThis.gc?.();
}

async function nsPerCall(variant: Variant, calls: number): Promise<number> {
  collect();
  const t0 = process.hrtime.bigint();
  const sink = await variant.run(calls);
  const elapsed = Number(process.hrtime.bigint() - t0);
  // n calls of noop(i) return 0 + 1 + … + (n − 1): a wrong sum means a variant is broken.
  if (sink !== (calls * (calls - 1)) / 2) throw new Error(`variant ${variant.id} returned wrong results`);
  return elapsed / calls;
}

/** Heap growth of a fresh instance of variant `id`; `idleMs` adds a second reading after that idle time. */
async function heapGrowth(
  id: VariantId,
  calls: number,
  idleMs: number | undefined,
): Promise<{ afterCallsMb: number; afterIdleMb: number | undefined; recorded: number | undefined }> {
  const variant = VARIANTS[id]();
  // The first call creates per-method state once; growth is what the following calls add.
  await variant.run(1);
  collect();
  const before = process.memoryUsage().heapUsed;
  await variant.run(calls);
  collect();
  const afterCallsMb = (process.memoryUsage().heapUsed - before) / MB;
  let afterIdleMb: number | undefined;
  if (idleMs !== undefined) {
    await sleep(idleMs);
    collect();
    afterIdleMb = (process.memoryUsage().heapUsed - before) / MB;
  }
  const recorded = variant.recordedCalls();
  variant.shutdown();
  return { afterCallsMb, afterIdleMb, recorded };
}

function parseOptions(): { only: VariantId[]; rounds: number; calls: number } {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      rounds: { type: 'string' },
      calls: { type: 'string' },
    },
  });
  const only = values.only === undefined ? [...VARIANT_IDS] : values.only.split(',').map((s) => s.trim());
  const unknown = only.filter((id) => !(VARIANT_IDS as readonly string[]).includes(id));
  if (unknown.length > 0) throw new TypeError(`--only: unknown variant(s) ${unknown.join(', ')}`);
  const positive = (raw: string | undefined, fallback: number, flag: string): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new TypeError(`${flag}: expected a positive integer`);
    return n;
  };
  return {
    only: only as VariantId[],
    rounds: positive(values.rounds, DEFAULT_ROUNDS, '--rounds'),
    calls: positive(values.calls, DEFAULT_CALLS_PER_ROUND, '--calls'),
  };
}

async function main(): Promise<void> {
  const { only, rounds, calls } = parseOptions();
  const full = only.length === VARIANT_IDS.length;
  const machine = machineInfo();
  console.log(`overhead benchmark — ${machine.date}`);
  console.log(`node ${machine.node} on ${machine.cpu} (${machine.cores} cores, ${machine.platform})`);
  console.log(
    `${WARMUP_CALLS} warm-up calls per variant, then ${rounds} rounds × ${calls} calls, interleaved\n`,
  );
  const canCollect = globalThis.gc !== undefined;
  if (!canCollect) {
    console.log(
      'warning: run with --expose-gc (npm run bench does) for GC between batches and the heap check\n',
    );
  }

  const variants = only.map((id) => VARIANTS[id]());
  const samples = new Map<VariantId, number[]>(variants.map((v) => [v.id, []]));
  for (const v of variants) await v.run(WARMUP_CALLS);
  for (let round = 0; round < rounds; round++) {
    for (const v of variants) samples.get(v.id)!.push(await nsPerCall(v, calls));
  }
  const medians = new Map([...samples].map(([id, ns]) => [id, median(ns)]));
  const bareNs = medians.get('a');

  console.log(
    renderTable(
      ['variant', 'ns/call (median)', 'min', 'max', 'over bare (ns)'],
      variants.map((v) => {
        const ns = samples.get(v.id)!;
        const m = medians.get(v.id)!;
        return [
          `(${v.id}) ${v.label}`,
          fixed(m),
          fixed(Math.min(...ns)),
          fixed(Math.max(...ns)),
          bareNs === undefined ? 'n/a' : fixed(m - bareNs),
        ];
      }),
    ),
  );
  const [a, b, c, d, e] = VARIANT_IDS.map((id) => medians.get(id));
  const ratio = a !== undefined && b !== undefined && c !== undefined ? (c - a) / (b - a) : undefined;
  const ratioE = a !== undefined && b !== undefined && e !== undefined ? (e - a) / (b - a) : undefined;
  const timeoutCostNs = c !== undefined && d !== undefined ? c - d : undefined;
  console.log('');
  if (timeoutCostNs !== undefined) console.log(`timeout cost (c − d): ${fixed(timeoutCostNs)} ns/call`);
  for (const v of variants) {
    // Proof the calls went through the pipeline: the voice counted every one of them.
    const recorded = v.recordedCalls();
    if (recorded !== undefined) console.log(`calls recorded by (${v.id})'s health signature: ${recorded}`);
    v.shutdown();
  }

  const heapC =
    canCollect && only.includes('c') ? await heapGrowth('c', HEAP_CALLS, WINDOW_TURNOVER_MS) : undefined;
  const heapB = canCollect && only.includes('b') ? await heapGrowth('b', HEAP_CALLS, undefined) : undefined;

  const targets: string[][] = [];
  const rowRatios = ROWS.map((row) => {
    const [x, y, z] = [row.bare, row.hand, row.wrapped].map((id) => medians.get(id));
    const [xs, ys, zs] = [row.bare, row.hand, row.wrapped].map((id) => samples.get(id));
    const paired = xs !== undefined && ys !== undefined && zs !== undefined ? roundRatios(xs, ys, zs) : [];
    const amortized =
      xs !== undefined && ys !== undefined && zs !== undefined ? amortizedRatio(xs, ys, zs) : undefined;
    return {
      ...row,
      ratio: x !== undefined && y !== undefined && z !== undefined ? (z - x) / (y - x) : undefined,
      paired,
      amortized,
    };
  });
  for (const row of rowRatios) {
    if (row.ratio === undefined) continue;
    targets.push([
      `overhead ratio, ${row.label} (${row.wrapped}−${row.bare})/(${row.hand}−${row.bare})`,
      fixed(row.ratio, 3),
      `≤ ${TARGET_RATIO}`,
      verdict(row.ratio <= TARGET_RATIO),
    ]);
    if (row.paired.length > 0) {
      // Beside the verdict, not instead of it: the same ratio within each round, less moved by drift.
      targets.push([
        `  … per round: median ${fixed(median(row.paired), 3)}, range ${fixed(Math.min(...row.paired), 2)}–${fixed(Math.max(...row.paired), 2)}`,
        fixed(median(row.paired), 3),
        'info',
        '-',
      ]);
    }
    if (row.amortized !== undefined) {
      // Also beside the verdict: the mean costs, counting each variant's periodic work (collections).
      targets.push(['  … amortized over all rounds (mean costs)', fixed(row.amortized, 3), 'info', '-']);
    }
  }
  if (ratioE !== undefined) {
    targets.push(['  … (e−a)/(b−a), learning from every call', fixed(ratioE, 3), 'info', '-']);
  }
  if (heapC !== undefined) {
    targets.push([
      `heap growth, ${HEAP_CALLS} calls via (c)`,
      `${fixed(heapC.afterCallsMb, 2)} MB`,
      `< ${TARGET_HEAP_MB} MB`,
      verdict(heapC.afterCallsMb < TARGET_HEAP_MB),
    ]);
    targets.push([
      `  … still held ${WINDOW_TURNOVER_MS / 1000} s later`,
      `${fixed(heapC.afterIdleMb ?? NaN, 2)} MB`,
      'info',
      '',
    ]);
  }
  if (heapB !== undefined) {
    targets.push([
      `heap growth, ${HEAP_CALLS} calls via (b)`,
      `${fixed(heapB.afterCallsMb, 2)} MB`,
      'reference',
      '',
    ]);
  }
  if (targets.length > 0)
    console.log(`\n${renderTable(['target', 'measured', 'limit', 'verdict'], targets)}`);
  if (heapC?.recorded !== undefined && heapC.recorded !== HEAP_CALLS + 1) {
    console.log(`warning: the heap run's voice recorded ${heapC.recorded} calls, expected ${HEAP_CALLS + 1}`);
  }

  if (!full) return;
  writeJsonReport(REPORT_PATH, {
    benchmark: 'overhead',
    machine,
    method: {
      warmupCallsPerVariant: WARMUP_CALLS,
      rounds,
      callsPerRound: calls,
      order: 'interleaved a, b, c, d per round; full GC before each batch',
      yieldToEventLoopEveryCalls: YIELD_EVERY,
      statistic: 'median of rounds (verdict); per-round ratios and the ratio of means beside it',
    },
    variants: variants.map((v) => ({
      id: v.id,
      label: v.label,
      medianNsPerCall: medians.get(v.id),
      roundsNsPerCall: samples.get(v.id),
    })),
    timeoutCostNsPerCall: timeoutCostNs ?? null,
    overheadRatio:
      ratio === undefined ? null : { value: ratio, target: TARGET_RATIO, pass: ratio <= TARGET_RATIO },
    overheadRatios: rowRatios.map((row) => ({
      row: row.label,
      variants: [row.bare, row.hand, row.wrapped],
      value: row.ratio ?? null,
      perRound: row.paired,
      amortized: row.amortized ?? null,
      target: TARGET_RATIO,
      pass: row.ratio !== undefined && row.ratio <= TARGET_RATIO,
    })),
    heapGrowth:
      heapC === undefined
        ? null
        : {
            calls: HEAP_CALLS,
            megabytes: heapC.afterCallsMb,
            targetMegabytes: TARGET_HEAP_MB,
            pass: heapC.afterCallsMb < TARGET_HEAP_MB,
            megabytesAfterWindowTurnover: heapC.afterIdleMb ?? null,
            windowTurnoverMs: WINDOW_TURNOVER_MS,
            handBuiltReferenceMegabytes: heapB?.afterCallsMb ?? null,
          },
  });
  console.log(`\nwrote ${REPORT_PATH}`);
}

await main();
