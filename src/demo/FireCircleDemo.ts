import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { sleepOn, type ClockOption } from '../clock/Scheduler.js';
import { InfrastructureConsciousness } from '../consciousness/InfrastructureConsciousness.js';
import type { ConsciousMessage } from '../firecircle/ConsciousMessage.js';
import type { ConsciousModelAdapter } from '../firecircle/ConsciousModelAdapter.js';
import type { AdapterEnv } from '../firecircle/adapters/SdkAdapterOptions.js';
import { loadScenario } from '../lab/loadScenario.js';
import { startProviderEmulator, type ProviderEmulator } from '../lab/ProviderEmulator.js';
import type { Scenario } from '../lab/ScenarioSchema.js';
import { metricName } from '../metrics/metricNames.js';
import { startMetricsServer, type MetricsServer } from '../endpoints/startMetricsServer.js';
import { renderReport } from '../report/renderReport.js';
import { withConsciousness } from '../wrap/withConsciousness.js';
import { CallLedger } from './CallLedger.js';
import {
  describeHealing,
  healingResult,
  describePattern,
  seconds,
  type DashboardView,
  type HealingRow,
  type PatternRow,
} from './Dashboard.js';
import {
  healingTallies,
  patternCounts,
  renderSummary,
  type DemoSummary,
  type VoiceSummary,
} from './DemoSummary.js';
import { positionAt, scaleScenario, timelineSteps } from './DemoTimeline.js';
import { createVoiceAdapter, FIRE_CIRCLE_VOICES, realVoices, type VoiceSpec } from './DemoVoices.js';
import { Dialogue } from './Dialogue.js';
import { LiveDisplay, type DisplayOutput } from './LiveDisplay.js';
import { NoRealVoicesError } from './NoRealVoicesError.js';

/**
 * Illustrative prices (USD per million tokens) for the demo's emulated models, so the dashboard
 * shows a cost: not any provider's current prices. Real deployments pass their own table.
 */
export const DEMO_PRICES = {
  currency: 'USD',
  models: {
    'claude-demo': { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
    'gpt-demo': { input: 2.5, output: 10, cachedInput: 1.25 },
    'deepseek-demo': { input: 0.27, output: 1.1 },
    'grok-demo': { input: 3, output: 15 },
    'mistral-demo': { input: 2, output: 6 },
    'local-demo': { input: 0, output: 0 },
  },
} as const;

/** The scenario `npm start` plays. */
export const DEFAULT_DEMO_SCENARIO = 'fire-circle-demo';
/** Length of the default run. */
export const DEFAULT_DEMO_DURATION_MS = 120_000;
/** Where pattern memory and snapshots go by default (the library's default storagePath). */
export const DEFAULT_DEMO_STORAGE = 'infrastructure_consciousness';
/** Port of /metrics, /health and /report by default. */
export const DEFAULT_DEMO_PORT = 9464;

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Built-in scenario name or JSON file (default `fire-circle-demo`). */
  readonly scenario?: string;
  /** Length of the run; the scenario's timeline is rescaled to it (default 120 s). */
  readonly durationMs?: number;
  /** Port of the metrics server (default 9464; 0 picks a free one). */
  readonly port?: number;
  /** Directory of pattern_memory.json and the state snapshots (default ./infrastructure_consciousness). */
  readonly storagePath?: string;
  /** Redraw the dashboard in place (a terminal); plain periodic lines otherwise. */
  readonly live?: boolean;
  /** Talk to the real providers whose keys are in `env` (the other voices stay on the emulator). */
  readonly real?: boolean;
  /** Environment for `real` (default process.env). */
  readonly env?: AdapterEnv;
  /** Base of relative scenario and storage paths (default process.cwd()). */
  readonly cwd?: string;
  /** Stops the run early; the report and summary are still printed. */
  readonly signal?: AbortSignal;
  /** Told where things are served once the run starts. */
  readonly onStart?: (info: DemoStartInfo) => void;
  /**
   * The brain's `clock` option. A clock object with timers (a virtual clock in tests) runs the whole
   * run on it: the timeline, the emulator's latencies, the dialogue's pauses, the wraps' timeouts
   * and retries, the probes. Only the HTTP exchanges themselves stay real.
   */
  readonly clock?: ClockOption;
}

