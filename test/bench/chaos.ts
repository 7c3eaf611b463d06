/**
 * `npm run bench:chaos`: does withConsciousness keep a Fire Circle voice answering through provider
 * faults better than the stack a user would build by hand? Replays a suite of fault scenarios
 * (rate-limit storm with Retry-After, 5xx burst, latency ramp to hangs, hard outage + recovery,
 * API change with null content, three-voice resonance outage, flapping) against three clients of
 * the same reference adapters over the official SDKs:
 *   (1) no protection: `adapter.sendMessage` directly;
 *   (2) hand-built: opossum with its defaults around a cockatiel exponential retry of every error
 *       (maxAttempts 3), one fallback adapter as opossum's fallback;
 *   (3) withConsciousness with its defaults, the same fallback adapter (wrapped) as its fallback.
 * Prints, per scenario and overall, the caller-visible failure rate, p50/p99 latency, the share
 * of calls served by the fallback and upstream requests per caller call (retry amplification),
 * then the targets: (3) fails at most 1/5 as often as (2), with no worse p99 and no more
 * amplification. Writes bench-results/chaos.json. A report, not a test: it exits 0 whatever the
 * verdicts.
 *
 * Method: every client of every scenario gets a fresh lab emulator (same scenario, same seed: the
 * same fault draws per request count, on a timeline that starts with the emulator), fresh
 * adapters (SDK retries off) and, for (3), a fresh InfrastructureConsciousness (own registry,
 * silent logger, memory store). The scenarios fault only the primary model, so every client has
 * the same healthy fallback. The three clients of a scenario run at the same time against their
 * own emulators, so machine noise hits them alike.
 *
 * Load: open loop by default — calls arrive at a fixed rate whatever the replies do, so every
 * client answers the same calls at the same instants. (With closed-loop callers, `--closed`, a
 * client that makes callers wait is asked less often while it is slow, and its worst seconds
 * weigh less in its percentiles: coordinated omission.) A call fails for the caller when it
 * rejects or resolves to something without reply text; latency counts every call, failures
 * included. Calls still pending DRAIN_MS after the run (a hang under a long timeout) are failures
 * with their latency so far, a lower bound. Upstream requests are all requests the emulator
 * received (completions of every model and any model-listing probes).
 *
 * `--ablation` runs, instead of the three clients, (3) with its full brain against (3) with prediction,
 * healing or pattern detection turned off, and with all three off (breaker + retry + fallback only), and
 * reports paid requests wasted (200 answers nobody received) beside the rest; the full brain runs twice side by
 * side ('full again'), and the spread between the two is the noise a "worse" verdict must exceed; one ticker
 * starts every variant's call of an instant, the variant going first rotating from call to call (runSideBySide:
 * the call started first waits for the others' start work, so a fixed order favoured the last variants); writes
 * bench-results/chaos-ablation.json.
 *
 * `--only id,id` runs some scenarios (partial runs do not write the JSON); `--sequential` runs the
 * three clients one after another; `--rate` sets the open-loop calls per second; `--closed` uses
 * `--callers` callers with `--think` ms between calls instead (written to chaos-closed-loop.json).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { EmulatorStats } from '../../src/lab/EmulatorLedger.js';
import { startProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import { loadScenario } from '../../src/lab/loadScenario.js';
import type { Scenario } from '../../src/lab/ScenarioSchema.js';
import { fixed, machineInfo, renderTable, verdict, writeJsonReport } from './benchTable.js';
import {
  failureKind,
  runCallerLoad,
  runSideBySide,
  type CallerLoadOptions,
  type CallSample,
  type LoadShape,
} from './chaos/CallerLoad.js';
import { CHAOS_CASES, type ChaosCase } from './chaos/ChaosCase.js';
import {
  ABLATION_KINDS,
  BETTER_BY,
  NO_WORSE_FAILURES,
  NO_WORSE_TOLERANCE,
  P99_FLOOR_MS,
  paidAnswersOf,
  printAblation,
  summarizeAblation,
  type AblationCase,
  type AblationRun,
} from './chaos/Ablation.js';
import {
  ABLATIONS,
  buildClient,
  conscious,
  CLIENT_KINDS,
  CLIENT_LABELS,
  type Ablation,
  type ChaosClient,
  type ClientKind,
} from './chaos/ChaosClient.js';
import type { VoicePair } from './chaos/ChaosCase.js';
import type { ProviderEmulator } from '../../src/lab/ProviderEmulator.js';
import { failureKinds, perSecond, slowestCalls, summarize, type ChaosSummary } from './chaos/ChaosSummary.js';

const DEFAULT_RATE_PER_S = 40;
const DEFAULT_CALLERS = 4;
const DEFAULT_THINK_MS = 50;
/** Longer than opossum's default 10 s timeout, so the hand-built stack's timed-out calls settle. */
const DRAIN_MS = 12_000;
/** How long, after the emulator closed, calls still waiting are given to give up. */
const SETTLE_MS = 5_000;
/** (3) may fail at most this share of (2)'s failure rate, overall. */
const TARGET_FAILURE_RATIO = 1 / 5;
/** Slowest calls kept per run in the JSON. */
const SLOWEST_CALLS = 15;
/** The open-loop run is the benchmark's result; a closed-loop run is kept beside it. */
const REPORT_PATHS: Readonly<Record<LoadShape['kind'], string>> = {
  open: fileURLToPath(new URL('../../bench-results/chaos.json', import.meta.url)),
  closed: fileURLToPath(new URL('../../bench-results/chaos-closed-loop.json', import.meta.url)),
};
/** `--ablation` writes here. */
const ABLATION_PATH = fileURLToPath(new URL('../../bench-results/chaos-ablation.json', import.meta.url));

