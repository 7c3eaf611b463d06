import { z } from 'zod';
import type { Clock } from '../../clock/Clock.js';
import { isObject } from '../../base/isObject.js';

const isFunction = (v: unknown): boolean => typeof v === 'function';

// Overrides have no defaults of their own: what is not given keeps the provider's value.
const CapabilityOverridesSchema = z.strictObject({
  supportsStreaming: z.boolean().optional(),
  supportsTools: z.boolean().optional(),
  supportsVision: z.boolean().optional(),
  maxContextLength: z.number().int().positive().optional(),
  capabilities: z.array(z.string()).optional(),
});

/** The environment an adapter reads keys and base URLs from (`process.env` by default). */
export type AdapterEnv = Readonly<Record<string, string | undefined>>;

/** Options shared by the SDK-backed adapters (validated once, at construction). */
export const SdkAdapterOptionsSchema = z.strictObject({
  /** API key; else the provider's environment variable. Never logged, reported or put in errors. */
  apiKey: z.string().min(1).optional(),
  /** API root; else the provider's base-URL environment variable, else its public endpoint. */
  baseURL: z.url().optional(),
  /** Model id; else the provider's default model. */
  model: z.string().min(1).optional(),
  /** Sender id of replies and `adapterId` of health results (default `<provider>/<model>`). */
  adapterId: z.string().min(1).optional(),
  /** Output token limit of a reply. */
  maxTokens: z.number().int().positive().optional(),
  /** Sampling temperature (sent only when given: some models accept only their default). */
  temperature: z.number().min(0).max(2).optional(),
  /** Per-request timeout of the SDK in ms (the SDK's own default when omitted). */
  timeoutMs: z.number().int().positive().optional(),
  /** Retries inside the SDK; 0 by default because `withConsciousness` retries, classifies and measures. */
  sdkMaxRetries: z.number().int().min(0).default(0),
  /** System prompt put before the dialogue's own system messages. */
  systemPrompt: z.string().optional(),
  /** Only the latest N dialogue-context messages are sent (all by default). */
  maxContextMessages: z.number().int().positive().optional(),
  /** The inherited `consciousness_weight`: multiplies the estimated signature (default 1). */
  consciousnessWeight: z.number().min(0).default(1),
  /** Overrides of the reported capabilities. */
  capabilities: CapabilityOverridesSchema.optional(),
  /** Environment to read instead of `process.env` (for tests and multi-tenant hosts). */
  env: z.custom<AdapterEnv>(isObject, { message: 'expected an object of environment variables' }).optional(),
  /** Imports the SDK module (default: a dynamic `import()` of the official package). */
  importSdk: z.custom<() => Promise<unknown>>(isFunction, { message: 'expected a function' }).optional(),
  /** Epoch-ms clock for reply timestamps. */
  clock: z.custom<Clock>(isFunction, { message: 'expected a function () => number' }).optional(),
  /** Id generator for replies (default: random UUIDs). */
  generateId: z.custom<() => string>(isFunction, { message: 'expected a function () => string' }).optional(),
});

/** An environment variable of `env`, an empty value read as unset. */
export function envValue(env: AdapterEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}