/** Where a started run can be reached. */
export interface DemoStartInfo {
  /** Base URL of /metrics, /health and /report. */
  readonly metricsUrl: string;
  /** Base URL of the provider emulator. */
  readonly emulatorUrl: string;
  /** The scenario, rescaled to the run. */
  readonly scenario: Scenario;
}

/** Where the demo writes. */
export interface DemoIo {
  /** The dashboard, report and summary. */
  readonly stdout: DisplayOutput;
}

// Timing of the emulated circle: ~3 calls/s per voice, ~20/s in all. Real providers are paced
// slowly (and answer briefly) so that a real run stays cheap.
const EMULATOR_PAUSE_MS = 150;
const REAL_PAUSE_MS = 4_000;
const EMULATOR_TIMEOUT_MS = 1_500;
const REAL_TIMEOUT_MS = 45_000;
const EMULATOR_SDK_TIMEOUT_MS = 5_000;
const REAL_SDK_TIMEOUT_MS = 60_000;
const WARM_UP_LIMIT_MS = 10_000;
const LIVE_REFRESH_MS = 250;
const PLAIN_REFRESH_MS = 500;

/** A voice of the running circle. */
interface Member {
  readonly spec: VoiceSpec;
  /** The wrapped voice the dialogue talks to. */
  readonly voice: ConsciousModelAdapter;
  /** The adapter underneath (connected once before the timeline starts). */
  readonly adapter: ConsciousModelAdapter;
  readonly adapterId: string;
  readonly mode: 'emulator' | 'real';
  readonly model: string;
}

/**
 * Brain and breaker settings scaled to the run, so a 20 s run shows what a 2 min one does. Healing
 * outcomes are measured 1/6 of the run after the action: the scenario's faults last 1/10 to 1/7 of
 * it, so a shorter window would judge every action while its fault is still on. Failures count as
 * "together" within 1/8 of the run; breakers half-open after 1/24 of it.
 */
function scaledSettings(durationMs: number): {
  healingActionTimeoutMs: number;
  resonanceWindowMs: number;
  snapshotIntervalMs: number;
  resetTimeoutMs: number;
  rollingCountTimeoutMs: number;
} {
  return {
    healingActionTimeoutMs: Math.max(1_000, Math.round(durationMs / 6)),
    resonanceWindowMs: Math.max(2_000, Math.round(durationMs / 8)),
    snapshotIntervalMs: Math.max(5_000, Math.round(durationMs / 3)),
    resetTimeoutMs: Math.max(500, Math.round(durationMs / 24)),
    rollingCountTimeoutMs: Math.max(2_000, Math.round(durationMs / 12 / 100) * 100),
  };
}

/**
 * Runs the Fire Circle demo: six voices wrapped with `withConsciousness` in dialogue on the
 * provider emulator (or real providers with `real`), the scenario's timeline rescaled to the run,
 * health probes, /metrics /health /report, a live dashboard; then saves pattern memory and a state
 * snapshot, prints the consciousness report and a summary, and resolves to the summary. Rejects
 * with a ScenarioError (bad scenario), a NoRealVoicesError, or an error with `code` EADDRINUSE
 * when the metrics port is taken.
 */
export async function runDemo(options: DemoOptions, io: DemoIo): Promise<DemoSummary> {
  const durationMs = options.durationMs ?? DEFAULT_DEMO_DURATION_MS;
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const storagePath = resolve(cwd, options.storagePath ?? DEFAULT_DEMO_STORAGE);
  const scenario = scaleScenario(
    await loadScenario(options.scenario ?? DEFAULT_DEMO_SCENARIO, { cwd }),
    durationMs,
  );
  const real = new Set(options.real === true ? realVoices(env).map((v) => v.name) : []);
  if (options.real === true && real.size === 0) {
    throw new NoRealVoicesError(FIRE_CIRCLE_VOICES.map((v) => v.realEnv));
  }
  const settings = scaledSettings(durationMs);
  const brain = new InfrastructureConsciousness({
    registry: new Registry(),
    // Every failure is on the dashboard already; a log line per attempt would tear it.
    logger: pino({ level: 'silent' }),
    preset: 'dev',
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    usage: { prices: DEMO_PRICES },
    config: {
      storagePath,
      healingActionTimeoutMs: settings.healingActionTimeoutMs,
      resonanceWindowMs: settings.resonanceWindowMs,
      snapshotIntervalMs: settings.snapshotIntervalMs,
    },
  });
  await brain.ready;

  // The emulator's timeline and latencies run on the brain's time, like everything else of the run.
  const emulator = await startProviderEmulator({
    scenario,
    clock: brain.clock,
    sleep: sleepOn(brain.scheduler),
  });
  let server: MetricsServer;
  try {
    server = await startMetricsServer({ port: options.port ?? DEFAULT_DEMO_PORT, infrastructure: brain });
  } catch (err) {
    await emulator.close();
    throw err;
  }
  try {
    return await play({ options, io, durationMs, scenario, brain, emulator, server, real, settings });
  } finally {
    await server.close();
    await emulator.close();
  }
}

