/**
 * `npm run bench:scale`: N application instances (child processes; N = 1, 2, 4, 8) call the lab
 * emulator through one shared Redis, over the emulator's rate-limit-storm scenario (its timeline
 * scaled to `--seconds`) and a resonance (three voices failing on every instance), with shared
 * state off and on, one after the other for each N. Prints, per run: upstream requests and 429s,
 * caller-visible failures, caller p99, Redis commands (as the instances sent them) per second and
 * per caller call, and how long a cool-down took to reach the other instances; then the hot-path
 * cost of a call with sharing on vs off (separate processes, interleaved, a no-op adapter), and the
 * targets of issue 12 with PASS/FAIL: with 4 instances, storm 429s shared ≤ 1/3 of unshared;
 * ≤ 0.05 Redis commands per caller call; hot-path overhead within 5 %. Writes
 * bench-results/scale-<scenarios>.json. A report, not a test.
 *
 * Options: `--instances 1,2,4,8`, `--seconds 30` (length of a storm run; the scenario's own
 * timeline is 60 s), `--resonance-seconds 8`, `--callers 4` (concurrent callers per instance),
 * `--pause 20` (ms between one caller's calls), `--scenarios storm,resonance`, `--hot-runs 3`
 * (hot-path processes, each interleaving 41 pairs of rounds of 20 000 calls).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startProviderEmulator, type ProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import type { RequestRecord } from '../../src/lab/EmulatorLedger.js';
import type { ScenarioInput } from '../../src/lab/ScenarioSchema.js';
import { startRedis, type RedisServer } from '../support/redisServer.js';
import { startInstance, type FleetInstance } from '../scaleout/fleet.js';
import { fixed, machineInfo, median, renderTable, verdict, writeJsonReport } from './benchTable.js';

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '1,2,4,8' },
    seconds: { type: 'string', default: '30' },
    'resonance-seconds': { type: 'string', default: '8' },
    'hot-runs': { type: 'string', default: '3' },
    callers: { type: 'string', default: '4' },
    pause: { type: 'string', default: '20' },
    scenarios: { type: 'string', default: 'storm,resonance' },
  },
});
const counts = values.instances.split(',').map(Number);
const stormMs = Number(values.seconds) * 1000;
const resonanceMs = Number(values['resonance-seconds']) * 1000;
const hotRuns = Number(values['hot-runs']);
const callers = Number(values.callers);
const pauseMs = Number(values.pause);
const STORM_FILE = fileURLToPath(new URL('../../src/lab/scenarios/rate-limit-storm.json', import.meta.url));
const HOT_PATH = fileURLToPath(new URL('./scaleHotPath.ts', import.meta.url));
const OUT = fileURLToPath(
  new URL(`../../bench-results/scale-${values.scenarios.replace(/,/g, '-')}.json`, import.meta.url),
);

/**
 * The emulator's rate-limit-storm scenario (src/lab/scenarios/rate-limit-storm.json: calm, 60 %
 * 429 with Retry-After 1 s, easing to 20 % with 500 ms, recovered), its phase times scaled to a
 * run of `ms`; the faults after the first phase apply to the voices' `gpt-*` models only, so the
 * `backup` fallback stays healthy.
 */
const storm = (ms: number): ScenarioInput => {
  const lab = JSON.parse(readFileSync(STORM_FILE, 'utf8')) as ScenarioInput & { durationMs: number };
  return {
    name: lab.name,
    seed: lab.seed,
    phases: lab.phases.map((phase, k) => ({
      atMs: Math.round((phase.atMs * ms) / lab.durationMs),
      ...(k === 0 ? {} : { model: 'gpt-*' }),
      faults: phase.faults.length > 0 ? phase.faults : [{ kind: 'latency' as const, fixedMs: 30 }],
    })),
  };
};

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
  /** 429s per instance (each instance's voices ask for models suffixed with its id). */
  upstream429ByModel: Record<string, number>;
  /** Round-trips the instances sent (each a script: EVALSHA, or EVAL the first time). */
  redisCommands: number;
  redisCommandsPerSecond: number;
  redisCommandsPerCall: number;
  /** EVAL + EVALSHA as Redis counted them (a cross-check of redisCommands). */
  redisScriptCallsCounted: number;
  /** Commands by name, as Redis counted them (the scripts' inner calls included under their names). */
  redisCommandsByName: Record<string, number>;
  /** How long cool-downs took to reach the other instances (ms): median, p99, count. */
  cooldownArrival: { p50Ms: number; p99Ms: number; count: number };
  /**
   * The voices' 429s by when they came (storm only): `onset` — answers to requests sent before the
   * first 429 of the storm reached their instance (in flight when it began: no library can avoid
   * them), then the rest of the storm phase, the easing phase, and any other phase.
   */
  upstream429ByPhase: { onset: number; storm: number; easing: number; other: number };
  /** The storm voice's 429s as each instance counted them (its own attempts). */
  upstream429ByInstance: number[];
}

