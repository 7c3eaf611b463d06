import type { z } from 'zod';
import type { MethodMetrics } from '../metrics/InfrastructureMetrics.js';
import type { MethodLatency } from './AttemptTimeout.js';
import type { DeadlineQueue } from './DeadlineQueue.js';

/** What the pipeline knows about one method path of one adapter; created once, reused per call. */
export interface MethodState {
  /** Label and fallback path: `sendMessage`, `chat.completions.create`. */
  readonly path: string;
  /** Property called on the owner object (differs from the last path segment once aliased). */
  key: string;
  /** Metric cells of `path`. */
  readonly cells: MethodMetrics;
  /** Schema a non-null result must satisfy, `true` for "must not be null", or undefined. */
  readonly schema: z.ZodType | true | undefined;
  /**
   * A cheap check run before `schema` (a built-in schema's plain-object fast path): true means
   * the schema accepts the value; false, or none, means zod decides.
   */
  readonly accepts: ((value: unknown) => boolean) | undefined;
  /** Schema of streamed chunks (checked on the first chunk). */
  readonly chunkSchema: z.ZodType | undefined;
  /** Contract methods are asynchronous even if an implementation throws synchronously. */
  readonly contractAsync: boolean;
  /** The alias serving this method when `key` is missing on the adapter. */
  alias: string | undefined;
  /** The method returns a stream synchronously (async generator): fallbacks must stream too. */
  syncStream: boolean;
  /** Last successful result (served by the `defensive_values` healing action on None returns). */
  lastGood: unknown;
  /** Whether a stale last-good value may stand in for this method (never for dialogue messages). */
  readonly defensiveOk: boolean;
  /**
   * Learned from the first call: sync methods are measured but never gated, retried or replaced;
   * `helper` methods return an SDK stream helper synchronously (observed, never replaced).
   */
  kind: 'unknown' | 'sync' | 'async' | 'helper';
  /**
   * The prototype of the rich promise the method returns (an SDK's APIPromise or PagePromise),
   * learned from its first call: a call held before its first attempt gets an object with its members.
   */
  richPrototype: object | undefined;
  /** The method's own successful latencies (its adaptive timeout). */
  readonly latency: MethodLatency;
  /**
   * The deadline queue of the method's attempt timeout as last computed (undefined: no timeout;
   * its `durationMs` is the timeout), the request model it was computed for, and when it is next
   * recomputed.
   */
  deadlines: DeadlineQueue | undefined;
  deadlinesModel: string | undefined;
  timeoutRefreshAt: number;
  /**
   * Attempts per call for a client that retries by itself: its configured `maxRetries + 1`
   * (undefined: the configured `retry.maxAttempts`).
   */
  readonly clientAttempts: number | undefined;
  /** Position of the SDK request-options parameter (-1: none, undefined: not read yet). */
  optionsIndex: number | undefined;
}