interface Play {
  readonly options: DemoOptions;
  readonly io: DemoIo;
  readonly durationMs: number;
  readonly scenario: Scenario;
  readonly brain: InfrastructureConsciousness;
  readonly emulator: ProviderEmulator;
  readonly server: MetricsServer;
  readonly real: ReadonlySet<string>;
  readonly settings: ReturnType<typeof scaledSettings>;
}

async function play(p: Play): Promise<DemoSummary> {
  const { options, io, durationMs, scenario, brain, emulator, server } = p;
  const out = io.stdout;
  const live = options.live === true;
  const env = options.env ?? process.env;
  const ledger = new CallLedger(brain);
  const members = buildCircle(p, ledger, env);
  const steps = timelineSteps(scenario);
  const cycleMs = scenario.repeat ? scenario.durationMs : undefined;
  const display = new LiveDisplay(out, {
    live,
    plainEveryMs: Math.min(5_000, Math.max(2_000, Math.round(durationMs / 10))),
  });

  const patternLog: PatternRow[] = [];
  const healingLog: HealingRow[] = [];
  const healingIndex = new Map<string, number>();
  let startedAt = brain.clock();
  const elapsed = (): number => brain.clock() - startedAt;
  brain.on('pattern', (pattern) => {
    const row: PatternRow = {
      atMs: elapsed(),
      type: pattern.patternType,
      adapters: pattern.affectedAdapters,
      impact: pattern.predictedImpact,
      category: pattern.category,
    };
    patternLog.push(row);
    display.event(`[${seconds(row.atMs)}] 🌀 pattern ${describePattern(row)}`);
  });
  brain.on('healing', (event) => {
    const result = healingResult(event);
    const known = healingIndex.get(event.actionId);
    const row: HealingRow = {
      atMs: known === undefined ? elapsed() : (healingLog[known]?.atMs ?? elapsed()),
      actionType: event.actionType,
      target: event.targetAdapter,
      reason: event.reason,
      result,
    };
    if (known === undefined) {
      healingIndex.set(event.actionId, healingLog.length);
      healingLog.push(row);
    } else {
      healingLog[known] = row;
    }
    display.event(`[${seconds(elapsed())}] 🩹 healing ${describeHealing(row)}`);
  });

  let lastWords: string | undefined;
  const view = (): DashboardView => {
    const signatures = new Map(brain.getHealthSignatures().map((s) => [s.adapterId, s]));
    const t = Math.min(elapsed(), durationMs);
    return {
      scenario: scenario.name,
      elapsedMs: t,
      durationMs,
      position: positionAt(steps, t, cycleMs),
      metricsUrl: server.url,
      voices: members.map((m) => {
        const s = signatures.get(m.spec.name);
        return {
          name: m.spec.name,
          model: m.model,
          mode: m.mode,
          status: s?.status ?? 'healthy',
          circuit: s?.circuitState ?? 'closed',
          failureProbability: s?.predictedFailureProbability ?? 0,
          calls: { ...ledger.countsOf(m.spec.name) },
          errors: s?.errorPatterns ?? {},
          usage: { ...brain.voice(m.spec.name).usage.totals },
        };
      }),
      patterns: patternLog,
      healings: healingLog,
      totals: ledger.totals(),
      lastWords,
    };
  };

  const onEmulator = members.filter((m) => m.mode === 'emulator').length;
  const realNames = members.filter((m) => m.mode === 'real').map((m) => m.spec.name);
  out.write(
    [
      `🔥 Fire Circle demo: ${members.length} voices (${onEmulator} on the emulator at ${emulator.url}${realNames.length > 0 ? `, real: ${realNames.join(', ')}` : ''})`,
      `   scenario ${scenario.name}, ${seconds(durationMs, 0)}: ${steps.map((s) => s.label).join(' → ')}`,
      `📈 metrics: ${server.url}/metrics   health: ${server.url}/health   report: ${server.url}/report`,
      `💾 storage: ${brain.config.storagePath}`,
      '',
    ].join('\n'),
  );

  // The dialogue stops when the run's time is up or the caller aborts.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();

  // The run's waits and timers are the brain's (its scheduler), like those of its wraps.
  const { scheduler } = brain;
  const sleep = sleepOn(scheduler);
  // Loading the SDKs and opening connections is start-up work, not a timeout of the first calls.
  const warmUp = new AbortController();
  const endWarmUp = (): void => warmUp.abort();
  stop.signal.addEventListener('abort', endWarmUp, { once: true });
  await Promise.race([
    Promise.allSettled(members.map((m) => m.adapter.connect())),
    sleep(WARM_UP_LIMIT_MS, warmUp.signal),
  ]);
  warmUp.abort();
  stop.signal.removeEventListener('abort', endWarmUp);
  emulator.setScenario(scenario); // the timeline starts now
  startedAt = brain.clock();
  options.onStart?.({ metricsUrl: server.url, emulatorUrl: emulator.url, scenario });
  brain.startMonitoring(members.map((m) => m.voice));

  const dialogue = new Dialogue({ dialogueId: randomUUID(), clock: brain.clock });
  const ending = scheduler.setTimeout(() => stop.abort(), durationMs);
  const intervals = [
    scheduler.setInterval(() => dialogue.ask(), Math.max(2_000, Math.round(durationMs / 8))),
    scheduler.setInterval(() => display.frame(view()), live ? LIVE_REFRESH_MS : PLAIN_REFRESH_MS),
  ];
  const clearTimers = (): void => {
    scheduler.clearTimeout(ending);
    for (const timer of intervals) scheduler.clearInterval(timer);
  };
  display.frame(view());

  const speak = async (m: Member, offset: number): Promise<void> => {
    const signal = stop.signal;
    const pause = m.mode === 'real' ? REAL_PAUSE_MS : EMULATOR_PAUSE_MS;
    // Voices start a little apart, so their rounds do not move in lockstep.
    await sleep((offset * pause) / members.length, signal);
    for (let round = 1; !signal.aborted; round++) {
      const { message, context } = dialogue.turnFor(m.adapterId);
      const streamed = round % 3 === 0;
      // One signal per call: the SDKs leave a listener on the signal they are given.
      const call = new AbortController();
      const cancel = (): void => call.abort();
      signal.addEventListener('abort', cancel, { once: true });
      const callOptions = { signal: call.signal };
      try {
        const reply = await ledger.run(m.spec.name, signal, async (): Promise<ConsciousMessage | string> => {
          if (!streamed) return m.voice.sendMessage(message, context, callOptions);
          let text = '';
          for await (const chunk of m.voice.streamMessage(message, context, callOptions)) text += chunk;
          return text;
        });
        const said = dialogue.reply(m.adapterId, message, reply);
        lastWords = `${said.sender}${streamed ? ' (streamed)' : ''}: ${said.content.text}`.slice(0, 140);
      } catch {
        // Counted by the ledger: a caller-visible failure, or a call cut short by the end of the run.
      } finally {
        signal.removeEventListener('abort', cancel);
      }
      await sleep(pause, signal);
    }
  };

  try {
    await Promise.all(members.map((m, i) => speak(m, i)));
    const interrupted = options.signal?.aborted === true && elapsed() < durationMs;
    const elapsedMs = Math.min(elapsed(), durationMs);
    clearTimers();
    await brain.stopMonitoring(); // saves pattern memory and a state snapshot
    const final = { ...view(), elapsedMs };
    display.stop(final);

    const report = brain.generateConsciousnessReport();
    out.write(`\n${renderReport(report, { color: live })}\n\n`);
    const summary = await summarize(p, members, ledger, {
      elapsedMs,
      interrupted,
      patternLog,
      healingLog,
    });
    out.write(`${renderSummary(summary)}\n`);
    return summary;
  } finally {
    clearTimers();
    options.signal?.removeEventListener('abort', onAbort);
    display.release();
    // The autosave stopped and its last save awaited: nothing writes into the storage once the run resolved.
    await brain.close();
  }
}

