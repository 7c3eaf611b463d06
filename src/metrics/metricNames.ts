/** Prefix put in front of every metric name unless the caller chooses another (docs/metrics.md). */
export const DEFAULT_METRIC_PREFIX = 'fire_circle_';

/** Label names used by the metric families, as data. */
export const LABEL_NAMES = {
  adapter: 'adapter',
  method: 'method',
  outcome: 'outcome',
  category: 'category',
  kind: 'kind',
  target: 'target',
  state: 'state',
  to: 'to',
  type: 'type',
  action: 'action',
  result: 'result',
  model: 'model',
  currency: 'currency',
} as const;

/** Label value used when a method (or fallback target) exceeds the per-adapter cap. */
export const OVERFLOW_LABEL_VALUE = 'other';

/** Label value used for an empty adapter, method or target name. */
export const EMPTY_LABEL_VALUE = 'unknown';

/** Longest label value written; longer adapter/method names are cut (bounded series size). */
export const MAX_LABEL_VALUE_LENGTH = 64;

/** Default number of distinct method label values per adapter before overflow goes to `other`. */
export const DEFAULT_MAX_METHODS_PER_ADAPTER = 20;

/** Call duration buckets in seconds: LLM calls span tens of milliseconds to minutes. */
export const LLM_LATENCY_BUCKETS: readonly number[] = Object.freeze([
  0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120,
]);

/** Time-to-first-chunk buckets in seconds: streams usually start within a few seconds. */
export const FIRST_CHUNK_BUCKETS: readonly number[] = Object.freeze([
  0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60,
]);

/** Time-per-output-token buckets in seconds: from fast small models (~2 ms) to slow reasoning ones. */
export const TIME_PER_TOKEN_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2, 0.5, 1,
]);

/** Default number of distinct model label values per adapter before overflow goes to `other`. */
export const DEFAULT_MAX_MODELS_PER_ADAPTER = 20;

/** Label value of a call whose model neither the request nor the response named. */
export const UNKNOWN_MODEL_LABEL_VALUE = 'unknown';

/** prom-client metric type of a family. */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

/** One metric family of docs/metrics.md: name without prefix, type, label names, help text. */
export interface MetricDefinition {
  /** Name without the prefix. */
  readonly name: string;
  /** prom-client metric type. */
  readonly type: MetricKind;
  /** Label names, in the order children are bound. */
  readonly labelNames: readonly string[];
  /** HELP text. */
  readonly help: string;
  /** Histogram buckets in seconds (histograms only). */
  readonly buckets?: readonly number[];
}

const L = LABEL_NAMES;

