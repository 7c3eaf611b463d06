import type { z } from 'zod';

/**
 * Validates a detector's or the engine's options once, at construction, throwing a TypeError that names every
 * offending option by its path (e.g. `DegradationDetector: invalid options.minSamples: ...`).
 */
export function parsePatternOptions<S extends z.ZodType>(
  owner: string,
  schema: S,
  options: unknown,
): z.output<S> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  const details = result.error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? `options.${issue.path.map(String).join('.')}` : 'options';
      return issue.code === 'unrecognized_keys'
        ? `${path}: unknown option(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : `${path}: ${issue.message}`;
    })
    .join('; ');
  throw new TypeError(`${owner}: invalid ${details}`);
}
