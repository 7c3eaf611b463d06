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
 * provider refused for its content, a caller's abort, our own breaker.
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

/** True when a failure of this category may be the provider's, so other instances may see it too. */
export function isSharedFailure(category: ErrorCategory | undefined): category is ErrorCategory {
  return category !== undefined && !LOCAL_CATEGORIES.has(category);
}

/** Parses the instances hash (`[id, "<at>|<json>", …]`) into summaries; malformed entries are skipped. */
export function parseInstanceSummaries(flat: readonly string[]): InstanceSummary[] {
  const out: InstanceSummary[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const value = flat[i + 1]!;
    const bar = value.indexOf('|');
    try {
      const parsed = InstanceSummarySchema.safeParse(JSON.parse(value.slice(bar + 1)));
      if (parsed.success) out.push({ instanceId: flat[i]!, failing: parsed.data.failing });
    } catch {
      // Not JSON: written by something else; ignored.
    }
  }
  return out;
}
