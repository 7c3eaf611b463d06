import { z } from 'zod';
import { ERROR_CATEGORIES } from '../vocabulary/ErrorCategory.js';
import { CIRCUIT_STATES } from '../vocabulary/CircuitState.js';
import { HEALING_ACTION_TYPES } from '../vocabulary/HealingActionType.js';

/** Circuit breaker states as reported in signatures and metrics. */
export const CircuitStateSchema = z.enum(CIRCUIT_STATES);

/** Overall status of a voice. */
export const AdapterStatusSchema = z.enum(['healthy', 'degraded', 'disconnected', 'recovering']);
/** Overall status of a voice. */
export type AdapterStatus = z.infer<typeof AdapterStatusSchema>;

/** Direction of a voice's health over its recent history. */
export const HealthTrendSchema = z.enum(['improving', 'stable', 'degrading']);
/** Direction of a voice's health over its recent history. */
export type HealthTrend = z.infer<typeof HealthTrendSchema>;

const probability = z.number().min(0).max(1);

/** A healing action as it appears in a signature (the full schema lives with the healer). */
export const HealingActionRefSchema = z.object({
  actionId: z.string(),
  actionType: z.enum(HEALING_ACTION_TYPES),
  initiatedAt: z.string(),
  reason: z.string(),
});

/** The live health signature of one adapter (docs/architecture.md, Health signature). */
export const AdapterHealthSignatureSchema = z.object({
  adapterId: z.string().min(1),
  /** ISO-8601 time of the snapshot. */
  timestamp: z.string(),
  status: AdapterStatusSchema,
  isConnected: z.boolean(),
  /** EWMA of call latency. */
  connectionLatencyMs: z.number().nonnegative(),
  /** Streaming estimate of the p95 latency. */
  responseTimeP95Ms: z.number().nonnegative(),
  /** ISO-8601 time of the last successful call, or null. */
  lastSuccessfulRequest: z.string().nullable(),
  consecutiveFailures: z.number().int().nonnegative(),
  totalCalls: z.number().int().nonnegative(),
  totalFailures: z.number().int().nonnegative(),
  /** Failure share of the recent window. */
  errorRate: probability,
  errorPatterns: z.partialRecord(z.enum(ERROR_CATEGORIES), z.number().int().nonnegative()),
  consciousnessCoherence: probability,
  voiceStability: probability,
  predictedFailureProbability: probability,
  circuitState: CircuitStateSchema,
  selfHealingActionsTaken: z.array(HealingActionRefSchema),
  trend: HealthTrendSchema,
});

/** The live health signature of one adapter (docs/architecture.md, Health signature). */
export type AdapterHealthSignature = z.infer<typeof AdapterHealthSignatureSchema>;

/** A healing action as it appears in a signature. */
export type HealingActionRef = z.infer<typeof HealingActionRefSchema>;
