import { z } from 'zod';
import { ERROR_CATEGORIES, type ErrorCategory } from '../vocabulary/ErrorCategory.js';

/** What one instance tells the others every sync: the voices failing there now, with their category. */
export interface InstanceSummary {
  readonly instanceId: string;
  readonly failing: Readonly<Record<string, ErrorCategory>>;
}

/** The summary as stored (`failing` only; the instance id is the hash field). */
export const InstanceSummarySchema = z.object({ failing: z.record(z.string(), z.enum(ERROR_CATEGORIES)) });

/**
 * Failures that start on this machine and say nothing about the provider (DESIGN: they stay
 * local): a failed import, a method missing from this instance's SDK version, a request the
 * provider refused for its content, a caller's abort, our own breaker (and a failed DNS lookup,
 * by its error code: see {@link isSharedFailure}).
 */
const LOCAL_CATEGORIES: ReadonlySet<ErrorCategory> = new Set([
  'import_failure',
  'api_method_missing',
  'bad_request',
  'context_window',
  'content_policy',
  'aborted',
  'circuit_open',
]);

/**
 * Error codes of a failed name lookup: this machine's resolver (its network, its DNS settings), not
 * the provider — a `network` failure with one of them stays local too.
 */
const LOCAL_CODES: ReadonlySet<string> = new Set(['enotfound', 'eai_again', 'eai_fail', 'eai_noname']);

/**
 * True when a failure of this category (and error code) may be the provider's, so other
 * instances may see it too.
 */
export function isSharedFailure(
  category: ErrorCategory | undefined,
  code?: string,
): category is ErrorCategory {
  return (
    category !== undefined &&
    !LOCAL_CATEGORIES.has(category) &&
    (code === undefined || !LOCAL_CODES.has(code.toLowerCase()))
  );
}

/** Parses the instances hash (`[id, "<at>|<json>", …]`) into summaries with their time; malformed entries are skipped. */
export function parseInstanceSummaries(flat: readonly string[]): (InstanceSummary & { at: number })[] {
  const out: (InstanceSummary & { at: number })[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const value = String(flat[i + 1]);
    const bar = value.indexOf('|');
    try {
      const parsed = InstanceSummarySchema.safeParse(JSON.parse(value.slice(bar + 1)));
      if (parsed.success)
        out.push({
          instanceId: String(flat[i]),
          at: Number(value.slice(0, bar)),
          failing: parsed.data.failing,
        });
    } catch {
      // Not JSON: written by something else; ignored.
    }
  }
  return out;
}

/** A summary as published on the channel: every batch carries the sender's; `bye` when it closes. */
export const SummaryMessageSchema = z.object({
  kind: z.enum(['batch', 'bye']),
  from: z.string(),
  /** Epoch ms of the sender's clock when it sent the batch. */
  at: z.string().optional(),
  summary: InstanceSummarySchema.optional(),
  gen: z.number().optional(),
  /** Fleet-wide values of the healing fields the batch incremented. */
  healing: z.record(z.string(), z.number()).optional(),
  /** Patterns the batch appended (JSON texts, oldest first). */
  patterns: z.array(z.string()).optional(),
});

/** A batch or bye message. */
export type SummaryMessage = z.infer<typeof SummaryMessageSchema>;

/**
 * The other instances as this one knows them: their latest summary and when it was written (their
 * clock; instances are assumed to keep clocks in sync). Fed by published batches and by the
 * instances hash each heartbeat reads; an instance is live for `ttlMs` after its last summary.
 */
export class FleetView {
  private readonly peers = new Map<string, { at: number; failing: InstanceSummary['failing'] }>();

  constructor(private readonly ttlMs: number) {}

  /** A summary written at `at` (kept only when newer than the one known). */
  seen(instanceId: string, at: number, failing: InstanceSummary['failing']): void {
    const known = this.peers.get(instanceId);
    if (Number.isFinite(at) && (known === undefined || known.at <= at))
      this.peers.set(instanceId, { at, failing });
  }

  /** The instance closed. */
  gone(instanceId: string): void {
    this.peers.delete(instanceId);
  }

  /** The live instances' summaries at `now` (the stale are dropped), with `self`'s own first. */
  live(now: number, self: InstanceSummary): InstanceSummary[] {
    const out: InstanceSummary[] = [self];
    for (const [instanceId, { at, failing }] of this.peers) {
      if (instanceId === self.instanceId) continue;
      if (now - at > this.ttlMs) this.peers.delete(instanceId);
      else out.push({ instanceId, failing });
    }
    return out;
  }
}