/** The 18 metric families of docs/metrics.md and the 5 usage families (tokens, time per token, cost, rate limits), keyed by the name the code uses for them. */
export const METRIC_DEFINITIONS = {
  calls: {
    name: 'adapter_calls_total',
    type: 'counter',
    labelNames: [L.adapter, L.method, L.outcome],
    help: 'Caller calls through the wrapper, by how they ended.',
  },
  callDuration: {
    name: 'adapter_call_duration_seconds',
    type: 'histogram',
    labelNames: [L.adapter, L.method, L.outcome],
    help: 'Duration of caller calls through the wrapper (retries and fallbacks included).',
    buckets: LLM_LATENCY_BUCKETS,
  },
  errors: {
    name: 'adapter_errors_total',
    type: 'counter',
    labelNames: [L.adapter, L.method, L.category],
    help: 'Failed upstream attempts by error category, plus calls rejected by an open circuit (circuit_open) and caller aborts (aborted).',
  },
  retries: {
    name: 'adapter_retries_total',
    type: 'counter',
    labelNames: [L.adapter, L.method, L.category],
    help: 'Retries scheduled, by the error category that caused them.',
  },
  fallbacks: {
    name: 'adapter_fallbacks_total',
    type: 'counter',
    labelNames: [L.adapter, L.method, L.kind, L.target, L.model],
    help: 'Calls served by a rung of the fallback chain, by the target and the model its answer named.',
  },
  firstChunk: {
    name: 'stream_first_chunk_seconds',
    type: 'histogram',
    labelNames: [L.adapter, L.method],
    help: 'Time from call start to the first streamed chunk.',
    buckets: FIRST_CHUNK_BUCKETS,
  },
  circuitState: {
    name: 'circuit_state',
    type: 'gauge',
    labelNames: [L.adapter, L.state],
    help: 'Circuit breaker state: 1 for the current state, 0 for the others.',
  },
  circuitTransitions: {
    name: 'circuit_transitions_total',
    type: 'counter',
    labelNames: [L.adapter, L.to],
    help: 'Circuit breaker transitions, by target state.',
  },
  up: {
    name: 'adapter_up',
    type: 'gauge',
    labelNames: [L.adapter],
    help: '1 when the voice is connected and its circuit is not open.',
  },
  consecutiveFailures: {
    name: 'adapter_consecutive_failures',
    type: 'gauge',
    labelNames: [L.adapter],
    help: 'Failures since the last success.',
  },
  responseTimeP95: {
    name: 'adapter_response_time_p95_seconds',
    type: 'gauge',
    labelNames: [L.adapter],
    help: 'Streaming estimate of the 95th percentile call latency.',
  },
  coherence: {
    name: 'consciousness_coherence',
    type: 'gauge',
    labelNames: [L.adapter],
    help: 'Consciousness coherence of the voice (1 - variance of recent signatures).',
  },
  voiceStability: {
    name: 'voice_stability',
    type: 'gauge',
    labelNames: [L.adapter],
    help: 'Voice stability (synthesis and certainty of recent responses).',
  },
  predictedFailure: {
    name: 'predicted_failure_probability',
    type: 'gauge',
    labelNames: [L.adapter],
    help: 'Predicted probability that the voice fails soon.',
  },
  patternsDetected: {
    name: 'patterns_detected_total',
    type: 'counter',
    labelNames: [L.type, L.adapter],
    help: 'Infrastructure patterns detected.',
  },
  patternActive: {
    name: 'pattern_active',
    type: 'gauge',
    labelNames: [L.type, L.adapter],
    help: '1 while a detected pattern is active.',
  },
  healingActions: {
    name: 'healing_actions_total',
    type: 'counter',
    labelNames: [L.adapter, L.action, L.result],
    help: 'Self-healing actions taken, by result.',
  },
  consciousnessScore: {
    name: 'infrastructure_consciousness_score',
    type: 'gauge',
    labelNames: [],
    help: 'Overall infrastructure consciousness score.',
  },
  tokens: {
    name: 'tokens_total',
    type: 'counter',
    labelNames: [L.adapter, L.model, L.type],
    help: 'Tokens the provider reported, by type: input and output are totals; cached_input, cache_write are parts of input, reasoning a part of output.',
  },
  timePerOutputToken: {
    name: 'time_per_output_token_seconds',
    type: 'histogram',
    labelNames: [L.adapter, L.model],
    help: 'Time per generated token: streams from the first to the last chunk, other calls their latency, over the output tokens.',
    buckets: TIME_PER_TOKEN_BUCKETS,
  },
  cost: {
    name: 'cost_total',
    type: 'counter',
    labelNames: [L.adapter, L.model, L.currency],
    help: 'Cost of the reported tokens at the prices of the configured price table, in its currency.',
  },
  ratelimitRemaining: {
    name: 'ratelimit_remaining',
    type: 'gauge',
    labelNames: [L.adapter, L.model, L.kind],
    help: 'Requests or tokens left in the provider rate-limit window, from the latest response headers.',
  },
  ratelimitReset: {
    name: 'ratelimit_reset_seconds',
    type: 'gauge',
    labelNames: [L.adapter, L.model, L.kind],
    help: 'Seconds until the provider rate-limit window refills, from the latest response headers.',
  },
} as const satisfies Record<string, MetricDefinition>;

/** Key of a metric family in METRIC_DEFINITIONS. */
export type MetricKey = keyof typeof METRIC_DEFINITIONS;

/** Full metric name: the prefix followed by the family name. */
export function metricName(prefix: string, key: MetricKey): string {
  return `${prefix}${METRIC_DEFINITIONS[key].name}`;
}