interface BenchOptions {
  readonly only: readonly string[] | undefined;
  readonly sequential: boolean;
  /** Run the full brain against its ablations instead of the three clients. */
  readonly ablation: boolean;
  readonly shape: LoadShape;
}

/** One client's run of one scenario. */
interface ClientRun {
  readonly kind: ClientKind;
  readonly samples: readonly CallSample[];
  readonly upstreamRequests: number;
  /** Requests per `route/model` (`route/listing` for GET /v1/models). */
  readonly upstreamByModel: Record<string, number>;
  /** Faults the emulator fired for this client, by kind. */
  readonly faultsFired: Record<string, number>;
}

interface CaseResult {
  readonly chaosCase: ChaosCase;
  readonly scenario: Scenario;
  readonly runs: readonly ClientRun[];
  /** Rejections no code handled while the scenario ran, by reason (any client: they share the process). */
  readonly unhandledRejections: Record<string, number>;
}

/**
 * Collects unhandled rejections instead of dying of them, so that one client's crash does not end
 * the benchmark; each would end a process running with Node's defaults, so they are reported.
 */
class UnhandledRejections {
  #reasons = new Map<string, number>();

  constructor() {
    process.on('unhandledRejection', (reason) => {
      const kind = failureKind(reason);
      this.#reasons.set(kind, (this.#reasons.get(kind) ?? 0) + 1);
    });
  }

