import fc from 'fast-check';
import { Counter, Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { acceptsOpenMetrics } from '../../src/metrics/acceptsOpenMetrics.js';
import { InfrastructureMetrics } from '../../src/metrics/InfrastructureMetrics.js';
import { renderMetrics } from '../../src/metrics/renderMetrics.js';
import { renderOpenMetrics } from '../../src/metrics/renderOpenMetrics.js';
import { parseExposition, sampleValue } from './exposition.js';
import { referenceOpenMetrics } from './referenceOpenMetrics.js';
import { anyNumber, defaultLabels, families, populate } from './registryScenario.js';

const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

async function expectSameAsReference(registry: Registry): Promise<void> {
  const reference = await referenceOpenMetrics(registry);
  expect(await renderOpenMetrics(registry)).toBe(reference);
  const served = await renderMetrics(registry, PROMETHEUS_ACCEPT);
  expect(served.contentType).toBe(Registry.OPENMETRICS_CONTENT_TYPE);
  expect(served.body.equals(Buffer.from(reference))).toBe(true);
}

function populated(): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'fire-circle' });
  const metrics = new InfrastructureMetrics({ registry });
  const m = metrics.forMethod('openai', 'chat.completions.create');
  m.call('success', 0.7);
  m.call('failure', 31);
  m.error('timeout');
  m.firstChunk(0.2);
  metrics.forAdapter('openai').transition('open');
  metrics.setConsciousnessScore(0.5);
  return registry;
}

describe('renderOpenMetrics', () => {
  it('matches what prom-client renders for an OpenMetrics registry, sample for sample', async () => {
    const registry = populated();
    const ours = await renderOpenMetrics(registry);
    // prom-client's own OpenMetrics path, for reference only: it renames counters in place.
    const reference = new Registry();
    reference.setContentType(Registry.OPENMETRICS_CONTENT_TYPE as never);
    reference.setDefaultLabels({ service: 'fire-circle' });
    for (const metric of registry.getMetricsAsArray()) reference.registerMetric(metric as never);
    const theirs = await reference.metrics();

    expect(ours.endsWith('\n# EOF\n')).toBe(true);
    const a = parseExposition(ours);
    const b = parseExposition(theirs);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [name, family] of a) {
      const other = b.get(name);
      expect(family.type, name).toBe(other?.type);
      expect(family.help, name).toBe(other?.help);
      expect(family.samples, name).toEqual(other?.samples);
    }
    expect(a.get('fire_circle_adapter_calls')?.type).toBe('counter');
    expect(
      sampleValue(a, 'fire_circle_adapter_calls_total', { outcome: 'success', service: 'fire-circle' }),
    ).toBe(1);
  });

  it('prints what it printed when everything went through getMetricsAsJSON, for any registry', async () => {
    await fc.assert(
      fc.asyncProperty(families, defaultLabels, defaultLabels, async (specs, before, after) => {
        const { registry, write } = populate(specs);
        if (before !== undefined) registry.setDefaultLabels(before);
        write(0, 6);
        await expectSameAsReference(registry);
        registry.setDefaultLabels(after ?? {});
        write(6, 12);
        await expectSameAsReference(registry);
        await expectSameAsReference(registry);
      }),
      { numRuns: 150 },
    );
  });

  it('writes NaN, +Inf and -Inf in the OpenMetrics spelling', async () => {
    await fc.assert(
      fc.asyncProperty(anyNumber, async (value) => {
        const registry = new Registry();
        new Gauge({ name: 'g', help: 'h', registers: [registry] }).set(value);
        await expectSameAsReference(registry);
      }),
    );
    const registry = new Registry();
    new Gauge({ name: 'g', help: 'h', registers: [registry] }).set(NaN);
    expect(await renderOpenMetrics(registry)).toContain('\ng NaN\n');
  });

  it('leaves the registry usable for Prometheus-format scrapes', async () => {
    const registry = populated();
    const before = await registry.metrics();
    await renderOpenMetrics(registry);
    expect(await registry.metrics()).toBe(before);
    expect(before).toContain('# TYPE fire_circle_adapter_calls_total counter');
  });

  it('escapes label values and help text', async () => {
    const registry = new Registry();
    const counter = new Counter({
      name: 'odd_total',
      help: 'say "hi"\\now\nplease',
      labelNames: ['v'],
      registers: [registry],
    });
    counter.inc({ v: 'a "quoted" \\ back\nslash' });
    const text = await renderOpenMetrics(registry);
    expect(text).toContain('# HELP odd say \\"hi\\"\\\\now\\nplease');
    expect(sampleValue(parseExposition(text), 'odd_total', { v: 'a "quoted" \\ back\nslash' })).toBe(1);
  });

  it('renders an empty registry as a lone EOF', async () => {
    expect(await renderOpenMetrics(new Registry())).toBe('# EOF\n');
  });
});

describe('acceptsOpenMetrics', () => {
  it.each([
    [
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      true,
    ],
    ['application/openmetrics-text', true],
    ['Application/OpenMetrics-Text; version=1.0.0', true],
    ['text/plain;q=0.5, application/openmetrics-text;q=0.5', true],
    ['text/plain', false],
    ['*/*', false],
    ['', false],
    [undefined, false],
    ['application/openmetrics-text;q=0', false],
    ['text/plain, application/openmetrics-text;q=0.5', false],
  ])('%s → %s', (accept, expected) => {
    expect(acceptsOpenMetrics(accept)).toBe(expected);
  });
});
