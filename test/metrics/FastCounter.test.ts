import fc from 'fast-check';
import { AggregatorRegistry, Counter, Gauge, Registry } from 'prom-client';
import type { OpenMetricsContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';

import { FastCounter } from '../../src/metrics/FastCounter.js';
import type { CounterCell } from '../../src/metrics/FastCounter.js';

const HELP = 'LLM adapter calls';

function openMetricsRegistry(): Registry<OpenMetricsContentType> {
  // prom-client's typings omit the Registry constructor argument, so switch the type afterwards.
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return registry;
}

/** A FastCounter and a prom-client Counter of the same name, each in its own Prometheus and OpenMetrics registry. */
function twins(name: string, labelNames: readonly string[]) {
  const ours = { text: new Registry(), open: openMetricsRegistry() };
  const theirs = { text: new Registry(), open: openMetricsRegistry() };
  const fast = new FastCounter({ name, help: HELP, labelNames, registers: [ours.text, ours.open] });
  const reference = new Counter({ name, help: HELP, labelNames, registers: [theirs.text, theirs.open] });
  return { ours, theirs, fast, reference };
}

async function expectSameScrapes(
  ours: { text: Registry; open: Registry<OpenMetricsContentType> },
  theirs: { text: Registry; open: Registry<OpenMetricsContentType> },
): Promise<void> {
  expect(await ours.text.metrics()).toBe(await theirs.text.metrics());
  expect(await ours.open.metrics()).toBe(await theirs.open.metrics());
  expect(await ours.text.getMetricsAsJSON()).toStrictEqual(await theirs.text.getMetricsAsJSON());
  expect(await ours.open.getMetricsAsJSON()).toStrictEqual(await theirs.open.getMetricsAsJSON());
}

// Includes the characters the text format must escape; none holds ':' or ',', which prom-client's
// own series hash cannot tell apart (see the dedicated test below).
const labelValue = fc.constantFrom('openai', 'anthropic', '', 'x y', 'say "hi"', 'back\\slash', 'new\nline');

type Op =
  | { kind: 'inc'; values: string[]; by: number | undefined }
  | { kind: 'remove'; values: string[] }
  | { kind: 'reset' };

const scenario = fc
  .record({
    name: fc.constantFrom('llm_calls', 'llm_calls_total'),
    labelNames: fc.uniqueArray(fc.constantFrom('provider', 'model', 'outcome'), { maxLength: 3 }),
  })
  .chain(({ name, labelNames }) => {
    const values = fc.array(labelValue, { minLength: labelNames.length, maxLength: labelNames.length });
    const amount = fc.option(
      fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1e6, noNaN: true })),
      { nil: undefined },
    );
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 8, arbitrary: fc.record({ kind: fc.constant('inc' as const), values, by: amount }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), values }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
    );
    return fc.record({
      name: fc.constant(name),
      labelNames: fc.constant(labelNames),
      ops: fc.array(op, { maxLength: 30 }),
    });
  });