  /** The reasons collected since the last call, with their counts. */
  take(): Record<string, number> {
    const taken = Object.fromEntries(this.#reasons);
    this.#reasons = new Map();
    return taken;
  }
}

function upstreamBreakdown(stats: EmulatorStats): {
  byModel: Record<string, number>;
  faults: Record<string, number>;
} {
  const byModel: Record<string, number> = {};
  const faults: Record<string, number> = {};
  for (const [route, traffic] of Object.entries(stats.routes)) {
    let completions = 0;
    for (const [model, counts] of Object.entries(traffic.models)) {
      byModel[`${route}/${model}`] = counts.requests;
      completions += counts.requests;
    }
    if (traffic.requests > completions) byModel[`${route}/listing`] = traffic.requests - completions;
    for (const [kind, n] of Object.entries(traffic.faults)) faults[kind] = (faults[kind] ?? 0) + (n ?? 0);
  }
  return { byModel, faults };
}

async function runClient(
  chaosCase: ChaosCase,
  scenario: Scenario,
  kind: ClientKind,
  loadOptions: CallerLoadOptions,
): Promise<ClientRun> {
  return runBuilt(
    chaosCase,
    scenario,
    (pairs, emulator) => buildClient(kind, pairs, emulator),
    loadOptions,
    (load, stats) => {
      const { byModel, faults } = upstreamBreakdown(stats);
      return {
        kind,
        samples: load.samples,
        upstreamRequests: stats.requests,
        upstreamByModel: byModel,
        faultsFired: faults,
      };
    },
  );
}

/** Runs the callers against a client built on a fresh emulator; `result` reads what happened. */
async function runBuilt<R>(
  chaosCase: ChaosCase,
  scenario: Scenario,
  build: (pairs: readonly VoicePair[], emulator: ProviderEmulator) => ChaosClient,
  loadOptions: CallerLoadOptions,
  result: (load: { samples: readonly CallSample[] }, stats: EmulatorStats) => R,
): Promise<R> {
  const emulator = await startProviderEmulator({ scenario, port: 0, historyLimit: 0 });
  const client = build(chaosCase.pairs, emulator);
  let allSettled: Promise<void> = Promise.resolve();
  try {
    const load = await runCallerLoad(client.routes, loadOptions);
    allSettled = load.allSettled;
    return result(load, emulator.stats());
  } finally {
    // Closing ends hung requests; the calls still waiting on them give up before the breakers stop.
    await emulator.close();
    await Promise.race([allSettled, sleep(SETTLE_MS)]);
    client.shutdown();
  }
}

async function runCase(
  chaosCase: ChaosCase,
  options: BenchOptions,
  unhandled: UnhandledRejections,
): Promise<CaseResult> {
  const scenario = await loadScenario(chaosCase.scenarioPath);
  const load: CallerLoadOptions = { shape: options.shape, runMs: chaosCase.runMs, drainMs: DRAIN_MS };
  const runs: ClientRun[] = [];
  if (options.sequential) {
    for (const kind of CLIENT_KINDS) runs.push(await runClient(chaosCase, scenario, kind, load));
  } else {
    runs.push(...(await Promise.all(CLIENT_KINDS.map((kind) => runClient(chaosCase, scenario, kind, load)))));
  }
  return { chaosCase, scenario, runs, unhandledRejections: unhandled.take() };
}

/** One scenario with the full brain and each ablation, side by side (or one after another). */
async function runAblationCase(chaosCase: ChaosCase, options: BenchOptions): Promise<AblationCase> {
  const scenario = await loadScenario(chaosCase.scenarioPath);
  const load: CallerLoadOptions = { shape: options.shape, runMs: chaosCase.runMs, drainMs: DRAIN_MS };
  const run = (kind: Ablation): Promise<AblationRun> =>
    runBuilt(
      chaosCase,
      scenario,
      (pairs, emulator) => conscious(pairs, emulator, ABLATIONS[kind], kind),
      load,
      (l, stats) => ({
        kind,
        samples: l.samples,
        upstreamRequests: stats.requests,
        paidAnswers: paidAnswersOf(stats),
      }),
    );
  const runs: AblationRun[] = [];
  if (options.sequential) for (const kind of ABLATION_KINDS) runs.push(await run(kind));
  else runs.push(...(await runAblationSideBySide(chaosCase, scenario, load)));
  const summaries = Object.fromEntries(
    runs.map((r) => [r.kind, summarizeAblation(r)]),
  ) as AblationCase['summaries'];
  return { id: chaosCase.id, summaries };
}

/**
 * Every variant of one scenario side by side, each on its own fresh emulator, their calls started by one ticker
 * in an order that rotates from call to call (`runSideBySide`), so that no variant is always started first.
 */
async function runAblationSideBySide(
  chaosCase: ChaosCase,
  scenario: Scenario,
  load: CallerLoadOptions,
): Promise<AblationRun[]> {
  const emulators = await Promise.all(
    ABLATION_KINDS.map(() => startProviderEmulator({ scenario, port: 0, historyLimit: 0 })),
  );
  const clients = ABLATION_KINDS.map((kind, i) =>
    conscious(chaosCase.pairs, emulators[i]!, ABLATIONS[kind], kind),
  );
  let settled: Promise<void>[] = [];
  try {
    const loads = await runSideBySide(
      clients.map((c) => c.routes),
      load,
    );
    settled = loads.map((l) => l.allSettled);
    return ABLATION_KINDS.map((kind, i) => {
      const stats = emulators[i]!.stats();
      return {
        kind,
        samples: loads[i]!.samples,
        upstreamRequests: stats.requests,
        paidAnswers: paidAnswersOf(stats),
      };
    });
  } finally {
    // Closing ends hung requests; the calls still waiting on them give up before the breakers stop.
    await Promise.all(emulators.map((e) => e.close()));
    await Promise.race([Promise.all(settled), sleep(SETTLE_MS)]);
    for (const client of clients) client.shutdown();
  }
}

const percent = (share: number, decimals = 1): string => fixed(share * 100, decimals);

const HEADERS = [
  'scenario',
  'client',
  'calls',
  'failed',
  'fail %',
  'p50 ms',
  'p99 ms',
  'fallback %',
  'upstream/call',
  'pending@drain',
];

function summaryRow(first: string, kind: ClientKind, s: ChaosSummary): string[] {
  return [
    first,
    CLIENT_LABELS[kind],
    String(s.calls),
    String(s.failures),
    percent(s.failureRate, 2),
    fixed(s.p50Ms, 0),
    fixed(s.p99Ms, 0),
    percent(s.fallbackShare),
    fixed(s.amplification, 2),
    String(s.censored),
  ];
}

/** The three target checks of (3) against (2). */
function targets(hand: ChaosSummary, wc: ChaosSummary) {
  const failureLimit = hand.failureRate * TARGET_FAILURE_RATIO;
  return {
    failures: {
      handBuilt: hand.failureRate,
      withConsciousness: wc.failureRate,
      limit: failureLimit,
      pass: wc.failureRate <= failureLimit,
    },
    p99Ms: {
      handBuilt: hand.p99Ms,
      withConsciousness: wc.p99Ms,
      limit: hand.p99Ms,
      pass: wc.p99Ms <= hand.p99Ms,
    },
    amplification: {
      handBuilt: hand.amplification,
      withConsciousness: wc.amplification,
      limit: hand.amplification,
      pass: wc.amplification <= hand.amplification,
    },
  };
}

function summaryOf(runs: readonly ClientRun[], kind: ClientKind): ChaosSummary {
  return summarize(runs.filter((r) => r.kind === kind));
}

function numberOption(value: string | undefined, flag: string, min: number, integer = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new Error(`${flag} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${value}`);
  }
  return n;
}