/** Wraps the six voices; each falls back to the next two of the ring (looked up when called). */
function buildCircle(p: Play, ledger: CallLedger, env: AdapterEnv): Member[] {
  const wrapped = new Map<string, ConsciousModelAdapter>();
  return FIRE_CIRCLE_VOICES.map((spec) => {
    const isReal = p.real.has(spec.name);
    const built = createVoiceAdapter(
      spec,
      isReal ? { real: env } : { emulator: p.emulator },
      isReal ? REAL_SDK_TIMEOUT_MS : EMULATOR_SDK_TIMEOUT_MS,
    );
    const voice = withConsciousness<ConsciousModelAdapter>(built.adapter, {
      name: spec.name,
      infrastructure: p.brain,
      fallbacks: spec.fallbacks.map((name) => ledger.fallbackTo(name, () => wrapped.get(name))),
      timeout: isReal ? REAL_TIMEOUT_MS : EMULATOR_TIMEOUT_MS,
      retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1_000 },
      breaker: {
        volumeThreshold: 5,
        resetTimeoutMs: p.settings.resetTimeoutMs,
        rollingCountTimeoutMs: p.settings.rollingCountTimeoutMs,
      },
    });
    wrapped.set(spec.name, voice);
    const adapterId = (built.adapter as { adapterId?: unknown }).adapterId;
    return {
      spec,
      voice,
      adapter: built.adapter,
      adapterId: typeof adapterId === 'string' ? adapterId : spec.name,
      mode: built.mode,
      model: built.model,
    };
  });
}

