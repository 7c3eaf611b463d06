import { invalidOptions } from '../errors/invalidOptions.js';
import { z } from 'zod';
import type { Classifier } from '../classify/Classification.js';
import { BreakerOptionsSchema } from '../resilience/BreakerOptions.js';
import { RetryOptionsSchema } from '../resilience/RetryOptions.js';

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

/** A response schema: any zod schema (its `safeParse` is used), or `true` for "must not be null". */
const ResponseSchemaEntry = z.union([
  z.literal(true),
  z.custom<z.ZodType>((v) => isObject(v) && typeof (v as { safeParse?: unknown }).safeParse === 'function', {
    message: 'expected a zod schema or true',
  }),
]);

/** Options of `withConsciousness` (validated once, at wrap time). */
export const WithConsciousnessOptionsSchema = z
  .object({
    /** Voice name used in metrics, logs and signatures; derived from the adapter when omitted. */
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits and _ . : - only')
      .optional(),
    /** The shared brain to report to; the process-wide default instance when omitted. */
    infrastructure: z
      .custom<object>((v) => isObject(v) && typeof (v as { voice?: unknown }).voice === 'function', {
        message: 'expected an InfrastructureConsciousness instance',
      })
      .optional(),
    /** Adapters tried in order when the primary fails (those with an open breaker are skipped). */
    fallbacks: z.array(z.custom<object>(isObject, { message: 'expected an adapter object' })).default([]),
    /** Last resort before giving up: a value, or a function `(ctx) => value` (may be async). */
    fallbackValue: z.unknown().optional(),
    /** Extra names to try when a method is missing: `{ sendMessage: ['send', 'complete'] }`. */
    methodAliases: z.record(z.string(), z.array(z.string().min(1))).default({}),
    /** Per-method response schemas; a result failing it is `invalid_response`, null is `api_return_none`. */
    responseSchemas: z.record(z.string(), ResponseSchemaEntry).default({}),
    /** Classifiers consulted before the built-in taxonomy. */
    classifiers: z
      .array(z.custom<Classifier>((v) => typeof v === 'function', { message: 'expected a function' }))
      .default([]),
    /** A pino-compatible logger (child loggers are derived from it). */
    logger: z
      .custom<object>(
        (v) => isObject(v) && ['info', 'warn', 'error'].every((m) => typeof (v as never)[m] === 'function'),
        { message: 'expected a pino-compatible logger' },
      )
      .optional(),
    retry: RetryOptionsSchema.default(RetryOptionsSchema.parse({})),
    breaker: BreakerOptionsSchema.default(BreakerOptionsSchema.parse({})),
    /** Per-attempt timeout in ms (time to the result, or to the first chunk of a stream); false disables it. */
    timeout: z.union([z.number().int().positive(), z.literal(false)]).default(120_000),
    /**
     * The timeout learned from the voice's own successful latencies: multiplier × their p95, at
     * least minMs, at most `timeout`, once minSamples successes are measured (whole seconds,
     * refreshed every second). A hanging request ends long before `timeout` on a voice that
     * usually answers in seconds. false: always `timeout`.
     */
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
    /**
     * For a loader: how long one load may take (ms) before it counts as `import_failure` and calls
     * go to the fallbacks / `fallbackValue` (the load is retried with backoff; an adapter the slow
     * load delivers later is still used). false: wait for the loader forever.
     */
    loadTimeout: z.union([z.number().int().positive(), z.literal(false)]).default(30_000),
    /** Method paths never intercepted (called straight through). */
    exclude: z.array(z.string()).default([]),
  })
  .strict();

/** Options of `withConsciousness` as the caller writes them. */
export type WithConsciousnessOptions = z.input<typeof WithConsciousnessOptionsSchema>;
/** Options of `withConsciousness` with defaults applied. */
export type ResolvedWithConsciousnessOptions = z.output<typeof WithConsciousnessOptionsSchema>;

/** Validates options, throwing a TypeError that names the offending option path. */
export function parseWithConsciousnessOptions(options: unknown): ResolvedWithConsciousnessOptions {
  const result = WithConsciousnessOptionsSchema.safeParse(options ?? {});
  if (!result.success) throw invalidOptions('withConsciousness', result.error);
  return result.data;
}