function parseOptions(): BenchOptions {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      sequential: { type: 'boolean', default: false },
      ablation: { type: 'boolean', default: false },
      rate: { type: 'string', default: String(DEFAULT_RATE_PER_S) },
      closed: { type: 'boolean', default: false },
      callers: { type: 'string', default: String(DEFAULT_CALLERS) },
      think: { type: 'string', default: String(DEFAULT_THINK_MS) },
    },
  });
  const only = values.only?.split(',').map((s) => s.trim());
  const known = CHAOS_CASES.map((c) => c.id);
  const unknown = only?.filter((id) => !known.includes(id)) ?? [];
  if (unknown.length > 0) {
    throw new Error(`unknown scenario ${unknown.join(', ')} (known: ${known.join(', ')})`);
  }
  const shape: LoadShape = values.closed
    ? {
        kind: 'closed',
        callers: numberOption(values.callers, '--callers', 1, true),
        thinkMs: numberOption(values.think, '--think', 0),
      }
    : { kind: 'open', ratePerS: numberOption(values.rate, '--rate', 0.1) };
  return { only, sequential: values.sequential, ablation: values.ablation, shape };
}

function describeLoad(shape: LoadShape): string {
  return shape.kind === 'open'
    ? `open loop, ${shape.ratePerS} calls/s`
    : `closed loop, ${shape.callers} callers, ${shape.thinkMs} ms think time`;
}

