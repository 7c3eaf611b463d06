import fc from 'fast-check';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { OpenMetricsContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastCounter } from '../../src/metrics/FastCounter.js';
import { FastHistogram } from '../../src/metrics/FastHistogram.js';
import { InfrastructureMetrics } from '../../src/metrics/InfrastructureMetrics.js';
import { PrometheusTextFormat } from '../../src/metrics/PrometheusTextFormat.js';
import { renderMetrics } from '../../src/metrics/renderMetrics.js';
import { renderPrometheusText } from '../../src/metrics/renderPrometheusText.js';
import { anyNumber, defaultLabels, families, populate } from './registryScenario.js';

/** Both renderings, and what the HTTP handler would send. */
async function expectSameAsPromClient(registry: Registry): Promise<void> {
  const theirs = await registry.metrics();
  expect(await renderPrometheusText(registry)).toBe(theirs);
  const served = await renderMetrics(registry);
  expect(served.contentType).toBe(registry.contentType);
  expect(served.body.equals(Buffer.from(theirs))).toBe(true);
}

describe('renderPrometheusText', () => {
  it('prints what registry.metrics() prints for any mix of our cells and prom-client metrics', async () => {
    await fc.assert(
      fc.asyncProperty(families, defaultLabels, defaultLabels, async (specs, before, after) => {
        const { registry, write } = populate(specs);
        if (before !== undefined) registry.setDefaultLabels(before);
        write(0, 6);
        await expectSameAsPromClient(registry);
        // Cached prefixes must follow new default labels, new series, removes and resets.
        registry.setDefaultLabels(after ?? {});
        write(6, 12);
        await expectSameAsPromClient(registry);
        await expectSameAsPromClient(registry);
      }),
      { numRuns: 150 },
    );
  });

  it('writes values exactly as prom-client does: +Inf, -Inf, Nan, integers without decimals', async () => {
    const format = new PrometheusTextFormat(null);
    await fc.assert(
      fc.asyncProperty(anyNumber, async (value) => {
        const registry = new Registry();
        new Gauge({ name: 'g', help: 'h', registers: [registry] }).set(value);
        const line = (await registry.metrics()).split('\n')[2];
        expect(line).toBe(`g ${format.value(value)}`);
      }),
    );
    expect([Infinity, -Infinity, NaN, 3, -0, 1e21, 0.1].map((v) => format.value(v))).toEqual([
      '+Inf',
      '-Inf',
      'Nan',
      '3',
      '0',
      '1e+21',
      '0.1',
    ]);
  });

  it('lays out histogram and counter lines as prom-client does, default labels and escaping included', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ env: 'prod', adapter: 'ignored for series that have one' });
    const histogram = new FastHistogram({
      name: 'call_seconds',
      help: 'Call time\nin "seconds" \\ wall clock',
      labelNames: ['adapter'],
      buckets: [0.5],
      registers: [registry],
    });
    const counter = new FastCounter({
      name: 'calls_total',
      help: 'Calls',
      labelNames: ['adapter'],
      registers: [registry],
    });
    histogram.cell('say "hi"\\\n').observe(0.25);
    counter.cell('a').inc(2);
    const text = await renderPrometheusText(registry);
    expect(text).toBe(
      [
        '# HELP call_seconds Call time\\nin "seconds" \\\\ wall clock',
        '# TYPE call_seconds histogram',
        'call_seconds_bucket{le="0.5",env="prod",adapter="say \\"hi\\"\\\\\\n"} 1',
        'call_seconds_bucket{le="+Inf",env="prod",adapter="say \\"hi\\"\\\\\\n"} 1',
        'call_seconds_sum{env="prod",adapter="say \\"hi\\"\\\\\\n"} 0.25',
        'call_seconds_count{env="prod",adapter="say \\"hi\\"\\\\\\n"} 1',
        '',
        '# HELP calls_total Calls',
        '# TYPE calls_total counter',
        'calls_total{adapter="a",env="prod"} 2',
        '',
      ].join('\n'),
    );
    expect(text).toBe(await registry.metrics());
  });

  it('keeps the registry order with default metrics and foreign metrics around our families', async () => {
    const registry = new Registry();
    new Counter({ name: 'first_total', help: 'before ours', registers: [registry] }).inc();
    const metrics = new InfrastructureMetrics({ registry });
    collectDefaultMetrics({ register: registry });
    registry.setDefaultLabels({ service: 'fire-circle' });
    const m = metrics.forMethod('openai', 'chat.completions.create');
    m.call('success', 0.7);
    m.call('failure', 31);
    m.firstChunk(0.2);
    // Default metrics move between two reads (CPU time, heap): compare everything else.
    const stable = (text: string): string[] =>
      text.split('\n').filter((line) => !/^(process|nodejs)_/.test(line));
    const ours = await renderPrometheusText(registry);
    const theirs = await registry.metrics();
    expect(stable(ours)).toEqual(stable(theirs));
    const types = (text: string): string[] => text.split('\n').filter((line) => line.startsWith('# TYPE'));
    expect(types(ours)).toEqual(types(theirs));
    expect(ours.indexOf('# TYPE first_total')).toBeLessThan(ours.indexOf('# TYPE fire_circle_'));
  });

  it('follows a counter renamed by an OpenMetrics scrape of another registry holding it', async () => {
    const text = new Registry();
    const open = new Registry<OpenMetricsContentType>();
    open.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const counter = new FastCounter({
      name: 'renamed_total',
      help: 'h',
      labelNames: ['a'],
      registers: [text, open],
    });
    counter.cell('x').inc();
    await expectSameAsPromClient(text);
    await open.metrics(); // prom-client strips `_total` from the counter object in place
    await expectSameAsPromClient(text);
    expect(await renderPrometheusText(text)).toContain('renamed{a="x"} 1');
  });

  it("leaves an OpenMetrics registry to prom-client's metrics()", async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    new FastCounter({ name: 'x_total', help: 'h', labelNames: [], registers: [registry] });
    const ours = await renderPrometheusText(registry as unknown as Registry);
    expect(ours).toBe(await registry.metrics());
    expect(ours.endsWith('# EOF\n')).toBe(true);
  });

  it('renders an empty registry as prom-client does', async () => {
    await expectSameAsPromClient(new Registry());
  });
});
