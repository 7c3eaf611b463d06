import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { ByteSink } from '../../src/metrics/ByteSink.js';
import { FastGauge } from '../../src/metrics/FastGauge.js';
import { InfrastructureMetrics } from '../../src/metrics/InfrastructureMetrics.js';
import { OpenMetricsFormat } from '../../src/metrics/OpenMetricsFormat.js';
import { PrometheusTextFormat } from '../../src/metrics/PrometheusTextFormat.js';
import { learnDefaultLabels, parseDefaultLabels } from '../../src/metrics/registryDefaultLabels.js';
import { renderMetrics } from '../../src/metrics/renderMetrics.js';
import { renderOpenMetrics } from '../../src/metrics/renderOpenMetrics.js';
import { renderPrometheusText } from '../../src/metrics/renderPrometheusText.js';
import { referenceOpenMetrics } from './referenceOpenMetrics.js';
import { anyNumber, trickyText } from './registryScenario.js';

const OPEN_METRICS = 'application/openmetrics-text;version=1.0.0';

function populated(): { registry: Registry; metrics: InfrastructureMetrics } {
  const registry = new Registry();
  const metrics = new InfrastructureMetrics({ registry });
  const m = metrics.forMethod('openai', 'chat.completions.create');
  m.call('success', 0.7);
  m.fallback('adapter', 'deepseek', 'deepseek-chat');
  metrics
    .forModel('openai', 'gpt-4o', 20)
    .tokens({ input: 5, output: 2, cachedInput: 0, cacheWrite: 0, reasoning: 0 });
  metrics.setConsciousnessScore(0.5);
  new Counter({ name: 'foreign_total', help: 'a metric of somebody else', registers: [registry] }).inc(3);
  return { registry, metrics };
}

describe("scraping through prom-client's public API only", () => {
  it('renders our families without registry.metrics() or getMetricsAsJSON(), byte for byte as they would', async () => {
    const { registry } = populated();
    registry.setDefaultLabels({ service: 'fire-circle', region: 'eu "west"\\1' });
    const theirs = await registry.metrics();
    const reference = await referenceOpenMetrics(registry);
    const metrics = vi.spyOn(registry, 'metrics');
    const json = vi.spyOn(registry, 'getMetricsAsJSON');
    expect(await renderPrometheusText(registry)).toBe(theirs);
    expect(await renderOpenMetrics(registry)).toBe(reference);
    expect((await renderMetrics(registry, OPEN_METRICS)).body.toString()).toBe(reference);
    expect(metrics).not.toHaveBeenCalled();
    expect(json).not.toHaveBeenCalled();
  });

  it('follows setDefaultLabels between scrapes, in both formats', async () => {
    const { registry } = populated();
    for (const labels of [{}, { env: 'prod' }, { env: 'staging', adapter: 'shadowed' }, {}]) {
      registry.setDefaultLabels(labels);
      const theirs = await registry.metrics();
      const reference = await referenceOpenMetrics(registry);
      expect(await renderPrometheusText(registry)).toBe(theirs);
      expect(await renderOpenMetrics(registry)).toBe(reference);
    }
  });

  it('learns any default labels from the rendering of an unlabelled family of ours', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom('env', 'service', 'zone', 'le'),
          fc.oneof(trickyText, fc.integer({ min: -5, max: 5 })),
        ),
        async (labels) => {
          const registry = new Registry();
          new FastGauge({ name: 'probe', help: 'h', labelNames: [], registers: [registry] });
          registry.setDefaultLabels(labels);
          const learned = await learnDefaultLabels(registry, 'probe');
          expect(learned).toEqual(Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a rendering it cannot read back exactly (the caller then leaves the scrape to prom-client)', () => {
    expect(parseDefaultLabels('# HELP p h\n# TYPE p gauge\np 0', 'p')).toEqual({});
    expect(parseDefaultLabels('# HELP p h\n# TYPE p gauge\np{a="x"} 0', 'p')).toEqual({ a: 'x' });
    expect(parseDefaultLabels('# HELP p h\n# TYPE p gauge\np{a="x"b="y"} 0', 'p')).toBeUndefined();
    expect(parseDefaultLabels('# HELP p h\n# TYPE p gauge\np{a="x} 0', 'p')).toBeUndefined();
    expect(parseDefaultLabels('# HELP p h\n# TYPE p gauge', 'p')).toBeUndefined();
    expect(parseDefaultLabels('# HELP p h\n# TYPE p gauge\np{a="a"b"} 0', 'p')).toBeUndefined();
  });

  it('falls back to prom-client when the registry has no unlabelled family of ours', async () => {
    const registry = new Registry();
    new FastGauge({ name: 'labelled', help: 'h', labelNames: ['a'], registers: [registry] }).cell('x').set(2);
    registry.setDefaultLabels({ env: 'prod' });
    const metrics = vi.spyOn(registry, 'metrics');
    expect(await renderPrometheusText(registry)).toBe(
      '# HELP labelled h\n# TYPE labelled gauge\nlabelled{a="x",env="prod"} 2\n',
    );
    expect(metrics).toHaveBeenCalledTimes(1);
  });

  it('writes numbers as both formats spell them, integers digit by digit', async () => {
    const text = new PrometheusTextFormat(null);
    const open = new OpenMetricsFormat(null);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(anyNumber, fc.integer(), fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1e21)),
        async (value) => {
          for (const format of [text, open]) {
            const sink = new ByteSink(Buffer.alloc(1));
            sink.number(value, format);
            expect(sink.bytes().toString('latin1')).toBe(format.value(value));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('has no read of a field starting with _ and no write into a dependency anywhere in src', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts')) files.push(path);
      }
    };
    walk(join(import.meta.dirname, '../../src'));
    const offending = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
        .filter(({ line }) => /\._[A-Za-z]|\[\s*['"]_[A-Za-z]|_defaultLabels|status\.window/.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(offending).toEqual([]);
  });
});
