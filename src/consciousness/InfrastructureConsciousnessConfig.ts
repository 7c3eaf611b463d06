import { z } from 'zod';

/**
 * The brain's configuration: the inherited fields and defaults (docs/options.md), camelCased, plus
 * what the inline design adds. Every field is read somewhere; docs/options.md says where.
 */
export const InfrastructureConsciousnessConfigSchema = z
  .object({
    /** Directory of pattern_memory.json and the state snapshots. */
    storagePath: z.string().min(1).default('infrastructure_consciousness'),
    /** Directory of the metrics collector's session analyses. */
    consciousnessMetricsPath: z.string().min(1).default('consciousness_metrics'),
    /** Interval of checkHealth() probes for voices without traffic. */
    checkIntervalMs: z.number().int().min(100).max(600_000).default(30_000),
    /** How long patterns stay in the active/recent view (reports, dedup after resolution). */
    patternWindowMs: z.number().int().positive().default(300_000),
    maxStateFiles: z.number().int().min(1).default(100),
    stateRetentionDays: z.number().positive().default(7),
    maxPatternMemorySize: z.number().int().min(1).default(10_000),
    patternsPerTypeLimit: z.number().int().min(1).default(100),
    /** Voices (adapter names) at most; further names share the overflow voice `other`. */
    maxVoices: z.number().int().min(1).default(200),
    /**
     * Method paths one voice tracks at most (metric cells, learned latencies, cached interceptors);
     * further methods are still called and protected, but share the voice's `other` method.
     */
    maxMethodsPerVoice: z.number().int().min(1).max(100_000).default(200),
    /** Learned method aliases kept (and persisted) at most; further ones are not remembered. */
    maxLearnedAliases: z.number().int().min(1).default(1_000),
    /** Health snapshots kept per adapter (report trends). */
    adapterHealthHistorySize: z.number().int().min(2).default(1000),
    /** Weight of (1 − coherence) in the heuristic failure probability. */
    consciousnessWeight: z.number().min(0).max(1).default(0.3),
    /** Samples the degradation rule looks back over. */
    degradationThreshold: z.number().int().min(2).default(5),
    /** Coherence drop that counts as degradation. */
    coherenceDegradationThreshold: z.number().min(0).max(1).default(0.2),
    /** Adapters failing together that make a resonance (default 3, or half the adapters when fewer than 6). */
    resonanceFailureThreshold: z.number().int().min(2).default(3),
    /** Window in which failures count as "together". */
    resonanceWindowMs: z.number().int().positive().default(30_000),
    /** How long after a healing action its outcome is measured. */
    healingActionTimeoutMs: z.number().int().positive().default(30_000),
    /** A probe that takes longer is a timeout failure. */
    monitorTaskTimeoutMs: z.number().int().positive().default(5_000),
    /** Pause of the probe loop after an unexpected error in the loop itself. */
    monitorErrorRecoveryDelayMs: z.number().int().min(0).default(5_000),
    /** Predicted failure probability above which calls are routed to a healthy fallback first. */
    predictiveRoutingThreshold: z.number().min(0).max(1).default(0.7),
    /** Share of calls still sent to a primary that is routed around, to notice its recovery. */
    probeShare: z.number().min(0).max(1).default(0.1),
    /**
     * Least time between two successful calls of one voice that the predictor and detectors
     * learn from (failures are always learned). 1 ms = up to 1000 learned successes per second
     * per voice: every call of real LLM traffic, a sample of a no-op benchmark loop. 0 = all.
     */
    learningIntervalMs: z.number().min(0).default(1),
    /**
     * Interval of pattern-memory saves while the process runs (0 = none periodic); memory is also saved when the
     * event loop empties and on SIGINT / SIGTERM / SIGHUP. Only with persistence on and a persistent store.
     */
    memorySaveIntervalMs: z.number().int().min(0).default(60_000),
    /** Interval of state snapshots while monitoring (0 = only at stop). */
    snapshotIntervalMs: z.number().int().min(0).default(300_000),
    enablePatternDetection: z.boolean().default(true),
    enablePrediction: z.boolean().default(true),
    enableSelfHealing: z.boolean().default(true),
    enablePersistence: z.boolean().default(true),
    /** Health → consciousness bridge weights (docs/architecture.md, Coherence feed). */
    bridge: z
      .object({
        connectedBase: z.number().default(0.5),
        disconnectedBase: z.number().default(0.1),
        coherenceWeight: z.number().default(0.3),
        stabilityWeight: z.number().default(0.2),
        failurePenalty: z.number().default(0.4),
        distressThreshold: z.number().min(0).max(1).default(0.5),
      })
      .strict()
      .default({
        connectedBase: 0.5,
        disconnectedBase: 0.1,
        coherenceWeight: 0.3,
        stabilityWeight: 0.2,
        failurePenalty: 0.4,
        distressThreshold: 0.5,
      }),
  })
  .strict();

/** Configuration as the caller writes it. */
export type InfrastructureConsciousnessConfigInput = z.input<typeof InfrastructureConsciousnessConfigSchema>;
/** Configuration with defaults applied. */
export type InfrastructureConsciousnessConfig = z.output<typeof InfrastructureConsciousnessConfigSchema>;

/** The inherited presets: dev (fast probes, short retention) and prod (slow probes, long retention). */
export const CONFIG_PRESETS = {
  dev: {
    checkIntervalMs: 5_000,
    patternWindowMs: 120_000,
    maxStateFiles: 20,
    stateRetentionDays: 1,
  },
  prod: {
    checkIntervalMs: 60_000,
    patternWindowMs: 600_000,
    maxStateFiles: 500,
    stateRetentionDays: 30,
    maxPatternMemorySize: 50_000,
  },
} as const satisfies Record<string, InfrastructureConsciousnessConfigInput>;
