import { z } from 'zod';

/**
 * The part of a ConsciousMessage a caller relies on: text content. Lenient on purpose (extra
 * fields pass through) — it detects broken responses, it does not police adapters' styles.
 */
export const ConsciousMessageShapeSchema = z.looseObject({
  content: z.looseObject({ text: z.string() }),
});

/** A health probe result: the original contract's `is_connected`, camelCase, or google's `connected`. */
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
