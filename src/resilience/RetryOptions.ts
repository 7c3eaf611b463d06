import { z } from 'zod';

/** Retry thresholds (cockatiel's exponential backoff underneath). */
export const RetryOptionsSchema = z
  .object({
    /** Upstream attempts per caller call for categories retried "many" times (1 = no retry). */
    maxAttempts: z.number().int().min(1).max(20).default(3),
    /** First backoff delay. */
    initialDelayMs: z.number().min(0).default(200),
    /** Largest backoff delay. */
    maxDelayMs: z.number().min(0).default(10_000),
    /** Largest Retry-After / retry-after-ms the wrapper will wait; longer requests go to fallbacks. */
    retryAfterCapMs: z.number().min(0).default(30_000),
    /** Longest total wait before a call's retries while a healthy fallback could serve it now instead. */
    maxWaitWithFallbackMs: z.number().min(0).default(500),
    /** Jitter of the exponential backoff. */
    jitter: z.enum(['decorrelated', 'full', 'none']).default('decorrelated'),
  })
  .strict();

/** Retry thresholds, defaults applied. */
export type RetryOptions = z.infer<typeof RetryOptionsSchema>;
