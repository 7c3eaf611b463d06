import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CapGuard } from '../../src/consciousness/CapGuard.js';
import { InfrastructureMetrics } from '../../src/metrics/InfrastructureMetrics.js';
import { alertNames, METRICS_DOC_PATH, recordingRuleNames, RULES_PATH } from './dashboardQueries.js';
import { parseMetricsDoc } from './metricsDoc.js';

interface LiveFamily {
  readonly type: string;
  readonly labels: string[];
}

/** Every family of a fresh registry, after each was written at least once, with the label names its series carry. */
async function liveFamilies(): Promise<Map<string, LiveFamily>> {
  const registry = new Registry();
  const metrics = new InfrastructureMetrics({ registry });
  const cells = metrics.forMethod('openai', 'sendMessage');
  cells.call('success', 0.2);
  cells.error('timeout');
  cells.retry('timeout');
  cells.fallback('adapter', 'deepseek');
  cells.firstChunk(0.1);
  metrics.forAdapter('openai').transition('open');
  metrics.patternDetected('degradation', 'openai');
  metrics.setPatternActive('degradation', 'openai', true);
  metrics.healingAction('openai', 'retry_strategy', 'success');
  metrics.setConsciousnessScore(0.8);
  const model = metrics.forModel('openai', 'gpt-4o', 20);
  model.tokens({ input: 10, output: 5, cachedInput: 2, cacheWrite: 1, reasoning: 1 });
  model.perOutputToken(0.02);
  model.cost(0.001, 'USD');
  model.rateLimit('requests', 499, 1);
  new CapGuard(registry, metrics.prefix, { debug() {}, info() {}, warn() {}, error() {} });
  const families = new Map<string, LiveFamily>();
  for (const family of await registry.getMetricsAsJSON()) {
    const labels = new Set<string>();
    for (const value of family.values) for (const label of Object.keys(value.labels)) labels.add(label);
    labels.delete('le');
    expect(family.values.length, `${family.name} has a series`).toBeGreaterThan(0);
    families.set(family.name, { type: String(family.type), labels: [...labels].sort() });
  }
  return families;
}

const doc = parseMetricsDoc(readFileSync(METRICS_DOC_PATH, 'utf8'));
const rulesText = readFileSync(RULES_PATH, 'utf8');

describe('docs/metrics.md', () => {
  it('documents exactly the families the registry exposes, with their types and label sets', async () => {
    const live = await liveFamilies();
    expect(live.size).toBe(24);
    const documented = new Map(doc.metrics.map((m) => [m.name, m]));
    expect(documented.size, 'each metric documented once').toBe(doc.metrics.length);
    expect([...documented.keys()].sort()).toEqual([...live.keys()].sort());
    for (const [name, family] of live) {
      const entry = documented.get(name);
      expect({ type: entry?.type, labels: [...(entry?.labels ?? [])].sort() }, name).toEqual(family);
    }
  });

  it('gives every metric a meaning and an example query that uses it', () => {
    for (const m of doc.metrics) {
      expect(m.meaning.length, m.name).toBeGreaterThan(20);
      expect(m.example, m.name).toContain(m.name);
    }
  });

  it('lists the recording rules and alerts of docs/prometheus/alerts.yml, no more, no fewer', () => {
    expect([...doc.recordingRules].sort()).toEqual(recordingRuleNames(rulesText).sort());
    expect([...doc.alerts].sort()).toEqual(alertNames(rulesText).sort());
    expect(doc.alerts.length).toBeGreaterThanOrEqual(7);
  });
});
