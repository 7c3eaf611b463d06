import fc from 'fast-check';
import { AggregatorRegistry, Gauge, Histogram, Registry } from 'prom-client';
import type { OpenMetricsContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';

import { FastHistogram } from '../../src/metrics/FastHistogram.js';
import type { HistogramCell } from '../../src/metrics/FastHistogram.js';

const HELP = 'LLM adapter call duration in seconds';
const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function openMetricsRegistry(): Registry<OpenMetricsContentType> {
  // prom-client's typings omit the Registry constructor argument, so switch the type afterwards.
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return registry;
}

/** A FastHistogram and a prom-client Histogram of the same name, each in its own Prometheus and OpenMetrics registry. */
function twins(labelNames: readonly string[], buckets: readonly number[]) {
  const name = 'llm_call_duration_seconds';
  const ours = { text: new Registry(), open: openMetricsRegistry() };
  const theirs = { text: new Registry(), open: openMetricsRegistry() };
  const fast = new FastHistogram({
    name,
    help: HELP,
    labelNames,
    buckets,
    registers: [ours.text, ours.open],
  });
  const reference = new Histogram({
    name,
    help: HELP,
    labelNames,
    buckets: [...buckets],
    registers: [theirs.text, theirs.open],
  });
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
// own series hash cannot tell apart.
const labelValue = fc.constantFrom('openai', 'anthropic', '', 'x y', 'say "hi"', 'back\\slash', 'new\nline');

type Op =
  | { kind: 'observe'; values: string[]; value: number }
  | { kind: 'remove'; values: string[] }
  | { kind: 'reset' };

// Never -1: prom-client's bucket search returns -1 for "above every bound" and then counts such
// values in a -1 bucket if there is one (see the dedicated test below).
const bound = fc
  .oneof(fc.integer({ min: -10, max: 10 }), fc.double({ min: -100, max: 100, noNaN: true }))
  .filter((b) => b !== -1);

const bucketBounds = fc
  .uniqueArray(bound, { maxLength: 8, comparator: 'SameValueZero' })
  .map((bounds) => [...bounds].sort((a, b) => a - b));

const scenario = fc
  .record({
    labelNames: fc.uniqueArray(fc.constantFrom('provider', 'model', 'outcome'), { maxLength: 3 }),
    buckets: bucketBounds,
  })
  .chain(({ labelNames, buckets }) => {
    const values = fc.array(labelValue, { minLength: labelNames.length, maxLength: labelNames.length });
    // Exact bounds matter: a value equal to a bound belongs in that bucket (le = "less or equal").
    const observed = fc.oneof(
      fc.double({ min: -200, max: 200, noNaN: true }),
      fc.integer({ min: -12, max: 12 }),
      buckets.length > 0 ? fc.constantFrom(...buckets) : fc.constant(0),
    );
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 8, arbitrary: fc.record({ kind: fc.constant('observe' as const), values, value: observed }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), values }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
    );
    return fc.record({
      labelNames: fc.constant(labelNames),
      buckets: fc.constant(buckets),
      ops: fc.array(op, { maxLength: 30 }),
    });
  });

