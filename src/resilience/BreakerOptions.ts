import { z } from 'zod';

/** Circuit breaker thresholds (opossum underneath). */
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
    /** Buckets the rolling window is divided into. */
    rollingCountBuckets: z.number().int().positive().default(10),
  })
  .strict();

/** Circuit breaker thresholds, defaults applied. */
export type BreakerOptions = z.infer<typeof BreakerOptionsSchema>;