/** Sum of a counter's series, grouped by one label (or all together). */
async function counterBy(registry: Registry, name: string, label?: string): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return {};
  const { values } = await metric.get();
  const sums: Record<string, number> = {};
  for (const { labels, value } of values) {
    const key = label === undefined ? 'all' : String(labels[label] ?? 'unknown');
    sums[key] = (sums[key] ?? 0) + value;
  }
  return sums;
}

async function persistedFiles(
  directory: string,
): Promise<{ memory: string | undefined; snapshots: string[] }> {
  const names = await readdir(directory).catch(() => [] as string[]);
  return {
    memory: names.includes('pattern_memory.json') ? join(directory, 'pattern_memory.json') : undefined,
    snapshots: names.filter((n) => /^infrastructure_state_.*\.json$/u.test(n)).sort(),
  };
}

async function summarize(
  p: Play,
  members: readonly Member[],
  ledger: CallLedger,
  run: {
    elapsedMs: number;
    interrupted: boolean;
    patternLog: readonly PatternRow[];
    healingLog: readonly HealingRow[];
  },
): Promise<DemoSummary> {
  const { brain } = p;
  const prefix = brain.metrics.prefix;
  const retries = await counterBy(brain.registry, metricName(prefix, 'retries'));
  const fallbacks = await counterBy(brain.registry, metricName(prefix, 'fallbacks'), 'kind');
  const files = await persistedFiles(brain.config.storagePath);
  const voices: VoiceSummary[] = members.map((m) => {
    const s = brain.getHealthSignature(m.spec.name);
    return {
      name: m.spec.name,
      model: m.model,
      mode: m.mode,
      calls: { ...ledger.countsOf(m.spec.name) },
      upstreamAttempts: s?.totalCalls ?? 0,
      upstreamFailures: s?.totalFailures ?? 0,
      usage: { ...brain.voice(m.spec.name).usage.totals },
    };
  });
  return {
    scenario: p.scenario.name,
    durationMs: p.durationMs,
    elapsedMs: run.elapsedMs,
    interrupted: run.interrupted,
    metricsUrl: p.server.url,
    voices,
    totals: ledger.totals(),
    retriesScheduled: retries['all'] ?? 0,
    fallbacksByKind: fallbacks,
    patterns: patternCounts(run.patternLog),
    patternLog: [...run.patternLog],
    healings: healingTallies(run.healingLog),
    healingLog: [...run.healingLog],
    storage: { directory: brain.config.storagePath, patternMemory: files.memory, snapshots: files.snapshots },
  };
}
