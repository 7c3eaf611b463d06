import { z } from 'zod';

/**
 * The part of a ConsciousMessage a caller relies on: text content. Lenient on purpose (extra
 * fields pass through) — it detects broken responses, it does not police adapters' styles.
 */
export const ConsciousMessageShapeSchema = z.looseObject({
  content: z.looseObject({ text: z.string() }),
});

/** A health probe result: the Python contract's `is_connected`, camelCase, or google's `connected`. */
export const HealthCheckShapeSchema = z
  .looseObject({
    isConnected: z.boolean().optional(),
    is_connected: z.boolean().optional(),
    connected: z.boolean().optional(),
  })
  .refine((v) => v.isConnected !== undefined || v.is_connected !== undefined || v.connected !== undefined, {
    message: 'expected isConnected, is_connected or connected',
  });

/** A streamed chunk of the Fire Circle contract: text. */
export const StreamChunkSchema = z.string();

/** Built-in response schemas of the Fire Circle adapter contract, by method name (both spellings). */
export const CONTRACT_RESPONSE_SCHEMAS: Readonly<Record<string, z.ZodType>> = Object.freeze({
  sendMessage: ConsciousMessageShapeSchema,
  send_message: ConsciousMessageShapeSchema,
  checkHealth: HealthCheckShapeSchema,
  check_health: HealthCheckShapeSchema,
  connect: z.boolean(),
});

/** Built-in chunk schemas for streaming contract methods. */
export const CONTRACT_CHUNK_SCHEMAS: Readonly<Record<string, z.ZodType>> = Object.freeze({
  streamMessage: StreamChunkSchema,
  stream_message: StreamChunkSchema,
});

/** A plain object (`{}` literal or null prototype): the values the fast checks below accept. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks equivalent to a built-in schema for the values adapters return (plain objects), run on
 * every call before zod: true means the schema accepts the value; false means "ask zod" (which
 * rejects it with its issue list, or accepts a value outside the fast check's reach). zod's
 * safeParse was ~7 % of a wrapped sendMessage call's cost in the overhead benchmark's profile.
 */
const FAST_CHECKS = new Map<z.ZodType, (value: unknown) => boolean>([
  [
    ConsciousMessageShapeSchema,
    (v) => isPlainObject(v) && isPlainObject(v.content) && typeof v.content.text === 'string',
  ],
  [
    HealthCheckShapeSchema,
    (v) => {
      if (!isPlainObject(v)) return false;
      const flags = [v.isConnected, v.is_connected, v.connected];
      return (
        flags.some((f) => f !== undefined) && flags.every((f) => f === undefined || typeof f === 'boolean')
      );
    },
  ],
]);

/** The fast check of a built-in schema (undefined for other schemas: zod decides). */
export function fastCheckOf(schema: z.ZodType): ((value: unknown) => boolean) | undefined {
  return FAST_CHECKS.get(schema);
}

/** Contract methods that are asynchronous even when an implementation throws synchronously. */
export const CONTRACT_METHODS: ReadonlySet<string> = new Set([
  'connect',
  'disconnect',
  'sendMessage',
  'send_message',
  'streamMessage',
  'stream_message',
  'checkHealth',
  'check_health',
]);

/** Reads the connection flag of a health probe result in any of its spellings. */
export function healthFlag(result: unknown): boolean | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const r = result as { isConnected?: unknown; is_connected?: unknown; connected?: unknown };
  const flag = r.isConnected ?? r.is_connected ?? r.connected;
  return typeof flag === 'boolean' ? flag : undefined;
}
