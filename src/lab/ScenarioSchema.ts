import { z } from 'zod';
import { ScenarioError } from './ScenarioError.js';

/** The two wire formats the emulator speaks. */
export const ROUTES = ['openai', 'anthropic'] as const;
/** A provider route: `openai` (POST /v1/chat/completions) or `anthropic` (POST /v1/messages). */
export type Route = (typeof ROUTES)[number];

const rate = z.number().min(0).max(1).default(1).describe('share of matching requests hit, 0..1');
const millis = z.number().int().min(0);

/** Added latency before the response: fixed, ramping linearly from the phase start, or both (summed). */
export const LatencyFaultSchema = z
  .strictObject({
    kind: z.literal('latency'),
    fixedMs: millis.optional(),
    rampFromMs: millis.optional(),
    rampToMs: millis.optional(),
    rampOverMs: z.number().int().positive().optional(),
  })
  .superRefine((f, ctx) => {
    const ramp = [f.rampFromMs, f.rampToMs, f.rampOverMs];
    const given = ramp.filter((v) => v !== undefined).length;
    if (given !== 0 && given !== 3) {
      const missing = (['rampFromMs', 'rampToMs', 'rampOverMs'] as const).find((k) => f[k] === undefined);
      ctx.addIssue({
        code: 'custom',
        path: missing === undefined ? [] : [missing],
        message: 'rampFromMs, rampToMs and rampOverMs must be given together',
      });
    }
    if (given === 0 && f.fixedMs === undefined) {
      ctx.addIssue({ code: 'custom', path: ['fixedMs'], message: 'give fixedMs and/or a ramp' });
    }
  });

/** An HTTP error status in the provider's error format, optionally with Retry-After headers. */
export const StatusFaultSchema = z.strictObject({
  kind: z.literal('status'),
  code: z.number().int().min(400).max(599),
  rate,
  /** Sent as `retry-after` (seconds). */
  retryAfterS: z.number().min(0).optional(),
  /** Sent as `retry-after-ms`. */
  retryAfterMs: millis.optional(),
  /** Error message; a provider-typical one by default. */
  message: z.string().optional(),
});

/** The TCP connection is reset (RST) after the request is read, before any response. */
export const ResetFaultSchema = z.strictObject({ kind: z.literal('reset'), rate });

/** The request is held without an answer until the client gives up or the emulator closes. */
export const HangFaultSchema = z.strictObject({ kind: z.literal('hang'), rate });

/** A 200 response whose JSON (or one SSE event's JSON) is truncated. */
export const MalformedJsonFaultSchema = z.strictObject({ kind: z.literal('malformed_json'), rate });

/** The two API changes a schema_change fault can simulate. */
export const SCHEMA_CHANGES = ['null_content', 'renamed_field'] as const;

/** A 200 response with a changed shape: the text is null, or its field is renamed to `output_text`. */
export const SchemaChangeFaultSchema = z.strictObject({
  kind: z.literal('schema_change'),
  rate,
  change: z.enum(SCHEMA_CHANGES),
});

/** A streamed response whose connection is cut after `afterChunks` text deltas (streaming requests only). */
export const StreamCutFaultSchema = z.strictObject({
  kind: z.literal('stream_cut'),
  afterChunks: z.number().int().min(0),
  rate,
});

/** One scriptable fault, discriminated by `kind`. */
export const FaultSchema = z.discriminatedUnion('kind', [
  LatencyFaultSchema,
  StatusFaultSchema,
  ResetFaultSchema,
  HangFaultSchema,
  MalformedJsonFaultSchema,
  SchemaChangeFaultSchema,
  StreamCutFaultSchema,
]);

/** From `atMs` on, the faults of the routes/models it matches (later phases replace earlier ones). */
export const PhaseSchema = z.strictObject({
  atMs: millis,
  route: z.enum([...ROUTES, '*']).default('*'),
  /** Exact model id, or a glob where `*` matches anything (e.g. `claude-*`). */
  model: z.string().min(1).default('*'),
  /** Empty = recovery: the matched routes/models answer normally again. */
  faults: z.array(FaultSchema),
  note: z.string().optional(),
});

/** A fault scenario: a seeded timeline of phases, as stored in a JSON file. */
export const ScenarioSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    seed: z.number().int(),
    /** Length of the timeline; with `repeat` the timeline restarts every durationMs. */
    durationMs: z.number().int().positive().optional(),
    repeat: z.boolean().default(false),
    /** Per-minute budgets announced in the rate-limit headers of answered requests (per route and model). */
    rateLimits: z
      .strictObject({
        requestsPerMinute: z.number().int().positive(),
        tokensPerMinute: z.number().int().positive(),
      })
      .optional(),
    /** Models served by GET /v1/models; when given, other models get a 404. */
    models: z.array(z.string().min(1)).min(1).optional(),
    phases: z.array(PhaseSchema),
  })
  .superRefine((s, ctx) => {
    if (s.repeat && s.durationMs === undefined) {
      ctx.addIssue({ code: 'custom', path: ['durationMs'], message: 'repeat needs durationMs' });
    }
    s.phases.forEach((phase, i) => {
      if (s.repeat && s.durationMs !== undefined && phase.atMs >= s.durationMs) {
        ctx.addIssue({
          code: 'custom',
          path: ['phases', i, 'atMs'],
          message: `a repeating timeline restarts at durationMs (${s.durationMs}); this phase would never start`,
        });
      }
      const rates = phase.faults.flatMap((f) => (f.kind === 'latency' ? [] : [f.rate]));
      // A rate out of range has its own issue already; only sum rates that are each valid.
      if (rates.some((r) => !(r >= 0 && r <= 1))) return;
      const total = rates.reduce((sum, r) => sum + r, 0);
      if (total > 1 + 1e-9) {
        ctx.addIssue({
          code: 'custom',
          path: ['phases', i, 'faults'],
          message: `rates of the non-latency faults add up to ${Number(total.toFixed(6))}; at most 1 is allowed`,
        });
      }
    });
  });

/** A validated scenario (defaults applied). */
export type Scenario = z.output<typeof ScenarioSchema>;
/** A scenario as written in JSON (defaults optional). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** One validated phase. */
export type Phase = z.output<typeof PhaseSchema>;
/** One validated fault. */
export type Fault = z.output<typeof FaultSchema>;
/** The kind of a fault. */
export type FaultKind = Fault['kind'];
/** A fault that decides the outcome of a request (everything but latency). */
export type OutcomeFault = Exclude<Fault, { kind: 'latency' }>;
/** A latency fault. */
export type LatencyFault = Extract<Fault, { kind: 'latency' }>;
/** The change a schema_change fault makes. */
export type SchemaChange = (typeof SCHEMA_CHANGES)[number];

/** Validates `input` as a scenario; throws a ScenarioError naming every bad path (`source` names the file). */
export function parseScenario(input: unknown, source?: string): Scenario {
  const result = ScenarioSchema.safeParse(input);
  if (result.success) return result.data;
  throw ScenarioError.fromZod(result.error, source);
}
