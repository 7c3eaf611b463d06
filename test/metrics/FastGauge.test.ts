import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastGauge } from '../../src/metrics/FastGauge.js';
import { addScrapeHook } from '../../src/metrics/scrapeHooks.js';
import { renderMetrics } from '../../src/metrics/renderMetrics.js';

describe('FastGauge', () => {
  it('prints what a prom-client Gauge set to the same values prints, in both formats', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const fast = new FastGauge({ name: 'g', help: 'A gauge.', labelNames: ['a', 'k'], registers: [ours] });
    const gauge = new Gauge({ name: 'g', help: 'A gauge.', labelNames: ['a', 'k'], registers: [theirs] });
    for (const [a, k, v] of [
      ['x', 'requests', 499],
      ['x', 'tokens', 1.5e5],
      ['y "q"', 'requests', 0],
      ['x', 'requests', 12],
    ] as const) {
      fast.cell(a, k).set(v);
      gauge.labels({ a, k }).set(v);
    }
    fast.cell('x', 'tokens').set(Number.NaN);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    for (const accept of ['text/plain', 'application/openmetrics-text; version=1.0.0']) {
      const a = (await renderMetrics(ours, accept)).body.toString();
      const b = (await renderMetrics(theirs, accept)).body.toString();
      expect(a).toBe(b);
    }
    expect(a(await ours.getMetricsAsJSON())).toEqual(a(await theirs.getMetricsAsJSON()));
  });

  it('runs its scrape hooks before every read', async () => {
    const registry = new Registry();
    const fast = new FastGauge({ name: 'h', help: 'Refreshed.', labelNames: ['a'], registers: [registry] });
    let reads = 0;
    const hook = (): void => fast.cell('x').set(++reads);
    addScrapeHook(fast, hook);
    expect(await registry.metrics()).toContain('h{a="x"} 1');
    expect((await renderMetrics(registry)).body.toString()).toContain('h{a="x"} 2');
  });
});

function a(json: unknown): unknown {
  return JSON.parse(JSON.stringify(json));
}
