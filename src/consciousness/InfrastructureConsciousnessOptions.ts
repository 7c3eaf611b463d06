import type { Registry } from 'prom-client';
import { z } from 'zod';
import { isObject } from '../base/isObject.js';
import { clockOptionProblem, type ClockOption } from '../clock/Scheduler.js';
import type { ConsciousnessLogger } from '../logging/createLogger.js';
import type { Store } from '../memory/Store.js';
import { SharedStateOptionsSchema, type SharedStateOptions } from '../scaleout/SharedStateOptions.js';
import { UsageOptionsSchema, type UsageOptionsInput } from '../usage/UsageOptions.js';
import type { SameType } from '../base/SameType.js';
import type { InfrastructureConsciousnessConfigInput } from './InfrastructureConsciousnessConfig.js';

/** Options of InfrastructureConsciousness. */
export const InfrastructureConsciousnessOptionsSchema = z
  .object({
    /** prom-client registry the metrics are registered in; prom-client's default registry when omitted. */
    registry: z
      .custom<Registry>((v) => isObject(v) && typeof v.registerMetric === 'function', {
        message: 'expected a prom-client Registry',
      })
      .optional(),
    /** Metric name prefix. */
    metricsPrefix: z
      .string()
      .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/)
      .default('fire_circle_'),
    /** A pino-compatible logger; a pino logger to stderr at level `warn` when omitted. */
    logger: z
      .custom<ConsciousnessLogger>(
        (v) => isObject(v) && ['info', 'warn', 'error'].every((m) => typeof v[m] === 'function'),
        { message: 'expected a pino-compatible logger' },
      )
      .optional(),
    /** Epoch-millisecond clock, or a clock object whose timers the library's timers run on (docs/options.md). */
    clock: z
      .custom<ClockOption>()
      .superRefine((v, ctx) => {
        const problem = clockOptionProblem(v);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    /** Uniform [0, 1) random source (healing policy draws); Math.random by default. */
    random: z
      .custom<() => number>((v) => typeof v === 'function', { message: 'expected a function' })
      .optional(),
    /** Presets (docs/options.md): `dev` (5 s probes, short retention) or `prod`; explicit config wins. */
    preset: z.enum(['dev', 'prod']).optional(),
    /** Thresholds, storage, enable flags (docs/options.md). */
    config: z.record(z.string(), z.unknown()).optional(),
    /** Token, cost and rate-limit metrics: `{ enabled, prices, maxModelsPerVoice }` (docs/options.md). */
    usage: UsageOptionsSchema.optional(),
    /** Where learning persists; a FileStore at `config.storagePath` by default (memory-only if persistence is off). */
    store: z
      .custom<Store>((v) => isObject(v) && typeof v.writeJson === 'function', {
        message: 'expected a Store',
      })
      .optional(),
    /** Provider state shared with the application's other instances through Redis (docs/scale-out.md). */
    shared: SharedStateOptionsSchema.optional(),
  })
  .strict();

/** Options of InfrastructureConsciousness, as the caller writes them (defaults: docs/options.md). */
export interface InfrastructureConsciousnessOptions {
  /** prom-client registry the metrics are registered in; prom-client's default registry when omitted. */
  registry?: Registry;
  /** Metric name prefix (default `fire_circle_`). */
  metricsPrefix?: string;
  /** A pino-compatible logger; a pino logger to stderr at level `warn` when omitted. */
  logger?: ConsciousnessLogger;
  /**
   * Epoch-millisecond clock: a function (the library's timers stay real), or an object with `now()`
   * and, to run the library's timers on it too (a virtual clock in tests), `setTimeout`,
   * `clearTimeout`, `setInterval` and `clearInterval`.
   */
  clock?: ClockOption;
  /** Uniform [0, 1) random source (healing policy draws); Math.random by default. */
  random?: () => number;
  /** `dev` (5 s probes, short retention) or `prod`; explicit config wins. */
  preset?: 'dev' | 'prod';
  /** Thresholds, storage, enable flags (docs/options.md); validated by InfrastructureConsciousnessConfigSchema. */
  config?: InfrastructureConsciousnessConfigInput;
  /** Token, cost and rate-limit metrics: `{ enabled, prices, maxModelsPerVoice }`. */
  usage?: UsageOptionsInput;
  /** Where learning persists; a FileStore at `config.storagePath` by default (memory-only if persistence is off). */
  store?: Store;
  /** Provider state shared with the application's other instances through Redis (docs/scale-out.md). */
  shared?: SharedStateOptions;
}

type SchemaInput = z.input<typeof InfrastructureConsciousnessOptionsSchema>;
/**
 * Compile-time check: the schema accepts exactly what the interface describes; `config` is a record
 * here and validated by InfrastructureConsciousnessConfigSchema, whose input type the interface uses.
 */
const schemaMatchesInterface: SameType<
  Omit<SchemaInput, 'config'>,
  Omit<InfrastructureConsciousnessOptions, 'config'>
> = true;
const configFitsSchema: InfrastructureConsciousnessOptions['config'] extends SchemaInput['config']
  ? true
  : false = true;
void schemaMatchesInterface;
void configFitsSchema;
