import fc from 'fast-check';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { FastCounter } from '../../src/metrics/FastCounter.js';
import { FastGauge } from '../../src/metrics/FastGauge.js';
import { FastHistogram } from '../../src/metrics/FastHistogram.js';

/** Label values and help texts that the text formats must escape or pass through untouched. */
export const trickyText = fc.oneof(
  fc.constantFrom(
    '',
    'openai',
    'say "hi"',
    'back\\slash',
    'new\nline',
    '\\n is not a newline',
    'tab\there, cr\rthere',
    'ünïcödé ✓',
    '日本語',
    '🔥 fire',
    '{le="0.5"}',
    'a,b=c',
    '"',
    '\\',
  ),
  fc.string({ unit: 'binary', maxLength: 10 }),
);

const helpText = trickyText.map((text) => `help ${text}`);

// `constructor` and `toString` catch label objects that go through the prototype.
const LABEL_NAMES = ['adapter', 'method', 'env', 'region', 'constructor', 'toString'] as const;
const labelNames = fc.uniqueArray(fc.constantFrom(...LABEL_NAMES), { maxLength: 3 });

/** Increments a counter accepts: 0, fractions, huge ones (two of the largest make +Inf). */
const increment = fc.oneof(
  fc.constantFrom(0, 0.1, 1, 1e21, 123456789.125, 5e-324, Number.MAX_VALUE),
  fc.double({ min: 0, max: 1e9, noNaN: true }),
);

/** Observations: negative, fractions, huge (sums overflow to ±Inf), exact bucket bounds. */
const observation = fc.oneof(
  fc.constantFrom(0, -0, 0.5, 1, -1, 2.5, 1e-7, -Number.MAX_VALUE, Number.MAX_VALUE),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
);

/** Any double, NaN and ±Infinity included: what a prom-client Gauge may hold. */
export const anyNumber = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, -1.5, 1e21, 1e-7),
  fc.double(),
);

const buckets = fc
  .uniqueArray(fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double({ min: -10, max: 1e4, noNaN: true })), {
    minLength: 1,
    maxLength: 6,
    comparator: 'SameValueZero',
  })
  .map((bounds) => [...bounds].sort((a, b) => a - b));

/** Default labels of a registry, overlapping the series label names on purpose (and `le`). */
export const defaultLabels = fc.option(
  fc.dictionary(
    fc.constantFrom('env', 'adapter', 'le', 'service', 'constructor'),
    fc.oneof(trickyText, fc.integer({ min: -5, max: 5 })),
    { maxKeys: 3 },
  ),
  { nil: undefined },
);

type Kind = 'fastCounter' | 'fastGauge' | 'fastHistogram' | 'counter' | 'gauge' | 'histogram';

/** One registered metric, and the writes made to it. */
export interface FamilySpec {
  readonly kind: Kind;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly buckets: readonly number[];
  readonly writes: readonly { labelValues: string[]; value: number; op: 'write' | 'remove' | 'reset' }[];
}

const family: fc.Arbitrary<FamilySpec> = fc
  .record({
    kind: fc.constantFrom<Kind>(
      'fastCounter',
      'fastGauge',
      'fastHistogram',
      'fastHistogram',
      'counter',
      'gauge',
      'histogram',
    ),
    help: helpText,
    labelNames,
    buckets,
  })
  .chain((spec) => {
    const numbers =
      spec.kind === 'gauge' || spec.kind === 'fastGauge'
        ? anyNumber
        : spec.kind.endsWith('istogram')
          ? observation
          : increment;
    const write = fc.record({
      labelValues: fc.array(trickyText, {
        minLength: spec.labelNames.length,
        maxLength: spec.labelNames.length,
      }),
      value: numbers,
      // Removes and resets only on our cells: that is where cached prefixes could go stale.
      op: spec.kind.startsWith('fast')
        ? fc.constantFrom<'write' | 'remove' | 'reset'>('write', 'write', 'write', 'write', 'remove', 'reset')
        : fc.constant<'write'>('write'),
    });
    return fc.record({ ...mapValues(spec), writes: fc.array(write, { maxLength: 12 }) });
  });

function mapValues<T extends object>(spec: T): { [K in keyof T]: fc.Arbitrary<T[K]> } {
  return Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, fc.constant(v)])) as {
    [K in keyof T]: fc.Arbitrary<T[K]>;
  };
}

/** A registry's families, in registration order. */
export const families = fc.array(family, { minLength: 1, maxLength: 5 });

interface Writable {
  write(labelValues: string[], value: number): void;
  remove(labelValues: string[]): void;
  reset(): void;
}

function labelsOf(names: readonly string[], values: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name, i) => [name, values[i] ?? '']));
}

function register(registry: Registry, spec: FamilySpec, index: number): Writable {
  const base = { help: spec.help, labelNames: [...spec.labelNames], registers: [registry] };
  switch (spec.kind) {
    case 'fastCounter': {
      const m = new FastCounter({ ...base, name: `fast_${index}_total` });
      return {
        write: (values, n) => m.cell(...values).inc(n),
        remove: (values) => m.remove(...values),
        reset: () => m.reset(),
      };
    }
    case 'fastGauge': {
      const m = new FastGauge({ ...base, name: `fast_${index}_gauge` });
      return {
        write: (values, v) => m.cell(...values).set(v),
        remove: (values) => m.remove(...values),
        reset: () => m.reset(),
      };
    }
    case 'fastHistogram': {
      const m = new FastHistogram({ ...base, name: `fast_${index}_seconds`, buckets: spec.buckets });
      return {
        write: (values, v) => m.cell(...values).observe(v),
        remove: (values) => m.remove(...values),
        reset: () => m.reset(),
      };
    }
    case 'counter': {
      const m = new Counter({ ...base, name: `plain_${index}_total` });
      return { write: (values, n) => m.inc(labelsOf(spec.labelNames, values), n), remove() {}, reset() {} };
    }
    case 'gauge': {
      const m = new Gauge({ ...base, name: `plain_${index}` });
      return { write: (values, v) => m.set(labelsOf(spec.labelNames, values), v), remove() {}, reset() {} };
    }
    case 'histogram': {
      const m = new Histogram({ ...base, name: `plain_${index}_seconds`, buckets: [...spec.buckets] });
      return {
        write: (values, v) => m.observe(labelsOf(spec.labelNames, values), v),
        remove() {},
        reset() {},
      };
    }
  }
}

/** A registry with these families registered in order; `write(from, to)` applies their writes in that range. */
export function populate(specs: readonly FamilySpec[]): {
  registry: Registry;
  write(from: number, to: number): void;
} {
  const registry = new Registry();
  const metrics = specs.map((spec, i) => register(registry, spec, i));
  return {
    registry,
    write(from, to) {
      for (const [i, spec] of specs.entries()) {
        const metric = metrics[i]!;
        for (const w of spec.writes.slice(from, to)) {
          if (w.op === 'remove') metric.remove(w.labelValues);
          else if (w.op === 'reset') metric.reset();
          else metric.write(w.labelValues, w.value);
        }
      }
    },
  };
}