/** The voices' 429s of the current run, as the emulator decided them (time on the scenario's clock). */
const tally: { records: RequestRecord[] } = { records: [] };
const recordRequest = (record: RequestRecord): void => {
  if (record.status === 429 && record.model !== 'backup') tally.records.push(record);
};

/** Splits a storm run's 429s by phase; `onset`: requests that arrived before the storm's first 429 was answered. */
function byPhase(records: readonly RequestRecord[]): RunResult['upstream429ByPhase'] {
  const out = { onset: 0, storm: 0, easing: 0, other: 0 };
  const first = records.find((r) => r.phase === 1);
  // The first 429 is answered after its latency; requests that arrived before that were already sent.
  const onsetEnd = first === undefined ? -1 : first.atMs + first.delayMs;
  for (const r of records) {
    if (r.phase === 1 && r.atMs < onsetEnd) out.onset += 1;
    else if (r.phase === 1) out.storm += 1;
    else if (r.phase === 2) out.easing += 1;
    else out.other += 1;
  }
  return out;
}

interface InstanceStatus {
  up: number;
  rateLimited: number;
  commands: number;
  cooldownLagsMs: number[];
}

/** The `q` quantile of a sample (NaN when empty). */
function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

async function run(
  redis: RedisServer,
  emulator: ProviderEmulator,
  scenario: (ms: number) => ScenarioInput,
  voices: string[],
  n: number,
  shared: boolean,
  tag: string,
  runMs: number,
): Promise<RunResult> {
  const fleet: FleetInstance[] = await Promise.all(
    Array.from({ length: n }, (_, k) =>
      startInstance(shared ? redis.url : 'off', emulator.openaiBaseURL, `i${k}`, `bench-${tag}`),
    ),
  );
  try {
    const statuses = () => Promise.all(fleet.map((i) => i.send<InstanceStatus>('status')));
    if (shared) {
      // Eight child processes starting on a loaded machine can take a while to connect.
      const deadline = Date.now() + 90_000;
      while (!(await statuses()).every((s) => s.up === 1)) {
        if (Date.now() > deadline) throw new Error('instances did not connect to Redis');
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const input = scenario(runMs);
    emulator.setScenario(input);
    tally.records = [];
    const before = emulator.stats();
    const statsBefore = await redisCommandStats(redis.port);
    const statusBefore = await statuses();
    const sentBefore = statusBefore.map((s) => s.commands);
    const started = Date.now();
    await Promise.all(fleet.map((i) => i.send('startLoop', { voices, callers, pauseMs })));
    await new Promise((r) => setTimeout(r, runMs));
    const loops = await Promise.all(
      fleet.map((i) => i.send<{ calls: number; failures: number; latencies: number[] }>('stopLoop')),
    );
    const elapsedS = (Date.now() - started) / 1000;
    const after = await statuses();
    const byName = commandDelta(statsBefore, await redisCommandStats(redis.port));
    const commands = after.reduce((sum, s, k) => sum + s.commands - sentBefore[k]!, 0);
    const lags = after.flatMap((s) => s.cooldownLagsMs);
    const stats = emulator.stats();
    let requests = 0;
    let r429 = 0;
    let r503 = 0;
    const byModel: Record<string, number> = {};
    for (const [model, c] of Object.entries(stats.routes.openai.models)) {
      if (model === 'backup') continue;
      const b = before.routes.openai.models[model];
      requests += c.requests - (b?.requests ?? 0);
      const m429 = (c.statuses['429'] ?? 0) - (b?.statuses['429'] ?? 0);
      if (m429 > 0) byModel[model] = m429;
      r429 += m429;
      r503 += (c.statuses['503'] ?? 0) - (b?.statuses['503'] ?? 0);
    }
    const latencies = loops.flatMap((l) => l.latencies);
    const calls = loops.reduce((s, l) => s + l.calls, 0);
    return {
      scenario: input.name,
      instances: n,
      shared,
      callerCalls: calls,
      callerFailures: loops.reduce((s, l) => s + l.failures, 0),
      p99Ms: quantile(latencies, 0.99),
      upstreamRequests: requests,
      upstream429: r429,
      upstream503: r503,
      upstream429ByModel: byModel,
      redisCommands: commands,
      redisCommandsPerSecond: commands / elapsedS,
      redisCommandsPerCall: commands / Math.max(1, calls),
      redisScriptCallsCounted: (byName.evalsha ?? 0) + (byName.eval ?? 0),
      redisCommandsByName: byName,
      cooldownArrival: { p50Ms: quantile(lags, 0.5), p99Ms: quantile(lags, 0.99), count: lags.length },
      upstream429ByPhase: byPhase(tally.records),
      upstream429ByInstance: after.map((s, k) => s.rateLimited - statusBefore[k]!.rateLimited),
    };
  } finally {
    await Promise.all(fleet.map((i) => i.stop()));
  }
}

interface HotPathSample {
  nsOff: number;
  nsOn: number;
  overhead: number;
}

/** One hot-path sample in a fresh process (see scaleHotPath.ts): both brains, rounds interleaved. */
function hotPathSample(redisUrl: string, first: 'off' | 'on'): Promise<HotPathSample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', HOT_PATH, redisUrl, '41', '20000', first], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`hot-path sample exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as HotPathSample);
    });
  });
}