function printTables(results: readonly CaseResult[]): {
  overall: Record<ClientKind, ChaosSummary>;
  perCase: { id: string; targets: ReturnType<typeof targets> }[];
  target: ReturnType<typeof targets>;
} {
  const rows = results.flatMap(({ chaosCase, runs }) =>
    runs.map((run) => summaryRow(chaosCase.id, run.kind, summarize([run]))),
  );
  console.log(`\n${renderTable(HEADERS, rows)}`);

  const allRuns = results.flatMap((r) => r.runs);
  const overall = Object.fromEntries(CLIENT_KINDS.map((k) => [k, summaryOf(allRuns, k)])) as Record<
    ClientKind,
    ChaosSummary
  >;
  const overallRows = CLIENT_KINDS.map((k) => summaryRow('all', k, overall[k]));
  console.log(`\noverall (every scenario's calls pooled)\n${renderTable(HEADERS, overallRows)}`);

  const perCase = results.map(({ chaosCase, runs }) => ({
    id: chaosCase.id,
    targets: targets(summaryOf(runs, 'hand-built'), summaryOf(runs, 'withConsciousness')),
  }));
  const perCaseRows = perCase.map(({ id, targets: t }) => [
    id,
    `${percent(t.failures.handBuilt, 2)} → ${percent(t.failures.withConsciousness, 2)}`,
    verdict(t.failures.pass),
    `${fixed(t.p99Ms.handBuilt, 0)} → ${fixed(t.p99Ms.withConsciousness, 0)}`,
    verdict(t.p99Ms.pass),
    `${fixed(t.amplification.handBuilt, 2)} → ${fixed(t.amplification.withConsciousness, 2)}`,
    verdict(t.amplification.pass),
  ]);
  console.log(
    `\n(3) against (2) per scenario (for reading; the targets are overall)\n${renderTable(
      [
        'scenario',
        'fail % (2)→(3)',
        'fail ≤ 1/5',
        'p99 ms (2)→(3)',
        'p99 ≤',
        'upstream/call (2)→(3)',
        'amp ≤',
      ],
      perCaseRows,
    )}`,
  );

  const target = targets(overall['hand-built'], overall.withConsciousness);
  const hand = overall['hand-built'];
  const wc = overall.withConsciousness;
  console.log(
    `\ntargets: (3) withConsciousness against (2) hand-built, overall\n${renderTable(
      ['target', '(2) hand-built', '(3) withConsciousness', 'limit', 'verdict'],
      [
        [
          'caller-visible failures ≤ 1/5 of (2)',
          `${percent(hand.failureRate, 2)} % (${hand.failures}/${hand.calls})`,
          `${percent(wc.failureRate, 2)} % (${wc.failures}/${wc.calls})`,
          `≤ ${percent(target.failures.limit, 2)} %`,
          verdict(target.failures.pass),
        ],
        [
          'p99 latency no worse',
          `${fixed(hand.p99Ms, 0)} ms`,
          `${fixed(wc.p99Ms, 0)} ms`,
          `≤ ${fixed(target.p99Ms.limit, 0)} ms`,
          verdict(target.p99Ms.pass),
        ],
        [
          'upstream calls per call no higher',
          fixed(hand.amplification, 2),
          fixed(wc.amplification, 2),
          `≤ ${fixed(target.amplification.limit, 2)}`,
          verdict(target.amplification.pass),
        ],
      ],
    )}`,
  );
  return { overall, perCase, target };
}

function printReasons(results: readonly CaseResult[]): void {
  const format = (counts: Record<string, number>): string =>
    Object.entries(counts)
      .map(([reason, n]) => `${n}× ${reason}`)
      .join(', ');
  console.log('\nfailure reasons');
  for (const { chaosCase, runs } of results) {
    for (const run of runs) {
      const reasons = failureKinds(run.samples);
      if (Object.keys(reasons).length > 0) {
        console.log(`  ${chaosCase.id} ${CLIENT_LABELS[run.kind]}: ${format(reasons)}`);
      }
    }
  }
  const hazards = results.filter((r) => Object.keys(r.unhandledRejections).length > 0);
  console.log(
    `\nunhandled rejections (each ends a process under Node's default --unhandled-rejections=throw):${hazards.length === 0 ? ' none' : ''}`,
  );
  for (const { chaosCase, unhandledRejections } of hazards) {
    console.log(`  ${chaosCase.id}: ${format(unhandledRejections)}`);
  }
}

