import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { labelBookOf } from './LabelBook.js';
import { MetricConflictError } from './MetricConflictError.js';
import { CALL_OUTCOMES, METRIC_DEFINITIONS, metricName, type MetricKey } from './metricNames.js';
import { peekStateOn, stateOn } from './metricState.js';
import { runScrapeHooks } from './scrapeHooks.js';

/** The 18 metric families of DESIGN §8, registered in (or reused from) one registry. */
export interface MetricFamilies {
  /** `<prefix>adapter_calls_total`. */
  readonly calls: Counter;
  /** `<prefix>adapter_call_duration_seconds`. */
  readonly callDuration: Histogram;
  /** `<prefix>adapter_errors_total`. */
  readonly errors: Counter;
  /** `<prefix>adapter_retries_total`. */
  readonly retries: Counter;
  /** `<prefix>adapter_fallbacks_total`. */
  readonly fallbacks: Counter;
  /** `<prefix>stream_first_chunk_seconds`. */
  readonly firstChunk: Histogram;
  /** `<prefix>circuit_state`. */
  readonly circuitState: Gauge;
  /** `<prefix>circuit_transitions_total`. */
  readonly circuitTransitions: Counter;
  /** `<prefix>adapter_up`. */
  readonly up: Gauge;
  /** `<prefix>adapter_consecutive_failures`. */
  readonly consecutiveFailures: Gauge;
  /** `<prefix>adapter_response_time_p95_seconds`. */
  readonly responseTimeP95: Gauge;
  /** `<prefix>consciousness_coherence`. */
  readonly coherence: Gauge;
  /** `<prefix>voice_stability`. */
  readonly voiceStability: Gauge;
  /** `<prefix>predicted_failure_probability`. */
  readonly predictedFailure: Gauge;
  /** `<prefix>patterns_detected_total`. */
  readonly patternsDetected: Counter;
  /** `<prefix>pattern_active`. */
  readonly patternActive: Gauge;
  /** `<prefix>healing_actions_total`. */
  readonly healingActions: Counter;
  /** `<prefix>infrastructure_consciousness_score`. */
  readonly consciousnessScore: Gauge;
  /**
   * True when `calls` is derived from `callDuration`'s `_count` at scrape time, so the hot path
   * only observes the histogram; false when a foreign calls counter must be incremented directly.
   */
  readonly callsDerived: boolean;
}

const DERIVED_FROM = 'callsDerivedFrom';

// prom-client calls `collect` with the metric as `this`.
type Collect = (this: any) => void | Promise<void>;

type MetricConstructor = new (config: {
  name: string;
  help: string;
  labelNames: string[];
  registers: Registry[];
  buckets?: number[];
  collect?: Collect;
}) => Counter | Gauge | Histogram;

const CONSTRUCTORS: Record<'counter' | 'gauge' | 'histogram', MetricConstructor> = {
  counter: Counter,
  gauge: Gauge,
  histogram: Histogram,
};

function collectHooks(this: object): void {
  runScrapeHooks(this);
}

/**
 * calls_total{adapter,method,outcome} is by definition call_duration_seconds_count with the
 * same labels. Rebuilding it at scrape time saves a prom-client counter increment (~240 ns,
 * label hashing included) on every call. Methods seen but never called still get 0 series.
 */
async function collectDerivedCalls(this: Counter): Promise<void> {
  runScrapeHooks(this);
  const histogram = peekStateOn<Histogram>(this, DERIVED_FROM);
  if (histogram === undefined) return;
  const snapshot = await histogram.get();
  const countName = `${snapshot.name}_count`;
  this.reset();
  for (const [adapter, methods] of labelBookOf(this).methods) {
    for (const method of methods) {
      for (const outcome of CALL_OUTCOMES) this.inc({ adapter, method, outcome }, 0);
    }
  }
  for (const value of snapshot.values) {
    if (value.metricName === countName) this.inc(value.labels, value.value);
  }
}

function sameLabelSet(found: unknown, expected: readonly string[]): boolean {
  if (!Array.isArray(found) || found.length !== expected.length) return false;
  return expected.every((name) => found.includes(name));
}

function shapeOf(type: string, labelNames: readonly string[]): string {
  return `a ${type} with labels [${labelNames.join(', ')}]`;
}

/** The registered metric of that name when it has our type and label set; throws when it conflicts. */
function reusable(registry: Registry, name: string, key: MetricKey): object | undefined {
  const existing: unknown = registry.getSingleMetric(name);
  if (existing === undefined || existing === null) return undefined;
  const def = METRIC_DEFINITIONS[key];
  const found = existing as { type?: unknown; labelNames?: unknown };
  const labelNames = Array.isArray(found.labelNames) ? (found.labelNames as unknown[]).map(String) : [];
  if (found.type !== def.type || !sameLabelSet(found.labelNames, def.labelNames)) {
    throw new MetricConflictError(
      name,
      shapeOf(def.type, def.labelNames),
      shapeOf(String(found.type), labelNames),
    );
  }
  return existing;
}

function family(registry: Registry, prefix: string, key: MetricKey, collect: Collect = collectHooks): object {
  const name = metricName(prefix, key);
  const existing = reusable(registry, name, key);
  if (existing !== undefined) return existing;
  const def = METRIC_DEFINITIONS[key];
  const config = {
    name,
    help: def.help,
    labelNames: [...def.labelNames],
    registers: [registry],
    collect,
    ...('buckets' in def ? { buckets: [...def.buckets] } : {}),
  };
  return new CONSTRUCTORS[def.type](config);
}

/**
 * Registers the DESIGN §8 families in `registry` under `prefix`, reusing any already there with
 * the same type and labels (a second instance, or a second loaded copy of this library).
 * Throws MetricConflictError naming the metric when one exists with another type or label set.
 */
export function registerMetricFamilies(registry: Registry, prefix: string): MetricFamilies {
  const get = <T>(key: MetricKey): T => family(registry, prefix, key) as T;
  // Validate every name first so a conflict leaves nothing half-registered.
  for (const key of Object.keys(METRIC_DEFINITIONS) as MetricKey[]) {
    reusable(registry, metricName(prefix, key), key);
  }
  const callDuration = get<Histogram>('callDuration');
  const callsExisting = reusable(registry, metricName(prefix, 'calls'), 'calls');
  let calls: Counter;
  if (callsExisting === undefined) {
    calls = family(registry, prefix, 'calls', collectDerivedCalls) as Counter;
    stateOn(calls, DERIVED_FROM, () => callDuration);
  } else {
    calls = callsExisting as Counter;
  }
  return {
    calls,
    callDuration,
    errors: get('errors'),
    retries: get('retries'),
    fallbacks: get('fallbacks'),
    firstChunk: get('firstChunk'),
    circuitState: get('circuitState'),
    circuitTransitions: get('circuitTransitions'),
    up: get('up'),
    consecutiveFailures: get('consecutiveFailures'),
    responseTimeP95: get('responseTimeP95'),
    coherence: get('coherence'),
    voiceStability: get('voiceStability'),
    predictedFailure: get('predictedFailure'),
    patternsDetected: get('patternsDetected'),
    patternActive: get('patternActive'),
    healingActions: get('healingActions'),
    consciousnessScore: get('consciousnessScore'),
    callsDerived: peekStateOn<Histogram>(calls, DERIVED_FROM) === callDuration,
  };
}

/** Every family object, for attaching scrape hooks. */
export function familyList(families: MetricFamilies): object[] {
  return (Object.keys(METRIC_DEFINITIONS) as MetricKey[]).map((key) => families[key]);
}
