import { invalidOptions } from '../errors/invalidOptions.js';
import { EventEmitter } from 'node:events';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { systemClock, type Clock } from '../clock/Clock.js';
import type { AdapterHealthSignature } from '../health/AdapterHealthSignature.js';
import { createDefaultLogger, type ConsciousnessLogger } from '../logging/createLogger.js';
import { InfrastructureMetrics } from '../metrics/InfrastructureMetrics.js';
import type { MetricsSource } from '../metrics/MetricsSource.js';
import type { InfrastructureEvents } from './CallEvents.js';
import { Voice } from './Voice.js';
import { SharedBackoff } from '../healing/SharedBackoff.js';

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

/** Options of InfrastructureConsciousness. */
export const InfrastructureConsciousnessOptionsSchema = z
  .object({
    /** prom-client registry the metrics are registered in; prom-client's default registry when omitted. */
    registry: z
      .custom<Registry>(
        (v) => isObject(v) && typeof (v as { registerMetric?: unknown }).registerMetric === 'function',
        {
          message: 'expected a prom-client Registry',
        },
      )
      .optional(),
    /** Metric name prefix. */
    metricsPrefix: z
      .string()
      .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/)
      .default('fire_circle_'),
    /** A pino-compatible logger; a pino logger to stderr at level `warn` when omitted. */
    logger: z
      .custom<ConsciousnessLogger>(
        (v) => isObject(v) && ['info', 'warn', 'error'].every((m) => typeof (v as never)[m] === 'function'),
        { message: 'expected a pino-compatible logger' },
      )
      .optional(),
    /** Epoch-millisecond clock (tests inject one). */
    clock: z
      .custom<Clock>((v) => typeof v === 'function', { message: 'expected a function returning epoch ms' })
      .optional(),
  })
  .strict();

/** Options of InfrastructureConsciousness, as the caller writes them. */
export type InfrastructureConsciousnessOptions = z.input<typeof InfrastructureConsciousnessOptionsSchema>;

/**
 * The shared brain: one Voice (health signature, metric cells) per adapter; the wrapper reports
 * every attempt and call to it; metrics, /health and reports read from it.
 */
export class InfrastructureConsciousness extends EventEmitter<InfrastructureEvents> implements MetricsSource {
  /** The epoch-millisecond clock. */
  readonly clock: Clock;
  /** The logger (secrets never reach it: only classified, scrubbed fields are logged). */
  readonly logger: ConsciousnessLogger;
  /** The metric families. */
  readonly metrics: InfrastructureMetrics;
  /** One backoff schedule per category shared by all voices (resonance). */
  readonly sharedBackoff: SharedBackoff;
  private readonly voices = new Map<string, Voice>();
  private readonly learnedAliases = new Map<string, string>();

  constructor(options?: InfrastructureConsciousnessOptions) {
    super();
    const parsed = InfrastructureConsciousnessOptionsSchema.safeParse(options ?? {});
    if (!parsed.success) throw invalidOptions('InfrastructureConsciousness', parsed.error);
    const o = parsed.data;
    this.clock = o.clock ?? systemClock;
    this.logger = o.logger ?? createDefaultLogger();
    this.sharedBackoff = new SharedBackoff(this.clock);
    this.metrics = new InfrastructureMetrics({ registry: o.registry, prefix: o.metricsPrefix });
    this.metrics.onCollect(() => this.publishGauges());
  }

  /** The prom-client registry scraped at /metrics. */
  get registry(): Registry {
    return this.metrics.registry;
  }

  /** The Voice of an adapter, created on first use. */
  voice(name: string): Voice {
    let voice = this.voices.get(name);
    if (voice === undefined) {
      voice = new Voice(name, this, this.metrics, this.logger);
      this.voices.set(name, voice);
    }
    return voice;
  }

  /** Names of the voices seen so far. */
  get adapterNames(): string[] {
    return [...this.voices.keys()];
  }

  /** The current health signature of one adapter, or undefined for an unknown name. */
  getHealthSignature(name: string): AdapterHealthSignature | undefined {
    return this.voices.get(name)?.health.snapshot();
  }

  /** Current health signatures of every voice. */
  getHealthSignatures(): AdapterHealthSignature[] {
    return [...this.voices.values()].map((v) => v.health.snapshot());
  }

  /**
   * Feeds a consciousness signature recorded for a voice (by the metrics collector / bridge) into
   * that adapter's coherence and stability.
   */
  recordConsciousnessSignature(
    adapter: string,
    value: number,
    flags?: { synthesis?: boolean; uncertainty?: boolean },
  ): void {
    this.voice(adapter).health.recordConsciousnessSignature(value, flags);
  }

  /** Remembers that `method` of `adapter` is served by `alias` (so later calls go there directly). */
  learnAlias(adapter: string, method: string, alias: string): void {
    this.learnedAliases.set(`${adapter}\u0000${method}`, alias);
  }

  /** The alias learned for `method` of `adapter`, if any. */
  learnedAlias(adapter: string, method: string): string | undefined {
    return this.learnedAliases.get(`${adapter}\u0000${method}`);
  }

  private publishGauges(): void {
    for (const voice of this.voices.values()) voice.publishGauges();
  }
}