process.env.FLEET_LOG_LEVEL ??= 'error';
const redis = await startRedis();
const emulator = await startProviderEmulator({
  scenario: { name: 'healthy', seed: 1, phases: [] },
  historyLimit: 0,
  onRequest: recordRequest,
});
const machine = machineInfo();
const load = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
console.log(
  `bench:scale on ${machine.cpu} × ${machine.cores}, ${machine.node}; load average ${load} at start; storm ${stormMs / 1000} s, resonance ${resonanceMs / 1000} s per run, ${callers} callers per instance, ${pauseMs} ms pause`,
);
const results: RunResult[] = [];
try {
  for (const [name, scenario, voices, runMs] of [
    ['storm', storm, ['openai'], stormMs],
    ['resonance', resonance, ['v1', 'v2', 'v3', 'v4'], resonanceMs],
  ] as const) {
    if (!values.scenarios.split(',').includes(name)) continue;
    for (const n of counts) {
      for (const shared of [false, true]) {
        const r = await run(
          redis,
          emulator,
          scenario,
          [...voices],
          n,
          shared,
          `${name}-${n}-${shared}`,
          runMs,
        );
        results.push(r);
        console.log(
          `${name} N=${n} ${shared ? 'shared' : 'alone'}: ${r.callerCalls} calls, ${r.upstream429} 429s (${Object.entries(
            r.upstream429ByPhase,
          )
            .map(([k, v]) => `${k} ${v}`)
            .join(
              ', ',
            )}; per instance ${r.upstream429ByInstance.join(' ')}), ${r.upstream503} 503s, ${r.callerFailures} failures, ${r.redisCommands} Redis commands`,
        );
      }
    }
  }
  // Hot path: in each process both brains, their rounds interleaved; which is made first alternates.
  const hot: HotPathSample[] = [];
  for (let k = 0; k < hotRuns; k++) hot.push(await hotPathSample(redis.url, k % 2 === 0 ? 'off' : 'on'));
  const medianOf = (xs: number[]): number => (xs.length > 0 ? median(xs) : NaN);
  const nsOff = medianOf(hot.map((h) => h.nsOff));
  const nsOn = medianOf(hot.map((h) => h.nsOn));
  const overhead = medianOf(hot.map((h) => h.overhead));
  const spread = `${fixed(Math.min(...hot.map((h) => h.overhead)) * 100, 1)} … ${fixed(Math.max(...hot.map((h) => h.overhead)) * 100, 1)} %`;
  const loadEnd = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

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
        'cool-down arrival p50/p99 ms',
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
        r.shared && r.cooldownArrival.count > 0
          ? `${fixed(r.cooldownArrival.p50Ms, 0)} / ${fixed(r.cooldownArrival.p99Ms, 0)} (${r.cooldownArrival.count})`
          : '-',
      ]),
    )}`,
  );
  const at4 = (shared: boolean) =>
    results.find((r) => r.scenario === 'rate-limit-storm' && r.instances === 4 && r.shared === shared);
  const ratio = at4(true) && at4(false) ? at4(true)!.upstream429 / Math.max(1, at4(false)!.upstream429) : NaN;
  const sharedRuns = results.filter((r) => r.shared);
  const worstPerCall =
    sharedRuns.length > 0 ? Math.max(...sharedRuns.map((r) => r.redisCommandsPerCall)) : NaN;
  console.log(
    `\n${renderTable(
      ['target', 'measured', 'verdict'],
      [
        [
          `storm 429s, 4 instances: shared ${at4(true)?.upstream429 ?? '-'} / alone ${at4(false)?.upstream429 ?? '-'} ≤ 1/3`,
          fixed(ratio, 3),
          Number.isFinite(ratio) ? verdict(ratio <= 1 / 3) : 'not run',
        ],
        [
          'Redis commands per caller call ≤ 0.05 (worst shared run)',
          fixed(worstPerCall, 4),
          Number.isFinite(worstPerCall) ? verdict(worstPerCall <= 0.05) : 'not run',
        ],
        [
          `hot path (${hotRuns} processes, interleaved rounds): ${fixed(nsOff, 0)} ns alone, ${fixed(nsOn, 0)} ns shared, per process ${spread}; overhead ≤ 5 %`,
          `${fixed(overhead * 100, 1)} %`,
          hotRuns > 0 ? verdict(overhead <= 0.05) : 'not run',
        ],
      ],
    )}`,
  );
  console.log(`load average ${load} at start, ${loadEnd} at the end`);
  writeJsonReport(OUT, {
    machine,
    loadAverage: { start: load, end: loadEnd },
    stormMs,
    resonanceMs,
    callers,
    pauseMs,
    results,
    hotPath: { nsOff, nsOn, overhead, perProcess: hot },
    targets: { stormRatioAt4: ratio, worstRedisCommandsPerCall: worstPerCall, hotPathOverhead: overhead },
  });
  console.log(`\nwritten to ${OUT}`);
} finally {
  await emulator.close();
  await redis.stop();
}
