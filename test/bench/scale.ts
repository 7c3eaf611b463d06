/**
 * `npm run bench:scale`: N application instances (child processes; N = 1, 2, 4, 8) call the lab
 * emulator through one shared Redis, over a rate-limit storm and a resonance (three voices failing
 * on every instance), with shared state on and off. Prints, per run: upstream requests and 429s,
 * caller-visible failures, caller p99, Redis commands per second and per caller call; then the
 * hot-path cost of a call with sharing on vs off (one process, a no-op adapter). Targets (issue 12):
 * with 4 instances, storm 429s shared ≤ 1/3 of unshared; ≤ 0.05 Redis commands per caller call;
 * hot-path overhead within 5 %. Writes bench-results/scale-<scenarios>.json. A report, not a test.
 *
 * Options: `--instances 1,2,4,8`, `--seconds 8` (length of each run), `--callers 4` (concurrent
 * callers per instance), `--pause 20` (ms between one caller's calls), `--scenarios storm,resonance`.
 */
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { InfrastructureConsciousness } from '../../src/consciousness/InfrastructureConsciousness.js';
import { startProviderEmulator, type ProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import type { ScenarioInput } from '../../src/lab/ScenarioSchema.js';
import { MemoryStore } from '../../src/memory/MemoryStore.js';
import { withConsciousness } from '../../src/wrap/withConsciousness.js';
import { startRedis, type RedisServer } from '../support/redisServer.js';
import { startInstance, type FleetInstance } from '../scaleout/fleet.js';
import { fixed, machineInfo, median, renderTable, verdict, writeJsonReport } from './benchTable.js';

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '1,2,4,8' },
    seconds: { type: 'string', default: '8' },
    callers: { type: 'string', default: '4' },
    pause: { type: 'string', default: '20' },
    scenarios: { type: 'string', default: 'storm,resonance' },
  },
});
const counts = values.instances.split(',').map(Number);
const runMs = Number(values.seconds) * 1000;
const callers = Number(values.callers);
const pauseMs = Number(values.pause);
const OUT = fileURLToPath(
  new URL(`../../bench-results/scale-${values.scenarios.replace(/,/g, '-')}.json`, import.meta.url),
);

/** The emulator's rate-limit-storm, compressed into one run: calm, storm (429, Retry-After 1 s), easing, calm. */
const storm = (ms: number): ScenarioInput => ({
  name: 'rate-limit-storm (compressed)',
  seed: 7,
  phases: [
    { atMs: 0, faults: [{ kind: 'latency', fixedMs: 30 }] },
    {
      atMs: Math.round(ms * 0.1),
      model: 'gpt-*',
      faults: [
        { kind: 'latency', fixedMs: 50 },
        { kind: 'status', code: 429, rate: 0.6, retryAfterS: 1 },
      ],
    },
    {
      atMs: Math.round(ms * 0.6),
      model: 'gpt-*',
      faults: [
        { kind: 'latency', fixedMs: 40 },
        { kind: 'status', code: 429, rate: 0.2, retryAfterMs: 500 },
      ],
    },
    { atMs: Math.round(ms * 0.85), model: 'gpt-*', faults: [{ kind: 'latency', fixedMs: 30 }] },
  ],
});

/** Three voices (v1–v3) failing with 503 on every instance for the middle half of the run. */
const resonance = (ms: number): ScenarioInput => ({
  name: 'resonance',
  seed: 11,
  phases: [
    { atMs: 0, faults: [{ kind: 'latency', fixedMs: 30 }] },
    ...['v1-*', 'v2-*', 'v3-*'].map((model) => ({
      atMs: Math.round(ms * 0.25),
      model,
      faults: [{ kind: 'status' as const, code: 503 }],
    })),
    ...['v1-*', 'v2-*', 'v3-*'].map((model) => ({
      atMs: Math.round(ms * 0.75),
      model,
      faults: [{ kind: 'latency' as const, fixedMs: 30 }],
    })),
  ],
});

/** Calls per command Redis has processed (INFO commandstats), read over a raw socket so the count is the server's. */
function redisCommandStats(port: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      const header = /^\$(\d+)\r\n/.exec(data);
      if (header === null || Buffer.byteLength(data) < header[0].length + Number(header[1])) return;
      socket.end();
      const stats = new Map<string, number>();
      for (const m of data.matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)) stats.set(m[1]!, Number(m[2]));
      resolve(stats);
    });
    socket.on('error', reject);
    socket.write('INFO commandstats\r\n');
  });
}

