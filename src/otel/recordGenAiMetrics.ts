import type { Attributes, Histogram, Meter, MeterProvider } from '@opentelemetry/api';
import type { OperationRecord } from '../usage/OperationRecord.js';

/** Instrumentation scope of the meter the bridge creates. */
export const GEN_AI_METER_NAME = 'infrastructure-consciousness';

/** Bucket boundaries the GenAI semantic conventions advise for `gen_ai.client.operation.duration` (s). */
export const OPERATION_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
]);

/** Bucket boundaries the GenAI semantic conventions advise for `gen_ai.client.token.usage`. */
export const TOKEN_USAGE_BUCKETS: readonly number[] = Object.freeze([
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
]);

/** What the bridge listens to: the brain's `operation` event. */
export interface OperationSource {
  on(event: 'operation', listener: (record: OperationRecord) => void): unknown;
  off(event: 'operation', listener: (record: OperationRecord) => void): unknown;
}

/** Where the bridge gets its meter: a meter, a meter provider, or (neither) the global provider. */
export interface GenAiMetricsOptions {
  /** The meter to create the instruments on. */
  readonly meter?: Meter;
  /** The provider to get the meter from (`infrastructure-consciousness`). */
  readonly meterProvider?: MeterProvider;
}

/** A running bridge. */
export interface GenAiMetricsBridge {
  /** Stops recording (the instruments stay with their meter). */
  stop(): void;
}

/** The GenAI semantic-convention attributes of one operation. */
export function genAiAttributes(record: OperationRecord): Attributes {
  const attributes: Attributes = {
    'gen_ai.operation.name': record.operation,
    'gen_ai.provider.name': record.provider ?? '_OTHER',
  };
  if (record.requestModel !== undefined) attributes['gen_ai.request.model'] = record.requestModel;
  if (record.responseModel !== undefined) attributes['gen_ai.response.model'] = record.responseModel;
  if (record.errorType !== undefined) attributes['error.type'] = record.errorType;
  return attributes;
}

function bridge(source: OperationSource, meter: Meter): GenAiMetricsBridge {
  const duration: Histogram = meter.createHistogram('gen_ai.client.operation.duration', {
    unit: 's',
    description: 'GenAI operation duration',
    advice: { explicitBucketBoundaries: [...OPERATION_DURATION_BUCKETS] },
  });
  const tokens: Histogram = meter.createHistogram('gen_ai.client.token.usage', {
    unit: '{token}',
    description: 'Number of input and output tokens used',
    advice: { explicitBucketBoundaries: [...TOKEN_USAGE_BUCKETS] },
  });
  const listener = (record: OperationRecord): void => {
    const attributes = genAiAttributes(record);
    duration.record(record.durationSeconds, attributes);
    const usage = record.usage;
    if (usage === undefined || record.errorType !== undefined) return;
    tokens.record(usage.input, { ...attributes, 'gen_ai.token.type': 'input' });
    tokens.record(usage.output, { ...attributes, 'gen_ai.token.type': 'output' });
  };
  source.on('operation', listener);
  return { stop: () => source.off('operation', listener) };
}

/**
 * Records every upstream operation of `infrastructure` as OpenTelemetry GenAI semantic-convention
 * metrics: `gen_ai.client.operation.duration` (s) and `gen_ai.client.token.usage` ({token}, with
 * `gen_ai.token.type` input / output), attributes `gen_ai.operation.name`, `gen_ai.provider.name`,
 * `gen_ai.request.model`, `gen_ai.response.model` and, on failures, `error.type` = the error
 * category. `@opentelemetry/api` is an optional peer dependency, imported only when neither a
 * meter nor a meter provider is given (the global provider is used then).
 */
export async function recordGenAiMetrics(
  infrastructure: OperationSource,
  options: GenAiMetricsOptions = {},
): Promise<GenAiMetricsBridge> {
  if (options.meter !== undefined) return bridge(infrastructure, options.meter);
  if (options.meterProvider !== undefined) {
    return bridge(infrastructure, options.meterProvider.getMeter(GEN_AI_METER_NAME));
  }
  const api = await import('@opentelemetry/api');
  return bridge(infrastructure, api.metrics.getMeter(GEN_AI_METER_NAME));
}