async function main(): Promise<void> {
  const options = parseOptions();
  const cases = CHAOS_CASES.filter((c) => options.only?.includes(c.id) ?? true);
  const full = cases.length === CHAOS_CASES.length;
  const machine = machineInfo();
  console.log(
    `chaos benchmark — node ${machine.node}, ${machine.cpu} × ${machine.cores}, ${machine.platform}`,
  );
  console.log(
    `${describeLoad(options.shape)}, drain ${DRAIN_MS / 1000} s; clients ${options.sequential ? 'one after another' : 'side by side'}\n`,
  );
  // The SDKs are imported once here, not inside the first measured calls.
  await Promise.all([import('openai'), import('@anthropic-ai/sdk')]);

  const unhandled = new UnhandledRejections();
  if (options.ablation) {
    await ablation(cases, options, full, machine);
    return;
  }
  const results: CaseResult[] = [];
  for (const chaosCase of cases) {
    const t0 = performance.now();
    process.stderr.write(`running ${chaosCase.id} (${chaosCase.runMs / 1000} s) … `);
    results.push(await runCase(chaosCase, options, unhandled));
    process.stderr.write(`${fixed((performance.now() - t0) / 1000, 1)} s\n`);
  }

  const { overall, perCase, target } = printTables(results);
  printReasons(results);

  if (!full) return;
  const reportPath = REPORT_PATHS[options.shape.kind];
  writeJsonReport(reportPath, {
    benchmark: 'chaos',
    machine,
    method: {
      load: options.shape,
      drainMs: DRAIN_MS,
      clients: options.sequential ? 'one after another' : 'side by side, one emulator each',
      failure:
        'promise rejected, or resolved without reply text; calls pending at the drain deadline count as failures',
      latency: 'every caller call, failures included; calls pending at the drain deadline as a lower bound',
      amplification: 'requests received by the emulator / caller calls',
      quantiles: 'nearest rank',
    },
    clients: CLIENT_LABELS,
    scenarios: results.map(({ chaosCase, scenario, runs, unhandledRejections }) => ({
      id: chaosCase.id,
      scenario: scenario.name,
      description: scenario.description ?? null,
      runMs: chaosCase.runMs,
      voices: chaosCase.pairs,
      clients: runs.map((run) => ({
        kind: run.kind,
        ...summarize([run]),
        upstreamByModel: run.upstreamByModel,
        faultsFired: run.faultsFired,
        failureReasons: failureKinds(run.samples),
        slowestCalls: slowestCalls(run.samples, SLOWEST_CALLS),
        perSecond: perSecond(run.samples),
      })),
      targets: perCase.find((t) => t.id === chaosCase.id)?.targets ?? null,
      unhandledRejections,
    })),
    overall: { ...overall, targets: target },
  });
  console.log(`\nwrote ${reportPath}`);
}

/** `--ablation`: every scenario with the full brain and with parts of it turned off. */
async function ablation(
  cases: readonly ChaosCase[],
  options: BenchOptions,
  full: boolean,
  machine: ReturnType<typeof machineInfo>,
): Promise<void> {
  const results: AblationCase[] = [];
  for (const chaosCase of cases) {
    const t0 = performance.now();
    process.stderr.write(
      `running ${chaosCase.id} × ${ABLATION_KINDS.length} brains (${chaosCase.runMs / 1000} s) … `,
    );
    results.push(await runAblationCase(chaosCase, options));
    process.stderr.write(`${fixed((performance.now() - t0) / 1000, 1)} s\n`);
  }
  const verdicts = printAblation(results);
  if (!full) return;
  writeJsonReport(ABLATION_PATH, {
    benchmark: 'chaos-ablation',
    machine,
    method: {
      load: options.shape,
      drainMs: DRAIN_MS,
      brains: ABLATIONS,
      order: options.sequential
        ? 'one after another'
        : 'side by side; one ticker starts each variant’s call of an instant, the first one rotating per call',
      wastedPaid: 'completion requests answered 200 by the emulator minus caller calls that got a reply',
      noWorse: `worse only when higher by more than ${NO_WORSE_TOLERANCE * 100} % of the ablation's value, the scenario's noise (|full - full again|) and a floor (p99 ${P99_FLOOR_MS} ms, failures ${NO_WORSE_FAILURES})`,
      better: `p99 or upstream/call lower by at least ${BETTER_BY * 100} % and by more than the noise`,
    },
    scenarios: results,
    verdicts,
  });
  console.log(`\nwrote ${ABLATION_PATH}`);
}

await main();
