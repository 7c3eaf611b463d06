import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPromtool } from '../support/prometheusBinaries.js';
import { startPrometheus, type InstantSample, type PrometheusServer } from '../support/prometheusServer.js';
import { startRecordingProxy, type RecordingProxy } from '../support/recordingProxy.js';
import {
  loadDashboard,
  METRICS_DOC_PATH,
  panelQueries,
  PROMETHEUS_CONFIG_PATH,
  RULE_TESTS_PATH,
  RULES_PATH,
  substituteVariables,
  withoutFallbacks,
} from './dashboardQueries.js';
import { metricDocExamples, parseMetricsDoc } from './metricsDoc.js';
import {
  OBSERVED_SCENARIO,
  SCENARIO_TRAFFIC_MS,
  startObservedCircle,
  type ObservedCircle,
} from './observedCircle.js';

/**
 * The end-to-end check: a real Prometheus (Debian's package; never skipped) scrapes a
 * wrapped Fire Circle on the provider emulator every second while a scenario opens a circuit,
 * raises patterns and heals; then every dashboard panel, recording rule and metrics.md example is
 * asked through Prometheus's HTTP API.
 */

interface RuleGroup {
  readonly name: string;
  /** When the group was last evaluated (RFC 3339). */
  readonly lastEvaluation: string;
  readonly rules: {
    readonly type: 'recording' | 'alerting';
    readonly name: string;
    readonly health: string;
    readonly lastError?: string;
  }[];
}

interface Target {
  readonly health: string;
  readonly lastError: string;
  readonly labels: Record<string, string>;
}

let circle: ObservedCircle | undefined;
let proxy: RecordingProxy | undefined;
let prometheus: PrometheusServer | undefined;

async function shutDown(): Promise<void> {
  // Each step runs even if another fails: no Prometheus or server may outlive the test.
  const results = await Promise.allSettled([prometheus?.stop(), proxy?.close(), circle?.close()]);
  prometheus = undefined;
  proxy = undefined;
  circle = undefined;
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

function running(): { circle: ObservedCircle; proxy: RecordingProxy; prometheus: PrometheusServer } {
  if (circle === undefined || proxy === undefined || prometheus === undefined) {
    throw new Error('the setup did not complete');
  }
  return { circle, proxy, prometheus };
}

/**
 * Asks `check` every 200 ms until it answers a value (Prometheus scrapes and evaluates on the wall
 * clock: the test waits for what it needs to have happened, never for a fixed time); fails after 20 s.
 */
async function waitFor<T>(
  server: PrometheusServer,
  what: string,
  check: () => Promise<T | undefined>,
): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(200);
  }
  throw new Error(`Prometheus did not ${what} within 20 s:\n${server.logs()}`);
}

/** Waits until Prometheus has a sample of the target scraped more than a second after `since` (epoch s); its time. */
function waitForScrapes(server: PrometheusServer, since: number): Promise<number> {
  return waitFor(server, 'scrape the target', async () => {
    const [sample] = await server.query('timestamp(fire_circle_infrastructure_consciousness_score)');
    const at = Number(sample?.value[1]);
    return at > since + 1 ? at : undefined;
  });
}

/** Waits until every rule group was evaluated after `since` (epoch s). */
function waitForRuleEvaluation(server: PrometheusServer, since: number): Promise<true> {
  return waitFor(server, 'evaluate every rule group', async () => {
    const { groups } = await server.api<{ groups: RuleGroup[] }>('rules');
    const evaluated = groups.every((g) => Date.parse(g.lastEvaluation) / 1000 > since);
    return groups.length > 0 && evaluated ? true : undefined;
  });
}

function describeSeries(samples: readonly InstantSample[]): string {
  return samples.map((s) => `${JSON.stringify(s.metric)} ${s.value[1]}`).join('\n');
}

beforeAll(async () => {
  try {
    circle = await startObservedCircle();
    // Prometheus scrapes through a recording proxy, so the test sees what format it negotiated.
    proxy = await startRecordingProxy(circle.metricsServer.url);
    prometheus = await startPrometheus({
      targets: [proxy.target],
      ruleFiles: [RULES_PATH],
      intervalSeconds: 1,
    });
    // Prometheus applies discovered targets up to 5 s after start: the scenario starts once it scrapes.
    await waitForScrapes(prometheus, 0);
    // The scenario's phases play on the wall clock while Prometheus scrapes them: traffic lasts them all.
    await circle.drive(OBSERVED_SCENARIO, SCENARIO_TRAFFIC_MS);
    // A scrape after the last calls, and a rule evaluation on it.
    const scrapedAt = await waitForScrapes(prometheus, Date.now() / 1000);
    await waitForRuleEvaluation(prometheus, scrapedAt);
  } catch (err) {
    await shutDown().catch(() => undefined);
    throw err;
  }
}, 60_000);

afterAll(shutDown, 20_000);

