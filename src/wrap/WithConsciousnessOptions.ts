import { z } from 'zod';
import type { Classifier } from '../classify/Classification.js';
import type { InfrastructureConsciousness } from '../consciousness/InfrastructureConsciousness.js';
import { invalidOptions } from '../errors/invalidOptions.js';
import type { ConsciousnessLogger } from '../logging/createLogger.js';
import { BreakerOptionsSchema } from '../resilience/BreakerOptions.js';
import { RetryOptionsSchema } from '../resilience/RetryOptions.js';
import type { FallbackValue } from './FallbackValue.js';
import { isObject } from '../base/isObject.js';
import type { SameType } from '../base/SameType.js';

/**
 * Options of `withConsciousness` as the caller writes them (defaults and rules: docs/options.md).
 * `T` is the wrapped adapter's type; it types `fallbackValue`.
 */
export interface WithConsciousnessOptions<T extends object = object> {
  /** Voice name used in metrics, logs and signatures; derived from the adapter when omitted. */
  name?: string;
  /** The shared brain to report to; the process-wide default instance when omitted. */
  infrastructure?: InfrastructureConsciousness;
  /** Adapters tried in order when the primary fails (those with an open breaker are skipped). */
  fallbacks?: readonly object[];
  /** Last resort before giving up: a result of one of the adapter's methods, or `(ctx) => result` (may be async). */
  fallbackValue?: FallbackValue<T>;
  /** Extra names to try when a method is missing: `{ sendMessage: ['send', 'complete'] }`. */
  methodAliases?: Readonly<Record<string, readonly string[]>>;
  /** Per-method response schemas; a result failing it is `invalid_response`, null is `api_return_none`. */
  responseSchemas?: Readonly<Record<string, ResponseSchema>>;
  /** Classifiers consulted before the built-in taxonomy. */
  classifiers?: readonly Classifier[];
  /** A pino-compatible logger (child loggers are derived from it). */
  logger?: ConsciousnessLogger;
  /** Retry thresholds. */
  retry?: RetryOptionsInput;
  /** Circuit breaker thresholds. */
  breaker?: BreakerOptionsInput;
  /** Per-attempt timeout in ms (time to the result, or to the first chunk of a stream); false disables it. */
  timeout?: number | false;
  /** The timeout learned from the voice's own successful latencies; false: always `timeout`. */
  adaptiveTimeout?: false | AdaptiveTimeoutInput;
  /**
   * For a loader: how long one load may take (ms) before it counts as `import_failure` and calls
   * go to the fallbacks / `fallbackValue` (the load is retried with backoff; an adapter the slow
   * load delivers later is still used). false: wait for the loader forever.
   */
  loadTimeout?: number | false;
  /**
   * Which objects the Fire Circle contract's schemas (sendMessage → ConsciousMessage, …) apply to:
   * `auto` — recognisable Fire Circle adapters and loaders; `firecircle` — always; `none` — never
   * (null/undefined detection and `responseSchemas` still apply). See docs/options.md.
   */
  contract?: 'auto' | 'firecircle' | 'none';
  /** Method paths never intercepted (called straight through). */
  exclude?: readonly string[];
}

/** The `retry` option as the caller writes it (defaults: docs/options.md). */
export interface RetryOptionsInput {
  /** Upstream attempts per caller call for categories retried "many" times, 1–20 (1 = no retry; default 3, or the SDK client's `maxRetries + 1`). */
  maxAttempts?: number;
  /** First backoff delay in ms (default 200). */
  initialDelayMs?: number;
  /** Largest backoff delay in ms (default 10 000). */
  maxDelayMs?: number;
  /** Largest Retry-After / retry-after-ms the wrapper will wait; longer requests go to fallbacks (default 30 000). */
  retryAfterCapMs?: number;
  /** Longest total wait before a call's retries while a healthy fallback could serve it now instead (default 500). */
  maxWaitWithFallbackMs?: number;
  /** Jitter of the exponential backoff (default `decorrelated`). */
  jitter?: 'decorrelated' | 'full' | 'none';
}

/** The `breaker` option as the caller writes it (defaults: docs/options.md). */
export interface BreakerOptionsInput {
  /** Failure share (in %) of the rolling window above which the breaker opens (default 50). */
  errorThresholdPercentage?: number;
  /** Calls the rolling window needs before the error share can open the breaker (default 5). */
  volumeThreshold?: number;
  /** How long the breaker stays open before letting one trial call through, in ms (default 30 000). */
  resetTimeoutMs?: number;
  /** Length of the rolling statistics window in ms (default 10 000). */
  rollingCountTimeoutMs?: number;
  /** Buckets the rolling window is divided into, at most 1000 (default 10). */
  rollingCountBuckets?: number;
  /** Breakers kept per voice (one per operation and model), 1–10 000 (default 32). */
  maxBreakers?: number;
}

