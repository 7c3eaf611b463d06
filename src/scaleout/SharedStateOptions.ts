import { z } from 'zod';
import type { RedisClientLike } from './RedisClientLike.js';

const isClient = (v: unknown): v is RedisClientLike =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { sendCommand?: unknown }).sendCommand === 'function' &&
  typeof (v as { duplicate?: unknown }).duplicate === 'function';

/** `shared` option of InfrastructureConsciousness: provider state shared by many instances through Redis. */
export const SharedStateOptionsSchema = z
  .object({
    /** A `redis://` / `rediss://` URL, or an existing node-redis client (not closed by us). */
    redis: z.union([
      z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL'),
      z.custom<RedisClientLike>(isClient, { message: 'expected a node-redis client' }),
    ]),
    /** Prefix of every key and channel, so several applications can share one Redis. */
    namespace: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only')
      .default('fire-circle'),
    /** This instance's name in summaries and fleet patterns; host name, pid and a random suffix by default. */
    instanceId: z
      .string()
      .regex(/^[^|\s]+$/, 'no spaces or |')
      .optional(),
    /** Live instances that must see a voice failing for it to count fleet-wide; a majority (at least 2) by default. */
    quorum: z.number().int().min(2).optional(),
    /**
     * Longest time a voice starting to fail here (or recovering while a fleet resonance names it)
     * waits before it is sent, and how often the fleet view is re-evaluated (ms; at most 1 s).
     * Cool-downs and facts are written at once; other changes of the summary, healing outcomes and
     * patterns go in place of the next refresh (`refreshIntervalMs`); other instances' writes
     * arrive by pub/sub and by the refresh.
     */
    syncIntervalMs: z.number().int().min(50).max(1_000).default(1_000),
    /**
     * Longest time between two reads of the fleet's shared state (the other instances' summaries,
     * the cool-downs, the generation of the shared facts) when pub/sub brought nothing: each round
     * with nothing to write sends one read-only script once this much passed since the last read
     * (a flush reads too). Costs one command per interval per instance (ms; at most 1 s).
     */
    refreshIntervalMs: z.number().int().min(50).max(1_000).default(1_000),
    /** Longest a Redis command may take before it counts as failed (ms). */
    commandTimeoutMs: z.number().int().min(10).max(10_000).default(250),
    /** How long an instance counts as live after its last summary (ms); it re-sends its summary every third of it. */
    instanceTtlMs: z.number().int().min(500).default(15_000),
    /** Cool-down shared after a 401/403 on a voice's key (ms). */
    authCooldownMs: z.number().int().min(0).default(60_000),
    /** TTL of shared facts (aliases), healing statistics and the pattern log (ms); renewed on every write. */
    factsTtlMs: z
      .number()
      .int()
      .min(60_000)
      .default(30 * 24 * 3_600_000),
  })
  .strict();

/** The `shared` option as the caller writes it. */
export type SharedStateOptions = z.input<typeof SharedStateOptionsSchema>;
/** The `shared` option with defaults applied. */
export type SharedStateConfig = z.output<typeof SharedStateOptionsSchema>;