describe('FastHistogram', () => {
  it('scrapes exactly like a prom-client Histogram fed the same observations, removes and resets', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ labelNames, buckets, ops }) => {
        const { ours, theirs, fast, reference } = twins(labelNames, buckets);
        // Cells are kept across remove and reset, as the hot path keeps them.
        const kept = new Map<string, HistogramCell>();
        await expectSameScrapes(ours, theirs);
        for (const op of ops) {
          if (op.kind === 'observe') {
            const key = JSON.stringify(op.values);
            const cell = kept.get(key) ?? fast.cell(...op.values);
            kept.set(key, cell);
            cell.observe(op.value);
            reference.labels(...op.values).observe(op.value);
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

  it('ignores NaN and infinite observations instead of throwing', async () => {
    const { ours, theirs, fast, reference } = twins(['provider'], BUCKETS);
    const cell = fast.cell('openai');
    cell.observe(0.3);
    reference.labels('openai').observe(0.3);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => cell.observe(bad)).not.toThrow();
    }
    // An ignored observation does not bring a removed series back either.
    fast.cell('anthropic').observe(Number.NaN);
    await expectSameScrapes(ours, theirs);
  });

  it('counts values above every bound only in +Inf, even with a -1 bucket where prom-client miscounts', async () => {
    const registry = new Registry();
    const histogram = new FastHistogram({
      name: 'drift',
      help: 'Latency drift in seconds',
      labelNames: [],
      buckets: [-1, 0],
      registers: [registry],
    });
    histogram.cell().observe(5);
    const text = await registry.metrics();
    expect(text).toContain('drift_bucket{le="-1"} 0\n');
    expect(text).toContain('drift_bucket{le="0"} 0\n');
    expect(text).toContain('drift_bucket{le="+Inf"} 1\n');
  });

  it('hands out one cell per label tuple', () => {
    const histogram = new FastHistogram({
      name: 'latency',
      help: HELP,
      labelNames: ['provider'],
      buckets: BUCKETS,
    });
    expect(histogram.cell('openai')).toBe(histogram.cell('openai'));
    expect(histogram.cell('openai')).not.toBe(histogram.cell('anthropic'));
  });

  it('rejects buckets that are unsorted, repeated or infinite, and the reserved le label', () => {
    const build =
      (buckets: number[], labelNames: string[] = []) =>
      () =>
        new FastHistogram({ name: 'latency', help: HELP, labelNames, buckets });
    expect(build([1, 0.5])).toThrow(/strictly increasing/);
    expect(build([1, 1])).toThrow(/strictly increasing/);
    expect(build([1, Number.POSITIVE_INFINITY])).toThrow(/finite/);
    expect(build([Number.NaN])).toThrow(/finite/);
    expect(build([1], ['le'])).toThrow(/reserved/);
    expect(build([])).not.toThrow();
  });

  it('rejects a label tuple of the wrong length', () => {
    const histogram = new FastHistogram({
      name: 'latency',
      help: HELP,
      labelNames: ['provider'],
      buckets: BUCKETS,
    });
    expect(() => histogram.cell()).toThrow(/takes 1 label values/);
    expect(() => histogram.remove('openai', 'gpt-4o')).toThrow(/takes 1 label values/);
  });

  it('lets the Registry refuse a second metric of the same name', () => {
    const registry = new Registry();
    new Histogram({ name: 'latency', help: HELP, registers: [registry] });
    expect(
      () =>
        new FastHistogram({
          name: 'latency',
          help: HELP,
          labelNames: [],
          buckets: BUCKETS,
          registers: [registry],
        }),
    ).toThrow('A metric with the name latency has already been registered.');
  });

  it('merges with other registries like a prom-client Histogram', async () => {
    const { ours, theirs, fast, reference } = twins(['provider'], BUCKETS);
    const shared = new Registry();
    new Gauge({ name: 'open_breakers', help: 'Open circuit breakers', registers: [shared] }).set(1);
    for (const value of [0.07, 0.3, 12]) {
      fast.cell('openai').observe(value);
      reference.labels('openai').observe(value);
    }
    const mergedOurs = Registry.merge([ours.text, shared]);
    const mergedTheirs = Registry.merge([theirs.text, shared]);
    expect(await mergedOurs.metrics()).toBe(await mergedTheirs.metrics());
    expect(await mergedOurs.metrics()).toContain(
      'llm_call_duration_seconds_bucket{le="0.5",provider="openai"} 2',
    );
    expect(await mergedOurs.getMetricsAsJSON()).toStrictEqual(await mergedTheirs.getMetricsAsJSON());
  });

  it('aggregates across cluster workers like a prom-client Histogram', async () => {
    const { ours, theirs, fast, reference } = twins(['provider'], BUCKETS);
    for (const value of [0.07, 0.3, 12]) {
      fast.cell('openai').observe(value);
      reference.labels('openai').observe(value);
    }
    const worker = await ours.text.getMetricsAsJSON();
    const referenceWorker = await theirs.text.getMetricsAsJSON();
    const aggregated = AggregatorRegistry.aggregate([worker, worker]);
    const referenceAggregated = AggregatorRegistry.aggregate([referenceWorker, referenceWorker]);
    expect(await aggregated.metrics()).toBe(await referenceAggregated.metrics());
    expect(await aggregated.metrics()).toContain('llm_call_duration_seconds_count{provider="openai"} 6');
  });

  it('applies registry default labels like a prom-client Histogram', async () => {
    const { ours, theirs, fast, reference } = twins(['provider'], BUCKETS);
    for (const registry of [ours.text, ours.open, theirs.text, theirs.open]) {
      registry.setDefaultLabels({ service: 'fire-circle' });
    }
    fast.cell('openai').observe(0.2);
    reference.labels('openai').observe(0.2);
    await expectSameScrapes(ours, theirs);
  });
});