describe('FastCounter', () => {
  it('scrapes exactly like a prom-client Counter fed the same increments, removes and resets', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ name, labelNames, ops }) => {
        const { ours, theirs, fast, reference } = twins(name, labelNames);
        // Cells are kept across remove and reset, as the hot path keeps them.
        const kept = new Map<string, CounterCell>();
        await expectSameScrapes(ours, theirs);
        for (const op of ops) {
          if (op.kind === 'inc') {
            const key = JSON.stringify(op.values);
            const cell = kept.get(key) ?? fast.cell(...op.values);
            kept.set(key, cell);
            cell.inc(op.by);
            reference.labels(...op.values).inc(op.by);
          } else if (op.kind === 'remove') {
            fast.remove(...op.values);
            reference.remove(...op.values);
          } else {
            ours.text.resetMetrics();
            theirs.text.resetMetrics();
          }
          await expectSameScrapes(ours, theirs);
        }
      }),
    );
  });

  it('hands out one cell per label tuple', () => {
    const counter = new FastCounter({ name: 'calls', help: HELP, labelNames: ['provider', 'outcome'] });
    expect(counter.cell('openai', 'ok')).toBe(counter.cell('openai', 'ok'));
    expect(counter.cell('openai', 'ok')).not.toBe(counter.cell('openai', 'error'));
  });

  it('keeps label tuples apart that prom-client would hash to the same series', async () => {
    const registry = new Registry();
    const counter = new FastCounter({
      name: 'calls',
      help: HELP,
      labelNames: ['a', 'b'],
      registers: [registry],
    });
    counter.cell('x,b:y', '').inc();
    counter.cell('x', 'y,b:').inc(2);
    const [metric] = await registry.getMetricsAsJSON();
    expect(metric?.values).toStrictEqual([
      { value: 1, labels: { a: 'x,b:y', b: '' } },
      { value: 2, labels: { a: 'x', b: 'y,b:' } },
    ]);
  });

  it('rejects negative and non-finite increments without changing the series', async () => {
    const registry = new Registry();
    const counter = new FastCounter({
      name: 'calls',
      help: HELP,
      labelNames: ['provider'],
      registers: [registry],
    });
    const cell = counter.cell('openai');
    cell.inc(3);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => cell.inc(bad)).toThrow(RangeError);
    }
    expect(await registry.metrics()).toContain('calls{provider="openai"} 3\n');
  });

  it('rejects a label tuple of the wrong length', () => {
    const counter = new FastCounter({ name: 'calls', help: HELP, labelNames: ['provider', 'outcome'] });
    expect(() => counter.cell('openai')).toThrow(/takes 2 label values/);
    expect(() => counter.remove('openai', 'ok', 'extra')).toThrow(/takes 2 label values/);
  });

  it('rejects invalid names and duplicate label names at construction', () => {
    expect(() => new FastCounter({ name: 'llm-calls', help: HELP, labelNames: [] })).toThrow(/metric name/);
    expect(() => new FastCounter({ name: 'calls', help: '', labelNames: [] })).toThrow(/help/);
    expect(() => new FastCounter({ name: 'calls', help: HELP, labelNames: ['9lives'] })).toThrow(
      /label name/,
    );
    expect(() => new FastCounter({ name: 'calls', help: HELP, labelNames: ['a', 'a'] })).toThrow(/Duplicate/);
  });

  it('lets the Registry refuse a second metric of the same name', () => {
    const registry = new Registry();
    new Counter({ name: 'calls', help: HELP, registers: [registry] });
    expect(
      () => new FastCounter({ name: 'calls', help: HELP, labelNames: [], registers: [registry] }),
    ).toThrow('A metric with the name calls has already been registered.');
    const other = new Registry();
    new FastCounter({ name: 'calls', help: HELP, labelNames: [], registers: [other] });
    expect(() => new FastCounter({ name: 'calls', help: HELP, labelNames: [], registers: [other] })).toThrow(
      /already been registered/,
    );
  });

  it('registers nowhere when no registries are given', async () => {
    const registry = new Registry();
    new FastCounter({ name: 'calls', help: HELP, labelNames: [] });
    expect(await registry.getMetricsAsJSON()).toStrictEqual([]);
  });

  it('merges with other registries like a prom-client Counter', async () => {
    const { ours, theirs, fast, reference } = twins('llm_calls_total', ['provider']);
    const shared = new Registry();
    new Gauge({ name: 'open_breakers', help: 'Open circuit breakers', registers: [shared] }).set(2);
    fast.cell('openai').inc(5);
    reference.labels('openai').inc(5);
    const mergedOurs = Registry.merge([ours.text, shared]);
    const mergedTheirs = Registry.merge([theirs.text, shared]);
    expect(await mergedOurs.metrics()).toBe(await mergedTheirs.metrics());
    expect(await mergedOurs.metrics()).toContain('llm_calls_total{provider="openai"} 5');
    expect(await mergedOurs.getMetricsAsJSON()).toStrictEqual(await mergedTheirs.getMetricsAsJSON());
  });

  it('aggregates across cluster workers like a prom-client Counter', async () => {
    const { ours, theirs, fast, reference } = twins('llm_calls_total', ['provider']);
    fast.cell('openai').inc(2);
    reference.labels('openai').inc(2);
    const worker = await ours.text.getMetricsAsJSON();
    const referenceWorker = await theirs.text.getMetricsAsJSON();
    const aggregated = AggregatorRegistry.aggregate([worker, worker]);
    const referenceAggregated = AggregatorRegistry.aggregate([referenceWorker, referenceWorker]);
    expect(await aggregated.metrics()).toBe(await referenceAggregated.metrics());
    expect(await aggregated.metrics()).toContain('llm_calls_total{provider="openai"} 4');
  });

  it('applies registry default labels like a prom-client Counter', async () => {
    const { ours, theirs, fast, reference } = twins('llm_calls_total', ['provider']);
    for (const registry of [ours.text, ours.open, theirs.text, theirs.open]) {
      registry.setDefaultLabels({ service: 'fire-circle' });
    }
    fast.cell('openai').inc();
    reference.labels('openai').inc();
    await expectSameScrapes(ours, theirs);
  });
});