/** Commands per name between two readings (the readings' own INFO excluded). */
function commandDelta(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of after) {
    const d = n - (before.get(name) ?? 0) - (name === 'info' ? 1 : 0);
    if (d > 0) out[name] = d;
  }
  return out;
}

/** Commands only our Lua scripts run (counted by Redis under their own names; not sent by a client). */
const SCRIPT_INNER = new Set([
  'zadd',
  'pttl',
  'pexpire',
  'publish',
  'zremrangebyscore',
  'zrange',
  'hset',
  'hdel',
  'hmget',
  'hget',
  'hincrby',
  'lpush',
  'ltrim',
  'lrange',
]);

interface RunResult {
  scenario: string;
  instances: number;
  shared: boolean;
  callerCalls: number;
  callerFailures: number;
  p99Ms: number;
  upstreamRequests: number;
  upstream429: number;
  upstream503: number;
  redisCommands: number;
  redisCommandsPerSecond: number;
  redisCommandsPerCall: number;
  /** Commands by name, as Redis counted them (scripts' inner calls included under their names). */
  redisCommandsByName: Record<string, number>;
}

async function run(
  redis: RedisServer,
  emulator: ProviderEmulator,
  scenario: (ms: number) => ScenarioInput,
  voices: string[],
  n: number,
  shared: boolean,
  tag: string,
): Promise<RunResult> {
  const fleet: FleetInstance[] = await Promise.all(
    Array.from({ length: n }, (_, k) =>
      startInstance(shared ? redis.url : 'off', emulator.openaiBaseURL, `i${k}`, `bench-${tag}`),
    ),
  );
  try {
    if (shared) {
      const deadline = Date.now() + 10_000;
      while (
        !(await Promise.all(fleet.map((i) => i.send<{ up: number }>('status')))).every((s) => s.up === 1)
      ) {
        if (Date.now() > deadline) throw new Error('instances did not connect to Redis');
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const input = scenario(runMs);
    emulator.setScenario(input);
    const before = emulator.stats();
    const statsBefore = await redisCommandStats(redis.port);
    const started = Date.now();
    await Promise.all(fleet.map((i) => i.send('startLoop', { voices, callers, pauseMs })));
    await new Promise((r) => setTimeout(r, runMs));
    const loops = await Promise.all(
      fleet.map((i) => i.send<{ calls: number; failures: number; latencies: number[] }>('stopLoop')),
    );
    const elapsedS = (Date.now() - started) / 1000;
    const byName = commandDelta(statsBefore, await redisCommandStats(redis.port));
    // What the instances sent: their commands and scripts (a script's own calls are not round-trips).
    const commands = Object.entries(byName)
      .filter(([name]) => !SCRIPT_INNER.has(name))
      .reduce((sum, [, n]) => sum + n, 0);
    const after = emulator.stats();
    let requests = 0;
    let r429 = 0;
    let r503 = 0;
    for (const [model, c] of Object.entries(after.routes.openai.models)) {
      if (model === 'backup') continue;
      const b = before.routes.openai.models[model];
      requests += c.requests - (b?.requests ?? 0);
      r429 += (c.statuses['429'] ?? 0) - (b?.statuses['429'] ?? 0);
      r503 += (c.statuses['503'] ?? 0) - (b?.statuses['503'] ?? 0);
    }
    const latencies = loops.flatMap((l) => l.latencies).sort((x, y) => x - y);
    const calls = loops.reduce((s, l) => s + l.calls, 0);
    return {
      scenario: input.name,
      instances: n,
      shared,
      callerCalls: calls,
      callerFailures: loops.reduce((s, l) => s + l.failures, 0),
      p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? NaN,
      upstreamRequests: requests,
      upstream429: r429,
      upstream503: r503,
      redisCommands: shared ? commands : 0,
      redisCommandsPerSecond: shared ? commands / elapsedS : 0,
      redisCommandsPerCall: shared ? commands / Math.max(1, calls) : 0,
      redisCommandsByName: byName,
    };
  } finally {
    await Promise.all(fleet.map((i) => i.stop()));
  }
}

/** ns per call of a no-op async adapter, with or without a connected shared state. */
async function hotPath(redisUrl: string | undefined): Promise<number> {
  const brain = new InfrastructureConsciousness({
    registry: new Registry(),
    store: new MemoryStore(),
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    ...(redisUrl === undefined ? {} : { shared: { redis: redisUrl, namespace: 'bench-hot' } }),
  });
  if (redisUrl !== undefined) while (!brain.shared!.up) await new Promise((r) => setTimeout(r, 20));
  const wrapped = withConsciousness(
    { ping: async (x: number) => x + 1 },
    { name: 'noop', infrastructure: brain, timeout: false },
  );
  const round = async (calls: number): Promise<number> => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await wrapped.ping(i);
    return Number(process.hrtime.bigint() - t0) / calls;
  };
  await round(50_000);
  const samples: number[] = [];
  for (let k = 0; k < 7; k++) samples.push(await round(100_000));
  await brain.shared?.close();
  return median(samples);
}

const redis = await startRedis();
const emulator = await startProviderEmulator({ scenario: { name: 'healthy', seed: 1, phases: [] } });
const machine = machineInfo();
console.log(
  `bench:scale on ${machine.cpu} × ${machine.cores}, ${machine.node}; ${runMs / 1000} s per run, ${callers} callers per instance, ${pauseMs} ms pause`,
);
const results: RunResult[] = [];
try {
  for (const [name, scenario, voices] of [
    ['storm', storm, ['openai']],
    ['resonance', resonance, ['v1', 'v2', 'v3', 'v4']],
  ] as const) {
    if (!values.scenarios.split(',').includes(name)) continue;
    for (const n of counts) {
      for (const shared of [false, true]) {
        const r = await run(redis, emulator, scenario, [...voices], n, shared, `${name}-${n}-${shared}`);
        results.push(r);
        console.log(
          `${name} N=${n} ${shared ? 'shared' : 'alone'}: ${r.upstream429} 429s, ${r.upstream503} 503s, ${r.callerFailures} failures`,
        );
      }
    }
  }
  const off: number[] = [];
  const on: number[] = [];
  for (let k = 0; k < 3; k++) {
    off.push(await hotPath(undefined));
    on.push(await hotPath(redis.url));
  }
  const nsOff = median(off);
  const nsOn = median(on);
  const overhead = (nsOn - nsOff) / nsOff;

  console.log(
    `\n${renderTable(
      [
        'scenario',
        'N',
        'state',
        'calls',
        'failures',
        'p99 ms',
        'upstream',
        '429s',
        '503s',
        'redis cmd/s',
        'redis cmd/call',
      ],
      results.map((r) => [
        r.scenario.split(' ')[0]!,
        String(r.instances),
        r.shared ? 'shared' : 'alone',
        String(r.callerCalls),
        String(r.callerFailures),
        fixed(r.p99Ms, 0),
        String(r.upstreamRequests),
        String(r.upstream429),
        String(r.upstream503),
        r.shared ? fixed(r.redisCommandsPerSecond, 1) : '-',
        r.shared ? fixed(r.redisCommandsPerCall, 4) : '-',
      ]),
    )}`,
  );
  const at4 = (shared: boolean) =>
    results.find((r) => r.scenario.startsWith('rate') && r.instances === 4 && r.shared === shared);
  const ratio = at4(true) && at4(false) ? at4(true)!.upstream429 / Math.max(1, at4(false)!.upstream429) : NaN;
  const worstPerCall = Math.max(...results.filter((r) => r.shared).map((r) => r.redisCommandsPerCall));
  console.log(
    `\n${renderTable(
      ['target', 'measured', 'verdict'],
      [
        ['storm 429s, 4 instances, shared / alone ≤ 1/3', fixed(ratio, 3), verdict(ratio <= 1 / 3)],
        [
          'Redis commands per caller call ≤ 0.05 (worst run)',
          fixed(worstPerCall, 4),
          verdict(worstPerCall <= 0.05),
        ],
        [
          `hot path: ${fixed(nsOff, 0)} ns alone, ${fixed(nsOn, 0)} ns shared; overhead ≤ 5 %`,
          `${fixed(overhead * 100, 1)} %`,
          verdict(overhead <= 0.05),
        ],
      ],
    )}`,
  );
  writeJsonReport(OUT, {
    machine,
    runMs,
    callers,
    pauseMs,
    results,
    hotPath: { nsOff, nsOn, overhead, samplesOff: off, samplesOn: on },
    targets: { stormRatioAt4: ratio, worstRedisCommandsPerCall: worstPerCall },
  });
  console.log(`\nwritten to ${OUT}`);
} finally {
  await emulator.close();
  await redis.stop();
}
