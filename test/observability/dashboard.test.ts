import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { InfrastructureMetrics } from '../../src/metrics/InfrastructureMetrics.js';
import {
  allPanels,
  loadDashboard,
  panelQueries,
  recordingRuleNames,
  referencedMetrics,
  RULES_PATH,
  substituteVariables,
} from './dashboardQueries.js';

const dashboard = loadDashboard();
const panels = allPanels(dashboard).filter((p) => p.type !== 'row');
const queries = panelQueries(dashboard);
const recorded = new Set(recordingRuleNames(readFileSync(RULES_PATH, 'utf8')));

/** Sample names the registry can expose: family names plus histogram suffixes. */
async function exposedNames(): Promise<Set<string>> {
  const registry = new Registry();
  new InfrastructureMetrics({ registry });
  const names = new Set<string>();
  for (const family of await registry.getMetricsAsJSON()) {
    names.add(family.name);
    if (String(family.type) === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${family.name}${suffix}`);
    }
  }
  return names;
}

describe('docs/grafana/fire-circle-infrastructure.json', () => {
  it('is an importable dashboard: a stable uid, a current schema and a Prometheus input', () => {
    expect(dashboard.uid).toBe('fire-circle-infrastructure');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }),
    ]);
  });

  it('has a datasource variable and multi-value adapter and instance variables read from our metrics', () => {
    const vars = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    expect(vars.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const name of ['adapter', 'instance']) {
      const v = vars.get(name);
      expect(v, name).toMatchObject({
        type: 'query',
        includeAll: true,
        multi: true,
        allValue: '.*',
        datasource: { type: 'prometheus', uid: '${datasource}' },
      });
      expect(String(v?.query), name).toMatch(/^label_values\(fire_circle_[a-z_]+(\{.*\})?, [a-z]+\)$/);
    }
  });

  it('queries only through the datasource variable', () => {
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of panel.targets ?? []) expect(t.datasource, panel.title).toEqual(panel.datasource);
    }
  });

  it('has the panels the issue asks for, in its rows, with unique ids and no overlaps', () => {
    const titles = allPanels(dashboard).map((p) => p.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Overview',
        'Voices up',
        'Open circuits',
        'Consciousness score',
        'Active patterns',
        'Caller-visible failure ratio',
        'Voice $adapter',
        'Calls by outcome',
        'Errors by category',
        'Call latency p50 / p95 / p99',
        'Time to first chunk',
        'Circuit state',
        'Predicted failure probability',
        'Coherence and voice stability',
        'Healing and patterns',
        'Healing actions by type and result',
        'Patterns detected by type',
        'Retries and fallbacks',
        'Retries by voice and category',
        'Fallbacks by voice, kind, target and model',
        'Tokens, cost and quota',
        'Tokens / s by voice and model',
        'Cost per hour by voice',
        'Time per output token p50 / p95',
        'Time to first chunk p50 / p95 by voice',
        'Rate-limit budget remaining',
      ]),
    );
    const voiceRow = allPanels(dashboard).find((p) => p.title === 'Voice $adapter');
    expect(voiceRow?.repeat).toBe('adapter');
    const ids = allPanels(dashboard).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Map<string, string>();
    for (const p of allPanels(dashboard)) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w, p.title).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          const other = cells.get(`${i},${j}`);
          expect(other, `${p.title} overlaps ${other}`).toBeUndefined();
          cells.set(`${i},${j}`, p.title);
        }
      }
    }
  });

  it('filters every query by the instance variable, and every per-voice query by the adapter variable', () => {
    expect(queries.length).toBeGreaterThan(20);
    for (const q of queries) {
      expect(q.expr, q.panel).toContain('instance=~"$instance"');
      if (!q.expr.includes('infrastructure_consciousness_score')) {
        expect(q.expr, q.panel).toContain('adapter=~"$adapter"');
      }
      expect(() => substituteVariables(q.expr), q.panel).not.toThrow();
    }
  });

  it('selects only metrics the library exposes or the recording rules record', async () => {
    const exposed = await exposedNames();
    const unknown = queries.flatMap((q) =>
      referencedMetrics(q.expr)
        .filter((name) => !exposed.has(name) && !recorded.has(name))
        .map((name) => `${q.panel}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });
});