/** Compile-time checks: each schema accepts exactly what its hand-written interface describes. */
const retryMatchesInterface: SameType<z.input<typeof RetryOptionsSchema>, RetryOptionsInput> = true;
const breakerMatchesInterface: SameType<z.input<typeof BreakerOptionsSchema>, BreakerOptionsInput> = true;
void retryMatchesInterface;
void breakerMatchesInterface;

/** A response schema: any zod schema (its `safeParse` is used), or `true` for "must not be null". */
export type ResponseSchema = z.ZodType | true;

/** The adaptive timeout's knobs as the caller writes them. */
export interface AdaptiveTimeoutInput {
  /** Multiplier of the p95 of successful latencies (default 4). */
  multiplier?: number;
  /** Least timeout in ms (default 30 000). */
  minMs?: number;
  /** Successes measured before it applies (default 20). */
  minSamples?: number;
}

const ResponseSchemaEntry = z.union([
  z.literal(true),
  z.custom<z.ZodType>((v) => isObject(v) && typeof (v as { safeParse?: unknown }).safeParse === 'function', {
    message: 'expected a zod schema or true',
  }),
]);

/** Validates `withConsciousness` options once, at wrap time (the interface above is what callers see). */
export const WithConsciousnessOptionsSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits and _ . : - only')
      .optional(),
    infrastructure: z
      .custom<InfrastructureConsciousness>(
        (v) => isObject(v) && typeof (v as { voice?: unknown }).voice === 'function',
        { message: 'expected an InfrastructureConsciousness instance' },
      )
      .optional(),
    fallbacks: z
      .array(z.custom<object>(isObject, { message: 'expected an adapter object' }))
      .readonly()
      .default([]),
    fallbackValue: z.unknown().optional(),
    methodAliases: z
      .record(z.string(), z.array(z.string().min(1)).readonly())
      .readonly()
      .default({}),
    responseSchemas: z.record(z.string(), ResponseSchemaEntry).readonly().default({}),
    classifiers: z
      .array(z.custom<Classifier>((v) => typeof v === 'function', { message: 'expected a function' }))
      .readonly()
      .default([]),
    logger: z
      .custom<ConsciousnessLogger>(
        (v) => isObject(v) && ['info', 'warn', 'error'].every((m) => typeof (v as never)[m] === 'function'),
        { message: 'expected a pino-compatible logger' },
      )
      .optional(),
    retry: RetryOptionsSchema.default(RetryOptionsSchema.parse({})),
    breaker: BreakerOptionsSchema.default(BreakerOptionsSchema.parse({})),
    timeout: z.union([z.number().int().positive(), z.literal(false)]).default(120_000),
    // multiplier × the p95 of successful latencies, at least minMs, at most `timeout`, once
    // minSamples successes are measured (whole seconds, refreshed every second).
    adaptiveTimeout: z
      .union([
        z.literal(false),
        z
          .object({
            multiplier: z.number().min(1).default(4),
            minMs: z.number().int().positive().default(30_000),
            minSamples: z.number().int().min(1).default(20),
          })
          .strict(),
      ])
      .default({ multiplier: 4, minMs: 30_000, minSamples: 20 }),
    loadTimeout: z.union([z.number().int().positive(), z.literal(false)]).default(30_000),
    contract: z.enum(['auto', 'firecircle', 'none']).default('auto'),
    exclude: z.array(z.string()).readonly().default([]),
  })
  .strict();

/** Compile-time check: the schema accepts exactly what the hand-written interface describes. */
const schemaMatchesInterface: SameType<
  z.input<typeof WithConsciousnessOptionsSchema>,
  WithConsciousnessOptions
> = true;
void schemaMatchesInterface;

/** Options of `withConsciousness` with defaults applied. */
export type ResolvedWithConsciousnessOptions = z.output<typeof WithConsciousnessOptionsSchema>;

/** Validates options, throwing a TypeError that names the offending option path. */
export function parseWithConsciousnessOptions(options: unknown): ResolvedWithConsciousnessOptions {
  const result = WithConsciousnessOptionsSchema.safeParse(options ?? {});
  if (!result.success) throw invalidOptions('withConsciousness', result.error);
  return result.data;
}