describe('a real Prometheus scraping a wrapped Fire Circle through a failing scenario', () => {
  it('went through the scenario: a circuit opened and closed, patterns were raised, healing completed', () => {
    const { events } = running().circle;
    // mistral has no fallback voice: its breaker opens and closes; openai's calls are routed to deepseek.
    expect([...events.circuits]).toEqual(expect.arrayContaining(['mistral:open', 'mistral:closed']));
    expect([...events.patterns].sort()).toEqual(
      expect.arrayContaining(['api_change', 'degradation', 'recovery', 'resonance']),
    );
    expect(events.completedHealings.size).toBeGreaterThan(0);
  });

  it('negotiates OpenMetrics on every scrape and parses it without error', async () => {
    const { prometheus: server, proxy: p } = running();
    const { activeTargets } = await server.api<{ activeTargets: Target[] }>('targets');
    expect(activeTargets).toHaveLength(1);
    expect(activeTargets[0]).toMatchObject({ health: 'up', lastError: '', labels: { instance: p.target } });
    const scrapes = p.exchanges.filter((e) => e.path === '/metrics');
    expect(scrapes.length).toBeGreaterThanOrEqual(SCENARIO_TRAFFIC_MS / 1000);
    for (const scrape of scrapes) {
      expect(scrape.accept).toContain('application/openmetrics-text');
      expect(scrape).toMatchObject({
        status: 200,
        contentType: expect.stringMatching(/^application\/openmetrics-text; version=1\.0\.0/),
      });
    }
  });

  it('answers every panel expression of the dashboard with at least one series', async () => {
    const { prometheus: server } = running();
    const queries = panelQueries(loadDashboard());
    const empty: string[] = [];
    for (const q of queries) {
      // Without the `or on() vector(0)` fallbacks: the real series must be there.
      const expr = withoutFallbacks(substituteVariables(q.expr));
      const samples = await server.query(expr);
      const finite = samples.filter((s) => Number.isFinite(Number(s.value[1])));
      if (finite.length === 0) empty.push(`${q.panel} [${q.refId}]: ${expr}\n${describeSeries(samples)}`);
    }
    expect(empty, 'panels without a series holding a number').toEqual([]);
  });

  it('produces a series for every recording rule, and evaluates every rule without error', async () => {
    const { prometheus: server } = running();
    const { groups } = await server.api<{ groups: RuleGroup[] }>('rules');
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.filter((r) => r.type === 'recording').length).toBeGreaterThanOrEqual(6);
    expect(rules.filter((r) => r.type === 'alerting').length).toBeGreaterThanOrEqual(7);
    for (const rule of rules) expect(rule, rule.name).toMatchObject({ health: 'ok' });
    for (const rule of rules.filter((r) => r.type === 'recording')) {
      const samples = await server.query(rule.name);
      expect(samples.length, `${rule.name} has series`).toBeGreaterThan(0);
    }
  });

  it('raised the API-change alert and put the resonance and voice-down alerts in pending or firing', async () => {
    const { prometheus: server } = running();
    const seen = await server.query('max_over_time(ALERTS[2m])');
    const names = new Set(seen.map((s) => s.metric.alertname));
    expect([...names]).toEqual(
      expect.arrayContaining([
        'FireCircleApiChangeDetected',
        'FireCircleResonanceActive',
        'FireCircleVoiceDown',
      ]),
    );
    const firing = await server.query('max_over_time(ALERTS{alertstate="firing"}[2m])');
    expect(firing.map((s) => s.metric.alertname)).toContain('FireCircleApiChangeDetected');
  });

  it('answers every example query of docs/metrics.md', async () => {
    const { prometheus: server } = running();
    const examples = metricDocExamples(parseMetricsDoc(readFileSync(METRICS_DOC_PATH, 'utf8')));
    expect(examples.length).toBeGreaterThanOrEqual(18);
    const empty: string[] = [];
    for (const { metric, expr } of examples) {
      if ((await server.query(expr)).length === 0) empty.push(`${metric}: ${expr}`);
    }
    expect(empty).toEqual([]);
  });

  it('gets no complaint from promtool check metrics on a scrape', async () => {
    const { circle: c } = running();
    const text = await (await fetch(`${c.metricsServer.url}/metrics`)).text();
    expect(text).toContain('fire_circle_patterns_detected_total{');
    const result = await runPromtool(['check', 'metrics'], text);
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.code).toBe(0);
  });

  it('passes promtool check rules, test rules and check config on docs/prometheus', async () => {
    for (const args of [
      ['check', 'rules', RULES_PATH],
      ['test', 'rules', RULE_TESTS_PATH],
      ['check', 'config', PROMETHEUS_CONFIG_PATH],
    ]) {
      const result = await runPromtool(args);
      expect(result.code, `promtool ${args.join(' ')}\n${result.stdout}${result.stderr}`).toBe(0);
    }
  });
});
