import { z } from 'zod';

/** Circuit breaker thresholds (cockatiel's sampling breaker underneath). */
export const BreakerOptionsSchema = z
  .object({
    /** Failure share (in %) of the rolling window above which the breaker opens. */
    errorThresholdPercentage: z.number().min(0).max(100).default(50),
    /** Calls the rolling window needs before the error share can open the breaker. */
    volumeThreshold: z.number().int().min(0).default(5),
    /** How long the breaker stays open before letting one trial call through (half-open). */
    resetTimeoutMs: z.number().int().positive().default(30_000),
    /** Length of the rolling statistics window. */
    rollingCountTimeoutMs: z.number().int().positive().default(10_000),
    /** Buckets the rolling window is divided into (calls leave the window a bucket at a time). */
    rollingCountBuckets: z.number().int().positive().max(1000).default(10),
    /**
     * Breakers kept per voice: one per operation (method path) and model; beyond this many the
     * least recently used closed one is dropped.
     */
    maxBreakers: z.number().int().min(1).max(10_000).default(32),
  })
  .strict();

/** Circuit breaker thresholds, defaults applied. */
export type BreakerOptions = z.infer<typeof BreakerOptionsSchema>;
